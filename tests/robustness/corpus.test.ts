/**
 * The bad-input corpus, validate cases (tests/robustness/corpus/README.md lists them): exact
 * stderr, stdout and exit code through the command line; no stack traces; every error located and
 * with a hint. Report cases (numerical faults, Unicode, HTML injection) are in corpus-report.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { corpusCases, expectCaseGoldens, runCase } from './corpus-runner.ts';

const cases = corpusCases().filter((c) => c.command === 'validate');

describe('bad-input corpus: metadx validate', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(50));
  for (const c of cases) {
    it(c.name, async () => {
      const outcome = await runCase(c);
      expectCaseGoldens(c, outcome);
      // a case named ok-* is accepted; every other validate case is refused with exit 1
      expect(outcome.code).toBe(c.name.startsWith('ok-') ? 0 : 1);
      if (!c.name.startsWith('ok-')) {
        // `metadx report` refuses the same input with the same diagnostics and exit code
        const report = await runCase({ ...c, command: 'report' });
        expect(report.err).toBe(outcome.err.split('\n').filter((line) => !/: \d+ problems? found$/.test(line)).join('\n'));
        expect(report.code).toBe(outcome.code);
        expect(report.html).toBeUndefined();
      }
    });
  }
});

describe('nothing bypasses the captured output', () => {
  // src/output/plan.ts parses the spec with `logLevel: 'silent'`, so the yaml package writes no
  // "(node:…) [TAG_RESOLVE_FAILED] YAMLWarning: …" to stderr around metadx's own located message.
  it('report on a spec with a custom tag emits no process warning', async () => {
    const warnings: string[] = [];
    const listener = (warning: Error) => warnings.push(warning.message);
    process.on('warning', listener);
    try {
      const c = cases.find((entry) => entry.name === 'spec-custom-tag')!;
      await runCase({ ...c, command: 'report' });
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('warning', listener);
    }
    expect(warnings).toEqual([]);
  });
});
