/**
 * Citations and the reference list. Any text of the document (paragraphs, lists, captions, table
 * cells and notes, settings) cites a work of src/document/reference-catalogue.ts as `[@key]` or
 * `[@a; @b]`. `resolveCitations` numbers the works in order of first citation through the
 * document (Vancouver style), replaces the markers with "[1]", "[2, 3]" or "[4–6]", and returns
 * the cited works, which become the reference list and references.bib / references.ris. A key
 * that is not in the catalogue is a programming error and throws.
 */
import { referenceByKey, type Reference } from './reference-catalogue.ts';
import type { Block, DocumentView, SectionView, TableView } from './model.ts';

export type { Reference } from './reference-catalogue.ts';

const MARKER = /\[(@[\w-]+(?:\s*;\s*@[\w-]+)*)\]/g;

/** The text without its citation markers (for alt text, which has no reference list). */
export function withoutCitations(text: string): string {
  return text.replace(/\s*\[@[\w-]+(?:\s*;\s*@[\w-]+)*\]/g, '');
}

/** Citation markers as author–year text, for exports that have no reference list ("Schünemann et al. 2008"). */
export function citationsAsAuthorYear(text: string): string {
  return text.replace(MARKER, (_all, keys: string) => {
    const cited = keys.split(';').map((k) => {
      const reference = referenceByKey.get(k.trim().slice(1));
      if (!reference) throw new Error(`citation of an unknown work: [@${k.trim().slice(1)}]`);
      const authors = reference.authors.filter((a) => a !== 'et al.');
      const first = authors[0]!.replace(/ [A-Z]+$/, '');
      const who = authors.length === 1 ? first : authors.length === 2 ? `${first} and ${authors[1]!.replace(/ [A-Z]+$/, '')}` : `${first} et al.`;
      return `${who} ${reference.year}`;
    });
    return `(${cited.join('; ')})`;
  });
}

/** Keys cited in a text, in order. */
export function citedKeys(text: string): string[] {
  return [...text.matchAll(MARKER)].flatMap((m) => m[1]!.split(';').map((k) => k.trim().slice(1)));
}

/** "[1, 2, 3, 5]" → "[1–3, 5]" */
function formatNumbers(numbers: number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${sorted[i]}–${sorted[j]}` : sorted.slice(i, j + 1).join(', '));
    i = j + 1;
  }
  return `[${parts.join(', ')}]`;
}

export class Citations {
  private readonly order = new Map<string, number>();
  constructor(private readonly extra: ReadonlyMap<string, Reference> = new Map()) {}

  private lookup(key: string): Reference {
    const reference = this.extra.get(key) ?? referenceByKey.get(key);
    if (!reference) throw new Error(`citation of an unknown work: [@${key}] (add it to src/document/reference-catalogue.ts)`);
    return reference;
  }

  /** Replace every marker of `text` with its numbers (numbering new works in order). */
  resolve(text: string): string {
    return text.replace(MARKER, (_all, keys: string) => {
      const numbers = keys.split(';').map((k) => {
        const key = k.trim().slice(1);
        this.lookup(key);
        if (!this.order.has(key)) this.order.set(key, this.order.size + 1);
        return this.order.get(key)!;
      });
      return formatNumbers(numbers);
    });
  }

  /** The cited works in citation order. */
  list(): Reference[] {
    return [...this.order.keys()].map((key) => this.lookup(key));
  }
}

function resolveTable(table: TableView, c: Citations): TableView {
  return {
    ...table,
    caption: c.resolve(table.caption),
    columns: table.columns.map((column) => ({ ...column, label: c.resolve(column.label) })),
    rows: table.rows.map((row) => ({ ...row, ...(row.group !== undefined ? { group: c.resolve(row.group) } : {}), cells: row.cells.map((cell) => ({ ...cell, text: c.resolve(cell.text), ...(cell.sub !== undefined ? { sub: c.resolve(cell.sub) } : {}) })) })),
    ...(table.note !== undefined ? { note: c.resolve(table.note) } : {}),
  };
}

function resolveBlock(block: Block, c: Citations): Block {
  const out: Block = { ...block };
  if (block.heading !== undefined) out.heading = c.resolve(block.heading);
  if (block.paragraph !== undefined) out.paragraph = c.resolve(block.paragraph);
  if (block.warning !== undefined) out.warning = c.resolve(block.warning);
  if (block.list) out.list = block.list.map((item) => c.resolve(item));
  if (block.banner) out.banner = { headline: c.resolve(block.banner.headline), ...(block.banner.detail !== undefined ? { detail: c.resolve(block.banner.detail) } : {}) };
  if (block.figure) out.figure = { ...block.figure, caption: c.resolve(block.figure.caption) };
  if (block.table) out.table = resolveTable(block.table, c);
  if (block.settings) out.settings = { items: block.settings.items.map((item) => ({ term: item.term, value: c.resolve(item.value) })) };
  return out;
}

/** Number the citations of the document in reading order; returns the document and the cited works. */
export function resolveCitations(view: DocumentView, extra: ReadonlyMap<string, Reference> = new Map()): { view: DocumentView; references: Reference[] } {
  const c = new Citations(extra);
  const sections: SectionView[] = view.sections.map((section) => ({ ...section, blocks: section.blocks.map((block) => resolveBlock(block, c)) }));
  const resolvedBanner = view.banner ? { headline: c.resolve(view.banner.headline), ...(view.banner.detail !== undefined ? { detail: c.resolve(view.banner.detail) } : {}) } : undefined;
  return { view: { ...view, sections, ...(resolvedBanner ? { banner: resolvedBanner } : {}) }, references: c.list() };
}

// ── formats ──────────────────────────────────────────────────────────────────────────────────

/** One entry of the printed list, Vancouver style. */
export function formatReference(r: Reference): string {
  const authors = r.authors.length > 6 && !r.authors.includes('et al.') ? [...r.authors.slice(0, 6), 'et al.'] : r.authors;
  const who = authors.join(', ').replace(/, et al\.$/, ', et al');
  const note = r.note ? ` ${r.note}.` : '';
  const link = r.doi ? ` doi:${r.doi}` : r.url ? ` Available from: ${r.url}` : '';
  if (r.type === 'article') {
    const where = `${r.journal}. ${r.year}${r.volume ? `;${r.volume}` : ''}${r.issue ? `(${r.issue})` : ''}${r.pages ? `:${r.pages}` : ''}.`;
    return `${who}. ${r.title}. ${where}${note}${link}`;
  }
  if (r.type === 'software') return `${who}. ${r.title}${r.version ? `, version ${r.version}` : ''}. ${r.publisher ? `${r.publisher}; ` : ''}${r.year}.${note}${link}`;
  return `${who}. ${r.title}. ${r.publisher ? `${r.publisher}; ` : ''}${r.year}.${note}${link}`;
}

const bibEscape = (text: string): string => text.replace(/[\\{}]/g, (ch) => `\\${ch}`).replace(/[&%#_$]/g, (ch) => `\\${ch}`);

/** Vancouver "Reitsma JB" → BibTeX "Reitsma, J. B."; a corporate author is braced. */
function bibAuthor(name: string): string {
  const match = /^(.+) ([A-Z]{1,4})$/.exec(name);
  return match ? `${match[1]}, ${match[2]!.split('').map((initial) => `${initial}.`).join(' ')}` : `{${name}}`;
}

/** BibTeX (UTF-8; biber/biblatex read it as is). */
export function toBibTeX(references: readonly Reference[]): string {
  return references
    .map((r) => {
      const kind = r.type === 'article' ? 'article' : r.type === 'book' ? 'book' : r.type === 'software' ? 'software' : 'techreport';
      const authors = r.authors.filter((a) => a !== 'et al.').map(bibAuthor).join(' and ') + (r.authors.includes('et al.') ? ' and others' : '');
      const fields: [string, string | undefined][] = [
        ['author', authors],
        ['title', `{${bibEscape(r.title)}}`],
        ['journal', r.journal && bibEscape(r.journal)],
        ['year', String(r.year)],
        ['volume', r.volume],
        ['number', r.issue],
        ['pages', r.pages?.replace('–', '--')],
        [r.type === 'software' ? 'organization' : 'publisher', r.publisher && bibEscape(r.publisher)],
        ['version', r.version && bibEscape(r.version)],
        ['doi', r.doi],
        ['url', r.url],
        ['note', r.note && bibEscape(r.note)],
      ];
      const body = fields.filter((f): f is [string, string] => f[1] !== undefined && f[1] !== '').map(([k, v]) => `  ${k} = {${v}}`);
      return `@${kind}{${r.key},\n${body.join(',\n')}\n}\n`;
    })
    .join('\n');
}

/** RIS (for Zotero, EndNote, Mendeley). */
export function toRis(references: readonly Reference[]): string {
  return references
    .map((r) => {
      const type = r.type === 'article' ? 'JOUR' : r.type === 'book' ? 'BOOK' : r.type === 'software' ? 'COMP' : 'RPRT';
      const lines = [`TY  - ${type}`, ...r.authors.filter((a) => a !== 'et al.').map((a) => `AU  - ${a}`), `TI  - ${r.title}`];
      if (r.journal) lines.push(`T2  - ${r.journal}`);
      lines.push(`PY  - ${r.year}`);
      if (r.volume) lines.push(`VL  - ${r.volume}`);
      if (r.issue) lines.push(`IS  - ${r.issue}`);
      if (r.pages) {
        const [start, end] = r.pages.split('–');
        lines.push(`SP  - ${start}`);
        if (end) lines.push(`EP  - ${end}`);
      }
      if (r.publisher) lines.push(`PB  - ${r.publisher}`);
      if (r.version) lines.push(`ET  - ${r.version}`);
      if (r.doi) lines.push(`DO  - ${r.doi}`);
      if (r.url) lines.push(`UR  - ${r.url}`);
      if (r.note) lines.push(`N1  - ${r.note}`);
      lines.push('ER  - ');
      return lines.join('\r\n');
    })
    .join('\r\n\r\n')
    .concat('\r\n');
}
