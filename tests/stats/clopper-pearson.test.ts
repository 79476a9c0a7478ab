import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clopperPearson, studyProportions } from '../../src/stats/clopper-pearson.ts';
import { expectClose, referenceDatasets, referenceRows } from '../helpers/reference.ts';

const fixture = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures-r', 'clopper-pearson.json'), 'utf8'),
) as { rows: { source: string; x: number; n: number; level: number; lo: number; hi: number }[] };

const EXACT = { name: 'Clopper-Pearson limit vs R binom.test (1e-10 absolute)', abs: 1e-10 };

describe('clopperPearson vs R binom.test (tests/fixtures-r/clopper-pearson.R)', () => {
  it(`reproduces all ${fixture.rows.length} rows`, () => {
    for (const row of fixture.rows) {
      const r = clopperPearson(row.x, row.n, row.level);
      const ctx = `${row.source} x=${row.x} n=${row.n} level=${row.level}`;
      expectClose(`${ctx} lo`, r.lo ?? Number.NaN, row.lo, EXACT);
      expectClose(`${ctx} hi`, r.hi ?? Number.NaN, row.hi, EXACT);
    }
  });

  it('covers every study of every reference dataset', () => {
    for (const name of referenceDatasets()) {
      const rows = referenceRows(name);
      const sens = fixture.rows.filter((r) => r.source.startsWith(`${name}:sens:`));
      expect(sens.length, name).toBe(rows.filter((r) => r.tp + r.fn > 0).length);
    }
  });
});

describe('clopperPearson edge cases', () => {
  it('x = 0 and x = n give exact 0 and 1 limits', () => {
    expect(clopperPearson(0, 12).lo).toBe(0);
    expect(clopperPearson(12, 12).hi).toBe(1);
  });
  it('n = 0 is not estimable and NaN-free', () => {
    const r = clopperPearson(0, 0);
    expect(r.estimable).toBe(false);
    expect([r.est, r.lo, r.hi]).toEqual([null, null, null]);
    expect(r.notes[0]?.code).toBe('proportion_not_estimable');
    expect(JSON.stringify(r)).not.toContain('NaN');
  });
  it('rejects invalid input', () => {
    expect(() => clopperPearson(3, 2)).toThrow(RangeError);
    expect(() => clopperPearson(1.5, 4)).toThrow(RangeError);
    expect(() => clopperPearson(-1, 4)).toThrow(RangeError);
    expect(() => clopperPearson(1, 4, 1)).toThrow(RangeError);
  });
  it('studyProportions returns sens and spec per study', () => {
    const r = studyProportions([{ tp: 3, fn: 7, fp: 1, tn: 9 }]);
    expect(r.sens[0]?.est).toBeCloseTo(0.3, 15);
    expect(r.spec[0]?.est).toBeCloseTo(0.9, 15);
  });
});
