/**
 * `metadx fit --group COLUMN --structure …` on the flagship's data file, against lme4::glmer
 * (tests/fixtures-r/grouping.R → grouping.json: same tables), and its usage errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { expectClose } from '../helpers/reference.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fixture: any = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures-r', 'grouping.json'), 'utf8'));
const expected = fixture.datasets.osteoporosis_dl;
const file = join(import.meta.dirname, '..', 'fixtures-r', 'grouping-flagship.csv');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['fit', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), cwd: process.cwd(), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const LOGIT = { name: 'pooled logit vs glmer (1e-4 absolute)', abs: 1e-4 };

describe('metadx fit --group', () => {
  it('the data file holds the tables glmer was fitted to', () => {
    const rows = readFileSync(file, 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(rows.map((r) => [r[0], ...r.slice(2, 6).map(Number)])).toEqual(expected.tables.map((t: any) => [t.group, t.tp, t.fp, t.fn, t.tn]));
  });

  for (const structure of ['shared', 'nested'] as const) {
    it(`--structure ${structure} --quadrature 1 reproduces glmer`, async () => {
      const { code, out, err } = await run([file, '--group', 'study', '--label', '{study} {model}', '--structure', structure, '--quadrature', '1', '--json']);
      expect(code, err).toBe(0);
      const fit = JSON.parse(out);
      expect(fit).toMatchObject({ structure, k: expected.k, studies: expected.studies });
      expectClose(`${structure} logit sens`, fit.mu.sens, expected.fits[structure].fixef.sens, LOGIT);
      expectClose(`${structure} logit spec`, fit.mu.spec, expected.fits[structure].fixef.spec, LOGIT);
      expectClose(`${structure} logLik`, fit.logLik, expected.fits[structure].logLik, { name: 'logLik (1e-4 absolute)', abs: 1e-4 });
      if (structure === 'nested') expectClose('nested table-level tau2 sens', fit.levels.table.tau2.sens, expected.fits.nested.table.tau2_sens, { name: 'variance (1e-3 relative, floor 0.01)', rel: 1e-3, floor: 0.01 });
    });
  }

  it('--group without --structure fits the nested model; the text output names the structure', async () => {
    const { code, out } = await run([file, '--group', 'study', '--label', '{study} {model}', '--quadrature', '1']);
    expect(code).toBe(0);
    expect(out).toMatch(/Tables of one study: nested \(26 tables from 10 studies\)/);
    expect(out).toMatch(/within studies \(between tables\)/);
  });

  it('usage errors: a grouped structure without --group, an unknown structure, Reitsma with grouping', async () => {
    expect((await run([file, '--label', '{study} {model}', '--structure', 'shared'])).err).toMatch(/--structure shared groups the tables by study: give the study column with --group COLUMN/);
    expect((await run([file, '--group', 'study', '--structure', 'clustered'])).code).toBe(2);
    expect((await run([file, '--group', 'study', '--label', '{study} {model}', '--structure', 'nested', '--method', 'reitsma'])).err).toMatch(/needs --method glmm/);
  });
});
