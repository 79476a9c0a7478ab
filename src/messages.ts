import { formatCount } from './format/numbers.ts';

/**
 * Every user-facing message of metadx, as functions (vega-lite keeps its messages in
 * src/log/message.ts the same way). Tests compare against these functions, so wording changes in
 * one place. Messages say what is wrong; hints say what to do.
 */

const quote = (s: string): string => JSON.stringify(s);
/** Quoted, with invisible characters shown as \uXXXX (zero-width and no-break spaces, controls). */
export const quoteVisible = (s: string): string =>
  JSON.stringify(s).replace(/[\p{Cf}\p{Cc}\p{Zl}\p{Zp}\u00A0\u2000-\u200A\u202F\u205F\u3000]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);

export const specMessages = {
  yamlSyntax: (detail: string) => `YAML syntax error: ${detail}`,
  yamlTag: (tag: string) => `custom YAML tag ${tag} is not allowed`,
  yamlTagHint: () => 'remove the tag; analysis specs use plain YAML values only',
  notAMapping: () => 'the spec must be a YAML mapping of keys (title:, version:, data:, ...)',
  unknownKey: (key: string, suggestion?: string) =>
    `unknown key ${quote(key)}${suggestion ? `; did you mean ${quote(suggestion)}?` : ''}`,
  unknownKeyHint: (known: readonly string[]) => `allowed keys here: ${known.join(', ')}`,
  missingKey: (key: string) => `missing required key ${quote(key)}`,
  invalidType: (path: string, expected: string, received: string) => `${path}: expected ${expected}, got ${received}`,
  invalidValue: (path: string, value: string, allowed: readonly string[], suggestion?: string) =>
    `${path}: ${value} is not one of ${allowed.map(quote).join(', ')}${suggestion ? `; did you mean ${quote(suggestion)}?` : ''}`,
  tooSmall: (path: string, minimum: string, inclusive = true) => `${path}: must be ${inclusive ? 'at least' : 'greater than'} ${minimum}`,
  tooBig: (path: string, maximum: string, inclusive = true) => `${path}: must be ${inclusive ? 'at most' : 'less than'} ${maximum}`,
  notInteger: (path: string) => `${path}: must be a whole number`,
  other: (path: string, message: string) => `${path}: ${message}`,
  fileMissing: (what: string, path: string) => `${what} file not found: ${path}`,
  fileMissingHint: (key: string) => `check the path under ${key}: (it is relative to the folder of analysis.yaml)`,
  pathEscapes: (path: string) => `data path ${quote(path)} points outside the analysis folder`,
  pathEscapesHint: () => 'keep data files inside the analysis folder (copy them there)',
  excludeUnknown: (label: string, suggestion?: string) =>
    `sensitivity.exclude: no 2x2 table is labelled ${quoteVisible(label)}${suggestion ? `; did you mean ${quoteVisible(suggestion)}?` : ''}`,
  excludeUnknownHint: (examples: readonly string[], total: number) =>
    `write each label exactly as the study tables show it (see "Study labels" in README.md: the study column, author + year, or data.label)${examples.length > 0 ? `; labels here: ${examples.map(quoteVisible).join(', ')}${total > examples.length ? `, ... (${total} in all)` : ''}` : ''}`,
  excludeEverything: (k: number) => `sensitivity.exclude leaves out all ${k} 2x2 tables: nothing would be left to analyse`,
  excludeEverythingHint: () => 'list only the studies to leave out of the sensitivity analysis',
  moreProblems: (n: number) => `and ${formatCount(n)} more ${n === 1 ? 'problem' : 'problems'} in this file, from here on (not shown)`,
  moreProblemsHint: () => 'correct the problems above (often a block of keys pasted in the wrong place) and run again',
  unusedSetting: (setting: string, method: string) =>
    `${setting} is not used by ${method === 'reitsma' ? 'the Reitsma model (a normal approximation fitted by REML: it integrates nothing)' : `method ${method}`}; it has no effect`,
  unusedSettingHint: (setting: string) => `remove ${setting}, or choose the model that uses it (method: glmm)`,
  unknownCovariate: (name: string, suggestion?: string) =>
    `subgroup covariate ${quote(name)} is not a column of the data${suggestion ? `; did you mean ${quote(suggestion)}?` : ''}`,
  specNotFound: (path: string) => `no analysis spec found at ${path}`,
  specNotFoundHint: () => 'give a folder containing analysis.yaml, or the path of a .yaml file',
  noAnalyses: (dir: string) => `no analyses found: ${dir} has no */analysis.yaml`,
  yamlSyntaxHint: () => 'check this line and the one before: indentation (spaces, the same depth for keys of one mapping), a colon and a space after each key, closing quotes and brackets',
  yamlTabHint: () => 'indent with spaces only (YAML does not allow tabs for indentation)',
  yamlDuplicateKey: (key: string) => `key ${quote(key)} appears a second time in the same mapping`,
  yamlDuplicateKeyHint: () => 'keep one of the two (YAML keys must be unique; the second does not override the first)',
  yamlMultipleDocuments: () => 'the file holds more than one YAML document (a line "---" starts a second one)',
  yamlMultipleDocumentsHint: () => 'keep one analysis per analysis.yaml: remove the "---" line and what follows, or move the second analysis to its own folder',
  yamlUnknownAlias: (name: string) => `alias *${name} refers to no anchor &${name} above it`,
  yamlUnknownAliasHint: () => 'define the anchor (&name) before its first use, or write the value out',
  yamlAliasBomb: (limit: number) => `the spec expands YAML aliases (*name) more than ${limit} times`,
  yamlAliasBombHint: () => 'write the values out instead of repeating anchors and aliases',
  emptySpecHint: () => 'the file is empty or only has comments; start from the example in README.md (title:, version:, data: file:)',
  invalidDate: (date: string) => `date: ${quote(date)} is not a calendar date`,
  invalidDateHint: () => 'write the date as YYYY-MM-DD, e.g. 2024-03-01',
  pathSymlinkEscapes: (path: string, target: string) => `data path ${quote(path)} is a link to ${target}, outside the analysis folder`,
  pathNotAFile: (what: string, path: string) => `${what} path ${path} is a folder, not a file`,
  pathNotRegular: (what: string, path: string, kind: string) => `${what} path ${path} is a ${kind}, not a regular file; it was not read`,
  pathNotRegularHint: (key: string) => `name a regular file (a .csv or .xlsx saved on disk) under ${key}: (relative to the folder of analysis.yaml)`,
  fitFileHint: () => 'give the path of a .csv or .xlsx file with one 2x2 table per row (for an analysis folder, use metadx validate or metadx report)',
  specNotRegular: (path: string, kind: string) => `${path} is a ${kind}, not a regular file; it was not read`,
  pathNotAFileHint: (key: string) => `give the file inside it under ${key}: (relative to the folder of analysis.yaml)`,
  invalidDateFormat: (value: string) => `date: ${quote(value)} is not written as YYYY-MM-DD`,
  missingKeyHint: (key: string) => {
    const parts = key.split('.');
    const name = parts.at(-1)!;
    return parts.length === 1 ? `add "${name}:" at the top level of the spec (see the example in README.md)` : `add "${name}:" under ${parts.slice(0, -1).join('.')}:`;
  },
  notAMappingListHint: () => 'write the keys at the top level, without a leading "- " (one analysis per analysis.yaml)',
  levelHint: () => 'give the confidence level as a proportion, e.g. 0.95 for 95%',
  prevalenceHint: (value: number) =>
    Number.isFinite(value) && value > 1 && value < 100
      ? `a prevalence is a proportion between 0 and 1: for ${value}% write ${Number((value / 100).toPrecision(6))}`
      : 'a prevalence is a proportion strictly between 0 and 1, e.g. 0.3 for 30%',
  notUtf8: () => 'the spec is not valid UTF-8 text',
  notUtf8Hint: () => 'save analysis.yaml with the UTF-8 encoding (most editors: "Save with encoding" > UTF-8)',
  yamlUnclosedQuote: (quoteChar: string) => `YAML syntax error: the quoted value starting here (${quoteChar}) is never closed`,
  yamlUnclosedQuoteHint: () => 'add the closing quote at the end of the value; a quote inside the value is written \\" (in "...") or \'\' (in \'...\')',
  structureNeedsGroup: (structure: string) => `model.structure: ${quote(structure)} groups the tables by study, but data.group names no study column`,
  structureNeedsGroupHint: () => 'add "group: <column>" under data: (the column naming the study of each 2x2 table), or remove model.structure',
  structureNeedsGlmm: (structure: string, method: string) => `model.structure: ${quote(structure)} needs the bivariate GLMM, but model.method is ${quote(method)} (the Reitsma model has no grouped version here)`,
  structureNeedsGlmmHint: () => 'use "method: glmm", or "structure: independent" to treat every table as its own study',
  sharedTestSetNeedsGroup: () => 'data.shared_test_set lists studies, but data.group names no study column',
  sharedTestSetNeedsGroupHint: () => 'add "group: <column>" under data: (the column naming the study of each 2x2 table), or remove shared_test_set',
  unknownSharedTestSet: (id: string, suggestion?: string) => `data.shared_test_set: no study ${quote(id)} in the data.group column${suggestion ? `; did you mean ${quote(suggestion)}?` : ''}`,
  unknownSharedTestSetHint: (known: readonly string[]) => `list values of the data.group column: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''}`,
} as const;

export const dataMessages = {
  emptyFile: () => 'the data file is empty',
  emptyFileHint: () => 'add a header row (study,tp,fp,fn,tn) and one row per 2x2 table',
  noRows: () => 'the data file has a header but no data rows',
  csvSyntax: (detail: string) => `CSV syntax error: ${detail}`,
  csvQuoteNotClosed: () => 'a quoted field (starting with ") on this line is never closed',
  csvStrayQuote: () => 'a quote (") in the middle of an unquoted field',
  csvTextAfterQuote: () => 'text after the closing quote of a quoted field',
  csvSyntaxHint: () => 'check quotes and the number of fields on this line',
  missingColumn: (column: string, present: readonly string[], suggestion?: string) =>
    `missing column ${quote(column)}${suggestion ? ` (found ${quote(suggestion)}: a typo?)` : ''}; columns present: ${present.join(', ')}`,
  missingColumnHint: () =>
    'the 2x2 counts need columns tp, fp, fn, tn (any case) and a study label column (study, or author + year)',
  duplicateColumn: (column: string) => `column ${quote(column)} appears more than once`,
  duplicateColumnHint: () => 'rename or remove one of the duplicated columns',
  notANumber: (column: string, value: string) => `${column} = ${quote(value)} is not a number`,
  notANumberHint: () => 'counts must be whole numbers written with digits only (no text, no thousands separators, no decimal commas)',
  negative: (column: string, value: number) => `${column} = ${value} is negative`,
  negativeHint: () => 'counts cannot be negative; check the extraction',
  notInteger: (column: string, value: number) => `${column} = ${value} is not a whole number`,
  notIntegerHint: () => 'counts are numbers of participants; re-derive them from the primary study (do not round percentages)',
  tooLarge: (column: string, value: number) => `${column} = ${value} is implausibly large`,
  tooLargeHint: () => 'check the cell against the primary study: counts above 10,000,000 per cell are almost certainly an extraction error (a pasted identifier, a missing separator)',
  missingCount: (column: string) => `${column} is empty`,
  missingCountHint: () => 'every 2x2 cell must be filled in; use 0 for an empty cell',
  missingLabel: () => 'the study label is empty',
  missingLabelHint: () => 'give every row a study label',
  duplicateLabel: (label: string, firstRow: number) => `study label ${quote(label)} repeats row ${firstRow}`,
  lookAlikeLabel: (label: string, other: string, firstRow: number) =>
    `study label ${quoteVisible(label)} looks the same as ${quoteVisible(other)} in row ${firstRow} (they differ only in letter case, invisible characters or the kind of space)`,
  lookAlikeLabelHint: () =>
    'tables and figures would show two studies that look identical: if they are the same study, write the label the same way (and add a distinguishing column to data.label for several tables); otherwise make the labels clearly different',
  duplicateLabelHint: () =>
    'labels must be unique; for several 2x2 tables from one study add a distinguishing column to data.label (e.g. "{study} ({model})")',
  emptyArm: (arm: 'diseased' | 'non-diseased') =>
    `no ${arm} participants (${arm === 'diseased' ? 'tp + fn' : 'fp + tn'} = 0)`,
  emptyArmHint: () =>
    'the table is kept in the bivariate GLMM for the arm it has (as glmer does) and left out of the methods that need both arms (Reitsma model, Deeks\' test, study DOR and likelihood ratios); check the extraction if both arms were studied',
  unknownLevel: (covariate: string, value: string, allowed: readonly string[], suggestion?: string) =>
    `${covariate} = ${quote(value)} is not a declared level (${allowed.map(quote).join(', ')})${suggestion ? `; did you mean ${quote(suggestion)}?` : ''}`,
  unknownLevelHint: (covariate: string) => `correct the value, or add it under covariates.${covariate}.levels in analysis.yaml`,
  labelTemplateColumn: (column: string) => `data.label refers to column ${quote(column)}, which the data file does not have`,
  unsupportedFormat: (extension: string) => `unsupported data file type ${quote(extension)}`,
  unsupportedFormatHint: () => 'use .csv (comma or semicolon separated, UTF-8) or .xlsx',
  notUtf8: () => 'the file is not valid UTF-8 text',
  notUtf8Hint: () => 'save it as "CSV UTF-8" in your spreadsheet program',
  characteristicsColumnHint: () => 'correct the column name under characteristics.columns in analysis.yaml',
  sheetMissing: (sheet: string, sheets: readonly string[]) => `worksheet ${quote(sheet)} not found; the workbook has ${sheets.map(quote).join(', ')}`,
  sheetMissingHint: () => 'correct data.sheet in analysis.yaml (names are case-sensitive), or leave it out to use the first sheet',
  xlsxUnreadable: (detail: string) => `cannot read the workbook: ${detail}`,
  xlsxUnreadableHint: () => 'the file is damaged or not an .xlsx workbook; open it in your spreadsheet program and save it again as .xlsx (or export CSV UTF-8)',
  looksLike: (what: string) => `this is not a CSV text file: it looks like ${what}`,
  looksLikeXlsxHint: () => 'rename the file to .xlsx (and data.file in analysis.yaml), or export the sheet as "CSV UTF-8"',
  looksLikeXlsHint: () => 'open it in your spreadsheet program and save it as .xlsx or export "CSV UTF-8"',
  utf16: () => 'the file is UTF-16 text (as "Unicode Text" exports are), not UTF-8',
  controlCharacter: (code: string) => `the file contains the control character 0x${code}: it is not plain text`,
  controlCharacterHint: () => 'export the sheet again as "CSV UTF-8"; check that this is the data file and not a binary file',
  noHeader: (present: readonly string[]) =>
    `the first line is not a header with the columns tp, fp, fn, tn${present.length > 0 ? `; it reads: ${present.join(', ')}` : ''}`,
  noHeaderHint: () => 'the first non-empty line must name the columns, e.g. study,tp,fp,fn,tn (any case and order); remove title lines above it',
  noHeaderSheetHint: (sheet: string, others: readonly string[]) =>
    `metadx read the first worksheet, ${quote(sheet)}; if the 2x2 table is on another one (${others.map(quote).join(', ')}), name it in analysis.yaml: data: {sheet: ${quote(others[0] ?? '')}} (metadx fit: --sheet ${quote(others[0] ?? '')}); otherwise the first non-empty row must name the columns (study, tp, fp, fn, tn): remove title rows above it`,
  formulaWithoutValue: (cell: string) => `cell ${cell} holds a formula whose result was never saved in the file, so its value is unknown`,
  formulaWithoutValueHint: () =>
    'the workbook was written by a program that does not calculate formulas: open it in Excel or LibreOffice and save it again (that stores every result), or type the values instead of the formulas',
  countNotation: (column: string, value: string) => `${column} = ${quote(value)} is not written as a plain whole number (a sign or an exponent)`,
  countNotationHint: () => 'write counts with digits only (10, not +10 or 1e1): a count written another way is usually a formula or a converted cell; check it against the primary study',
  decimalCommaPoint: (column: string, value: string) => `${column} = ${quote(value)} is not a whole number: in this semicolon-separated file the decimal mark is the comma, so the point is read as a decimal point`,
  decimalCommaPointHint: (value: string) =>
    `if ${quote(value)} means ${value.replace(/\./g, '')}, remove the thousands separator (write ${value.replace(/\./g, '')}); counts are whole numbers of participants`,
  tooManyFields: (fields: number, columns: number) => `this row has ${fields} fields, but the header has ${columns} columns`,
  tooManyFieldsHint: (delimiter: string) =>
    `a value containing the separator ${delimiter === '\t' ? '(a tab)' : `"${delimiter}"`} (e.g. "Smith, J") must be in double quotes; or give the extra column a header`,
  tooFewFields: (fields: number, columns: number, firstMissing: string) => `this row has ${fields} fields, but the header has ${columns} columns (${firstMissing} and after are missing)`,
  tooFewFieldsHint: () => 'check for a missing separator; fill in every cell (0 for an empty 2x2 cell, NA for a missing covariate)',
  allZero: () => 'every cell of the 2x2 table is 0 (tp = fp = fn = tn = 0)',
  allZeroHint: () => 'an empty row carries no data: remove it, or fill in the counts from the primary study',
  labelTemplateNoColumn: (template: string) => `data.label ${quote(template)} names no column; every study would get the same label`,
  labelTemplateNoColumnHint: () => 'put column names in braces, e.g. label: "{author} {year} ({model})"',
  labelTemplateColumnHint: (present: readonly string[], suggestion?: string) =>
    `${suggestion ? `did you mean {${suggestion}}? ` : ''}columns of the data file: ${present.join(', ')}`,
  specColumnMissing: (key: string, column: string, suggestion?: string) =>
    `${key} names the column ${quote(column)}, which the data file does not have${suggestion ? `; did you mean ${quote(suggestion)}?` : ''}`,
  specColumnMissingHint: (present: readonly string[]) => `correct the name in analysis.yaml (case does not matter); columns of the data file: ${present.join(', ')}`,
  reitsmaZeroCells: (rows: readonly number[]) =>
    `model.correction: none cannot be used with the Reitsma model: ${rows.length === 1 ? 'data row' : `${rows.length} data rows`} (${rows.slice(0, 5).join(', ')}${rows.length > 5 ? ', ...' : ''}) ${rows.length === 1 ? 'has' : 'have'} a zero cell, whose logit is infinite`,
  noRowsHint: () => 'add one row per 2x2 table below the header (study,tp,fp,fn,tn)',
  missingCountValue: (column: string, value: string) => `${column} is missing (${quote(value)})`,
  continuousCovariateHint: (covariate: string) =>
    `a continuous covariate needs numbers (NA when missing); or declare it categorical: covariates: {${covariate}: {type: categorical}} in analysis.yaml`,
  reitsmaZeroCellsHint: () => 'use correction: single (0.5 added to tables with a zero cell) or all, or method: glmm, which needs no correction',
} as const;

export const runMessages = {
  wrote: (path: string) => `wrote ${path}`,
  browserMissing: () => 'no Chromium found to print the PDF',
  browserMissingHint: () =>
    'run `npm install` (it ships @sparticuz/chromium), install Debian chromium, or set PUPPETEER_EXECUTABLE_PATH; supplement.html and the figures were written',
  pdfFailed: (detail: string) => `printing the PDF failed: ${detail}`,
  pdfFailedHint: () =>
    'supplement.html and the figures were written; open the HTML in a browser and print it, or fix the browser (PUPPETEER_EXECUTABLE_PATH) and re-run',
  writeFailed: (path: string, detail: string) => `cannot write ${path}: ${detail}`,
  writeFailedHint: () => 'check free disk space and write permission for the output folder',
  renderWarning: (figure: string, warning: string) => `figure ${figure}: Vega reported: ${warning}`,
  renderWarningHint: () => 'the figure was drawn but may not look as intended; check it, and please report the warning (the figure specifications are part of metadx)',
  cacheTampered: (path: string) => `cached results ${path} failed the integrity check (changed after metadx wrote them); they were recomputed`,
} as const;

export const provenanceMessages = {
  banner: (status: string) =>
    status === 'simulated'
      ? 'SIMULATED DATA: the 2x2 counts of this analysis are simulated; the results say nothing about the real studies.'
      : status === 'partly-simulated'
        ? 'PARTLY SIMULATED DATA: some 2x2 counts of this analysis are a labelled stand-in (see Data provenance); results only approximate the published analysis.'
        : status === 'incomplete'
          ? 'INCOMPLETE DATA: some 2x2 counts are missing or approximate (see Data provenance).'
          : '',
  /** the data's status in the Data provenance section (the banner itself is on the title page) */
  status: (status: string) =>
    status === 'simulated'
      ? 'Status of the data: simulated (see the banner on the title page).'
      : status === 'partly-simulated'
        ? 'Status of the data: partly simulated; the rows that are a stand-in are labelled below and shaded in every table (see the banner on the title page).'
        : status === 'incomplete'
          ? 'Status of the data: incomplete (see the banner on the title page).'
          : 'All 2x2 counts are as extracted from the included studies.',
} as const;

type NoteDetail = Record<string, number | string | boolean | null> | undefined;
const num = (detail: NoteDetail, key: string): string => {
  const value = detail?.[key];
  return typeof value === 'number' ? String(Number(value.toPrecision(4))) : String(value ?? '?');
};

/**
 * Prose for the machine codes (StatsNote) raised by the statistics engine. Codes are matched with
 * '_' and '-' treated alike. Unknown codes fall back to the code itself, so nothing is hidden.
 */
const noteTexts: Record<string, (detail: NoteDetail) => string> = {
  'glmm-not-converged': (d) =>
    `the bivariate GLMM did not converge (optimiser: ${d?.message ?? 'no convergence'}${d?.hessianPositiveDefinite === false ? '; the information matrix is not positive definite' : ''}); estimates are shown but should not be relied on`,
  'not-converged': () => 'the model did not converge; estimates are shown but should not be relied on',
  'hessian-not-pd': () => 'the information matrix is not positive definite at the optimum (a boundary estimate); standard errors are conditional on the variance parameters',
  'se-conditional-on-variance-parameters': () => 'standard errors of the pooled logits are conditional on the variance parameters (the full information matrix is singular at the boundary)',
  'tau2-at-zero': (d) => `the between-study variance of ${d?.parameter === 'spec' || d?.measure === 'spec' ? 'specificity' : d?.parameter === 'sens' || d?.measure === 'sens' ? 'sensitivity' : 'a measure'} is estimated at 0 (boundary)`,
  'tau2-at-boundary': (d) =>
    d?.parameter === 'tau2_sens' || d?.parameter === 'tau2_spec'
      ? `the between-study variance of ${d.parameter === 'tau2_sens' ? 'sensitivity' : 'specificity'} is estimated at 0 (boundary)`
      : `a between-study variance is at its boundary (0)${d?.parameter ? ` (${d.parameter})` : ''}`,
  'rho-at-boundary': (d) => `the between-study correlation is estimated at ${num(d, d?.rho === undefined && d?.value !== undefined ? 'value' : 'rho')} (boundary ±1); its confidence interval is not estimable and the HSROC shape parameters are degenerate`,
  'fewer-than-4-studies': (d) => `only ${num(d, 'k')} studies: the bivariate model is not fitted; sensitivity, specificity, LRs and DOR are pooled separately (univariate REML)`,
  'single-study': () => 'a single study: nothing is pooled; its own estimates are shown',
  'study-excluded': (d) => `study ${num(d, 'study')} was left out of this statistic (${d?.reason ?? 'no data'})`,
  'single-arm-tables': (d) => {
    const parts = [Number(d?.noDiseased) > 0 ? `${num(d, 'noDiseased')} without diseased participants` : '', Number(d?.noNonDiseased) > 0 ? `${num(d, 'noNonDiseased')} without non-diseased participants` : ''].filter(Boolean);
    return d?.method === 'reitsma'
      ? `2x2 tables with an empty arm (${parts.join(' and ')}) are left out of the Reitsma model, which needs both arms of every table`
      : `2x2 tables with an empty arm (${parts.join(' and ')}) are kept in the bivariate GLMM for the arm they have (as glmer does) and left out of Deeks' test, the bivariate box plot and residuals, and the per-table DOR and likelihood ratios, which need both arms`;
  },
  'study-without-data': () => 'a study without diseased and without non-diseased participants was left out',
  'deeks-not-estimable': (d) =>
    d?.reason === 'identical-ess'
      ? "Deeks' test is not estimable: every table has the same effective sample size, so there is no slope to test"
      : "Deeks' test is not estimable: the log diagnostic odds ratios lie exactly on a line (zero residual variance), so the slope has no standard error",
  'sroc-shape-not-identified': () =>
    'both between-study variances are about 0 (τ < 0.01 on the logit scale): the shape of the SROC curve is not identified by the data, so no SROC curve and no AUC are reported (the summary point and its confidence region are)',
  'sroc-undefined-zero-variance': () => 'the SROC curve is undefined: both between-study variances are 0',
  'hsroc-undefined-zero-variance': () => 'HSROC parameters are undefined: a between-study variance is 0',
  'hsroc-correlation-at-boundary': () => 'HSROC: the correlation is at ±1, so one HSROC variance is 0',
  'region-degenerate': () => 'a confidence or prediction region is degenerate (a variance or the correlation at its boundary)',
  'proportion-not-estimable': () => 'a proportion is not estimable (no participants in the arm)',
  'midas-compat-invalid-statistic': () => 'midas-compatible value: midas computes this "Q" as a sum of exp(z²), which is not a heterogeneity statistic',
  'midas-compat-i2-is-lower-limit': () => 'midas-compatible value: midas prints the lower confidence limit of I² here',
  'midas-auc-ci-not-a-confidence-interval': () => 'midas-compatible value: the AUC "CI" of midas is a Wilson interval with N = 500 integration points, not a confidence interval',
  'i2-interval-undefined': () => 'the confidence interval of I² is undefined for so few studies',
  'bvbox-negative-radius': () => 'the bivariate box plot could not be drawn for every angle (negative smoothed radius)',
  'bootstrap-refits-failed': (d) => `${num(d, 'failed')} of ${num(d, 'replicates')} bootstrap refits failed and were skipped`,
  'covariate-missing-excluded': (d) => `${d?.covariate}: ${num(d, 'n')} table(s) without a value were left out of this analysis`,
  'covariate-single-level': (d) => `${d?.covariate}: every table has the same value ("${d?.level}"), so there is nothing to compare`,
  'meta-regression-not-fitted': (d) => `${d?.covariate}: the meta-regression could not be fitted (${d?.reason}); subgroups are shown without a test of difference`,
  'subgroup-univariate': (d) => `${d?.covariate} = ${d?.level}: only ${num(d, 'k')} table(s), pooled without the bivariate model (univariate REML)`,
  'auc-ci-not-estimable': () => 'no confidence interval for the AUC (the parameter covariance is not available)',
  'mu-at-bound': (d) =>
    `the pooled ${d?.parameter === 'spec' ? 'specificity' : d?.parameter === 'sens' ? 'sensitivity' : 'logit'} has no finite maximum-likelihood estimate (every study at or near ${d?.parameter === 'spec' ? 'specificity' : 'sensitivity'} 100% or 0%, linear predictor ${num(d, 'linearPredictor')}); its estimate is a limit and its confidence interval spans nearly 0 to 1`,
  'pauc-empty-fpr-range': () => 'no partial AUC: the studies do not span a range of false-positive rates (all at 0 or all at 1)',
  'auc-ci-not-estimable-zero-variance': () => 'no delta-method confidence interval for the AUC: a between-study variance is 0',
  'auc-ci-negative-variance': () => 'no delta-method confidence interval for the AUC: its estimated variance is negative',
  'auc-ci-not-estimable-at-bound': () => 'no confidence interval for the AUC: the AUC is estimated at its bound (0 or 1)',
  'region-not-estimable': () => 'no confidence or prediction region: the covariance of the pooled logits is not available',
  'not-estimable': (d) => `${d?.statistic ?? 'a statistic'} could not be computed for these data (${d?.reason ?? 'not estimable'})`,
  'bvbox-zero-mad': () => 'the bivariate box plot is not drawn: the study logits do not vary (median absolute deviation 0)',
  // several 2x2 tables per study (src/results/grouping.ts, src/stats/glmm-nested.ts)
  'grouping-no-repeated-studies': (d) => `no study has two or more tables among these, so the ${d?.structure ?? 'grouped'} model is the same as independent tables and was fitted as such`,
  'nested-nodes-lower': () => 'the nested model places its quadrature nodes with the lower Cholesky factor only; model.nodes: upper (Stata\'s placement) applies to the independent and shared models',
  'grouping-single-study': (d) => `all tables come from one study, so the ${d?.structure ?? 'grouped'} model has no between-study variation to estimate; the tables were fitted as independent`,
  'few-studies-grouped': (d) => `only ${num(d, 'k')} studies: the between-study (co)variances rest on very few studies`,
  'level-tau2-at-zero': (d) => `the ${d?.level === 'table' ? 'within-study (between-table)' : 'between-study'} variance of ${d?.parameter === 'spec' ? 'specificity' : 'sensitivity'} is estimated at 0 (boundary)`,
  'level-rho-at-boundary': (d) => `the ${d?.level === 'table' ? 'within-study (between-table)' : 'between-study'} correlation is estimated at ${num(d, 'rho')} (boundary ±1)`,
  'nested-level-fixed-for-se': (d) => `standard errors hold the (co)variances of the ${d?.levels} level at their boundary estimate (the information matrix is singular there)`,
  'auc-bootstrap-not-grouped': () => 'the AUC interval is by the delta method: the parametric bootstrap simulates independent tables, not the grouped model',
};

export function noteMessage(note: { code: string; detail?: NoteDetail }): string {
  const key = note.code.replace(/_/g, '-');
  const text = noteTexts[key];
  return text ? text(note.detail) : `${note.code}${note.detail ? ` ${JSON.stringify(note.detail)}` : ''}`;
}

// ---- PRISMA 2020 flow checks (src/results/prisma.ts) and QUADAS-2 files (src/data/quadas.ts) ----
// (ESM hoists this import; it sits here so the block can be appended without touching the top.)

/** The parts of a PRISMA term / check that messages need (types in src/results/prisma.ts). */
interface PrismaTermText { box: string; n: number; sign: 1 | -1; name?: string }
interface PrismaCheckText { code: string; terms: readonly PrismaTermText[]; result: number; actual?: PrismaTermText }

const signedCount = (n: number): string => (n < 0 ? `\u2212${formatCount(-n)}` : formatCount(n));

/** Noun phrases for counts in equations ("181 records identified − 107 records excluded"). */
const PRISMA_TERMS: Record<string, string> = {
  records_identified: 'records identified',
  duplicates_removed: 'duplicate records removed',
  automation_removed: 'records marked as ineligible by automation tools',
  other_removed: 'records removed for other reasons',
  records_removed: 'records removed before screening',
  records_screened: 'records screened',
  records_excluded: 'records excluded',
  reports_sought: 'reports sought for retrieval',
  reports_not_retrieved: 'reports not retrieved',
  reports_assessed: 'reports assessed for eligibility',
  reports_excluded: 'reports excluded',
  reports_included: 'reports of included studies',
  studies_included: 'studies included',
  tables_included: '2×2 tables included',
  previous_studies: 'studies included in the previous version',
  previous_reports: 'reports of studies included in the previous version',
  previous_tables: '2×2 tables included in the previous version',
};

/** "76 full-text reports were assessed for eligibility": the count a check compares with. */
const PRISMA_OUTCOMES: Record<string, (n: string) => string> = {
  records_identified: (n) => `${n} records were identified`,
  records_screened: (n) => `${n} records were screened`,
  reports_sought: (n) => `${n} reports were sought for retrieval`,
  reports_assessed: (n) => `${n} full-text reports were assessed for eligibility`,
  reports_included: (n) => `${n} reports of included studies are given`,
  reports_excluded: (n) => `${n} reports were excluded in total`,
  studies_included: (n) => `${n} studies were included`,
  previous_studies: (n) => `${n} studies were included in the previous version`,
};

const prismaTerm = (term: PrismaTermText): string =>
  term.name !== undefined ? `${term.name} ${formatCount(term.n)}` : `${formatCount(term.n)} ${PRISMA_TERMS[term.box] ?? term.box}`;

const prismaSum = (terms: readonly PrismaTermText[]): string =>
  terms.map((term, index) => (index === 0 ? prismaTerm(term) : `${term.sign < 0 ? '\u2212' : '+'} ${prismaTerm(term)}`)).join(' ');

const prismaOutcome = (term: PrismaTermText | undefined): string =>
  term ? (PRISMA_OUTCOMES[term.box] ?? ((n: string) => `${n} ${PRISMA_TERMS[term.box] ?? term.box}`))(formatCount(term.n)) : '';

export const prismaMessages = {
  /** Name of a box count in running text, e.g. "records screened". */
  term: (box: string) => PRISMA_TERMS[box] ?? box,
  /** "181 records identified − 107 records excluded = 74" */
  equation: (terms: readonly PrismaTermText[], result: number) => `${prismaSum(terms)} = ${signedCount(result)}`,
  /** What does not add up, without a prefix (used in diagnostics and figure footnotes). */
  check: (check: PrismaCheckText): string => {
    const { terms, result, actual } = check;
    const equation = `${prismaSum(terms)} = ${signedCount(result)}`;
    const total = formatCount(result);
    switch (check.code) {
      case 'prisma.flow-mismatch':
        return `${equation}, but ${prismaOutcome(actual)}`;
      case 'prisma.flow-exceeds':
        return actual?.box === 'studies_included'
          ? `${equation} reports, yet ${prismaOutcome(actual)} (each study has at least one report)`
          : `${equation}, yet ${prismaOutcome(actual)}`;
      case 'prisma.flow-negative':
        return `${equation}: more were excluded than there were`;
      case 'prisma.sources-sum':
        return `the databases and registers add up to ${total} records (${prismaSum(terms)}), but ${prismaOutcome(actual)}`;
      case 'prisma.sources-exceed':
        return `the databases and registers with a count already add up to ${total} records (${prismaSum(terms)}), more than the ${formatCount(actual?.n)} records identified`;
      case 'prisma.reasons-sum':
        return `the reasons for full-text exclusion add up to ${total} (${prismaSum(terms)}), but ${prismaOutcome(actual)}`;
      case 'prisma.added-count':
        return `added: lists ${total} studies, but ${prismaOutcome(actual)}`;
      case 'prisma.studies-exceed-reports':
        return `${prismaOutcome(actual)} but only ${prismaSum(terms)} (each study has at least one report)`;
      case 'prisma.tables-fewer-than-studies':
        return `the 2×2 tables included (${total}) are fewer than the ${actual?.box === 'previous_studies' ? 'studies of the previous version' : 'studies included'} (${formatCount(actual?.n)}); each study gives at least one 2×2 table`;
      case 'prisma.tables-not-analysed':
        return `tables_included is ${total}, but the data file has ${formatCount(actual?.n)} rows (2×2 tables)`;
      default:
        return `${equation}${actual ? ` (expected ${prismaOutcome(actual)})` : ''}`;
    }
  },
  /** The diagnostic message: the check, with the search it concerns when the spec has `searches:`. */
  warning: (text: string, search?: { index: number; label?: string; date?: string }) =>
    `PRISMA counts do not add up${search ? ` in search ${search.index + 1}${search.label ? ` (${search.label})` : ''}` : ''}: ${text}`,
  hint: (code: string): string => {
    if (code.startsWith('prisma.flow-')) {
      return 'each PRISMA box is the one above minus its exclusions (identified − removed = screened; screened − excluded = sought; sought − not retrieved = assessed; assessed − excluded = reports of included studies); correct the count or give the missing ones, or keep the published numbers and explain them under note:';
    }
    if (code.startsWith('prisma.sources-')) return 'records_identified should be the sum of the records of every database and register listed';
    if (code === 'prisma.reasons-sum') return 'the counts under reports_excluded should add up to reports_excluded_total';
    if (code === 'prisma.added-count') return 'added: should list one identifier per new study';
    if (code === 'prisma.studies-exceed-reports') return 'reports count articles, studies count studies; a study has one or more reports';
    if (code === 'prisma.tables-fewer-than-studies') return 'tables_included counts 2×2 tables (e.g. one per model); every included study contributes at least one';
    if (code === 'prisma.tables-not-analysed') return 'tables_included should equal the number of rows of the data file';
    return 'check the PRISMA counts in analysis.yaml';
  },
  /** Figure footnote for a count that was not reported but follows from the others. */
  derivedFootnote: (derived: readonly { box: string; terms: readonly PrismaTermText[] }[]) =>
    `Not reported; derived from the other counts: ${derived
      .map(({ box, terms }) => `${PRISMA_TERMS[box] ?? box} = ${terms.map((term, index) => `${index === 0 ? '' : term.sign < 0 ? ' \u2212 ' : ' + '}${formatCount(term.n)}`).join('')}`)
      .join('; ')}.`,
  /** Figure footnote for a check (the box carries the same marker). */
  checkFootnote: (text: string) => `Counts as reported do not add up: ${text}.`,
  notReported: () => 'not reported',
} as const;

export const quadasMessages = {
  invalidJudgement: (column: string, value: string, suggestion?: string) =>
    `${column} = ${quote(value)} is not a QUADAS-2 judgement (low, high, unclear)${suggestion ? `; did you mean ${quote(suggestion)}?` : ''}`,
  invalidJudgementHint: () =>
    'write low, high or unclear (also accepted: L, H, U, "?", "low risk", and MetaDTA\'s codes 1 = low, 2 = high, 3 = unclear); leave the cell empty or write NA when the domain was not assessed',
  missingDomain: (domain: string, present: readonly string[]) => `no column for the QUADAS-2 domain "${domain}"; columns present: ${present.join(', ')}`,
  domainColumnsHint: () =>
    'name the columns patient_selection, index_test, reference_standard, flow_and_timing (risk of bias) and optionally applicability_patient_selection, applicability_index_test, applicability_reference_standard (MetaDTA: rob_PS, rob_IT, rob_RS, rob_FT, ac_PS, ac_IT, ac_RS)',
  duplicateDomain: (column: string, other: string) => `column ${quote(column)} is the same QUADAS-2 domain as column ${quote(other)}`,
  unknownColumn: (column: string, suggestion: string) => `column ${quote(column)} is not a QUADAS-2 domain and is ignored; did you mean ${quote(suggestion)}?`,
  noApplicabilityFlow: (column: string) => `QUADAS-2 has no applicability concerns for flow and timing; column ${quote(column)} is ignored`,
  missingStudyColumn: (present: readonly string[]) => `no study column; columns present: ${present.join(', ')}`,
  missingStudyColumnHint: () => 'add a column "study" whose values match the data file (data.group, or the study label)',
  missingStudy: () => 'the study identifier is empty',
  duplicateStudy: (study: string, firstRow: number) => `study ${quote(study)} repeats row ${firstRow}`,
  duplicateStudyHint: () => 'give each study one row of QUADAS-2 judgements',
  notJudged: (column: string) => `${column} is empty: the risk of bias of this domain is shown as not assessed`,
  notJudgedHint: () => 'QUADAS-2 judges every risk-of-bias domain; write low, high or unclear',
  noJudgements: (label: string) => `no QUADAS-2 judgements for ${quote(label)}`,
  noJudgementsHint: () => 'add a row for the study to the QUADAS-2 file; its study column must match data.group or the study label',
} as const;

const plural = (n: number, one: string, many = `${one}s`): string => `${formatCount(n)} ${n === 1 ? one : many}`;
const listText = (items: readonly string[], max = 6): string =>
  items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;

/** Why an existing version differs from what a run would make (src/output/decide.ts Difference). */
interface DifferenceText {
  part: string;
  path?: string;
  change?: string;
  before?: string | null;
  after?: string | null;
  details?: string[];
}

/** Versions: reuse, refusal, replacement (metadx report). */
export const versionMessages = {
  upToDate: (name: string, version: string, path: string, equivalent: boolean) =>
    `${name} ${version}: up to date (${path}/)${equivalent ? '; the current metadx build reproduces it byte for byte' : ''}`,
  wrote: (name: string, version: string, path: string, files: number, seconds: string, replaced: boolean, previous?: string) =>
    `${name} ${version}: ${replaced ? 'replaced' : 'wrote'} ${path}/ (${files} files, ${seconds} s${previous !== undefined ? `; with what changed since version ${previous}` : ''})`,
  exists: (path: string, differences: readonly string[], files: readonly string[]) =>
    `${path} already exists and was made from different inputs: ${differences.join('; ')}${files.length > 0 ? `; rebuilding it would change ${listText(files)}` : ''}`,
  existsHint: (version: string) =>
    `a version is never overwritten. To record the change as a new version, set version: in analysis.yaml to a new value${/^\d+$/.test(version) ? ` (e.g. version: ${Number(version) + 1})` : ''}; to regenerate version ${version} deliberately, run again with --replace`,
  difference: (d: DifferenceText): string => {
    switch (d.part) {
      case 'no-manifest':
        return 'it has no manifest.json (written by an older metadx, or not by metadx), so its inputs are unknown';
      case 'spec':
        return 'the spec (analysis.yaml) changed';
      case 'input':
        return `input file ${d.path} ${d.change === 'added' ? 'is new' : d.change === 'removed' ? 'is no longer used' : 'changed'}`;
      case 'previous':
        return d.before === d.after
          ? `version ${d.after} that it is compared with was regenerated`
          : `the version it is compared with changed (${d.before ?? 'none'} → ${d.after ?? 'none'})`;
      case 'date':
        return `the document date from SOURCE_DATE_EPOCH changed (${d.before ?? 'not set'} → ${d.after ?? 'not set'})`;
      case 'build':
        return 'the metadx build changed (its code or templates)';
      case 'environment':
        return `the software environment changed (${listText(d.details ?? [], 4)})`;
      default:
        return d.part;
    }
  },
  badVersion: (version: string) => `version ${quote(version)} cannot name an output folder`,
  badVersionHint: () => 'use letters, digits, ".", "_" or "-", starting with a letter or digit (and not "latest")',
  inputsChanged: (path: string) => `the inputs in ${path} changed while the report was being made`,
  inputsChangedHint: () => 'run the report again once the files are saved',
  badFolderName: (name: string) => `the analysis folder name ${quoteVisible(name)} cannot name the output folder out/<name>/ (letters, digits, ".", "_" or "-" only, starting with a letter or digit)`,
  badFolderNameHint: (suggestion: string) => `add a name to analysis.yaml, e.g. name: ${suggestion} (the report then goes to out/${suggestion}/), or rename the folder`,
  busy: (path: string, pid: number) => `another metadx run (process ${pid}) is writing ${path} right now`,
  busyHint: () => 'wait for it to finish and run again (the version it writes is then reused if the inputs are the same); runs of different analyses or versions can go side by side',
  writtenMeanwhile: (path: string) => `${path} was written by another metadx run while this one was working; it was left as it is`,
  writtenMeanwhileHint: () => 'run again: the version is reused if it was made from the same inputs, and refused (naming what differs) if not',
  notWritable: (path: string, folder: string, detail: string) => `cannot write ${path}: the folder ${folder} is not writable (${detail})`,
  notWritableHint: () => 'make the output folder writable, or write elsewhere with --out DIR',
} as const;

export type VerifyStatus = 'reproduced' | 'differs' | 'missing' | 'extra' | 'tampered' | 'intact' | 'not rebuilt' | 'refused';

/** `metadx verify <version-dir>`. */
export const verifyMessages = {
  header: (dir: string, analysis: string, version: string, metadx: string, date: string) =>
    `verify ${dir}: ${analysis} version ${version}, ${date} (made by metadx ${metadx})`,
  section: (title: string) => `${title}:`,
  file: (status: VerifyStatus, path: string, note?: string) => `  ${status.padEnd(11)} ${path}${note ? `  (${note})` : ''}`,
  tamperedNote: () => 'differs from its SHA-256 in manifest.json: changed after it was written',
  missingNote: () => 'listed in manifest.json but not in the folder',
  outsideNote: () => 'manifest.json names a path outside the version folder; it was not read',
  notAFileNote: () => 'not a regular file (a folder, link target, named pipe or device); it was not read',
  notRebuiltNote: (reason: string) => reason,
  noBrowser: () => 'no Chromium found to print the PDF',
  environment: (details: readonly string[]) => `note: rebuilt in a different environment: ${listText(details, 8)}`,
  build: () => 'note: the metadx build differs from the one that made this version; differences may come from it',
  summary: (reproduced: number, total: number, problems: number) =>
    problems === 0 ? `verified: all ${total} outputs reproduced byte for byte from inputs/` : `NOT verified: ${problems} problem${problems === 1 ? '' : 's'}; ${reproduced} of ${total} outputs reproduced`,
  noManifest: (dir: string) => `${dir} has no readable manifest.json`,
  noManifestHint: () => 'give a version folder written by `metadx report`, e.g. out/<analysis>/<version>',
} as const;

/** "What changed" (report section and `metadx diff`): wording; numbers arrive formatted. */
export const changeMessages = {
  sectionTitle: (version: string) => `What changed since version ${version}`,
  versionLabel: (version: string, date: string | null) => `Version ${version}${date ? ` (${date})` : ''}`,
  header: (analysis: string, before: string, after: string) => `${analysis}: ${before} → ${after}`,
  summary: (c: { before: { version: string; date: string | null; k: number; studies: number }; after: { version: string; date: string | null; k: number; studies: number }; added: number; removed: number; changed: number; unchanged: number }) =>
    `${changeMessages.versionLabel(c.after.version, c.after.date)} updates ${changeMessages.versionLabel(c.before.version, c.before.date).replace(/^V/, 'v')}: ` +
    `${c.added === 0 ? 'no 2x2 table' : plural(c.added, '2x2 table')} added, ${c.removed === 0 ? 'none' : formatCount(c.removed)} removed and ${c.changed === 0 ? 'none' : formatCount(c.changed)} with changed counts (${formatCount(c.unchanged)} unchanged). ` +
    `The analysis now pools ${plural(c.after.k, '2x2 table')} from ${plural(c.after.studies, 'study', 'studies')} (version ${c.before.version}: ${formatCount(c.before.k)} from ${formatCount(c.before.studies)}).`,
  modelChanged: (before: string, after: string) => `The pooled model changed: ${before} → ${after}.`,
  noStudyChanges: () => 'No 2x2 table was added, removed or changed.',
  kind: (kind: 'added' | 'removed' | 'changed') => ({ added: 'Added', removed: 'Removed', changed: 'Counts changed' })[kind],
  counts: (c: { tp: number; fp: number; fn: number; tn: number }) => `TP ${formatCount(c.tp)}, FP ${formatCount(c.fp)}, FN ${formatCount(c.fn)}, TN ${formatCount(c.tn)}`,
  countChange: (before: { tp: number; fp: number; fn: number; tn: number }, after: { tp: number; fp: number; fn: number; tn: number }) =>
    (['tp', 'fp', 'fn', 'tn'] as const)
      .filter((cell) => before[cell] !== after[cell])
      .map((cell) => `${cell.toUpperCase()} ${formatCount(before[cell])} → ${formatCount(after[cell])}`)
      .join(', '),
  studiesTitle: (version: string) => `2x2 tables added, removed or changed since version ${version}`,
  studiesCaption: () => 'Tables are matched by study label. Counts: true positives (TP), false positives (FP), false negatives (FN), true negatives (TN); for changed tables only the cells that changed, as before → after.',
  estimatesTitle: (before: string, after: string) => `Pooled estimates in version ${before} and version ${after}`,
  estimatesCaption: (level: string) => `Summary estimates of each version with their ${level} confidence intervals, from the same model settings as stated in the methods of each version.`,
  measure: (measure: string) =>
    ({
      sens: 'Sensitivity',
      spec: 'Specificity',
      lrPositive: 'Positive likelihood ratio (LR+)',
      lrNegative: 'Negative likelihood ratio (LR−)',
      dor: 'Diagnostic odds ratio',
      auc: 'Area under the SROC curve',
      k: '2x2 tables',
      studies: 'Studies',
      participants: 'Participants',
      model: 'Model',
    })[measure] ?? measure,
  notEstimable: () => 'not estimable',
  figuresChanged: (titles: readonly string[]) => `Figures redrawn because their content changed: ${titles.join('; ')}.`,
  figuresAdded: (titles: readonly string[]) => `New figures: ${titles.join('; ')}.`,
  figuresRemoved: (titles: readonly string[]) => `Figures no longer drawn: ${titles.join('; ')}.`,
  figuresUnchanged: (n: number) => (n === 0 ? 'No figure is unchanged.' : `${plural(n, 'figure is', 'figures are')} unchanged.`),
  figuresUnknown: () => 'Figures were not compared (the earlier version does not record figure hashes).',
} as const;

/** Why Chromium could not print (src/pdf/print.ts); shown after "printing the PDF failed: ". */
export const pdfMessages = {
  chromiumName: (path: string, fromEnv: boolean) => `Chromium at ${path}${fromEnv ? ' (PUPPETEER_EXECUTABLE_PATH)' : ''}`,
  missingExecutable: (path: string, fromEnv: boolean) =>
    fromEnv ? `PUPPETEER_EXECUTABLE_PATH is ${path}, which does not exist` : `the Chromium executable ${path} does not exist`,
  notExecutable: (name: string) => `${name} cannot be run (permission denied)`,
  timedOut: (name: string, timeoutMs: number, stage: 'start' | 'print') =>
    `${name} did not ${stage === 'start' ? 'start' : 'finish printing'} within ${Number((timeoutMs / 1000).toPrecision(3))} s; ${stage === 'start' ? 'if the machine is slow, ' : 'for a very large report, '}raise METADX_PDF_TIMEOUT_MS (milliseconds)`,
  exitedAtStart: (name: string, code: string | undefined, stderr: string, missingLibraries: boolean) =>
    `${name} exited at start${code ? ` with code ${code}` : ''}${stderr ? `: ${stderr}` : ''}${missingLibraries ? ' (missing system libraries; on Debian: apt-get install libnss3 libexpat1)' : ''}`,
  stopped: (name: string, stage: 'start' | 'print', detail: string) => `${name} stopped while ${stage === 'start' ? 'starting' : 'printing'} (it crashed or was killed): ${detail}`,
} as const;

/** Summary of findings and GRADE certainty (src/document/sections/findings.ts, the CSV/Word exports). */
export const findingsMessages = {
  ratingLabel: (rating: 'not-serious' | 'serious' | 'very-serious' | null, domain?: string) =>
    rating === null
      ? 'not rated'
      : domain === 'publication_bias'
        ? { 'not-serious': 'undetected', serious: 'suspected', 'very-serious': 'strongly suspected' }[rating]
        : { 'not-serious': 'not serious', serious: 'serious (−1)', 'very-serious': 'very serious (−2)' }[rating],
  domainLabel: (domain: string) =>
    ({ risk_of_bias: 'Risk of bias', indirectness: 'Indirectness', inconsistency: 'Inconsistency', imprecision: 'Imprecision', publication_bias: 'Publication bias' })[domain] ?? domain,
  levelLabel: (level: 'high' | 'moderate' | 'low' | 'very-low') => ({ high: 'High', moderate: 'Moderate', low: 'Low', 'very-low': 'Very low' })[level],
  outcomeLabel: (outcome: 'truePositives' | 'falseNegatives' | 'trueNegatives' | 'falsePositives') =>
    ({ truePositives: 'True positives', falseNegatives: 'False negatives', trueNegatives: 'True negatives', falsePositives: 'False positives' })[outcome],
  outcomeDescription: (outcome: 'truePositives' | 'falseNegatives' | 'trueNegatives' | 'falsePositives', condition: string) =>
    ({
      truePositives: `people with ${condition} correctly identified`,
      falseNegatives: `people with ${condition} incorrectly classified as not having it (missed)`,
      trueNegatives: `people without ${condition} correctly identified`,
      falsePositives: `people without ${condition} incorrectly classified as having it`,
    })[outcome],
  quadasBasis: (group: 'risk_of_bias' | 'applicability', parts: readonly string[], standIn: boolean) =>
    `QUADAS-2 ${group === 'risk_of_bias' ? 'risk of bias' : 'applicability concerns'}: ${parts.join('; ')}${standIn ? ' (stand-in judgements, not the real per-study ratings)' : ''}`,
  quadasPart: (domain: string, high: string, unclear: string, assessed: number) => `${domain}: ${high} high and ${unclear} unclear of ${assessed} tables`,
  predictionBasis: (measure: string, range: string, width: string, tau2: string, i2: string | null) =>
    `the prediction region for a new study spans ${measure} ${range} (width ${width}); τ² = ${tau2}${i2 ? `, I² = ${i2} (Zhou–Dendukuri)` : ''}`,
  ciBasis: (measure: string, ci: string, per1000: string, withWhat: string, atPrevalences: string) =>
    `the ${measure} CI ${ci} spans ${per1000} per 1,000 people ${withWhat}${atPrevalences ? `; per 1,000 tested: ${atPrevalences}` : ''}`,
  thresholdBasis: (measure: string, ci: string, crossed: readonly string[], thresholds: readonly string[]) =>
    `the ${measure} CI ${ci} ${crossed.length === 0 ? 'crosses none' : `crosses ${crossed.join(' and ')}`} of the judgement thresholds ${thresholds.join(', ')} (findings.imprecision_thresholds)`,
  deeksBasis: (p: string, k: number, lowPower: boolean) => `Deeks' funnel-plot asymmetry test ${p} (${k} tables)${lowPower ? '; with fewer than 10 tables the test has little power' : ''}`,
  notAvailable: (reason: 'no-quadas' | 'no-applicability' | 'no-prediction-region' | 'no-ci' | 'no-deeks') =>
    ({
      'no-quadas': 'no QUADAS-2 judgements (quadas: in the spec)',
      'no-applicability': 'the QUADAS-2 file has no applicability columns',
      'no-prediction-region': 'no prediction region (the bivariate model was not fitted)',
      'no-ci': 'the CI is not estimable',
      'no-deeks': "Deeks' test not available (fewer than 3 tables)",
    })[reason],
  rule: (domain: string) =>
    ({
      risk_of_bias: 'serious if ≥ 25% of tables are at high, or ≥ 50% at high or unclear, risk in any domain; very serious if ≥ 50% at high risk',
      indirectness: 'serious if ≥ 25% of tables have high, or ≥ 50% high or unclear, applicability concerns in any domain; very serious if ≥ 50% high',
      inconsistency: 'serious if the prediction region spans more than 0.20, very serious if more than 0.40',
      imprecision: 'serious if the CI spans more than 100 per 1,000 people with (without) the condition, i.e. a CI of sensitivity (specificity) wider than 0.10; very serious above 200 (with judgement thresholds in the spec: serious if the CI crosses one, very serious if it crosses two or more)',
      publication_bias: "suspected if Deeks' test gives p < 0.10",
    })[domain] ?? '',
  footnote: (domain: string, suggestion: string, basis: string, rule: string, reviewer: { rating: string; reason: string } | null) =>
    `${domain}: computed suggestion ${suggestion} — ${basis} (rule: ${rule}).${reviewer ? ` Reviewers' judgement: ${reviewer.rating} — ${reviewer.reason}` : ''}`,
  reviewerOnlyFootnote: (domain: string, basis: string, reviewer: { rating: string; reason: string }) => `${domain}: no computed suggestion — ${basis}. Reviewers' judgement: ${reviewer.rating} — ${reviewer.reason}`,
  notRatedFootnote: (domain: string, why: string) => `${domain}: not rated — ${why}; not rated down. Give the reviewers' judgement under findings.certainty in analysis.yaml.`,
  evidence: (tables: number, studies: number, participants: string, withWhat: string) =>
    `${tables} ${tables === 1 ? 'table' : 'tables'} from ${studies} ${studies === 1 ? 'study' : 'studies'}; ${participants} ${withWhat}`,
  participantsNote: (countedOnce: readonly string[], summed: readonly string[]) =>
    countedOnce.length > 0
      ? `Participants: the tables of ${countedOnce.join(', ')} share one test set and are counted once; ${summed.length > 0 ? `the counts of ${summed.join(', ')} are sums over their tables (which may count a participant more than once)` : 'every other study has one table'}.`
      : 'Participants are summed over the 2x2 tables: a study that reports several tables on the same participants (e.g. several models on one test set) counts them more than once (list such studies under data.shared_test_set).',
  prevalenceHeader: (percent: string) => `Prevalence ${percent}`,
  plainLanguage: (a: { tested: string; label: string; prevalence: string; withCondition: string; withoutCondition: string; condition: string; tp: string; fn: string; fp: string; positive: string; ppv: string }) =>
    `If 1,000 people were tested in a setting where ${a.prevalence} have ${a.condition} (${a.label}), ${a.withCondition} would have it: about ${a.tp} of them would be correctly identified and ${a.fn} would be missed. Of the ${a.withoutCondition} without ${a.condition}, ${a.fp} would be wrongly classified as having it. About ${a.positive} would test positive, and ${a.ppv} of those would have ${a.condition}.`,
  certaintySentence: (sensitivity: string, specificity: string) =>
    `The certainty of the evidence is ${sensitivity} for the people with the condition (true positives and false negatives) and ${specificity} for those without it (true negatives and false positives).`,
  method: (level: string, model: string) =>
    `Natural frequencies per 1,000 people tested at each prevalence, from the pooled sensitivity and specificity (${model}). True positives = 1,000 × prevalence × sensitivity, false negatives = 1,000 × prevalence × (1 − sensitivity), and likewise true negatives and false positives with specificity among the people without the condition; ${level} CIs from the CI of the pooled sensitivity or specificity at a fixed prevalence (as GRADEpro computes them). The numbers testing positive and the predictive values use both pooled estimates and their covariance (delta method on the logit scale). Numbers are rounded to whole people, so a pair may not add up exactly.`,
  certaintyMethod: () =>
    'Certainty (GRADE for test accuracy [@schunemann2008; @schunemann2020a; @schunemann2020b]): evidence from cross-sectional or cohort accuracy studies starts at high and is rated down one level for each serious and two for each very serious concern. Each domain has a computed suggestion from stated rules (footnotes); a judgement the reviewers give in the analysis spec replaces it, and both are shown.',
  standInQuadas: () => 'The risk-of-bias suggestion rests on STAND-IN QUADAS-2 judgements (see Risk of bias and applicability): it illustrates the method only.',
} as const;

/** Resource limits (src/limits.ts): what was refused, and how to raise the limit for one run. */
export const limitMessages = {
  fileTooLarge: (what: string, bytes: number, limit: number) =>
    `the ${what} is ${formatCount(bytes)} bytes, more than the limit of ${formatCount(limit)} bytes; it was not read`,
  fileTooLargeHint: (what: 'spec' | 'data', variable: string, suggested: number) =>
    `${what === 'spec' ? 'an analysis spec is a few kilobytes: check that this is analysis.yaml' : 'check that the spec names the right file (one row per 2x2 table)'}; if it is right, raise the limit for this run: ${variable}=${suggested} (see "Limits" in README.md)`,
  tooManyRows: (limit: number) => `the file has more than ${formatCount(limit)} data rows (the limit); it was not read further`,
  tooManyRowsHint: (variable: string, suggested: number) =>
    `a meta-analysis of diagnostic accuracy has one row per 2x2 table: check that this is the right file or worksheet; if it is, raise the limit for this run: ${variable}=${suggested} (see "Limits" in README.md)`,
  xlsxTooLarge: (limit: number, onDisk: number) =>
    `the workbook expands to more than ${formatCount(limit)} bytes when unzipped (the limit; it is ${formatCount(onDisk)} bytes on disk); it was not unzipped further`,
  xlsxTooLargeHint: (variable: string, suggested: number) =>
    `a data extraction workbook is far smaller: the file is damaged or is not a workbook of study data (a "zip bomb" expands like this); if it is right, raise the limit for this run: ${variable}=${suggested} (see "Limits" in README.md)`,
  pngTooLarge: (figure: string, width: number, height: number, dpi: number, limit: number) =>
    `figure ${figure} would be a PNG of ${formatCount(width)} × ${formatCount(height)} pixels at ${dpi} dpi (${formatCount(Math.round((width * height) / 1e6))} megapixels), more than the limit of ${formatCount(Math.round(limit / 1e6))} megapixels (${formatCount(limit)} pixels)`,
  pngTooLargeHint: (variable: string, suggested: number) =>
    `lower output.dpi in analysis.yaml (journals ask for 300 to 600), shorten very long study labels (they make a figure wide or tall), or raise the limit for this run: ${variable}=${suggested} (see "Limits" in README.md)`,
  invalidLimit: (variable: string, value: string) => `${variable} must be a positive whole number, not ${quote(value)}`,
} as const;

/** The command line (src/cli.ts): usage errors. */
export const cliMessages = {
  unknownOption: (option: string, command: string | undefined, suggestion?: string) =>
    `unknown option ${option}${command ? ` for metadx ${command}` : ''}${suggestion ? `; did you mean ${suggestion}?` : ''}`,
  optionNotForCommand: (option: string, command: string, owners: readonly string[]) =>
    `${option} is not an option of metadx ${command}${owners.length > 0 ? ` (it belongs to metadx ${owners.join(', metadx ')})` : ''}`,
  optionNeedsValue: (option: string, value: string) => `option ${option} needs a value: ${option} ${value}`,
  optionTakesNoValue: (option: string) => `option ${option} takes no value (write ${option} alone)`,
  unknownCommand: (command: string, suggestion?: string) => `unknown command ${quote(command)}${suggestion ? `; did you mean ${quote(suggestion)}?` : ''}`,
} as const;

/** Progress of long work on stderr (src/commands/progress.ts): one phrase per stage or step. */
export const progressMessages = {
  spec: (file: string) => `reading ${file}`,
  data: (file: string) => `reading ${file}`,
  model: (detail: string | undefined) => `fitting the model${detail ? ` (${detail})` : ''}`,
  cached: () => 'statistics unchanged: taken from the results cache',
  bootstrap: (done: number, total: number) => `AUC bootstrap: ${formatCount(done)}/${formatCount(total)} refits`,
  leaveOneOut: (done: number, total: number) => `leave-one-out: ${formatCount(done)}/${formatCount(total)} refits`,
  sensitivity: () => 'sensitivity analyses (refits without outliers or listed studies)',
  subgroups: (done: number, total: number, covariate: string | undefined) => `subgroup analysis ${done + 1}/${total}${covariate ? `: ${covariate}` : ''}`,
  cumulative: () => 'cumulative meta-analysis',
  parts: (done: number, total: number, detail: string | undefined) => `statistics on all cores: ${formatCount(done)}/${formatCount(total)} parts done${detail ? ` (${detail})` : ''}`,
  figure: (done: number, total: number, id: string | undefined) => `figure ${done + 1}/${total}${id ? `: ${id}` : ''}`,
  document: () => 'assembling the document',
  pdf: () => 'printing the PDF',
  write: () => 'writing the version folder',
  other: (stage: string, step: string | undefined) => `${stage}${step ? `: ${step}` : ''}`,
} as const;

/** `metadx preview` (src/commands/preview.ts). */
export const previewMessages = {
  serving: (url: string) => `preview: ${url}`,
  servingDetail: (spec: string) => `serving ${spec} on 127.0.0.1 only; it is rebuilt when the spec or a file it names changes (no version is written, no PDF printed); Ctrl-C stops`,
  rebuilt: (seconds: string) => `rebuilt (${seconds} s)`,
  failed: (errors: number) => `the analysis has ${errors} problem${errors === 1 ? '' : 's'}; the page shows ${errors === 1 ? 'it' : 'them'} until it is fixed`,
  errorTitle: () => 'metadx preview: the analysis cannot be built',
  errorNote: () => 'Fix the file named below and save it: the page reloads by itself. The last supplement that could be built is shown underneath.',
  internalError: (message: string) => `internal error (a bug in metadx, please report it): ${message}`,
  badPort: (value: string) => `--port must be a whole number from 0 to 65535 (0: any free port), not ${quote(value)}`,
  portInUse: (port: number) => `port ${port} on 127.0.0.1 is in use`,
  portInUseHint: () => 'pass another --port, or --port 0 to take any free port',
  oneAnalysis: () => 'give exactly one analysis (a folder with analysis.yaml, or a .yaml file)',
  openFailed: (url: string, why: string) => `could not open a browser (${why}); open ${url} yourself`,
} as const;

/** `metadx init` (src/commands/init.ts). */
export const initMessages = {
  wrote: (folder: string, files: readonly string[]) => `wrote ${folder}: ${files.join(', ')}`,
  next: (folder: string) => `next: replace the example rows of ${folder}/data/studies.csv with your studies, edit ${folder}/analysis.yaml, then run: metadx preview ${folder}  (or: metadx report ${folder})`,
  exists: (files: readonly string[]) => `not written: ${files.join(', ')} already exist${files.length === 1 ? 's' : ''}; metadx init never overwrites files`,
  existsHint: () => 'give a new folder (metadx init FOLDER), or move the existing files away',
  notAFolder: (path: string) => `${path} exists and is not a folder`,
  oneFolder: () => 'give at most one folder',
} as const;
