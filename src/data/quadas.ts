/**
 * QUADAS-2 judgements (Whiting et al., Ann Intern Med 2011;155:529–536): RawTable → per-study
 * judgements for the 4 risk-of-bias domains (patient selection, index test, reference standard,
 * flow and timing) and the 3 applicability domains (patient selection, index test, reference
 * standard), each low / high / unclear. Applicability columns may be absent (not assessed).
 *
 * Column names are flexible: `patient_selection`, `rob_ps`, `risk_of_bias_index_test`, `d1`…`d4`
 * (robvis), `applicability_patient_selection`, `ac_ps`, MetaDTA's `rob_PS … ac_RS`. Values are
 * case-insensitive: low/high/unclear, L/H/U, "?", "low risk", "high concern", and MetaDTA's codes
 * 1 = low, 2 = high, 3 = unclear. Every problem is collected with its file position.
 */
import type { Diagnostic } from '../diagnostics.ts';
import { dataMessages, quadasMessages as M } from '../messages.ts';
import { closest } from '../suggest.ts';
import type { CovariateInfo, Study } from './studies.ts';
import { parseTableFile } from './load.ts';
import type { Limits } from '../limits.ts';
import type { CellPosition, RawTable } from './table.ts';

export type QuadasJudgement = 'low' | 'high' | 'unclear';
export type QuadasGroup = 'risk_of_bias' | 'applicability';

export const QUADAS_JUDGEMENTS: readonly QuadasJudgement[] = ['low', 'high', 'unclear'];
export const QUADAS_GROUP_LABELS: Record<QuadasGroup, string> = { risk_of_bias: 'Risk of bias', applicability: 'Applicability concerns' };

export const QUADAS_DOMAINS = [
  { id: 'rob_patient_selection', group: 'risk_of_bias', label: 'Patient selection', key: 'ps' },
  { id: 'rob_index_test', group: 'risk_of_bias', label: 'Index test', key: 'it' },
  { id: 'rob_reference_standard', group: 'risk_of_bias', label: 'Reference standard', key: 'rs' },
  { id: 'rob_flow_timing', group: 'risk_of_bias', label: 'Flow and timing', key: 'ft' },
  { id: 'applicability_patient_selection', group: 'applicability', label: 'Patient selection', key: 'ps' },
  { id: 'applicability_index_test', group: 'applicability', label: 'Index test', key: 'it' },
  { id: 'applicability_reference_standard', group: 'applicability', label: 'Reference standard', key: 'rs' },
] as const satisfies readonly { id: string; group: QuadasGroup; label: string; key: string }[];

export type QuadasDomainId = (typeof QUADAS_DOMAINS)[number]['id'];
export type QuadasDomain = (typeof QUADAS_DOMAINS)[number];

export interface QuadasStudy {
  /** study identifier as written in the file (matched against data.group or the study label) */
  study: string;
  /** 1-based data row (header excluded) */
  row: number;
  /** judgement per domain; absent = not assessed */
  judgements: Partial<Record<QuadasDomainId, QuadasJudgement>>;
}

export interface QuadasData {
  file: string;
  studies: QuadasStudy[];
  /** domains that have a column in the file (always the 4 risk-of-bias domains) */
  domains: QuadasDomainId[];
}

export interface QuadasDomainCount {
  domain: QuadasDomainId;
  low: number;
  high: number;
  unclear: number;
  notAssessed: number;
  total: number;
}

const normalise = (name: string): string =>
  name.trim().toLowerCase().replaceAll('&', '_and_').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');

/** Names of each domain; the first ones (full names) may stand alone, the others need a group prefix or suffix. */
const DOMAIN_NAMES: Record<string, { full: string[]; short: string[] }> = {
  ps: { full: ['patient_selection'], short: ['ps', 'patients', 'selection', 'patient'] },
  it: { full: ['index_test'], short: ['it', 'index', 'index_tests'] },
  rs: { full: ['reference_standard'], short: ['rs', 'reference', 'ref_standard', 'reference_test'] },
  ft: { full: ['flow_and_timing', 'flow_timing'], short: ['ft', 'flow', 'flow_time'] },
};
const GROUP_AFFIXES: Record<QuadasGroup, { prefixes: string[]; suffixes: string[] }> = {
  risk_of_bias: { prefixes: ['', 'rob_', 'risk_of_bias_', 'bias_', 'rb_', 'risk_'], suffixes: ['_rob', '_bias', '_risk', '_risk_of_bias'] },
  applicability: {
    prefixes: ['ac_', 'app_', 'appl_', 'applic_', 'applicability_', 'applicability_concerns_', 'concerns_', 'concern_'],
    suffixes: ['_ac', '_app', '_applicability', '_concerns', '_concern'],
  },
};

/** Every accepted (normalised) column name → domain; `flow` names of the applicability group → null. */
const COLUMN_NAMES: Map<string, QuadasDomainId | null> = (() => {
  const names = new Map<string, QuadasDomainId | null>();
  const add = (group: QuadasGroup, key: string, id: QuadasDomainId | null) => {
    const { prefixes, suffixes } = GROUP_AFFIXES[group];
    const { full, short } = DOMAIN_NAMES[key]!;
    for (const name of [...full, ...short]) {
      for (const prefix of prefixes) if (prefix !== '' || (group === 'risk_of_bias' && full.includes(name))) names.set(prefix + name, id);
      for (const suffix of suffixes) names.set(name + suffix, id);
    }
  };
  for (const domain of QUADAS_DOMAINS) add(domain.group, domain.key, domain.id);
  add('applicability', 'ft', null);
  ['d1', 'd2', 'd3', 'd4'].forEach((name, index) => {
    names.set(name, QUADAS_DOMAINS[index]!.id);
    names.set(`rob_${name}`, QUADAS_DOMAINS[index]!.id);
  });
  return names;
})();

const STUDY_COLUMNS = ['study', 'study_id', 'studyid', 'label', 'id', 'name'];
const NOT_ASSESSED = new Set(['', 'na', 'n/a', 'nr', '.', '-', '\u2212', 'not assessed', 'not applicable']);
const JUDGEMENT_WORDS: Record<string, QuadasJudgement> = {
  low: 'low', l: 'low', '1': 'low', '+': 'low',
  high: 'high', h: 'high', '2': 'high',
  unclear: 'unclear', u: 'unclear', '?': 'unclear', '3': 'unclear',
};
/** Levels of other tools (robvis / RoB 2 / ROBINS) people paste in, with the QUADAS-2 level to suggest. */
const OTHER_TOOL_LEVELS: Record<string, QuadasJudgement> = { 'some concerns': 'unclear', 'no information': 'unclear', moderate: 'unclear', serious: 'high', critical: 'high' };

/** A cell's judgement; 'not-assessed' for an empty/NA cell; undefined when invalid. */
export function parseJudgement(value: string): QuadasJudgement | 'not-assessed' | undefined {
  const text = value.trim().toLowerCase().replace(/\s+/g, ' ');
  if (NOT_ASSESSED.has(text)) return 'not-assessed';
  const direct = JUDGEMENT_WORDS[text];
  if (direct) return direct;
  const worded = /^(low|high|unclear)( (risk|concerns?|applicability concerns?)( of bias)?)?$/.exec(text);
  return worded ? (worded[1] as QuadasJudgement) : undefined;
}

function invalidSuggestion(value: string): string | undefined {
  const text = value.trim().toLowerCase().replace(/\s+/g, ' ');
  return OTHER_TOOL_LEVELS[text] ?? closest(text, QUADAS_JUDGEMENTS);
}

export function buildQuadas(table: RawTable, options: { file: string }): { data?: QuadasData; diagnostics: Diagnostic[] } {
  const { file } = options;
  const diagnostics: Diagnostic[] = [];
  const at = (position: CellPosition | undefined) => (position ? { line: position.line, column: position.column } : {});
  const report = (severity: 'error' | 'warning', code: string, message: string, hint: string | undefined, extra: Partial<Diagnostic>) =>
    diagnostics.push({ severity, code, message, ...(hint ? { hint } : {}), file, ...extra });

  // 1. header: study column and one column per domain
  const keys = table.header.map(normalise);
  const domainColumn = new Map<QuadasDomainId, number>();
  keys.forEach((key, index) => {
    const header = table.header[index]!;
    const where = { ...at(table.headerPositions[index]), field: header };
    if (!COLUMN_NAMES.has(key)) {
      const suggestion = STUDY_COLUMNS.includes(key) || key === 'author' || key === 'year' ? undefined : closest(key, [...COLUMN_NAMES.keys()].filter((name) => name.length > 3));
      if (suggestion) report('warning', 'quadas.unknown-column', M.unknownColumn(header, suggestion), M.domainColumnsHint(), where);
      return;
    }
    const domain = COLUMN_NAMES.get(key);
    if (domain === null || domain === undefined) report('warning', 'quadas.no-applicability-flow', M.noApplicabilityFlow(header), undefined, where);
    else if (domainColumn.has(domain)) report('error', 'quadas.duplicate-domain', M.duplicateDomain(header, table.header[domainColumn.get(domain)!]!), M.domainColumnsHint(), where);
    else domainColumn.set(domain, index);
  });
  const studyIndex = STUDY_COLUMNS.map((name) => keys.indexOf(name)).find((index) => index >= 0);
  const authorIndex = [keys.indexOf('author'), keys.indexOf('first_author')].find((index) => index >= 0);
  const yearIndex = keys.indexOf('year');
  const headerLine = { line: table.headerPositions[0]?.line ?? 1, column: 1 };
  if (studyIndex === undefined && authorIndex === undefined) {
    report('error', 'quadas.missing-study-column', M.missingStudyColumn(table.header), M.missingStudyColumnHint(), { ...headerLine, field: 'study' });
  }
  for (const domain of QUADAS_DOMAINS.filter((d) => d.group === 'risk_of_bias' && !domainColumn.has(d.id))) {
    report('error', 'quadas.missing-domain', M.missingDomain(`${QUADAS_GROUP_LABELS[domain.group]}: ${domain.label}`, table.header), M.domainColumnsHint(), { ...headerLine, field: domain.id });
  }
  if (table.rows.length === 0) report('error', 'quadas.no-rows', dataMessages.noRows(), undefined, { line: headerLine.line + 1 });
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };

  // 2. rows: study identifier and one judgement per domain column
  const studies: QuadasStudy[] = [];
  const seen = new Map<string, number>();
  for (const row of table.rows) {
    const cell = (index: number | undefined) => (index === undefined || index < 0 ? '' : (row.cells[index] ?? ''));
    const study = studyIndex !== undefined ? cell(studyIndex) : [cell(authorIndex), cell(yearIndex)].filter((s) => s !== '').join(' ');
    const studyWhere = { ...at(row.positions[studyIndex ?? authorIndex ?? 0]), row: row.row, field: table.header[studyIndex ?? authorIndex ?? 0]! };
    if (study === '') report('error', 'quadas.missing-study', M.missingStudy(), M.missingStudyColumnHint(), studyWhere);
    else if (seen.has(study.toLowerCase())) report('error', 'quadas.duplicate-study', M.duplicateStudy(study, seen.get(study.toLowerCase())!), M.duplicateStudyHint(), studyWhere);
    else seen.set(study.toLowerCase(), row.row);
    const judgements: QuadasStudy['judgements'] = {};
    for (const [domain, index] of domainColumn) {
      const value = cell(index);
      const header = table.header[index]!;
      const where = { ...at(row.positions[index]), row: row.row, field: header };
      const judgement = parseJudgement(value);
      if (judgement === undefined) report('error', 'quadas.invalid-judgement', M.invalidJudgement(header, value, invalidSuggestion(value)), M.invalidJudgementHint(), where);
      else if (judgement !== 'not-assessed') judgements[domain] = judgement;
      else if (domain.startsWith('rob_')) report('warning', 'quadas.not-judged', M.notJudged(header), M.notJudgedHint(), where);
    }
    studies.push({ study, row: row.row, judgements });
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const domains = QUADAS_DOMAINS.map((d) => d.id).filter((id) => domainColumn.has(id));
  return { data: { file, studies, domains }, diagnostics };
}

/** Bytes of a CSV/XLSX QUADAS-2 file → judgements (parser chosen by extension). */
export async function loadQuadas(bytes: Uint8Array, options: { file: string; sheet?: string; limits?: Limits }): Promise<{ data?: QuadasData; diagnostics: Diagnostic[] }> {
  const parsed = await parseTableFile(bytes, options.file, options.sheet, options.limits);
  if (!parsed.table) return { diagnostics: parsed.diagnostics };
  return buildQuadas(parsed.table, options);
}

/** Studies per judgement for each of the 7 domains (unassessed domains count as not assessed). */
export function quadasCounts(data: QuadasData): QuadasDomainCount[] {
  return QUADAS_DOMAINS.map(({ id }) => {
    const count: QuadasDomainCount = { domain: id, low: 0, high: 0, unclear: 0, notAssessed: 0, total: data.studies.length };
    for (const study of data.studies) {
      const judgement = study.judgements[id];
      if (judgement) count[judgement] += 1;
      else count.notAssessed += 1;
    }
    return count;
  });
}

export interface QuadasCovariate {
  info: CovariateInfo;
  /** judgement per study identifier (null: not assessed) */
  values: Record<string, QuadasJudgement | null>;
}

/** A QUADAS-2 domain as a categorical covariate (levels low, high, unclear; reference low). */
export function quadasCovariate(studies: readonly QuadasStudy[], domain: QuadasDomainId): QuadasCovariate {
  const definition = QUADAS_DOMAINS.find((d) => d.id === domain)!;
  return {
    info: {
      name: `quadas_${domain}`,
      label: `${QUADAS_GROUP_LABELS[definition.group]}: ${definition.label.toLowerCase()}`,
      type: 'categorical',
      levels: [...QUADAS_JUDGEMENTS],
      levelLabels: { low: 'Low', high: 'High', unclear: 'Unclear' },
    },
    values: Object.fromEntries(studies.map((study) => [study.study, study.judgements[domain] ?? null])),
  };
}

/**
 * Give each data row (2x2 table) the covariate of its study, matched case-insensitively by
 * data.group, then the `study` column, then the label. Rows without a QUADAS-2 row get null and
 * are listed in `unmatched` (by label).
 */
export function applyQuadasCovariate(rows: readonly Study[], covariate: QuadasCovariate): { studies: Study[]; unmatched: string[] } {
  const byKey = new Map(Object.entries(covariate.values).map(([study, value]) => [study.trim().toLowerCase(), value]));
  const unmatched: string[] = [];
  const studies = rows.map((row) => {
    const key = [row.group, row.fields.study, row.label].map((k) => k?.trim().toLowerCase()).find((k) => k !== undefined && byKey.has(k));
    if (key === undefined) unmatched.push(row.label);
    return { ...row, covariates: { ...row.covariates, [covariate.info.name]: key === undefined ? null : (byKey.get(key) ?? null) } };
  });
  return { studies, unmatched };
}
