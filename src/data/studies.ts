/**
 * Stage 2: RawTable → validated studies. Recognises the column layouts reviewers use
 * (study,tp,fp,fn,tn in any case and order; mada's TP FN FP TN; MetaDTA's author + year), checks
 * every count (missing, non-numeric, negative, non-integer, implausibly large, empty arms), builds
 * unique study labels and typed covariates. Every problem is collected, none stops the others.
 */
import type { Diagnostic } from '../diagnostics.ts';
import { dataMessages as M } from '../messages.ts';
import type { AnalysisSpec } from '../spec/schema.ts';
import type { Counts } from '../stats/types.ts';
import { closest } from '../suggest.ts';
import type { CellPosition, RawRow, RawTable } from './table.ts';

export type CovariateValue = string | number | null;

export interface Study {
  /** unique display label */
  label: string;
  /** 1-based data row (header excluded) */
  row: number;
  counts: Counts;
  /** publication identifier when one study contributes several tables (spec data.group) */
  group?: string;
  /** per-row provenance label (spec data.provenance.column), e.g. "simulated" */
  provenance?: string;
  /** covariate values: numbers for continuous, level keys for categorical, null when missing */
  covariates: Record<string, CovariateValue>;
  /** every column as text, for label templates and tables */
  fields: Record<string, string>;
}

export interface CovariateInfo {
  name: string;
  label: string;
  type: 'categorical' | 'continuous';
  /** for categorical: level keys in display order */
  levels?: string[];
  /** level key -> display label */
  levelLabels?: Record<string, string>;
}

export interface StudyData {
  file: string;
  studies: Study[];
  covariates: CovariateInfo[];
  /** original header names */
  columns: string[];
}

const COUNT_COLUMNS = ['tp', 'fp', 'fn', 'tn'] as const;
const COUNT_ALIASES: Record<(typeof COUNT_COLUMNS)[number], string[]> = {
  tp: ['tp', 'true_positive', 'true_positives', 'truepositive', 'truepositives'],
  fp: ['fp', 'false_positive', 'false_positives', 'falsepositive', 'falsepositives'],
  fn: ['fn', 'false_negative', 'false_negatives', 'falsenegative', 'falsenegatives'],
  tn: ['tn', 'true_negative', 'true_negatives', 'truenegative', 'truenegatives'],
};
const LABEL_COLUMNS = ['study', 'study_id', 'studyid', 'label', 'id', 'name'];
const MISSING = new Set(['', 'na', 'n/a', 'nan', '.', '-', 'null']);
const MAX_COUNT = 10_000_000;

const normalise = (name: string): string => name.trim().toLowerCase().replace(/[\s.-]+/g, '_');

export interface BuildOptions {
  file: string;
  /** `model` (optional) lets the data stage refuse settings the data cannot support */
  spec: Pick<AnalysisSpec, 'data' | 'covariates' | 'subgroups'> & { model?: Pick<AnalysisSpec['model'], 'method' | 'correction'> };
  /** position of a spec key, for errors about the spec's data section */
  specFile?: string;
  locateSpec?: (path: readonly (string | number)[]) => { line: number; column: number } | undefined;
  /** covariates that other inputs add (e.g. the QUADAS-2 domains), valid under `subgroups:` */
  extraCovariates?: readonly string[];
}

export function buildStudies(table: RawTable, options: BuildOptions): { data?: StudyData; diagnostics: Diagnostic[] } {
  const { file, spec } = options;
  const diagnostics: Diagnostic[] = [];
  const at = (position: CellPosition | undefined) => (position ? { line: position.line, column: position.column } : {});
  const error = (code: string, message: string, hint: string | undefined, extra: Partial<Diagnostic>): void => {
    diagnostics.push({ severity: 'error', code, message, ...(hint ? { hint } : {}), file, ...extra });
  };

  // 1. header: duplicates, count columns, label columns
  const keys = table.header.map(normalise);
  const firstIndex = new Map<string, number>();
  keys.forEach((key, index) => {
    if (key === '') return;
    if (firstIndex.has(key)) {
      error('data.duplicate-column', M.duplicateColumn(table.header[index]!), M.duplicateColumnHint(), { ...at(table.headerPositions[index]), field: table.header[index]! });
    } else firstIndex.set(key, index);
  });
  const countIndex: Partial<Record<(typeof COUNT_COLUMNS)[number], number>> = {};
  const present = table.header.map(displayColumn);
  const headerLine = { line: table.headerPositions[0]?.line ?? 1, column: 1 };
  const foundCounts = COUNT_COLUMNS.filter((column) => COUNT_ALIASES[column].some((alias) => firstIndex.has(alias)));
  if (foundCounts.length === 0) {
    // not one count column: the first line is not the header (or the file is not a 2x2 table)
    // an .xlsx whose first worksheet holds notes: point at data.sheet, not at "title lines"
    const sheet = table.worksheet;
    const hint = sheet && !sheet.named && sheet.all.length > 1 ? M.noHeaderSheetHint(sheet.name, sheet.all.filter((name) => name !== sheet.name)) : M.noHeaderHint();
    error('data.no-header', M.noHeader(present), hint, { ...headerLine, field: 'tp' });
    return { diagnostics };
  }
  for (const column of COUNT_COLUMNS) {
    const index = COUNT_ALIASES[column].map((alias) => firstIndex.get(alias)).find((i) => i !== undefined);
    if (index === undefined) {
      const suggestion = closest(column, keys.filter((k) => !Object.values(COUNT_ALIASES).flat().includes(k)));
      error('data.missing-column', M.missingColumn(column, present, suggestion && table.header[keys.indexOf(suggestion)]), M.missingColumnHint(), { ...headerLine, field: column });
    } else countIndex[column] = index;
  }
  const labelIndex = LABEL_COLUMNS.map((c) => firstIndex.get(c)).find((i) => i !== undefined);
  const authorIndex = firstIndex.get('author') ?? firstIndex.get('first_author');
  const yearIndex = firstIndex.get('year');
  const template = spec.data.label;
  const inSpec = (key: string[]) => ({ file: options.specFile ?? file, ...(options.locateSpec?.(key) ?? {}), field: key.join('.') });
  if (template) {
    const placeholders = [...template.matchAll(/\{([^}]+)\}/g)];
    if (placeholders.length === 0) {
      diagnostics.push({ severity: 'error', code: 'data.label-template', message: M.labelTemplateNoColumn(template), hint: M.labelTemplateNoColumnHint(), ...inSpec(['data', 'label']) });
    }
    for (const match of placeholders) {
      if (!firstIndex.has(normalise(match[1]!))) {
        const suggestion = closest(normalise(match[1]!), keys.filter((k) => k !== ''));
        diagnostics.push({ severity: 'error', code: 'data.label-column', message: M.labelTemplateColumn(match[1]!), hint: M.labelTemplateColumnHint(present, suggestion && table.header[keys.indexOf(suggestion)]), ...inSpec(['data', 'label']) });
      }
    }
  } else if (labelIndex === undefined && authorIndex === undefined) {
    error('data.missing-column', M.missingColumn('study', present, closest('study', keys)), M.missingColumnHint(), { ...headerLine, field: 'study' });
  }
  if (table.rows.length === 0 && diagnostics.length === 0) {
    error('data.no-rows', M.noRows(), M.noRowsHint(), { line: (table.headerPositions[0]?.line ?? 1) + 1 });
  }
  if (diagnostics.length > 0) return { diagnostics };

  const cell = (row: RawRow, index: number | undefined): string => (index === undefined ? '' : (row.cells[index] ?? ''));
  const reserved = new Set<number>([...Object.values(countIndex), ...(labelIndex !== undefined ? [labelIndex] : [])]);
  const covariateColumns = table.header.map((h, i) => ({ name: normalise(h), header: h, index: i })).filter((c) => c.name !== '' && !reserved.has(c.index) && firstIndex.get(c.name) === c.index);

  // 2. rows
  const studies: Study[] = [];
  const seenLabels = new Map<string, number>();
  const lookAlike = new Map<string, { label: string; row: number }>();
  const zeroCellRows: number[] = [];
  const requiredWidth = Math.max(...Object.values(countIndex), labelIndex ?? -1, template ? -1 : (authorIndex ?? -1));
  /** columns up to the last one with a name (a trailing separator in the header adds no column) */
  const namedWidth = table.header.reduce((last, h, i) => (h !== '' ? i + 1 : last), 0);
  for (const row of table.rows) {
    const counts: Partial<Counts> = {};
    let rowOk = true;
    // CSV rows with more or fewer fields than the header (an unquoted separator in a label, a
    // forgotten cell): the cells are not where the header says, so the row's values are not read.
    // A short row is refused even when only trailing covariate cells are missing: a forgotten
    // separator looks the same, and the study would silently drop out of subgroup analyses
    // (write NA or leave the cell empty: "…,45,")
    const lastFilled = row.cells.reduce((last, c, i) => (c !== '' ? i : last), -1);
    const width = table.header.length;
    const shifted = table.delimiter !== undefined && (lastFilled >= width || row.cells.length <= requiredWidth || row.cells.length < namedWidth);
    if (shifted) {
      const extra = lastFilled >= width;
      const position = row.positions[extra ? width : row.cells.length] ?? row.positions.at(-1);
      error('data.field-count', extra ? M.tooManyFields(row.cells.length, width) : M.tooFewFields(row.cells.length, width, present[row.cells.length] ?? ''), extra ? M.tooManyFieldsHint(table.delimiter!) : M.tooFewFieldsHint(), { ...at(position), row: row.row });
      rowOk = false;
    }
    for (const column of shifted ? [] : COUNT_COLUMNS) {
      const index = countIndex[column]!;
      const raw = cell(row, index);
      const where = { ...at(row.positions[index]), row: row.row, field: fieldName(column, row.positions[index]) };
      const value = parseNumber(raw, table.decimalComma);
      if (MISSING.has(raw.toLowerCase())) {
        error('data.missing-count', raw === '' ? M.missingCount(column) : M.missingCountValue(column, raw), M.missingCountHint(), where);
        rowOk = false;
      } else if (value === undefined) {
        error('data.not-a-number', M.notANumber(column, raw), M.notANumberHint(), where);
        rowOk = false;
      } else if (/^\+|[eE]/.test(raw)) {
        // "+10", "1e1": a number, but not how anyone types a count (a formula or a converted cell)
        error('data.count-notation', M.countNotation(column, raw), M.countNotationHint(), where);
        rowOk = false;
      } else if (value < 0) {
        error('data.negative-count', M.negative(column, value), M.negativeHint(), where);
        rowOk = false;
      } else if (!Number.isInteger(value) && table.delimiter === ';' && /^\d{1,3}(\.\d{3})+$/.test(raw)) {
        // "1.234" in a European file: a thousands separator, not a rounded percentage
        error('data.non-integer-count', M.decimalCommaPoint(column, raw), M.decimalCommaPointHint(raw), where);
        rowOk = false;
      } else if (!Number.isInteger(value)) {
        error('data.non-integer-count', M.notInteger(column, value), M.notIntegerHint(), where);
        rowOk = false;
      } else if (value > MAX_COUNT) {
        error('data.count-too-large', M.tooLarge(column, value), M.tooLargeHint(), where);
        rowOk = false;
      } else counts[column] = value;
    }
    const fields: Record<string, string> = {};
    table.header.forEach((h, i) => {
      if (h !== '') fields[normalise(h)] = cell(row, i);
    });
    const label = makeLabel(row, { template, labelIndex, authorIndex, yearIndex, fields, cell });
    const labelPosition = at(row.positions[labelIndex ?? authorIndex ?? 0]);
    if (label === '') {
      error('data.missing-label', M.missingLabel(), M.missingLabelHint(), { ...labelPosition, row: row.row, field: fieldName('study', row.positions[labelIndex ?? authorIndex ?? 0]) });
      rowOk = false;
    } else if (seenLabels.has(label)) {
      error('data.duplicate-label', M.duplicateLabel(label, seenLabels.get(label)!), M.duplicateLabelHint(), { ...labelPosition, row: row.row, field: fieldName('study', row.positions[labelIndex ?? authorIndex ?? 0]) });
      rowOk = false;
    } else if (lookAlike.has(lookAlikeKey(label))) {
      const twin = lookAlike.get(lookAlikeKey(label))!;
      error('data.look-alike-label', M.lookAlikeLabel(label, twin.label, twin.row), M.lookAlikeLabelHint(), { ...labelPosition, row: row.row, field: fieldName('study', row.positions[labelIndex ?? authorIndex ?? 0]) });
      rowOk = false;
    } else {
      seenLabels.set(label, row.row);
      lookAlike.set(lookAlikeKey(label), { label, row: row.row });
    }
    if (rowOk) {
      const c = counts as Counts;
      const where = { ...at(row.positions[countIndex.tp!]), row: row.row, field: fieldName('tp', row.positions[countIndex.tp!]) };
      if (c.tp === 0 || c.fp === 0 || c.fn === 0 || c.tn === 0) zeroCellRows.push(row.row);
      if (c.tp + c.fp + c.fn + c.tn === 0) {
        error('data.all-zero', `${label}: ${M.allZero()}`, M.allZeroHint(), where);
        rowOk = false;
      } else if (c.tp + c.fn === 0) {
        // kept for the arm it has (as glmer does); methods that need both arms leave it out, saying so
        diagnostics.push({ severity: 'warning', code: 'data.empty-arm', message: `${label}: ${M.emptyArm('diseased')}`, hint: M.emptyArmHint(), file, ...where });
      }
      if (c.tp + c.fp + c.fn + c.tn > 0 && c.fp + c.tn === 0) {
        diagnostics.push({ severity: 'warning', code: 'data.empty-arm', message: `${label}: ${M.emptyArm('non-diseased')}`, hint: M.emptyArmHint(), file, ...where, ...at(row.positions[countIndex.fp!]), field: fieldName('fp', row.positions[countIndex.fp!]) });
      }
    }
    const groupColumn = spec.data.group ? normalise(spec.data.group) : undefined;
    const provenanceColumn = spec.data.provenance?.column ? normalise(spec.data.provenance.column) : undefined;
    studies.push({
      label,
      row: row.row,
      counts: counts as Counts,
      ...(groupColumn && fields[groupColumn] ? { group: fields[groupColumn] } : {}),
      ...(provenanceColumn && fields[provenanceColumn] ? { provenance: fields[provenanceColumn] } : {}),
      covariates: {},
      fields,
    });
  }

  // columns the spec names must exist (a typo would silently switch a feature off)
  for (const [key, column] of [[['data', 'group'], spec.data.group], [['data', 'provenance', 'column'], spec.data.provenance?.column]] as const) {
    if (column !== undefined && !firstIndex.has(normalise(column))) {
      const suggestion = closest(normalise(column), keys.filter((k) => k !== ''));
      diagnostics.push({ severity: 'error', code: 'data.spec-column', message: M.specColumnMissing(key.join('.'), column, suggestion && table.header[keys.indexOf(suggestion)]), hint: M.specColumnMissingHint(present), ...inSpec([...key]) });
    }
  }
  for (const name of Object.keys(spec.covariates)) {
    if (!firstIndex.has(normalise(name))) {
      const suggestion = closest(normalise(name), keys.filter((k) => k !== ''));
      diagnostics.push({ severity: 'error', code: 'data.spec-column', message: M.specColumnMissing(`covariates.${name}`, name, suggestion && table.header[keys.indexOf(suggestion)]), hint: M.specColumnMissingHint(present), ...inSpec(['covariates', name]) });
    }
  }
  const extra = options.extraCovariates ?? [];
  spec.subgroups.forEach((name, index) => {
    if (!firstIndex.has(normalise(name)) && !extra.includes(name)) {
      const suggestion = closest(normalise(name), [...keys.filter((k) => k !== ''), ...extra]);
      diagnostics.push({ severity: 'error', code: 'data.spec-column', message: M.specColumnMissing(`subgroups[${index}]`, name, suggestion && (keys.includes(suggestion) ? table.header[keys.indexOf(suggestion)] : suggestion)), hint: M.specColumnMissingHint(present), ...inSpec(['subgroups', String(index)]), field: `subgroups[${index}]` });
    }
  });
  // the Reitsma model works on logits: with correction "none" a zero cell makes them infinite
  if (spec.model?.method === 'reitsma' && spec.model.correction === 'none' && zeroCellRows.length > 0) {
    diagnostics.push({ severity: 'error', code: 'data.reitsma-zero-cells', message: M.reitsmaZeroCells(zeroCellRows), hint: M.reitsmaZeroCellsHint(), ...inSpec(['model', 'correction']) });
  }

  // 3. covariates: declared ones are checked against their levels; others typed automatically
  const covariates: CovariateInfo[] = [];
  for (const column of covariateColumns) {
    const declared = spec.covariates[column.name] ?? spec.covariates[column.header];
    const values = table.rows.map((row) => cell(row, column.index));
    const present = values.filter((v) => !MISSING.has(v.toLowerCase()));
    const numeric = present.length > 0 && present.every((v) => parseNumber(v, table.decimalComma) !== undefined);
    const type = declared?.type ?? (declared?.levels ? 'categorical' : numeric ? 'continuous' : 'categorical');
    const info: CovariateInfo = { name: column.name, label: declared?.label ?? column.header, type };
    if (type === 'categorical') {
      const declaredLevels = declared?.levels ? Object.keys(declared.levels) : undefined;
      const seen = [...new Set(present)].sort((a, b) => a.localeCompare(b));
      info.levels = declaredLevels ?? seen;
      info.levelLabels = declared?.levels ?? Object.fromEntries(seen.map((l) => [l, l]));
    }
    covariates.push(info);
    table.rows.forEach((row, i) => {
      const raw = values[i]!;
      const study = studies[i]!;
      if (MISSING.has(raw.toLowerCase())) study.covariates[column.name] = null;
      else if (type === 'continuous') {
        const value = parseNumber(raw, table.decimalComma);
        if (value === undefined) {
          error('data.not-a-number', M.notANumber(column.header, raw), M.continuousCovariateHint(column.name), { ...at(row.positions[column.index]), row: row.row, field: fieldName(column.header, row.positions[column.index]) });
        }
        study.covariates[column.name] = value ?? null;
      } else {
        if (info.levels && declared?.levels && !info.levels.includes(raw)) {
          const suggestion = closest(raw, info.levels);
          error('data.unknown-level', M.unknownLevel(column.header, raw, info.levels, suggestion), M.unknownLevelHint(column.name), { ...at(row.positions[column.index]), row: row.row, field: fieldName(column.header, row.positions[column.index]) });
        }
        study.covariates[column.name] = raw;
      }
    });
  }

  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return { data: { file, studies, covariates, columns: table.header }, diagnostics };
}

/**
 * What a label looks like to a reader: compatibility forms folded (NFKC), letter case folded,
 * invisible format characters (zero-width space, joiners, BOM) removed, every kind of space as one
 * space. Two different labels with the same key look identical in a table.
 */
export function lookAlikeKey(label: string): string {
  return label.normalize('NFKC').replace(/\p{Cf}/gu, '').replace(/[\s\p{Zs}]+/gu, ' ').trim().toLowerCase();
}

/** The column of a cell as messages name it: with the spreadsheet cell for XLSX ("fp (cell C3)"). */
function fieldName(column: string, position: CellPosition | undefined): string {
  return position?.cell ? `${column} (cell ${position.cell})` : column;
}

/** A column name for messages: blank and odd names quoted so they are visible. */
function displayColumn(name: string): string {
  if (name === '') return '(blank)';
  return /^[\p{L}\p{N}][\p{L}\p{N} _.()/%+-]*$/u.test(name) ? name : JSON.stringify(name);
}

/**
 * A study label from the spec's template, e.g. "{first_author} {year}, {model}" → "Hsieh 2021,
 * VGG-16 (hip)". So that labels read cleanly whatever the data hold, a placeholder written in
 * parentheses whose value has parentheses of its own is written after a comma instead of nesting
 * them ("{author} {year} ({model})" with model "VGG-16 (hip)" gives "Hsieh 2021, VGG-16 (hip)", not
 * "Hsieh 2021 (VGG-16 (hip))"), an empty placeholder leaves no "()" or dangling comma, and runs of
 * spaces become one.
 */
export function fillLabelTemplate(template: string, value: (name: string) => string): string {
  const text = template
    .replace(/\s*\(\{([^}]+)\}\)/g, (_match, name: string) => {
      const filled = value(name).trim();
      if (filled === '') return '';
      return /[()]/.test(filled) ? `, ${filled}` : ` (${filled})`;
    })
    .replace(/\{([^}]+)\}/g, (_match, name: string) => value(name).trim());
  return text
    .replace(/\s+/g, ' ')
    .replace(/\s+,/g, ',')
    .replace(/,(\s*,)+/g, ',')
    .replace(/^[\s,]+|[\s,]+$/g, '')
    .trim();
}

function makeLabel(
  row: RawRow,
  context: {
    template: string | undefined;
    labelIndex: number | undefined;
    authorIndex: number | undefined;
    yearIndex: number | undefined;
    fields: Record<string, string>;
    cell: (row: RawRow, index: number | undefined) => string;
  },
): string {
  const { template, labelIndex, authorIndex, yearIndex, fields, cell } = context;
  if (template) return fillLabelTemplate(template, (name) => fields[normalise(name)] ?? '');
  if (labelIndex !== undefined) return cell(row, labelIndex);
  return [cell(row, authorIndex), cell(row, yearIndex)].filter((s) => s !== '').join(' ');
}

/** Parses "12", "12.0", "1e3", and "0,5" when decimal commas are in use; undefined otherwise. */
export function parseNumber(raw: string, decimalComma: boolean): number | undefined {
  let text = raw.trim();
  if (decimalComma) text = text.replace(/^(-?\d+),(\d+)$/, '$1.$2');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
