/**
 * Expected numerical failures become notes the report shows; anything else surfaces (issue 14,
 * item 11). The results stage catches only NotEstimableError (src/stats/errors.ts): a statistic
 * the data do not support is null with a `not-estimable` note, shown in the supplement; a
 * programming error (any other exception) propagates instead of turning into a silent null.
 */
import { describe, expect, it, vi } from 'vitest';
import type { StudyData } from '../../src/data/studies.ts';
import { noteMessage } from '../../src/messages.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { NotEstimableError } from '../../src/stats/errors.ts';
import type { Counts } from '../../src/stats/types.ts';

const boxplotFault = vi.hoisted(() => ({ error: undefined as Error | undefined }));
vi.mock('../../src/stats/bivariate-boxplot.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/stats/bivariate-boxplot.ts')>();
  return {
    ...actual,
    bivariateBoxplot: (...args: Parameters<typeof actual.bivariateBoxplot>) => {
      if (boxplotFault.error) throw boxplotFault.error;
      return actual.bivariateBoxplot(...args);
    },
  };
});

const { analyze } = await import('../../src/results/analyze.ts');
const { influenceAnalysis } = await import('../../src/results/influence.ts');
const { poolStudies } = await import('../../src/results/pooled.ts');
const { buildDocumentView } = await import('../../src/document/view.ts');

const spec = (extra = '') => {
  const loaded = loadSpec(`title: T\nversion: 1\ndata:\n  file: d.csv\nsensitivity: {leave_one_out: false}\nfigures: [forest]\n${extra}`, 'a.yaml');
  expect(loaded.diagnostics).toEqual([]);
  return loaded.spec!;
};

/** Tables of identical size: every 1/√ESS is the same, so Deeks' regression has no slope to estimate. */
const sameSize: Counts[] = [
  { tp: 40, fp: 5, fn: 10, tn: 45 },
  { tp: 35, fp: 8, fn: 15, tn: 42 },
  { tp: 45, fp: 3, fn: 5, tn: 47 },
  { tp: 30, fp: 10, fn: 20, tn: 40 },
  { tp: 42, fp: 6, fn: 8, tn: 44 },
];
const data = (counts: Counts[]): StudyData => ({ file: 'd.csv', columns: [], covariates: [], studies: counts.map((c, i) => ({ label: `S${i + 1}`, row: i + 1, counts: c, covariates: {}, fields: {} })) });
const software = { metadx: 'x', engine: 'x', node: 'x', vega: 'x', vegaLite: 'x' };

describe("Deeks' test on tables of one size (rank-deficient regression)", () => {
  it('is not estimable, with the reason, and the publication-bias section says so', () => {
    const s = spec();
    const results = { ...analyze(s, data(sameSize), 'a'), cumulative: null, changes: null };
    // one effective sample size for every table: no slope to test (src/stats/deeks.ts)
    expect(results.deeks?.notEstimable).toBe('identical-ess');
    expect(results.deeks?.slopeP).toBeNaN();
    const note = results.deeks!.notes.find((n) => n.code === 'deeks_not_estimable')!;
    expect(noteMessage(note)).toMatch(/^Deeks' test is not estimable: every table has the same effective sample size/);
    const view = buildDocumentView({ spec: s, results, date: '2024-01-01', software, figures: [] });
    expect(JSON.stringify(view)).toContain("Deeks' test is not estimable: every table has the same effective sample size");
    expect(JSON.stringify(view)).not.toContain('suggests small-study effects');
  });

  it('with compat: midas, the compatibility table gives the reason in the row', () => {
    const s = spec('model: {compat: midas}\n');
    const results = analyze(s, data(sameSize), 'a');
    const row = results.midasCompatibility?.find((item) => item.id === 'deeks-p');
    expect(row).toMatchObject({ midas: null, correct: null, note: { code: 'deeks_not_estimable', detail: { reason: 'identical-ess' } } });
  });
});

describe('the catch blocks of the results stage', () => {
  const counts = sameSize;
  const options = { method: 'glmm', quadrature: 1, correction: 'single', correctionValue: 0.5, region: 'F', level: 0.95, aucCi: 'delta', bootstrap: 200, seed: 1 } as const;

  it('turn an expected failure into a note (bivariate box plot)', () => {
    const pooled = poolStudies(counts, options);
    boxplotFault.error = new NotEstimableError('the study logits do not vary');
    try {
      const influence = influenceAnalysis(counts, pooled, options, { leaveOneOut: false, outliers: true, exclude: [] });
      expect(influence.boxplot).toBeNull();
      expect(influence.notes.map(noteMessage)).toEqual(['the bivariate box plot (outliers) could not be computed for these data (the study logits do not vary)']);
    } finally {
      boxplotFault.error = undefined;
    }
  });

  it('let a programming error surface instead of a silent null', () => {
    const pooled = poolStudies(counts, options);
    boxplotFault.error = new TypeError("Cannot read properties of undefined (reading 'x')");
    try {
      expect(() => influenceAnalysis(counts, pooled, options, { leaveOneOut: false, outliers: true, exclude: [] })).toThrow(TypeError);
    } finally {
      boxplotFault.error = undefined;
    }
  });

  it('a RangeError that is not a NotEstimableError is a bug too', () => {
    const pooled = poolStudies(counts, options);
    boxplotFault.error = new RangeError('Invalid array length');
    try {
      expect(() => influenceAnalysis(counts, pooled, options, { leaveOneOut: false, outliers: true, exclude: [] })).toThrow('Invalid array length');
    } finally {
      boxplotFault.error = undefined;
    }
  });
});
