/**
 * "Correspondence with the published article": for a reproduction, every figure and table of this
 * supplement with the number the published article gives the same item (spec
 * `published.correspondence`: supplement id → "Figure 2", "Table 3", "Supplementary file 2,
 * Fig. S4", or "unknown" when the article has the item but its number is not known). Built after
 * the other sections, from the figures and tables they placed, so the numbers are the ones printed;
 * placed last before the software section, so its own number follows reading order. Ids in the
 * spec that name nothing in this supplement are listed in a note (never dropped silently).
 */
import type { AnalysisSpec } from '../../spec/schema.ts';
import { cell, type Numbering, type SectionView, type TableView } from '../model.ts';

interface Item {
  /** the id the spec refers to (a split figure's parts share their figure's id) */
  id: string;
  kind: 'Figure' | 'Table';
  numbers: number[];
  title: string;
}

/** "forest-sensitivity-2" → "forest-sensitivity"; a part's title without "(part 2 of 3)". */
const PART = /-(\d+)$/;
const PART_TITLE = / \(part \d+ of \d+\)$/;

/** Every figure and table placed in `sections`, in order; the parts of a split figure as one item. */
export function placedItems(sections: readonly SectionView[]): Item[] {
  const items: Item[] = [];
  for (const block of sections.flatMap((section) => section.blocks)) {
    if (block.figure) {
      const { id, number, title } = block.figure;
      const part = PART_TITLE.test(title);
      const base = part ? id.replace(PART, '') : id;
      const previous = items.at(-1);
      if (part && previous?.kind === 'Figure' && previous.id === base) previous.numbers.push(number);
      else items.push({ id: base, kind: 'Figure', numbers: [number], title: title.replace(PART_TITLE, '') });
    } else if (block.table) {
      items.push({ id: block.table.id, kind: 'Table', numbers: [block.table.number], title: block.table.title });
    }
  }
  return items;
}

function numberText(item: Item): string {
  const first = item.numbers[0];
  const last = item.numbers.at(-1);
  return item.numbers.length === 1 ? `${item.kind} ${first}` : `${item.kind}s ${first}–${last}`;
}

export function correspondenceSection(spec: AnalysisSpec, sections: readonly SectionView[], numbering: Numbering): SectionView[] {
  const mapping = spec.published?.correspondence;
  if (!mapping) return [];
  const items = placedItems(sections);
  const known = new Set(items.map((item) => item.id));
  const absent = Object.keys(mapping).filter((id) => !known.has(id));
  const published = (id: string): string => {
    const value = mapping[id];
    if (value === undefined) return '–';
    return value.trim().toLowerCase() === 'unknown' ? 'in the article; number not known' : value;
  };
  const table: TableView = {
    id: 'table-correspondence',
    number: numbering.nextTable(),
    title: 'Correspondence with the published article',
    caption: `Each figure and table of this supplement and the item of the published article (${spec.published?.source ?? 'the publication'}) that shows the same analysis, as declared in the analysis spec (published.correspondence). "–": no counterpart declared; "number not known": the article has the item, but its number could not be established from the sources available.`,
    columns: [
      { label: 'This supplement', numeric: false },
      { label: 'Title', numeric: false },
      { label: 'Published article', numeric: false },
    ],
    rows: items.map((item) => ({ flag: false, cells: [cell(numberText(item)), cell(item.title), cell(published(item.id))] })),
    ...(absent.length > 0
      ? { note: `Declared in the spec but not in this supplement (not produced, or not a figure or table id): ${absent.map((id) => `${id} (${mapping[id]})`).join('; ')}.` }
      : {}),
  };
  return [{ id: 'correspondence', title: 'Correspondence with the published article', blocks: [{ table }] }];
}
