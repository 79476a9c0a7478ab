/**
 * Property: any data the loaders accept gives results and a supplement without "NaN", "Infinity"
 * or "undefined" in it. Random valid 2x2 tables (k = 1–12, with zero cells, perfect studies,
 * identical rows) and a two-level covariate go through the real data stage (CSV text →
 * loadStudyData), the statistics (analyze) and the document (buildDocumentView → renderHtml).
 * Figures are rendered for fixed edge cases in tests/robustness/numerical.test.ts (too slow here).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadStudyData } from '../../src/data/load.ts';
import { renderHtml } from '../../src/document/render.ts';
import { buildDocumentView } from '../../src/document/view.ts';
import { analyze } from '../../src/results/analyze.ts';
import { loadSpec } from '../../src/spec/load.ts';
import type { AnalysisSpec } from '../../src/spec/schema.ts';
import { badTokens } from '../robustness/report-checks.ts';

const count = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 40 }) },
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 500 }) },
);
interface Row { tp: number; fp: number; fn: number; tn: number; group: string; year: number }
/** Both arms non-empty, as the data stage requires. */
const nonEmptyArms = (r: Row): Row => ({ ...r, tp: r.tp + r.fn === 0 ? 1 : r.tp, tn: r.fp + r.tn === 0 ? 1 : r.tn });
const row = fc.record({ tp: count, fp: count, fn: count, tn: count, group: fc.constantFrom('a', 'b'), year: fc.integer({ min: 1990, max: 2024 }) });
const rows = fc
  .oneof(
    { weight: 4, arbitrary: fc.array(row, { minLength: 1, maxLength: 12 }) },
    { weight: 1, arbitrary: fc.tuple(row, fc.integer({ min: 1, max: 8 })).map(([r, k]) => Array.from({ length: k }, (_, i) => ({ ...r, group: i % 2 ? 'a' : 'b' }))) },
    { weight: 1, arbitrary: fc.array(row.map((r) => ({ ...r, fn: 0, fp: 0 })), { minLength: 1, maxLength: 8 }) },
  )
  .map((table) => table.map(nonEmptyArms));

const SPEC = `title: Property
version: 1
date: 2024-01-01
data: {file: data.csv}
covariates:
  group: {label: Group, levels: {a: Group A, b: Group B}}
`;

describe('report text for any accepted data', () => {
  it.each(['glmm', 'reitsma'] as const)('%s: no NaN, Infinity or undefined in the supplement', async (method) => {
    const loaded = loadSpec(SPEC, 'analysis.yaml');
    expect(loaded.diagnostics).toEqual([]);
    // subgroups only with the GLMM: the Reitsma meta-regression throws for k < 4 (known, see
    // tests/robustness/numerical.test.ts 'known: Reitsma meta-regression ...')
    const spec: AnalysisSpec = { ...loaded.spec!, model: { ...loaded.spec!.model, method, bootstrap: 10 }, subgroups: method === 'glmm' ? ['group'] : [] };
    await fc.assert(
      fc.asyncProperty(rows, async (table) => {
        const csv = `study,tp,fp,fn,tn,group,year\n${table.map((r, i) => `S${i + 1},${r.tp},${r.fp},${r.fn},${r.tn},${r.group},${r.year}`).join('\n')}\n`;
        const data = await loadStudyData(new TextEncoder().encode(csv), { file: 'data.csv', spec });
        expect(data.diagnostics).toEqual([]);
        const results = analyze(spec, data.data!, 'property');
        expect(() => JSON.stringify(results)).not.toThrow();
        const html = renderHtml(
          buildDocumentView({ spec, results, figures: [], date: '2024-01-01', software: { metadx: '0', engine: '0', node: '20', vega: '6', vegaLite: '6' } }),
        );
        expect(badTokens(html), csv).toEqual([]);
      }),
      { seed: method === 'glmm' ? 424242 : 777, numRuns: Number(process.env.PROPERTY_RUNS ?? 40) },
    );
  }, 300_000);
});
