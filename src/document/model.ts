/**
 * The document view model: what the Handlebars templates receive. Every value is a display string
 * (formatted by src/format/numbers.ts); templates do no arithmetic and no formatting.
 */

import type { Reference } from './reference-catalogue.ts';

export interface FigureView {
  id: string;
  number: number;
  title: string;
  caption: string;
  svg: string;
}

export interface CellView {
  text: string;
  numeric: boolean;
  /** emphasised cell (e.g. the overall row of Table 3) */
  strong?: boolean;
  /** a second, smaller line under the text (e.g. a difference) */
  sub?: string;
}

export interface TableView {
  id: string;
  number: number;
  title: string;
  caption: string;
  columns: { label: string; numeric: boolean }[];
  /** a row with `group` set is a group heading spanning the table (its cells are ignored) */
  rows: { cells: CellView[]; flag: boolean; group?: string }[];
  note?: string;
  /** printed on a landscape page (set by the view from the table's width; src/document/table-width.ts) */
  landscape?: boolean;
}

export interface Block {
  paragraph?: string;
  warning?: string;
  banner?: { headline: string; detail?: string };
  figure?: FigureView;
  table?: TableView;
  settings?: { items: { term: string; value: string }[] };
  heading?: string;
  /** a bulleted list of short texts */
  list?: string[];
  /** a heading printed on the landscape page of the wide table that follows it */
  landscape?: boolean;
  /** the numbered reference list */
  references?: { number: number; text: string }[];
}

export interface SectionView {
  id: string;
  title: string;
  /** print version only: the page the section starts on */
  page?: string;
  /** the section opens with a wide table: its title goes on that table's landscape page */
  landscape?: boolean;
  blocks: Block[];
}

export interface DocumentView {
  /** paper size for the printed PDF (CSS @page size) */
  paper: 'A4' | 'Letter';
  title: string;
  subtitle?: string;
  authorsText: string;
  date: string;
  version: string;
  analysisName: string;
  kText: string;
  metadxVersion: string;
  banner?: { headline: string; detail?: string };
  sections: SectionView[];
  /** the works cited, in citation order (also written as references.bib and references.ris) */
  references: Reference[];
}

/** Numbering of figures and tables in order of appearance. */
export class Numbering {
  private figure = 0;
  private table = 0;
  nextFigure(): number {
    return ++this.figure;
  }
  nextTable(): number {
    return ++this.table;
  }
}

export const cell = (text: string, numeric = false, strong = false): CellView => ({ text, numeric, ...(strong ? { strong } : {}) });
