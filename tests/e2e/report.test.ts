/**
 * End to end: spec → data → results → figures → HTML → PDF for the two shipped analyses, checked
 * by structure with poppler-utils (pdfinfo, pdftotext, pdffonts): page count, page size, text and
 * embedded fonts. PDFs are not compared by bytes here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReport, loadAnalysis, type ReportOutcome } from '../../src/run.ts';

const root = join(import.meta.dirname, '..', '..');
const poppler = (tool: string, args: string[]) => execFileSync(tool, args, { encoding: 'utf8' });

describe.each([
  ['scheidler-lymphangiography', 17, 'Lymphangiography for lymph-node metastases in cervical cancer'],
  ['osteoporosis-dl', 26, 'Diagnostic accuracy of deep learning in prediction of osteoporosis'],
])('npm run report: %s', (name, k, title) => {
  let outcome: ReportOutcome;
  let pdf: string;
  beforeAll(async () => {
    const outRoot = mkdtempSync(join(tmpdir(), 'metadx-e2e-'));
    const analysis = await loadAnalysis(join(root, 'analyses', name), root);
    outcome = await buildReport(analysis, { outRoot, pdf: true, env: process.env, log: () => undefined });
    pdf = join(outcome.directory, 'supplement.pdf');
  }, 180_000);

  it('writes the documented layout', () => {
    expect(outcome.pdfError).toBeUndefined();
    for (const file of ['supplement.html', 'supplement.pdf', 'results.json', 'figures/forest.svg', 'figures/forest.png', 'figures/forest.vl.json', 'figures/sroc.svg', 'figures/sroc.png']) {
      expect(existsSync(join(outcome.directory, file)), file).toBe(true);
    }
    const results = JSON.parse(readFileSync(join(outcome.directory, 'results.json'), 'utf8'));
    expect(results.k).toBe(k);
  });

  it('prints an A4 PDF with a title page, tables, the forest plot and page numbers', () => {
    const info = poppler('pdfinfo', [pdf]);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    expect(info).toContain(`Title:           ${title}`);
    const text = poppler('pdftotext', ['-layout', pdf, '-']);
    expect(text).toContain(title.slice(0, 40));
    expect(text).toContain('Figure 1.');
    expect(text).toContain('Paired forest plot of sensitivity and specificity');
    expect(text).toContain('Figure 2.');
    expect(text).toContain('Summary ROC curve');
    expect(text).toContain('Summary estimates of diagnostic accuracy');
    expect(text).toContain('Data provenance');
    expect(text).toMatch(new RegExp(`page ${pages} of ${pages}`));
  });

  it('has bookmarks for sections, figures and tables, and document metadata', () => {
    const bytes = readFileSync(pdf).toString('latin1');
    const titles = [...bytes.matchAll(/\/Title \(([^)]*)\)/g)].map((m) => m[1]!);
    expect(titles).toContain('Pooled diagnostic accuracy');
    expect(titles.some((t) => t.startsWith('Figure 1. '))).toBe(true);
    expect(titles.some((t) => t.startsWith('Table 1. '))).toBe(true);
    expect(titles.some((t) => /^Figure \d+\. Summary ROC curve\.$/.test(t))).toBe(true);
    const info = poppler('pdfinfo', [pdf]);
    expect(info).toMatch(/Author:\s+metadx/);
    expect(info).toMatch(/Keywords:\s+diagnostic test accuracy/);
    expect(info).toMatch(/Creator:\s+metadx \d/);
  });

  it('exports every figure as SVG, PNG and CSV, and every SVG is a vector figure in the HTML', () => {
    const html = readFileSync(join(outcome.directory, 'supplement.html'), 'utf8');
    const figureIds = [...html.matchAll(/<figure id="([^"]+)">/g)].map((m) => m[1]!);
    expect(figureIds.length).toBeGreaterThanOrEqual(8);
    for (const id of figureIds) {
      for (const extension of ['svg', 'png', 'vl.json']) expect(existsSync(join(outcome.directory, 'figures', `${id}.${extension}`)), `${id}.${extension}`).toBe(true);
    }
    expect(existsSync(join(outcome.directory, 'figures', 'forest.csv'))).toBe(true);
    expect(html).not.toMatch(/<img\b/);
  });

  it('numbers figures and tables in order of appearance, without gaps', () => {
    const text = poppler('pdftotext', [pdf, '-']);
    for (const kind of ['Figure', 'Table']) {
      // a caption at the top of a page follows pdftotext's form feed
      const numbers = [...text.matchAll(new RegExp(`^\\f?${kind} (\\d+)\\. `, 'gm'))].map((m) => Number(m[1]));
      expect(numbers.length, kind).toBeGreaterThan(0);
      expect(numbers, `${kind} numbers in reading order`).toEqual(numbers.map((_, i) => i + 1));
    }
  });

  it('embeds only the shipped DejaVu fonts', () => {
    const fonts = poppler('pdffonts', [pdf]).split('\n').slice(2).filter((l) => l.trim() !== '');
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) {
      expect(line).toMatch(/DejaVu/);
      expect(line).toMatch(/\byes\s+yes\s+yes\b/); // embedded, subset, unicode map
    }
  });
});

describe('provenance is visible', () => {
  it('marks the flagship as partly simulated on its title page and its simulated rows', async () => {
    const outRoot = mkdtempSync(join(tmpdir(), 'metadx-e2e-'));
    const analysis = await loadAnalysis(join(root, 'analyses', 'osteoporosis-dl'), root);
    const outcome = await buildReport(analysis, { outRoot, pdf: false, env: process.env, log: () => undefined });
    const html = readFileSync(join(outcome.directory, 'supplement.html'), 'utf8');
    expect(html).toContain('PARTLY SIMULATED DATA');
    const studiesTable = /<table id="table-studies">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    expect(studiesTable.match(/<tr class="flag">/g)?.length).toBe(20);
    expect(html).not.toMatch(/NaN|undefined/);
  }, 60_000);
});
