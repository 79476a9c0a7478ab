/**
 * "What changed since version N": for an updated review, the 2x2 tables added, removed or with
 * changed counts, the pooled estimates of both versions side by side, and the figures that
 * changed. Reads `results.changes` (src/output/compare.ts); numbers are formatted by numbers.ts.
 */
import { formatCount, formatInterval, formatLevel } from '../../format/numbers.ts';
import { changeMessages as M } from '../../messages.ts';
import type { EstimateChange, VersionComparison } from '../../output/compare.ts';
import type { AnalysisResults } from '../../results/types.ts';
import { cell, type Block, type Numbering, type SectionView, type TableView } from '../model.ts';

/** Estimate "0.86 (0.82–0.89)" of one measure, or "not estimable". */
export function estimateText(change: EstimateChange, side: 'before' | 'after'): string {
  const interval = change[side];
  if (!interval) return M.notEstimable();
  return formatInterval(interval, change.measure === 'sens' || change.measure === 'spec' || change.measure === 'auc' ? 'proportion' : 'ratio');
}

function studiesTable(changes: VersionComparison, numbering: Numbering): TableView {
  const { added, removed, changed } = changes.studies;
  const provenance = [...added, ...removed, ...changed].some((study) => study.provenance !== undefined);
  const row = (kind: 'added' | 'removed' | 'changed', study: VersionComparison['studies']['added'][number]) => {
    const counts = kind === 'changed' ? M.countChange(study.before!, study.after!) : M.counts((kind === 'added' ? study.after : study.before)!);
    return {
      flag: study.provenance !== undefined && /simulat|demonstrat/i.test(study.provenance),
      cells: [cell(M.kind(kind)), cell(study.label), cell(counts), ...(provenance ? [cell(study.provenance ?? '')] : [])],
    };
  };
  return {
    id: 'table-changes-studies',
    number: numbering.nextTable(),
    title: M.studiesTitle(changes.before.version),
    caption: M.studiesCaption(),
    columns: [
      { label: 'Change', numeric: false },
      { label: 'Study', numeric: false },
      { label: 'Counts', numeric: false },
      ...(provenance ? [{ label: 'Provenance', numeric: false }] : []),
    ],
    rows: [...added.map((s) => row('added', s)), ...removed.map((s) => row('removed', s)), ...changed.map((s) => row('changed', s))],
  };
}

function estimatesTable(changes: VersionComparison, numbering: Numbering): TableView {
  const { before, after } = changes;
  const counts = (label: string, a: number, b: number) => ({ flag: false, cells: [cell(label), cell(formatCount(a), true), cell(formatCount(b), true)] });
  return {
    id: 'table-changes-estimates',
    number: numbering.nextTable(),
    title: M.estimatesTitle(before.version, after.version),
    caption: M.estimatesCaption(formatLevel(changes.level)),
    columns: [
      { label: 'Measure', numeric: false },
      { label: M.versionLabel(before.version, before.date), numeric: true },
      { label: M.versionLabel(after.version, after.date), numeric: true },
    ],
    rows: [
      ...changes.estimates.map((change) => ({ flag: false, cells: [cell(M.measure(change.measure)), cell(estimateText(change, 'before'), true), cell(estimateText(change, 'after'), true)] })),
      counts(M.measure('k'), before.k, after.k),
      counts(M.measure('studies'), before.studies, after.studies),
      counts(M.measure('participants'), before.participants, after.participants),
    ],
  };
}

/** Paragraphs on the figures that changed (by SVG hash). */
export function figureLines(changes: VersionComparison): string[] {
  const titles = (kind: 'changed' | 'added' | 'removed') => changes.figures.filter((figure) => figure.change === kind).map((figure) => figure.title);
  const lines: string[] = [];
  if (titles('changed').length > 0) lines.push(M.figuresChanged(titles('changed')));
  if (titles('added').length > 0) lines.push(M.figuresAdded(titles('added')));
  if (titles('removed').length > 0) lines.push(M.figuresRemoved(titles('removed')));
  lines.push(M.figuresUnchanged(changes.figuresUnchanged));
  return lines;
}

/** The section (as a list: empty without an earlier version), placed early in the supplement. */
export function changesSection(results: AnalysisResults, numbering: Numbering): SectionView[] {
  const changes = results.changes;
  if (!changes) return [];
  const { added, removed, changed, unchanged } = changes.studies;
  const blocks: Block[] = [
    { paragraph: M.summary({ before: changes.before, after: changes.after, added: added.length, removed: removed.length, changed: changed.length, unchanged }) },
  ];
  if (changes.before.model !== changes.after.model) blocks.push({ paragraph: M.modelChanged(changes.before.model, changes.after.model) });
  blocks.push(added.length + removed.length + changed.length > 0 ? { table: studiesTable(changes, numbering) } : { paragraph: M.noStudyChanges() });
  blocks.push({ table: estimatesTable(changes, numbering) });
  blocks.push({ list: figureLines(changes) });
  return [{ id: 'changes', title: M.sectionTitle(changes.before.version), blocks }];
}
