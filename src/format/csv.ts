/** CSV fields for the files metadx writes (figures/*.csv, findings.csv): RFC 4180 quoting and OWASP formula neutralisation. */

/**
 * A leading character that makes a spreadsheet read a cell as a formula (OWASP "CSV Injection":
 * = + - @, tab, CR; also LF, NUL and the full-width forms some spreadsheets accept), possibly after
 * leading spaces.
 */
const FORMULA_START = /^[\s\u0000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r\n\u0000]/;

/** One CSV field: text that could start a formula gets a leading ' (OWASP); quoted per RFC 4180. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  // numbers are written as numbers (a negative logit is data, not a formula)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = String(value);
  const neutralised = FORMULA_START.test(text);
  if (neutralised) text = `'${text}`;
  return neutralised || /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
