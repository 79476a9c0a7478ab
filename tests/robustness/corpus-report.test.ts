/**
 * The bad-input corpus, report cases: numerical faults (k = 1–3, non-convergence, perfect
 * separation, τ² = 0, ρ at −1, a subgroup with one study), Unicode study names and HTML injection.
 * Each is built with `metadx report <case> --no-pdf`; stderr, stdout and the exit code are
 * compared exactly, supplement.html must contain each line of expected-html.txt (the warnings that
 * say what happened) and must not contain "NaN", "Infinity" or "undefined".
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { badTokens, dangerousMarkup } from './report-checks.ts';
import { corpusCases, expectCaseGoldens, runCase } from './corpus-runner.ts';

const cases = corpusCases().filter((c) => c.command === 'report');

/** The HTML without one figure (for a defect confined to it; see known-issue.txt). */
function withoutFigure(html: string, id: string): string {
  return html.replace(new RegExp(`<figure id="figure-${id}">[\\s\\S]*?</figure>`), '');
}

describe('bad-input corpus: metadx report', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const outcome = await runCase(c);
      expectCaseGoldens(c, outcome);
      expect(outcome.code).toBe(0);
      expect(outcome.html, 'supplement.html was written').toBeDefined();
      const html = outcome.html!;
      expect(dangerousMarkup(html), 'markup from data or spec reached the HTML unescaped').toEqual([]);
      // known-issue.txt ("figure: <id>" and a description) confines a known defect to one figure
      const known = join(c.directory, 'known-issue.txt');
      const figure = existsSync(known) ? /^figure: (\S+)/.exec(readFileSync(known, 'utf8'))?.[1] : undefined;
      expect(badTokens(figure ? withoutFigure(html, figure) : html)).toEqual([]);
      const wanted = join(c.directory, 'expected-html.txt');
      expect(existsSync(wanted), `${c.name}: expected-html.txt is missing`).toBe(true);
      for (const line of readFileSync(wanted, 'utf8').split('\n').filter((l) => l.trim() !== '')) {
        expect(html, `${c.name}: supplement.html lacks ${JSON.stringify(line)}`).toContain(line);
      }
    }, 180_000);
  }
});
