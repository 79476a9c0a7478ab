/**
 * Every user-facing message of metadx, as functions (vega-lite keeps its messages in
 * src/log/message.ts the same way). Tests compare against these functions, so wording changes in
 * one place. Messages say what is wrong; hints say what to do.
 */

const quote = (s: string): string => JSON.stringify(s);

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
  tooSmall: (path: string, minimum: string) => `${path}: must be at least ${minimum}`,
  tooBig: (path: string, maximum: string) => `${path}: must be at most ${maximum}`,
  notInteger: (path: string) => `${path}: must be a whole number`,
  other: (path: string, message: string) => `${path}: ${message}`,
  fileMissing: (what: string, path: string) => `${what} file not found: ${path}`,
  fileMissingHint: (key: string) => `check the path under ${key}: (it is relative to the folder of analysis.yaml)`,
  pathEscapes: (path: string) => `data path ${quote(path)} points outside the analysis folder`,
  pathEscapesHint: () => 'keep data files inside the analysis folder (copy them there)',
  unknownCovariate: (name: string, suggestion?: string) =>
    `subgroup covariate ${quote(name)} is not a column of the data${suggestion ? `; did you mean ${quote(suggestion)}?` : ''}`,
  specNotFound: (path: string) => `no analysis spec found at ${path}`,
  specNotFoundHint: () => 'give a folder containing analysis.yaml, or the path of a .yaml file',
  noAnalyses: (dir: string) => `no analyses found: ${dir} has no */analysis.yaml`,
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
  notANumberHint: () => 'counts must be whole numbers written with digits only (no text, no decimal commas)',
  negative: (column: string, value: number) => `${column} = ${value} is negative`,
  negativeHint: () => 'counts cannot be negative; check the extraction',
  notInteger: (column: string, value: number) => `${column} = ${value} is not a whole number`,
  notIntegerHint: () => 'counts are numbers of participants; re-derive them from the primary study (do not round percentages)',
  tooLarge: (column: string, value: number) => `${column} = ${value} is implausibly large`,
  tooLargeHint: () => 'counts above 10,000,000 per cell are almost certainly an extraction error',
  missingCount: (column: string) => `${column} is empty`,
  missingCountHint: () => 'every 2x2 cell must be filled in; use 0 for an empty cell',
  missingLabel: () => 'the study label is empty',
  missingLabelHint: () => 'give every row a study label',
  duplicateLabel: (label: string, firstRow: number) => `study label ${quote(label)} repeats row ${firstRow}`,
  duplicateLabelHint: () =>
    'labels must be unique; for several 2x2 tables from one study add a distinguishing column to data.label (e.g. "{study} ({model})")',
  emptyArm: (arm: 'diseased' | 'non-diseased') =>
    `no ${arm} participants (${arm === 'diseased' ? 'tp + fn' : 'fp + tn'} = 0)`,
  emptyArmHint: () => 'a 2x2 table needs both diseased and non-diseased participants; remove the row or correct it',
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
} as const;
