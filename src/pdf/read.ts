/**
 * Reading a printed PDF back (Mozilla's PDF.js, `pdfjs-dist`): pages and sizes, the outline
 * (bookmarks) with the page and height each entry points to, the Info dictionary, the text with its
 * position and printed size, and the fonts. The report uses the outline to put page numbers in the
 * contents; the tests use all of it to check the document as printed (no poppler needed).
 *
 * Coordinates are in PDF points (1/72 in) with y measured from the top of the page.
 */
import type { PDFDocumentProxy } from 'pdfjs-dist/types/src/display/api.js';

export interface PdfOutlineEntry {
  title: string;
  /** 1-based page number */
  page: number;
  /** distance of the destination from the top of the page, in points */
  top: number;
  /** 0 for top-level entries */
  depth: number;
}

export interface PdfTextRun {
  page: number;
  text: string;
  /** left edge and baseline, points from the top-left corner of the page */
  x: number;
  y: number;
  width: number;
  /** printed font size in points (the text matrix's vertical scale) */
  size: number;
  /** PDF.js's id of the font, e.g. "g_d0_f1" (see fonts) */
  fontId: string;
}

export interface PdfFont {
  /** the PostScript name as embedded, e.g. "AAAAAA+DejaVuSans-Bold" */
  name: string;
  embedded: boolean;
}

export interface PdfDocument {
  pages: number;
  pageSizes: { width: number; height: number }[];
  info: Record<string, string>;
  outline: PdfOutlineEntry[];
  /** the underlying PDF.js document (tests render pages from it) */
  proxy: PDFDocumentProxy;
  /** every text run of a page (1-based) or of all pages, in content order */
  runs(page?: number): Promise<PdfTextRun[]>;
  /** the text of a page (or all pages) as lines in reading order; pages are separated by a line holding a form feed */
  text(page?: number): Promise<string>;
  /** fonts used on a page (or all pages) */
  fonts(page?: number): Promise<PdfFont[]>;
  destroy(): Promise<void>;
}

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjsModule: Promise<PdfJs> | undefined;
const loadPdfJs = (): Promise<PdfJs> => (pdfjsModule ??= import('pdfjs-dist/legacy/build/pdf.mjs'));

interface OutlineNode {
  title: string;
  dest: string | unknown[] | null;
  items: OutlineNode[];
}

/** Open PDF bytes. Nothing is fetched: fonts and character maps embedded in the file are used. */
export async function readPdf(bytes: Uint8Array): Promise<PdfDocument> {
  const pdfjs = await loadPdfJs();
  const proxy = await pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0, stopAtErrors: true }).promise;
  const pageSizes: PdfDocument['pageSizes'] = [];
  for (let i = 1; i <= proxy.numPages; i++) {
    const [x0, y0, x1, y1] = (await proxy.getPage(i)).view as [number, number, number, number];
    pageSizes.push({ width: x1 - x0, height: y1 - y0 });
  }
  const metadata = await proxy.getMetadata();
  const info: Record<string, string> = {};
  for (const [key, value] of Object.entries((metadata.info ?? {}) as Record<string, unknown>)) if (typeof value === 'string') info[key] = value;

  const outline: PdfOutlineEntry[] = [];
  const walk = async (nodes: readonly OutlineNode[] | null, depth: number): Promise<void> => {
    for (const node of nodes ?? []) {
      const dest = typeof node.dest === 'string' ? await proxy.getDestination(node.dest) : node.dest;
      if (Array.isArray(dest) && dest[0] !== undefined && dest[0] !== null) {
        const index = typeof dest[0] === 'number' ? dest[0] : await proxy.getPageIndex(dest[0] as Parameters<PDFDocumentProxy['getPageIndex']>[0]);
        const height = pageSizes[index]?.height ?? 0;
        const y = typeof dest[3] === 'number' ? dest[3] : height;
        outline.push({ title: node.title, page: index + 1, top: height - y, depth });
      }
      await walk(node.items, depth + 1);
    }
  };
  await walk((await proxy.getOutline()) as OutlineNode[] | null, 0);

  const pagesOf = (page?: number): number[] => (page === undefined ? Array.from({ length: proxy.numPages }, (_, i) => i + 1) : [page]);
  const runs = async (page?: number): Promise<PdfTextRun[]> => {
    const all: PdfTextRun[] = [];
    for (const number of pagesOf(page)) {
      const pdfPage = await proxy.getPage(number);
      const height = pageSizes[number - 1]!.height;
      const content = await pdfPage.getTextContent();
      for (const item of content.items) {
        if (!('str' in item) || item.str === '') continue;
        const [a, b, , d, e, f] = item.transform as number[];
        all.push({ page: number, text: item.str, x: e!, y: height - f!, width: item.width, size: Math.hypot(b!, d!) || Math.abs(a!), fontId: item.fontName });
      }
    }
    return all;
  };
  const text = async (page?: number): Promise<string> => {
    const pages: string[] = [];
    for (const number of pagesOf(page)) {
      const lines: { y: number; runs: PdfTextRun[] }[] = [];
      for (const run of await runs(number)) {
        const line = lines.find((l) => Math.abs(l.y - run.y) < run.size * 0.35);
        if (line) line.runs.push(run);
        else lines.push({ y: run.y, runs: [run] });
      }
      lines.sort((p, q) => p.y - q.y);
      pages.push(
        lines
          .map((line) => {
            const sorted = line.runs.sort((p, q) => p.x - q.x);
            let out = '';
            let end = -Infinity;
            for (const run of sorted) {
              if (out !== '' && run.x - end > run.size * 0.15 && !out.endsWith(' ') && !run.text.startsWith(' ')) out += ' ';
              out += run.text;
              end = run.x + run.width;
            }
            return out;
          })
          .join('\n'),
      );
    }
    return pages.join('\n\f\n');
  };
  const fonts = async (page?: number): Promise<PdfFont[]> => {
    const pdfjs = await loadPdfJs();
    const found = new Map<string, PdfFont>();
    for (const number of pagesOf(page)) {
      const pdfPage = await proxy.getPage(number);
      const operators = await pdfPage.getOperatorList();
      operators.fnArray.forEach((fn, i) => {
        if (fn !== pdfjs.OPS.setFont) return;
        const id = (operators.argsArray[i] as [string])[0];
        const font = pdfPage.commonObjs.get(id) as { name?: string; missingFile?: boolean } | undefined;
        if (font?.name && !found.has(font.name)) found.set(font.name, { name: font.name, embedded: font.missingFile !== true });
      });
    }
    return [...found.values()];
  };
  return { pages: proxy.numPages, pageSizes, info, outline, proxy, runs, text, fonts, destroy: () => proxy.destroy() };
}
