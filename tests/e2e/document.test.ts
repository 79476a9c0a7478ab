/**
 * The document as the reader gets it — the assembled supplement.html and the printed PDF — not its
 * parts: every id unique (inlined SVGs share one id namespace), every figure in the PDF the same as
 * its standalone render, printed at 100 % with readable type, the contents with page numbers.
 * Reports are built once per version of the code (tests/helpers/reports.ts): both shipped analyses
 * and a 200-study one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareFigureInPdf, type FigureComparison } from '../helpers/figure-in-pdf.ts';
import { openPdf, rasterToPng, type PdfDocument, type PdfTextRun } from '../helpers/pdf.ts';
import { builtReport, type ReportKey } from '../helpers/reports.ts';

/** Minimum printed sizes (points) a journal accepts: body (median), table and figure text. */
const MIN_PT = { body: 9, table: 7.5, figure: 6.5 } as const;
/** A figure may differ from its standalone render by anti-aliasing only: share of ink. */
const MAX_INK_DIFFERENCE = 0.01;
/** A4 / Letter margins of src/pdf/print.ts (points) */
const MARGIN = { left: (16 / 25.4) * 72, right: (16 / 25.4) * 72, bottom: (18 / 25.4) * 72 };

interface Loaded {
  directory: string;
  html: string;
  pdf: PdfDocument;
  runs: PdfTextRun[];
  figures: { id: string; number: number }[];
  /** each figure as printed against its standalone render (computed on first use) */
  comparisons: () => Promise<FigureComparison[]>;
}

const cache = new Map<string, Promise<Loaded>>();
function load(key: ReportKey): Promise<Loaded> {
  let loaded = cache.get(key);
  if (!loaded) {
    loaded = (async () => {
      const directory = await builtReport(key);
      const html = readFileSync(join(directory, 'supplement.html'), 'utf8');
      const pdf = await openPdf(join(directory, 'supplement.pdf'));
      const figures = [...html.matchAll(/<figure id="figure-([^"]+)">[\s\S]*?Figure (\d+)\./g)].map((m) => ({ id: m[1]!, number: Number(m[2]) }));
      let comparisons: Promise<FigureComparison[]> | undefined;
      const compareAll = async (): Promise<FigureComparison[]> => {
        const out: FigureComparison[] = [];
        for (const figure of figures) out.push(await compareFigureInPdf(pdf, figure.number, figure.id, readFileSync(join(directory, 'figures', `${figure.id}.svg`), 'utf8'), MARGIN));
        return out;
      };
      return { directory, html, pdf, runs: await pdf.runs(), figures, comparisons: () => (comparisons ??= compareAll()) };
    })();
    cache.set(key, loaded);
  }
  return loaded;
}

/** The texts of every table cell and every SVG <text> of the HTML (entities decoded, spaces normalised). */
const decode = (s: string) => s.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`').replace(/\s+/g, ' ').trim();
function htmlTexts(html: string, pattern: RegExp): Set<string> {
  return new Set([...html.matchAll(pattern)].map((m) => decode(m[1]!)).filter((t) => t !== ''));
}

/**
 * Printed size classes: runs inside a figure's printed area; runs of table cells and table notes;
 * runs of body text (paragraphs, list items, settings); the rest (headings, captions).
 */
function classifyRuns(loaded: Loaded, comparisons: FigureComparison[]): { figure: PdfTextRun[]; table: PdfTextRun[]; body: PdfTextRun[]; other: PdfTextRun[] } {
  const html = loaded.html.replace(/<svg[\s\S]*?<\/svg>/g, '');
  const cells = [...htmlTexts(html, /<t[dh]\b[^>]*>([\s\S]*?)<\/t[dh]>/g), ...htmlTexts(html, /<p class="table-note">([\s\S]*?)<\/p>/g)];
  const paragraphs = [...htmlTexts(html, /<(?:p|li|dd|dt)>([\s\S]*?)<\/(?:p|li|dd|dt)>/g)];
  const out = { figure: [] as PdfTextRun[], table: [] as PdfTextRun[], body: [] as PdfTextRun[], other: [] as PdfTextRun[] };
  const areas = comparisons.map((c) => ({ page: c.page, ...c.area }));
  for (const run of loaded.runs) {
    const text = run.text.trim();
    if (text === '') continue;
    if (run.y > loaded.pdf.pageSizes[run.page - 1]!.height - MARGIN.bottom) continue; // running footer
    if (areas.some((a) => a.page === run.page && run.x >= a.x - 1 && run.x <= a.x + a.width + 1 && run.y >= a.y - 1 && run.y <= a.y + a.height + 1)) out.figure.push(run);
    // (text found in both a cell and a paragraph counts as table text: body text is larger, so
    // a misplaced run never lowers the table minimum, and short table fragments stay out of the body)
    else if (cells.some((cell) => cell.includes(text))) out.table.push(run);
    else if (paragraphs.some((paragraph) => paragraph.includes(text))) out.body.push(run);
    else out.other.push(run);
  }
  return out;
}

const minSize = (runs: PdfTextRun[]) => runs.reduce((min, r) => Math.min(min, r.size), Infinity);
function medianSize(runs: PdfTextRun[]): number {
  const sizes = runs.flatMap((r) => Array<number>(r.text.length).fill(r.size)).sort((a, b) => a - b);
  return sizes[Math.floor(sizes.length / 2)] ?? NaN;
}

describe.each(['flagship', 'scheidler', 'k200'] as const)('the assembled document: %s', (key) => {
  it('has no duplicate id, and every in-page reference points to an id of its own figure', async () => {
    const { html } = await load(key);
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    const duplicates = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
    expect(duplicates, 'ids defined more than once in supplement.html').toEqual([]);
    const defined = new Set(ids);
    for (const figure of html.matchAll(/<figure id="figure-([^"]+)">([\s\S]*?)<\/figure>/g)) {
      const references = [...figure[2]!.matchAll(/url\(#([^)]+)\)|href="#([^"]+)"/g)].map((m) => m[1] ?? m[2]!);
      for (const reference of references) {
        expect(defined.has(reference), `figure ${figure[1]} refers to #${reference}`).toBe(true);
        expect(reference.startsWith(`${figure[1]}--`), `figure ${figure[1]} refers to #${reference}, an id of another figure`).toBe(true);
      }
    }
  }, 900_000);

  it('prints every figure as its standalone render (no mark lost or added)', async () => {
    const loaded = await load(key);
    expect(loaded.figures.length).toBeGreaterThanOrEqual(5);
    const failures: string[] = [];
    for (const c of await loaded.comparisons()) {
      if (c.missing > MAX_INK_DIFFERENCE || c.extra > MAX_INK_DIFFERENCE) {
        failures.push(`${c.figure} (page ${c.page}): ${(c.missing * 100).toFixed(1)}% of its ink missing, ${(c.extra * 100).toFixed(1)}% extra`);
        writeFileSync(join(loaded.directory, `${c.figure}.printed.png`), await rasterToPng(c.printed));
        writeFileSync(join(loaded.directory, `${c.figure}.standalone.png`), await rasterToPng(c.standalone));
      }
    }
    expect(failures, `figures that differ from figures/<id>.svg as printed (PNGs written to ${loaded.directory})`).toEqual([]);
  }, 900_000);

  it(`prints at 100 %: body text ≥ ${MIN_PT.body} pt, table text ≥ ${MIN_PT.table} pt, figure text ≥ ${MIN_PT.figure} pt`, async () => {
    const loaded = await load(key);
    const comparisons = await loaded.comparisons();
    for (const c of comparisons) expect(c.scale, `${c.figure} printed at ${(c.scale * 100).toFixed(0)} %`).toBeCloseTo(1, 2);
    const { figure, table, body: bodyRuns, other } = classifyRuns(loaded, comparisons);
    const body = medianSize(bodyRuns);
    const small = (runs: PdfTextRun[], min: number) => [...new Set(runs.filter((r) => r.size < min - 0.05).map((r) => `"${r.text.trim().slice(0, 40)}" ${r.size.toFixed(2)} pt (page ${r.page})`))].slice(0, 8);
    console.log(`${key}: ${loaded.pdf.pages} pages; median body text ${body.toFixed(2)} pt; smallest table text ${minSize(table).toFixed(2)} pt; smallest figure text ${minSize(figure).toFixed(2)} pt; smallest other text ${minSize(other).toFixed(2)} pt`);
    expect(body, 'median body text (pt)').toBeGreaterThanOrEqual(MIN_PT.body);
    expect(small(table, MIN_PT.table), 'table text below the minimum').toEqual([]);
    expect(small(figure, MIN_PT.figure), 'figure text below the minimum').toEqual([]);
    expect(small([...bodyRuns, ...other], MIN_PT.table), 'captions, headings and notes below the table minimum').toEqual([]);
  }, 900_000);
});

describe.each(['flagship', 'scheidler'] as const)('the printed contents and pages: %s', (key) => {
  it('lists the page each section starts on, as the PDF bookmarks have it', async () => {
    const { pdf } = await load(key);
    const contentsPage = pdf.outline.find((e) => e.title === 'Contents')!.page;
    const lines = (await pdf.text(contentsPage)).split('\n');
    const listed = new Map(lines.flatMap((line) => { const m = /^\d+\.\s+(.*?)\s+(\d+)$/.exec(line.trim()); return m ? [[m[1]!, Number(m[2])] as [string, number]] : []; }));
    const sections = pdf.outline.filter((e) => e.depth === 1 && e.title !== 'Contents');
    expect(sections.length).toBeGreaterThan(8);
    for (const section of sections) expect(listed.get(section.title), `contents entry of "${section.title}"`).toBe(section.page);
  }, 900_000);

  it('prints each group of a table after its first on one page, and no group heading without its first row', async () => {
    const { html, pdf } = await load(key);
    // each table with groups: the start of its caption ("Table 9."), and each group: its heading, the
    // first word of each row's first cell (rows whose first cell is empty are not looked for) and
    // whether it is the table's first group
    const tables = [...html.replace(/<svg[\s\S]*?<\/svg>/g, '').matchAll(/<table id="[^"]+">([\s\S]*?)<\/table>/g)].map((table) => {
      const bodies = [...table[1]!.matchAll(/<tbody( class="grouped")?>([\s\S]*?)<\/tbody>/g)];
      const firstGrouped = bodies.findIndex((body) => body[1] !== undefined);
      return {
        caption: /<h4 class="caption-title">(Table \d+\.)/.exec(table[1]!)![1]!,
        groups: bodies.flatMap((body, index) =>
          body[1] === undefined ? [] : [{
            label: decode(/<tr class="group"><td[^>]*>([\s\S]*?)<\/td>/.exec(body[2]!)![1]!),
            rows: [...body[2]!.matchAll(/<tr(?: class="flag")?>\s*<td[^>]*>([\s\S]*?)<\/td>/g)].map((r) => decode(r[1]!).split(' ')[0]!).filter((word) => word !== ''),
            first: index === firstGrouped,
          }],
        ).filter((group) => group.label !== ''),
      };
    }).filter((table) => table.groups.length > 0);
    expect(tables.flatMap((t) => t.groups).filter((g) => !g.first).length, 'groups after the first of their table').toBeGreaterThanOrEqual(1);
    // the text of each page without its running footer
    const pages = (await pdf.text()).split('\f').map((page) => page.split('\n').map((line) => line.trim()).filter((line) => !/page \d+ of \d+$/.test(line)));
    for (const table of tables) {
      // from the table's caption on (text of a figure before it is not taken for the table's)
      let page = pages.findIndex((lines) => lines.some((l) => l.startsWith(table.caption)));
      expect(page, `caption "${table.caption}" in the PDF`).toBeGreaterThanOrEqual(0);
      let line = pages[page]!.findIndex((l) => l.startsWith(table.caption)) + 1;
      for (const group of table.groups) {
        expect(group.rows.length, `rows of group "${group.label}" with a first cell`).toBeGreaterThan(0);
        const isHeading = (l: string) => l.startsWith(group.label.slice(0, 40));
        while (page < pages.length && !pages[page]!.slice(line).some(isHeading)) { page++; line = 0; }
        expect(page, `group heading "${group.label}" of ${table.caption} in the PDF`).toBeLessThan(pages.length);
        line += pages[page]!.slice(line).findIndex(isHeading) + 1;
        // a table's first group may go on over the page, with its first row under its heading; any
        // other group is printed whole on one page
        for (const first of group.first ? group.rows.slice(0, 1) : group.rows) {
          const found = pages[page]!.slice(line).findIndex((l) => l === first || l.startsWith(`${first} `));
          expect(found, `row "${first}…" of group "${group.label}" (${table.caption}) on page ${page + 1}, the page of its heading`).toBeGreaterThanOrEqual(0);
          line += found + 1;
        }
      }
    }
  }, 900_000);

  it('prints no table caption or column headers alone at the foot of a page', async () => {
    const { html, pdf } = await load(key);
    // each table: the start of its caption ("Table 3.") and the first word of its first row's first
    // cell (the first row that is not a group heading)
    const tables = [...html.replace(/<svg[\s\S]*?<\/svg>/g, '').matchAll(/<table id="[^"]+">([\s\S]*?)<\/table>/g)].map((table) => ({
      caption: /<h4 class="caption-title">(Table \d+\.)/.exec(table[1]!)![1]!,
      first: decode(/<tr(?: class="flag")?>\s*<td[^>]*>([\s\S]*?)<\/td>/.exec(table[1]!.replace(/<thead>[\s\S]*?<\/thead>/, ''))?.[1] ?? '').split(' ')[0]!,
    })).filter((table) => table.first !== '');
    expect(tables.length, 'tables with a first cell').toBeGreaterThan(8);
    const pages = (await pdf.text()).split('\f').map((page) => page.split('\n').map((line) => line.trim()).filter((line) => !/page \d+ of \d+$/.test(line)));
    for (const table of tables) {
      const page = pages.findIndex((lines) => lines.some((l) => l.startsWith(table.caption)));
      expect(page, `caption "${table.caption}" in the PDF`).toBeGreaterThanOrEqual(0);
      const at = pages[page]!.findIndex((l) => l.startsWith(table.caption));
      expect(pages[page]!.slice(at + 1).some((l) => l === table.first || l.startsWith(`${table.first} `)), `first row ("${table.first}…") of ${table.caption} on page ${page + 1}, the page of its caption`).toBe(true);
    }
  }, 900_000);

  it('leaves few pages more than half empty', async () => {
    const loaded = await load(key);
    const comparisons = await loaded.comparisons();
    const usable = (page: number) => loaded.pdf.pageSizes[page - 1]!.height - MARGIN.bottom - (16 / 25.4) * 72;
    const bottom = new Map<number, number>();
    for (const run of loaded.runs) if (run.y <= loaded.pdf.pageSizes[run.page - 1]!.height - MARGIN.bottom) bottom.set(run.page, Math.max(bottom.get(run.page) ?? 0, run.y));
    for (const c of comparisons) bottom.set(c.page, Math.max(bottom.get(c.page) ?? 0, c.area.y + c.area.height));
    const top = (16 / 25.4) * 72;
    // the title page and the last page are exempt
    const halfEmpty = [...Array(loaded.pdf.pages).keys()].map((i) => i + 1).filter((page) => page > 1 && page < loaded.pdf.pages && ((bottom.get(page) ?? top) - top) / usable(page) < 0.5);
    console.log(`${key}: ${halfEmpty.length} of ${loaded.pdf.pages} pages more than half empty (pages ${halfEmpty.join(', ') || 'none'}; title and last page not counted)`);
    expect(halfEmpty.length / loaded.pdf.pages).toBeLessThanOrEqual(0.25);
  }, 900_000);
});

describe.each(['flagship', 'scheidler'] as const)('alt text: %s', (key) => {
  it('gives every figure alt text with its key numbers, in the HTML and as /Alt of a Figure in the tagged PDF', async () => {
    const { html, pdf } = await load(key);
    const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const alts = [...html.matchAll(/<svg role="img" aria-label="([^"]*)"/g)].map((m) => decode(m[1]!));
    const figures = [...html.matchAll(/<figure id="figure-/g)].length;
    expect(alts).toHaveLength(figures);
    for (const alt of alts) {
      expect(alt, 'alt text names numbers or counts').toMatch(/\d/);
      expect(alt).not.toMatch(/\[@|undefined|NaN/);
    }
    const inPdf: string[] = [];
    const walk = (node: { role?: string; alt?: string; children?: unknown[] } | null): void => {
      if (!node) return;
      if (node.role === 'Figure' && node.alt) inPdf.push(node.alt);
      for (const child of node.children ?? []) walk(child as typeof node);
    };
    for (let page = 1; page <= pdf.pages; page++) walk((await (await pdf.proxy.getPage(page)).getStructTree()) as never);
    for (const alt of alts) expect(inPdf, `a Figure with the alt text "${alt.slice(0, 60)}…" in the PDF structure`).toContain(alt);
  }, 900_000);
});
