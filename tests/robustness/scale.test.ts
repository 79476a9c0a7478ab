/**
 * Scale: a seeded analysis of 2,000 studies (bench/scale.ts) gives a complete report — HTML,
 * figures, results and PDF — with the forest plots of sensitivity and of specificity split into
 * parts that each fit a page, across pages, within the CI time limit; wall time and peak memory of the report process are measured
 * (/usr/bin/time -v) and printed, as `npm run bench` does.
 *
 * The data have no publication-year column: with one, the cumulative meta-analysis by year refits
 * the model once per study (2,000 fits of up to 2,000 studies: ~140 s more; see `npm run bench`).
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScaleReport, writeScaleAnalysis, type ScaleRun } from '../../bench/scale.ts';
import { badTokens } from './report-checks.ts';
import { openPdf } from '../helpers/pdf.ts';

const K = 2000;
/** a part of a row-based figure fits one printed A4 page (src/figures/theme.ts FIGURE_MAX_HEIGHT) */
const MAX_PART_HEIGHT_PX = 900;
/** single-line rows of 16 px: at least this many fit a part */
const MIN_ROWS_PER_PART = 40;

describe(`a report of ${K} studies`, () => {
  const analysis = writeScaleAnalysis(K, { year: false });
  let parts = 0;
  let run: ScaleRun;
  let html = '';
  let text = '';
  let pages = 0;
  beforeAll(async () => {
    run = runScaleReport(analysis, { pdf: true, timeoutMs: 15 * 60_000 });
    console.log(`scale: k = ${K}: ${run.seconds.toFixed(1)} s wall, peak RSS ${run.peakMiB?.toFixed(0) ?? 'n/a'} MiB (report process)`);
    if (run.status !== 0) return;
    parts = readdirSync(join(run.directory, 'figures')).filter((f) => /^forest-sensitivity-\d+\.svg$/.test(f)).length;
    html = readFileSync(join(run.directory, 'supplement.html'), 'utf8');
    const pdf = join(run.directory, 'supplement.pdf');
    if (!existsSync(pdf)) return;
    const doc = await openPdf(pdf);
    pages = doc.pages;
    text = await doc.text();
  }, 16 * 60_000);
  afterAll(() => rmSync(analysis.cwd, { recursive: true, force: true }));

  it('is written completely (HTML, results, figures, PDF) within the time limit, in bounded memory', () => {
    expect(run.status, run.output.slice(-2000)).toBe(0);
    expect(run.seconds).toBeLessThan(600);
    // bounded: PNGs are rasterised in a recycled worker (src/figures/rasterize.ts), as resvg leaks native memory
    if (run.peakMiB !== null) expect(run.peakMiB, "peak RSS of the report process (MiB)").toBeLessThan(2048);
    expect(badTokens(html)).toEqual([]);
    for (const i of [1, 1000, K]) expect(html).toContain(`<td class="">Author ${i} (`);
    const results = JSON.parse(readFileSync(join(run.directory, 'results.json'), 'utf8')) as { k: number; pooled: { model: { converged: boolean } } };
    expect(results.k).toBe(K);
    expect(results.pooled.model.converged).toBe(true);
    expect(pages).toBeGreaterThan(parts);
    expect(text).toContain(`Author ${K} (`);
    expect(text).toMatch(new RegExp(`page ${pages} of ${pages}`));
  });

  it(`splits the forest plots of sensitivity and of specificity into parts that each fit a page (at most ${MAX_PART_HEIGHT_PX} px high)`, () => {
    for (const measure of ['sensitivity', 'specificity']) {
      const forest = readdirSync(join(run.directory, 'figures')).filter((f) => new RegExp(`^forest-${measure}-\\d+\\.svg$`).test(f));
      expect(forest).toHaveLength(parts);
      expect(parts).toBeLessThanOrEqual(Math.ceil(K / MIN_ROWS_PER_PART));
      for (const file of forest) expect(Number(/<svg[^>]*\sheight="([0-9.]+)"/.exec(readFileSync(join(run.directory, 'figures', file), 'utf8'))?.[1]), file).toBeLessThanOrEqual(MAX_PART_HEIGHT_PX);
      // every study is in exactly one part
      const seen = new Set<string>();
      for (let part = 1; part <= parts; part++) {
        const [header, ...rows] = readFileSync(join(run.directory, 'figures', `forest-${measure}-${part}.csv`), 'utf8').trim().split('\n');
        const column = header!.split(',').indexOf('number');
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) seen.add(row.split(',')[column]!);
      }
      expect(seen.size).toBe(K);
    }
  });

  it('shows every part of the forest plots in the supplement, one after another', () => {
    for (let part = 1; part <= parts; part++) {
      expect(html).toContain(`<figure id="figure-forest-sensitivity-${part}">`);
      expect(html).toContain(`<figure id="figure-forest-specificity-${part}">`);
    }
    expect(text).toContain(`(part ${parts} of ${parts})`);
  });
});
