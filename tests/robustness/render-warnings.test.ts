/**
 * Vega's compile and render warnings are surfaced, not dropped (issue 14, item 11): `metadx report`
 * prints each as a warning naming the figure (and lists it under diagnostics with --json); the
 * report is still written (exit 0). The warning is injected into renderFigureDeferred's result (the function the report's figures use), as the
 * shipped figures render without warnings (tests/figures: expectFigure asserts none).
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../src/figures/render.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/figures/render.ts')>();
  return {
    ...actual,
    renderFigureDeferred: async (...args: Parameters<typeof actual.renderFigureDeferred>) => {
      const rendered = await actual.renderFigureDeferred(...args);
      return args[1]?.id === 'forest' ? { ...rendered, warnings: [...rendered.warnings, 'warn: Infinite extent for field "x": [Infinity, -Infinity]'] } : rendered;
    },
  };
});

const { runCli, temporary, writeAnalysis } = await import('../helpers/versions.ts');
const env = { SOURCE_DATE_EPOCH: '1705276800' };
const expected = 'out/lag/1/figures/forest.vl.json: warning: figure forest: Vega reported: Infinite extent for field "x": [Infinity, -Infinity]\n    the figure was drawn but may not look as intended; check it, and please report the warning (the figure specifications are part of metadx)';

describe('Vega warnings', () => {
  it('are printed by metadx report, naming the figure (exit 0)', async () => {
    const work = temporary('render-warnings');
    writeAnalysis(join(work, 'lag'), { version: 1 });
    const { code, out, err } = await runCli(['report', 'lag', '--no-pdf', '--out', 'out'], work, env);
    expect(code).toBe(0);
    expect(out).toMatch(/^lag 1: wrote out\/lag\/1\//);
    expect(err).toBe(expected);
  }, 120_000);

  it('are listed under diagnostics with --json', async () => {
    const work = temporary('render-warnings');
    writeAnalysis(join(work, 'lag'), { version: 1 });
    const { code, out } = await runCli(['report', 'lag', '--no-pdf', '--out', 'out', '--json'], work, env);
    expect(code).toBe(0);
    expect(JSON.parse(out).analyses[0].diagnostics).toEqual([expect.objectContaining({ severity: 'warning', code: 'figure.render-warning', file: 'out/lag/1/figures/forest.vl.json' })]);
  }, 120_000);
});
