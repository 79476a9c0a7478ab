/**
 * End to end: spec → data → results → figures → HTML → PDF for the two shipped analyses (built once
 * per version of the code: tests/helpers/reports.ts), checked by structure with PDF.js (src/pdf/read.ts): page count, page
 * size, text, bookmarks, metadata and embedded fonts. PDFs are not compared by bytes here.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReport, loadAnalysis } from '../../src/run.ts';
import { openPdf, type PdfDocument } from '../helpers/pdf.ts';
import { builtReport } from '../helpers/reports.ts';

const root = join(import.meta.dirname, '..', '..');

describe.each([
  ['scheidler' as const, 17, 'Lymphangiography for lymph-node metastases in cervical cancer'],
  ['flagship' as const, 26, 'Diagnostic accuracy of deep learning in prediction of osteoporosis'],
])('npm run report: %s', (key, k, title) => {
  let directory: string;
  let doc: PdfDocument;
  let text: string;
  beforeAll(async () => {
    directory = await builtReport(key);
    doc = await openPdf(join(directory, 'supplement.pdf'));
    text = await doc.text();
  }, 900_000);

  it('writes the documented layout', () => {
    const outcome = { directory };
    for (const file of ['supplement.html', 'supplement.pdf', 'results.json', 'findings.csv', 'findings.docx', 'figures/forest-sensitivity.svg', 'figures/forest-sensitivity.png', 'figures/forest-sensitivity.vl.json', 'figures/forest-specificity.svg', 'figures/sroc.svg', 'figures/sroc.png']) {
      expect(existsSync(join(outcome.directory, file)), file).toBe(true);
    }
    const results = JSON.parse(readFileSync(join(outcome.directory, 'results.json'), 'utf8'));
    expect(results.k).toBe(k);
  });

  it('prints an A4 PDF with a title page, tables, the forest plot and page numbers', () => {
    const pages = doc.pages;
    expect(pages).toBeGreaterThanOrEqual(4);
    // A4 (210 × 297 mm = 595.3 × 841.9 pt), portrait or landscape
    for (const size of doc.pageSizes) {
      expect(Math.min(size.width, size.height)).toBeCloseTo(595.3, -0.5);
      expect(Math.max(size.width, size.height)).toBeCloseTo(841.9, -0.5);
    }
    expect(doc.info.Title).toBe(title);
    expect(text).toContain(title.slice(0, 40));
    expect(text).toContain('Figure 1.');
    expect(text).toContain('Forest plot of sensitivity');
    expect(text).toContain('Figure 2.');
    expect(text).toContain('Summary ROC curve');
    expect(text).toContain('Summary estimates of diagnostic accuracy');
    expect(text).toContain('Data provenance');
    expect(text).toMatch(new RegExp(`page ${pages} of ${pages}`));
  });

  it('has bookmarks for sections, figures and tables, and document metadata', () => {
    const titles = doc.outline.map((entry) => entry.title);
    expect(titles).toContain('Pooled diagnostic accuracy');
    expect(titles.some((t) => t.startsWith('Figure 1. '))).toBe(true);
    expect(titles.some((t) => t.startsWith('Table 1. '))).toBe(true);
    expect(titles.some((t) => /^Figure \d+\. Summary ROC curve\.$/.test(t))).toBe(true);
    expect(doc.info.Author).toMatch(/^metadx/);
    expect(doc.info.Keywords).toMatch(/^diagnostic test accuracy/);
    expect(doc.info.Creator).toMatch(/^metadx \d/);
  });

  it('exports every figure as SVG, PNG and CSV, and every SVG is a vector figure in the HTML', () => {
    const outcome = { directory };
    const html = readFileSync(join(outcome.directory, 'supplement.html'), 'utf8');
    const figureIds = [...html.matchAll(/<figure id="figure-([^"]+)">/g)].map((m) => m[1]!);
    expect(figureIds.length).toBeGreaterThanOrEqual(8);
    for (const id of figureIds) {
      for (const extension of ['svg', 'png', 'vl.json']) expect(existsSync(join(outcome.directory, 'figures', `${id}.${extension}`)), `${id}.${extension}`).toBe(true);
    }
    expect(existsSync(join(outcome.directory, 'figures', 'forest-sensitivity.csv'))).toBe(true);
    expect(html).not.toMatch(/<img\b/);
  });

  it('numbers figures and tables in order of appearance, without gaps', () => {
    for (const kind of ['Figure', 'Table']) {
      // a caption at the top of a page follows pdftotext's form feed
      const numbers = [...text.matchAll(new RegExp(`^\\f?${kind} (\\d+)\\. `, 'gm'))].map((m) => Number(m[1]));
      expect(numbers.length, kind).toBeGreaterThan(0);
      expect(numbers, `${kind} numbers in reading order`).toEqual(numbers.map((_, i) => i + 1));
    }
  });

  it('embeds only the shipped DejaVu fonts', async () => {
    const fonts = await doc.fonts();
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) {
      expect(font.name).toMatch(/^[A-Z]{6}\+DejaVu/); // a subset of a DejaVu font
      expect(font.embedded, font.name).toBe(true);
    }
  }, 60_000);
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
    // the summary of findings carries the banner too
    const findings = /<section class="chapter[^"]*" id="section-findings">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    expect(findings).toContain('PARTLY SIMULATED DATA');
    expect(findings).toContain('<table id="table-findings">');
    expect(html).not.toMatch(/NaN|undefined/);
  }, 60_000);
});
