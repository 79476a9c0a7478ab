/**
 * The results cache is keyed on the statistical inputs only (src/results/inputs.ts):
 * - every top-level spec key is classified as statistical or presentation-only;
 * - changing a presentation-only key (title, subtitle, authors, description, date, name, version,
 *   figures, output.dpi, output.paper, characteristics) keeps the key, and the results computed
 *   afresh (no cache) are byte-identical apart from `analysis` (name, title, version: the identity
 *   that withIdentity stamps on a cached entry), so reusing the entry cannot publish a stale number;
 * - changing a statistical key changes the key, and the results (so each one belongs in the key);
 * - a re-saved data file (other quoting, line ends, order of the count columns) keeps the key; a
 *   changed count does not.
 * The end-to-end side (a dpi-only re-run takes the statistics from the cache and writes the same
 * results.json) is in tests/e2e/cache-reuse.test.ts.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeResults } from '../../src/compile.ts';
import { resultsKey } from '../../src/output/cache.ts';
import { PRESENTATION_KEYS, STATISTICAL_KEYS, statisticalInputs } from '../../src/results/inputs.ts';
import type { AnalysisResults } from '../../src/results/types.ts';
import { loadAnalysis } from '../../src/run.ts';
import { AnalysisSpecSchema } from '../../src/spec/schema.ts';

const DATA = 'study,tp,fp,fn,tn,year,setting\nAlpha 2001,45,5,5,45,2001,hospital\nBeta 2003,30,8,10,52,2003,community\nGamma 2005,28,6,12,64,2005,hospital\nDelta 2007,60,15,9,80,2007,community\nEpsilon 2009,22,3,8,47,2009,hospital\nZeta 2011,51,12,6,71,2011,community\nEta 2013,37,9,13,90,2013,hospital\nTheta 2015,40,4,7,58,2015,community\n';
const QUADAS = 'study,patient_selection,index_test,reference_standard,flow_and_timing\nAlpha 2001,low,low,low,low\nBeta 2003,high,low,low,low\nGamma 2005,low,unclear,low,low\nDelta 2007,low,low,low,high\nEpsilon 2009,high,low,low,low\nZeta 2011,low,low,low,low\nEta 2013,low,low,unclear,low\nTheta 2015,high,low,low,low\n';
const CHARACTERISTICS = 'study,country\nAlpha 2001,Norway\nBeta 2003,Chile\n';

/** Every top-level key written, so a variant can change each one. */
const BASE: Record<string, string> = {
  title: 'title: Key test',
  subtitle: 'subtitle: A subtitle',
  authors: 'authors: [A. Author]',
  version: 'version: 1',
  // default: the folder name (each variant has its own folder); written by the variant below
  name: '',
  date: 'date: 2024-01-15',
  description: 'description: What this is',
  index_test: 'index_test: Test X',
  target_condition: 'target_condition: Condition Y',
  reference_standard: 'reference_standard: Standard Z',
  data: 'data:\n  file: data/d.csv\n  provenance: {status: simulated, note: Invented}',
  covariates: 'covariates:\n  setting: {label: Setting}\n  year: {label: Year, type: continuous}',
  model: 'model: {quadrature: 1}',
  subgroups: 'subgroups: [setting]',
  sensitivity: 'sensitivity: {leave_one_out: false, outliers: false}',
  fagan: 'fagan: {prior: 0.2}',
  findings: 'findings:\n  setting: Adults\n  prevalences: [{value: 0.1, label: Screening, source: illustrative}]',
  figures: 'figures: [sroc]',
  prisma: 'prisma: {records_identified: 100, studies_included: 8}',
  // the alternative to prisma: (one or the other); written by the variant below
  searches: '',
  quadas: 'quadas: {file: data/q.csv}',
  characteristics: 'characteristics: {file: data/c.csv}',
  published: 'published: {source: Somebody 2020, sens: {est: 0.8, lo: 0.7, hi: 0.9}}',
  output: 'output: {dpi: 72, paper: A4}',
};

const root = mkdtempSync(join(tmpdir(), 'metadx-results-key-'));
let counter = 0;

/** An analysis folder with the base spec, some keys replaced, and the data files. */
function folder(replace: Record<string, string> = {}, files: Record<string, string> = {}): string {
  const dir = join(root, `a${counter++}`);
  mkdirSync(join(dir, 'data'), { recursive: true });
  const spec = Object.entries({ ...BASE, ...replace }).map(([, text]) => text).filter((text) => text !== '').join('\n');
  writeFileSync(join(dir, 'analysis.yaml'), `${spec}\n`);
  const all = { 'data/d.csv': DATA, 'data/q.csv': QUADAS, 'data/c.csv': CHARACTERISTICS, ...files };
  for (const [path, content] of Object.entries(all)) writeFileSync(join(dir, path), content);
  return dir;
}

async function keyAndResults(dir: string): Promise<{ key: string; results: AnalysisResults }> {
  const loaded = await loadAnalysis(dir, dir);
  return { key: resultsKey(statisticalInputs(loaded.spec, loaded.data, loaded.quadas)), results: computeResults(loaded) };
}

/** results.json as written, without the identity that is stamped on after a cache lookup. */
const withoutIdentity = (results: AnalysisResults) => JSON.stringify({ ...results, analysis: null }, null, 2);

describe('which spec keys the results depend on', () => {
  it('every top-level key of the schema is classified, once', () => {
    const schemaKeys = Object.keys(AnalysisSpecSchema.shape).sort();
    const classified = [...PRESENTATION_KEYS, ...STATISTICAL_KEYS].sort();
    expect(classified, 'a key in both lists or in neither: decide whether it changes results.json').toEqual(schemaKeys);
    expect(new Set(classified).size).toBe(classified.length);
    // the fixture writes every key, so each variant below changes something that is there
    expect(Object.keys(BASE).sort()).toEqual(schemaKeys);
  });

  let base: { key: string; results: AnalysisResults };

  it('presentation-only changes keep the key and leave results.json identical but for its identity', async () => {
    base = await keyAndResults(folder());
    const variants: [string, Record<string, string>, Record<string, string>?][] = [
      ['title', { title: 'title: Another title' }],
      ['subtitle', { subtitle: 'subtitle: Another subtitle' }],
      ['subtitle removed', { subtitle: '' }],
      ['authors', { authors: 'authors: [B. Other, C. Third]' }],
      ['description', { description: 'description: Something else' }],
      ['date', { date: 'date: 2025-06-30' }],
      ['name', { name: 'name: renamed' }],
      ['version', { version: 'version: 7' }],
      ['figures', { figures: 'figures: [forest, deeks, fagan]' }],
      ['figures: default', { figures: '' }],
      ['output.dpi', { output: 'output: {dpi: 600, paper: A4}' }],
      ['output.paper', { output: 'output: {dpi: 72, paper: Letter}' }],
      ['characteristics columns', { characteristics: 'characteristics: {file: data/c.csv, columns: {country: Country of study}}' }],
      ['characteristics file content', {}, { 'data/c.csv': 'study,country,design\nAlpha 2001,Sweden,cohort\n' }],
      ['characteristics removed', { characteristics: '' }],
    ];
    for (const [what, replace, files] of variants) {
      const variant = await keyAndResults(folder(replace, files));
      expect(variant.key, `${what}: results key`).toBe(base.key);
      expect(withoutIdentity(variant.results), `${what}: results.json`).toBe(withoutIdentity(base.results));
    }
  }, 300_000);

  it('statistical changes change the key and the results', async () => {
    const variants: [string, Record<string, string>, Record<string, string>?][] = [
      ['index_test', { index_test: 'index_test: Test W' }],
      ['target_condition', { target_condition: 'target_condition: Condition V' }],
      ['reference_standard', { reference_standard: 'reference_standard: Standard U' }],
      ['data.provenance', { data: 'data:\n  file: data/d.csv\n  provenance: {status: real}' }],
      ['covariates', { covariates: 'covariates:\n  setting: {label: Care setting}\n  year: {label: Year, type: continuous}' }],
      ['model', { model: 'model: {quadrature: 1, level: 0.9}' }],
      ['subgroups', { subgroups: 'subgroups: []' }],
      ['sensitivity', { sensitivity: 'sensitivity: {leave_one_out: false, outliers: false, exclude: [Alpha 2001]}' }],
      ['fagan', { fagan: 'fagan: {prior: 0.3}' }],
      ['findings', { findings: 'findings:\n  setting: Children\n  prevalences: [{value: 0.1, label: Screening, source: illustrative}]' }],
      ['prisma', { prisma: 'prisma: {records_identified: 120, studies_included: 8}' }],
      ['searches', { prisma: '', searches: 'searches: [{date: 2020-01-01, records_identified: 100, studies_included: 8}]' }],
      ['quadas file content', {}, { 'data/q.csv': QUADAS.replace('Alpha 2001,low', 'Alpha 2001,high') }],
      ['published', { published: 'published: {source: Somebody 2020, sens: {est: 0.81, lo: 0.7, hi: 0.9}}' }],
      ['a count in the data', {}, { 'data/d.csv': DATA.replace('Alpha 2001,45', 'Alpha 2001,44') }],
    ];
    for (const [what, replace, files] of variants) {
      const variant = await keyAndResults(folder(replace, files));
      expect(variant.key, `${what}: results key`).not.toBe(base.key);
      expect(withoutIdentity(variant.results), `${what}: results.json`).not.toBe(withoutIdentity(base.results));
    }
  }, 300_000);

  it('a data file saved again in another form (quotes, CRLF, count columns reordered) keeps the key', async () => {
    const lines = DATA.trim().split('\n').map((line) => line.split(','));
    // the covariate columns keep their order: it is the order of results.json's covariates
    const resaved = lines.map(([study, tp, fp, fn, tn, year, setting]) => [`"${study}"`, tn, fn, fp, tp, year, `"${setting}"`].join(',')).join('\r\n');
    const loaded = await loadAnalysis(folder({}, { 'data/d.csv': `${resaved}\r\n` }), root);
    expect(resultsKey(statisticalInputs(loaded.spec, loaded.data, loaded.quadas))).toBe(base.key);
  });
});
