/**
 * PRISMA 2020 flow counts (Page et al., BMJ 2021;372:n71, Figure 1): the spec's `prisma:` (one
 * search) or `searches:` (in date order; the last is the current update, the earlier ones are the
 * "previous studies") → every box of the flow diagram, each `given`, `derived` or `unknown`, plus
 * the arithmetic that does not add up (`checks`). Pure; no formatting (see messages.ts).
 *
 * The flow is a chain of stages, each the one above minus its losses:
 *
 *   identified ─removed before screening→ screened ─excluded→ sought ─not retrieved→ assessed
 *     ─excluded with reasons→ reports of included studies (≥ studies included)
 *
 * Checks compare every two consecutive stages the spec gives: equal when all losses between them
 * are given (`flow-mismatch`), otherwise the later stage may not exceed the earlier one minus the
 * given losses (`flow-exceeds`) — so "181 identified − 107 excluded = 74, yet 76 assessed" is
 * caught whatever the unknown removals. Derived counts are filled in afterwards (forward, then
 * backward) and never negative. Removal counts (duplicates, automation, other) that are omitted
 * while another is given count as none; when all three are omitted the removals are unknown.
 */
import type { Diagnostic } from '../diagnostics.ts';
import { prismaMessages as M } from '../messages.ts';
import type { AnalysisSpec } from '../spec/schema.ts';

export type PrismaBoxId =
  | 'records_identified' | 'duplicates_removed' | 'automation_removed' | 'other_removed' | 'records_removed'
  | 'records_screened' | 'records_excluded' | 'reports_sought' | 'reports_not_retrieved' | 'reports_assessed'
  | 'reports_excluded' | 'reports_included' | 'studies_included' | 'tables_included'
  | 'previous_studies' | 'previous_reports' | 'previous_tables' | 'total_studies' | 'total_reports' | 'total_tables'
  | 'databases' | 'registers';

/** One number of an equation: `sign · n`, taken from a box (a named database for sources). */
export interface PrismaTerm {
  box: PrismaBoxId;
  n: number;
  sign: 1 | -1;
  /** database or register name, or exclusion reason */
  name?: string;
}

/**
 * A box count. `derived` ones say how: `sum` (of listed parts, e.g. databases → records
 * identified, previous + new → total), `difference` (inferred from the flow: not reported as such,
 * marked † in the figure) or `list` (counted from a list: the study identifiers under `added:`, or
 * the rows of the data file for 2x2 tables).
 */
export type PrismaCount =
  | { status: 'given'; n: number }
  | { status: 'derived'; n: number; derivation: 'sum' | 'difference' | 'list'; terms: PrismaTerm[] }
  | { status: 'unknown' };

export type PrismaCheckCode =
  | 'prisma.flow-mismatch' | 'prisma.flow-exceeds' | 'prisma.flow-negative' | 'prisma.sources-sum' | 'prisma.sources-exceed'
  | 'prisma.reasons-sum' | 'prisma.studies-exceed-reports' | 'prisma.tables-fewer-than-studies' | 'prisma.added-count'
  | 'prisma.tables-not-analysed';

/** Arithmetic that does not add up: `Σ terms = result` should be `relation` `actual.n` (or ≥ 0). */
export interface PrismaCheck {
  code: PrismaCheckCode;
  terms: PrismaTerm[];
  result: number;
  relation: '=' | '≥' | '≤';
  /** the count compared with the result; absent for `flow-negative` (compared with 0) */
  actual?: PrismaTerm;
  /** boxes whose counts are involved (marked in the figure) */
  boxes: PrismaBoxId[];
  /** spec key path of the count to look at, e.g. ['prisma', 'reports_assessed'] */
  specPath: (string | number)[];
  /** the search concerned, when the spec has `searches:` */
  search?: { index: number; label?: string; date?: string };
}

export interface PrismaSource {
  name: string;
  records: PrismaCount;
}

/** The counts of one search, as the spec gives them (`prisma:` or one entry of `searches:`). */
export type PrismaSearchInput = Omit<NonNullable<AnalysisSpec['prisma']>, 'previous'> & {
  date?: string;
  label?: string;
  added?: string[];
  demonstration?: boolean;
};

export interface PrismaSearchFlow {
  /** index in `searches:`; undefined for `prisma:` */
  index?: number;
  label?: string;
  date?: string;
  demonstration?: boolean;
  databases: PrismaSource[];
  registers: PrismaSource[];
  /** full-text exclusions with reasons, in spec order */
  reasons: { reason: string; n: number }[];
  counts: Record<SearchBoxId, PrismaCount>;
  /** spec key path of this search, e.g. ['searches', 1] */
  specPath: (string | number)[];
}

export type SearchBoxId = Exclude<PrismaBoxId, `previous_${string}` | `total_${string}` | 'databases' | 'registers'>;

export interface PrismaFlow {
  /** the search drawn in the diagram (the last of `searches:`) */
  current: PrismaSearchFlow;
  /** searches before the current one (their studies are the "previous studies") */
  earlier: PrismaSearchFlow[];
  /** true when the diagram needs the "previous studies" column */
  updated: boolean;
  previous: { studies: PrismaCount; reports: PrismaCount; tables: PrismaCount };
  total: { studies: PrismaCount; reports: PrismaCount; tables: PrismaCount };
  checks: PrismaCheck[];
  note?: string;
}

export interface PrismaOptions {
  /** 2x2 tables in the data file, compared with `tables_included` (and used when it is not given) */
  tablesAnalysed?: number;
}

export const UNKNOWN: PrismaCount = { status: 'unknown' };
export const given = (n: number | undefined): PrismaCount => (n === undefined ? UNKNOWN : { status: 'given', n });
export const known = (count: PrismaCount): number | undefined => (count.status === 'unknown' ? undefined : count.n);

/** Chain stages and the losses between them (loss i leads from stage i to stage i + 1). */
export const STAGES = ['records_identified', 'records_screened', 'reports_sought', 'reports_assessed', 'reports_included'] as const;
export const LOSSES = ['records_removed', 'records_excluded', 'reports_not_retrieved', 'reports_excluded'] as const;
export const REMOVAL_PARTS = ['duplicates_removed', 'automation_removed', 'other_removed'] as const;

function sumOf(terms: PrismaTerm[], derivation: 'sum' | 'difference' = 'sum'): PrismaCount {
  return { status: 'derived', n: terms.reduce((total, term) => total + term.sign * term.n, 0), derivation, terms };
}

function sources(list: { name: string; records?: number }[] | undefined): PrismaSource[] {
  return (list ?? []).map((source) => ({ name: source.name, records: given(source.records) }));
}

/** Counts of one search before derivation: given, or sums of listed parts. */
function searchCounts(input: PrismaSearchInput, tablesAnalysed: number | undefined): Record<SearchBoxId, PrismaCount> {
  const listed = [...(input.databases ?? []), ...(input.registers ?? [])];
  const sourceTerms = listed.every((source) => source.records !== undefined) && listed.length > 0
    ? listed.map((source): PrismaTerm => ({ box: input.databases?.includes(source) ? 'databases' : 'registers', n: source.records!, sign: 1, name: source.name }))
    : undefined;
  const parts = REMOVAL_PARTS.filter((part) => input[part] !== undefined);
  const reasons = input.reports_excluded ?? [];
  const reasonTerms = reasons.map((reason): PrismaTerm => ({ box: 'reports_excluded', n: reason.n, sign: 1, name: reason.reason }));
  return {
    records_identified: input.records_identified !== undefined ? given(input.records_identified) : sourceTerms ? sumOf(sourceTerms) : UNKNOWN,
    duplicates_removed: given(input.duplicates_removed),
    automation_removed: given(input.automation_removed),
    other_removed: given(input.other_removed),
    records_removed: parts.length > 0 ? sumOf(parts.map((part) => ({ box: part, n: input[part]!, sign: 1 }))) : UNKNOWN,
    records_screened: given(input.records_screened),
    records_excluded: given(input.records_excluded),
    reports_sought: given(input.reports_sought),
    reports_not_retrieved: given(input.reports_not_retrieved),
    reports_assessed: given(input.reports_assessed),
    reports_excluded: input.reports_excluded_total !== undefined ? given(input.reports_excluded_total) : reasons.length > 0 ? sumOf(reasonTerms) : UNKNOWN,
    reports_included: given(input.reports_included),
    studies_included: input.studies_included !== undefined ? given(input.studies_included)
      : input.added ? { status: 'derived', n: input.added.length, derivation: 'list', terms: [] } : UNKNOWN,
    tables_included: input.tables_included !== undefined ? given(input.tables_included)
      : tablesAnalysed !== undefined ? { status: 'derived', n: tablesAnalysed, derivation: 'list', terms: [] } : UNKNOWN,
  };
}

/** Fill unknown stages and losses from the chain (forward, losses, backward) until nothing changes. */
function deriveChain(counts: Record<SearchBoxId, PrismaCount>): void {
  const term = (box: SearchBoxId, sign: 1 | -1): PrismaTerm => ({ box, n: known(counts[box])!, sign });
  const set = (box: SearchBoxId, terms: PrismaTerm[]): boolean => {
    const count = sumOf(terms, 'difference');
    if (count.status !== 'derived' || count.n < 0) return false;
    counts[box] = count;
    return true;
  };
  for (let changed = true; changed; ) {
    changed = false;
    LOSSES.forEach((loss, i) => {
      const above = STAGES[i]!;
      const below = STAGES[i + 1]!;
      const [a, l, b] = [known(counts[above]), known(counts[loss]), known(counts[below])];
      if (b === undefined && a !== undefined && l !== undefined) changed = set(below, [term(above, 1), term(loss, -1)]) || changed;
      else if (l === undefined && a !== undefined && b !== undefined) changed = set(loss, [term(above, 1), term(below, -1)]) || changed;
      else if (a === undefined && l !== undefined && b !== undefined) changed = set(above, [term(below, 1), term(loss, 1)]) || changed;
    });
  }
}

// ---- checks (on the counts as the spec gives them, before derivation) ----

type Counts = Record<SearchBoxId, PrismaCount>;
type UnlocatedCheck = Omit<PrismaCheck, 'search'>;

const stageTerm = (box: PrismaBoxId, n: number, sign: 1 | -1 = 1): PrismaTerm => ({ box, n, sign });

/** The spec key holding a box's count (relative to the search). */
function keyOf(box: PrismaBoxId, input: PrismaSearchInput, counts: Counts): string {
  if (box === 'records_removed') return REMOVAL_PARTS.find((part) => input[part] !== undefined) ?? 'duplicates_removed';
  if (box === 'reports_excluded') return input.reports_excluded_total !== undefined ? 'reports_excluded_total' : 'reports_excluded';
  if (box === 'records_identified' && input.records_identified === undefined) return input.databases ? 'databases' : 'registers';
  if (box === 'studies_included' && counts.studies_included.status === 'derived') return 'added';
  return box;
}

function check(code: PrismaCheckCode, terms: PrismaTerm[], relation: PrismaCheck['relation'], actual: PrismaTerm | undefined, key: string): UnlocatedCheck {
  const boxes = [...new Set([...terms.map((term) => term.box), ...(actual ? [actual.box] : [])])];
  const result = terms.reduce((total, term) => total + term.sign * term.n, 0);
  return { code, terms, result, relation, ...(actual ? { actual } : {}), boxes, specPath: [key] };
}

/** Loss i as terms to subtract (removals itemised), or undefined when it is not known. */
function lossTerms(i: number, input: PrismaSearchInput, counts: Counts): PrismaTerm[] | undefined {
  const loss = LOSSES[i]!;
  if (loss === 'records_removed') {
    const parts = REMOVAL_PARTS.filter((part) => input[part] !== undefined);
    return parts.length > 0 ? parts.map((part) => stageTerm(part, input[part]!, -1)) : undefined;
  }
  const n = known(counts[loss]);
  return n === undefined ? undefined : [stageTerm(loss, n, -1)];
}

/** Stage `from` minus the known losses down to stage `to`. */
function segment(from: number, to: number, input: PrismaSearchInput, counts: Counts): { terms: PrismaTerm[]; complete: boolean } {
  const terms = [stageTerm(STAGES[from]!, known(counts[STAGES[from]!])!)];
  let complete = true;
  for (let i = from; i < to; i++) {
    const lost = lossTerms(i, input, counts);
    if (lost) terms.push(...lost);
    else complete = false;
  }
  return { terms, complete };
}

function chainChecks(input: PrismaSearchInput, counts: Counts): UnlocatedCheck[] {
  const checks: UnlocatedCheck[] = [];
  const stages = STAGES.map((box, i) => ({ box, i, n: known(counts[box]) })).filter((stage) => stage.n !== undefined);
  stages.slice(1).forEach((below, k) => {
    const above = stages[k]!;
    const { terms, complete } = segment(above.i, below.i, input, counts);
    const result = terms.reduce((total, term) => total + term.sign * term.n, 0);
    const actual = stageTerm(below.box, below.n!);
    const key = keyOf(below.box, input, counts);
    if (complete && result !== below.n) checks.push(check('prisma.flow-mismatch', terms, '=', actual, key));
    else if (!complete && below.n! > result) checks.push(check('prisma.flow-exceeds', terms, '≥', actual, key));
  });
  const last = stages.at(-1);
  if (last && last.i < STAGES.length - 1) {
    const { terms } = segment(last.i, STAGES.length - 1, input, counts);
    const result = terms.reduce((total, term) => total + term.sign * term.n, 0);
    const studies = known(counts.studies_included);
    if (studies !== undefined && result < studies) {
      checks.push(check('prisma.flow-exceeds', terms, '≥', stageTerm('studies_included', studies), keyOf('studies_included', input, counts)));
    } else if (result < 0) {
      checks.push(check('prisma.flow-negative', terms, '≥', undefined, keyOf(terms.at(-1)!.box, input, counts)));
    }
  }
  return checks;
}

function sourceChecks(input: PrismaSearchInput): UnlocatedCheck[] {
  const listed = [...(input.databases ?? []).map((source) => ({ ...source, box: 'databases' as const })), ...(input.registers ?? []).map((source) => ({ ...source, box: 'registers' as const }))];
  const counted = listed.filter((source) => source.records !== undefined);
  const identified = input.records_identified;
  if (identified === undefined || counted.length === 0) return [];
  const terms = counted.map((source): PrismaTerm => ({ box: source.box, n: source.records!, sign: 1, name: source.name }));
  const sum = terms.reduce((total, term) => total + term.n, 0);
  const actual = stageTerm('records_identified', identified);
  if (counted.length === listed.length && sum !== identified) return [check('prisma.sources-sum', terms, '=', actual, 'records_identified')];
  if (counted.length < listed.length && sum > identified) return [check('prisma.sources-exceed', terms, '≤', actual, 'records_identified')];
  return [];
}

function countChecks(input: PrismaSearchInput, counts: Counts, tablesAnalysed: number | undefined): UnlocatedCheck[] {
  const checks: UnlocatedCheck[] = [];
  const studies = known(counts.studies_included);
  const tables = known(counts.tables_included);
  const reasons = input.reports_excluded ?? [];
  if (reasons.length > 0 && input.reports_excluded_total !== undefined) {
    const terms = reasons.map((reason): PrismaTerm => ({ box: 'reports_excluded', n: reason.n, sign: 1, name: reason.reason }));
    if (terms.reduce((total, term) => total + term.n, 0) !== input.reports_excluded_total) {
      checks.push(check('prisma.reasons-sum', terms, '=', stageTerm('reports_excluded', input.reports_excluded_total), 'reports_excluded_total'));
    }
  }
  if (input.added && input.studies_included !== undefined && input.added.length !== input.studies_included) {
    checks.push(check('prisma.added-count', [{ box: 'studies_included', n: input.added.length, sign: 1 }], '=', stageTerm('studies_included', input.studies_included), 'added'));
  }
  if (input.reports_included !== undefined && studies !== undefined && input.reports_included < studies) {
    checks.push(check('prisma.studies-exceed-reports', [stageTerm('reports_included', input.reports_included)], '≥', stageTerm('studies_included', studies), 'reports_included'));
  }
  if (tables !== undefined && studies !== undefined && tables < studies) {
    checks.push(check('prisma.tables-fewer-than-studies', [stageTerm('tables_included', tables)], '≥', stageTerm('studies_included', studies), keyOf('tables_included', input, counts)));
  }
  if (tablesAnalysed !== undefined && input.tables_included !== undefined && tablesAnalysed !== input.tables_included) {
    checks.push(check('prisma.tables-not-analysed', [stageTerm('tables_included', input.tables_included)], '=', stageTerm('tables_included', tablesAnalysed), 'tables_included'));
  }
  return checks;
}

export function searchFlow(input: PrismaSearchInput, specPath: (string | number)[], options: PrismaOptions = {}, index?: number): { flow: PrismaSearchFlow; checks: PrismaCheck[] } {
  const counts = searchCounts(input, options.tablesAnalysed);
  const flow: PrismaSearchFlow = {
    ...(index !== undefined ? { index } : {}),
    ...(input.label !== undefined ? { label: input.label } : {}),
    ...(input.date !== undefined ? { date: input.date } : {}),
    ...(input.demonstration !== undefined ? { demonstration: input.demonstration } : {}),
    databases: sources(input.databases),
    registers: sources(input.registers),
    reasons: (input.reports_excluded ?? []).map((reason) => ({ reason: reason.reason, n: reason.n })),
    counts,
    specPath,
  };
  // Checks see the counts before derivation, so a derived count never "confirms" itself.
  const checks = [...sourceChecks(input), ...chainChecks(input, counts), ...countChecks(input, counts, options.tablesAnalysed)].map((check) => ({
    ...check,
    specPath: [...specPath, ...check.specPath],
    ...(index !== undefined ? { search: { index, ...(input.label ? { label: input.label } : {}), ...(input.date ? { date: input.date } : {}) } } : {}),
  }));
  deriveChain(counts);
  return { flow: { ...flow, counts: { ...counts } }, checks };
}

/** Sum of the same count over several searches (one search: its count; unknown if any is unknown). */
function across(flows: PrismaSearchFlow[], box: 'studies_included' | 'reports_included' | 'tables_included', target: PrismaBoxId): PrismaCount {
  const values = flows.map((flow) => known(flow.counts[box]));
  if (values.some((value) => value === undefined)) return UNKNOWN;
  if (flows.length === 1) return flows[0]!.counts[box];
  return sumOf(values.map((n) => ({ box: target, n: n!, sign: 1 })));
}

function totalOf(previous: PrismaCount, current: PrismaCount, previousBox: PrismaBoxId, currentBox: PrismaBoxId): PrismaCount {
  const [p, c] = [known(previous), known(current)];
  return p === undefined || c === undefined ? UNKNOWN : sumOf([{ box: previousBox, n: p, sign: 1 }, { box: currentBox, n: c, sign: 1 }]);
}

/** Reports and 2x2 tables of the previous version (`prisma.previous`) against its studies. */
function previousChecks(stated: { studies: number; reports?: number; tables?: number } | undefined): PrismaCheck[] {
  if (!stated) return [];
  const studies = stageTerm('previous_studies', stated.studies);
  const located = (unlocated: UnlocatedCheck, key: string): PrismaCheck => ({ ...unlocated, specPath: ['prisma', 'previous', key] });
  return [
    ...(stated.reports !== undefined && stated.reports < stated.studies
      ? [located(check('prisma.studies-exceed-reports', [stageTerm('previous_reports', stated.reports)], '≥', studies, ''), 'reports')] : []),
    ...(stated.tables !== undefined && stated.tables < stated.studies
      ? [located(check('prisma.tables-fewer-than-studies', [stageTerm('previous_tables', stated.tables)], '≥', studies, ''), 'tables')] : []),
  ];
}

/** The PRISMA 2020 flow of a spec; undefined when the spec has neither `prisma:` nor `searches:`. */
export function prismaFlow(spec: Pick<AnalysisSpec, 'prisma' | 'searches'>, options: PrismaOptions = {}): PrismaFlow | undefined {
  const searches = spec.searches ?? [];
  const inputs: { input: PrismaSearchInput; path: (string | number)[]; index?: number }[] =
    searches.length > 0 ? searches.map((input, index) => ({ input, path: ['searches', index], index })) : spec.prisma ? [{ input: spec.prisma, path: ['prisma'] }] : [];
  if (inputs.length === 0) return undefined;
  // In an updated review the data hold previous + new tables: check the current search's count of
  // new tables against the analysed tables minus the previous ones (skipped when those are unknown).
  const earlierTables = inputs.slice(0, -1).map(({ input }) => input.tables_included);
  const statedPrevious = searches.length > 0 ? undefined : spec.prisma?.previous?.tables;
  const previousTables =
    inputs.length > 1 ? (earlierTables.every((n) => n !== undefined) ? earlierTables.reduce((a, b) => a! + b!, 0) : undefined) : statedPrevious ?? (spec.prisma?.previous ? undefined : 0);
  const currentOptions: PrismaOptions =
    options.tablesAnalysed === undefined ? options : previousTables === undefined ? { ...options, tablesAnalysed: undefined } : { ...options, tablesAnalysed: options.tablesAnalysed - previousTables };
  const results = inputs.map(({ input, path, index }, i) => searchFlow(input, path, i === inputs.length - 1 ? currentOptions : {}, index));
  const flows = results.map((result) => result.flow);
  const current = flows.at(-1)!;
  const earlier = flows.slice(0, -1);
  const stated = searches.length > 0 ? undefined : spec.prisma?.previous;
  const previous = stated
    ? { studies: given(stated.studies), reports: given(stated.reports), tables: given(stated.tables) }
    : earlier.length > 0
      ? { studies: across(earlier, 'studies_included', 'previous_studies'), reports: across(earlier, 'reports_included', 'previous_reports'), tables: across(earlier, 'tables_included', 'previous_tables') }
      : { studies: UNKNOWN, reports: UNKNOWN, tables: UNKNOWN };
  const updated = stated !== undefined || earlier.length > 0;
  const total = {
    studies: updated ? totalOf(previous.studies, current.counts.studies_included, 'previous_studies', 'studies_included') : current.counts.studies_included,
    reports: updated ? totalOf(previous.reports, current.counts.reports_included, 'previous_reports', 'reports_included') : current.counts.reports_included,
    tables: updated ? totalOf(previous.tables, current.counts.tables_included, 'previous_tables', 'tables_included') : current.counts.tables_included,
  };
  const note = searches.length > 0 ? undefined : spec.prisma?.note;
  const checks = [...results.flatMap((result) => result.checks), ...previousChecks(stated)];
  return { current, earlier, updated, previous, total, checks, ...(note ? { note } : {}) };
}

/** The checks as `metadx validate` warnings, located at the spec key of the count concerned. */
export function prismaDiagnostics(
  flow: PrismaFlow,
  specFile: string,
  locate: (path: readonly (string | number)[]) => { line: number; column: number } | undefined,
): Diagnostic[] {
  return flow.checks.map((check) => {
    const position = locate(check.specPath) ?? locate(check.specPath.slice(0, -1));
    return {
      severity: 'warning',
      code: check.code,
      message: M.warning(M.check(check), check.search),
      hint: M.hint(check.code),
      file: specFile,
      ...(position ? { line: position.line, column: position.column } : {}),
      field: check.specPath.join('.'),
    };
  });
}
