/**
 * Handlebars → HTML. Templates only place strings (all numbers arrive formatted).
 *
 * The same document is rendered for the screen (supplement.html: no page numbers) and for print
 * (the contents list the page each section starts on, known only after a first printing; see
 * src/pdf/print.ts). Page size and orientation are CSS @page rules, so wide tables can sit on
 * landscape pages of the chosen paper.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { DocumentView, TableView } from './view.ts';

export const templatesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates');

type TemplateInput = DocumentView & { css: string; contentsPages: boolean };
let compiled: ((view: TemplateInput) => string) | undefined;
let css: string | undefined;

function compile(): (view: TemplateInput) => string {
  const handlebars = Handlebars.create();
  const partialsDir = join(templatesDir, 'partials');
  for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs')).sort()) {
    handlebars.registerPartial(basename(file, '.hbs'), readFileSync(join(partialsDir, file), 'utf8'));
  }
  // A numeric cell "0.86 (0.82–0.90)" may wrap between the estimate and its interval, not inside either.
  handlebars.registerHelper('cellText', (text: string, numeric: boolean) => {
    const escape = handlebars.Utils.escapeExpression;
    const split = numeric ? /^(\S*\d\S*) (\(.*\))$/.exec(text) : null;
    if (!split) return new handlebars.SafeString(escape(text));
    return new handlebars.SafeString(`<span class="nb">${escape(split[1]!)}</span> <span class="nb">${escape(split[2]!)}</span>`);
  });
  handlebars.registerHelper('tableBodies', (rows: TableView['rows']) => tableBodies(rows));
  const source = readFileSync(join(templatesDir, 'supplement.hbs'), 'utf8');
  return handlebars.compile(source, { strict: false, noEscape: false });
}

/**
 * A table's rows as the bodies it is printed in: the rows before the first group heading, then one
 * body per group (`grouped`: its heading and rows). Every group but the table's first is kept on one
 * page when it fits (templates/style.css, `tbody.grouped ~ tbody.grouped`), so its rows are printed
 * under their heading; the first group may go on over the page under the repeated column headers
 * (keeping it whole too would leave the caption alone at the foot of a page, as Chromium breaks
 * tables). A first group after rows of its own table (Table 10's "Overall") keeps its heading with
 * its first row.
 */
export function tableBodies(rows: TableView['rows']): { grouped: boolean; group?: string; rows: TableView['rows'] }[] {
  const bodies: { grouped: boolean; group?: string; rows: TableView['rows'] }[] = [];
  for (const row of rows) {
    if (row.group !== undefined) bodies.push({ grouped: true, group: row.group, rows: [] });
    else if (bodies.length === 0) bodies.push({ grouped: false, rows: [row] });
    else bodies[bodies.length - 1]!.rows.push(row);
  }
  return bodies;
}

/** @page rules: the paper, portrait by default, and the named landscape page of wide tables. */
function pageCss(paper: DocumentView['paper']): string {
  const size = paper === 'Letter' ? 'letter' : 'A4';
  const margin = 'margin: 16mm 16mm 18mm;';
  return `@page { size: ${size} portrait; ${margin} }\n@page landscape { size: ${size} landscape; ${margin} }`;
}

export interface RenderOptions {
  /** print version: page numbers in the contents, section id → page (placeholders when empty) */
  pages?: ReadonlyMap<string, number>;
}

/** Render the supplement HTML (self-contained: inline CSS and SVG, no external resources). */
export function renderHtml(view: DocumentView, options: RenderOptions = {}): string {
  compiled ??= compile();
  css ??= readFileSync(join(templatesDir, 'style.css'), 'utf8');
  const pages = options.pages;
  const sections = pages ? view.sections.map((section) => ({ ...section, page: String(pages.get(section.id) ?? '00') })) : view.sections;
  // the @page rules come from the paper setting (an enum), the rest from templates/style.css
  return compiled({ ...view, sections, css: `${pageCss(view.paper)}\n${css}`, contentsPages: pages !== undefined });
}
