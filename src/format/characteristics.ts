/**
 * Display form of the characteristics table (the data file is never changed): extraction sheets
 * mix "NO"/"Yes", "Cohort"/"cohort" and "1131"/"36,279". Per column:
 * - numbers (every given cell a count, with or without thousands separators) are shown with one
 *   thousands separator style and right-aligned; years stay as written;
 * - text cells start with a capital letter (sentence case), except where the first word has
 *   capitals inside it (an acronym or a name such as "CT", "X-Ray", "iPhone"), and a whole-word
 *   "YES"/"NO" is written "Yes"/"No";
 * - missing values ("", "NA", "N/A", "-", "NR") show as "–" (explained in the caption).
 */
import { formatCount } from './numbers.ts';

export interface DisplayColumn {
  numeric: boolean;
  cells: string[];
}

const MISSING = /^(|na|n\/a|-|–|—|nr|not reported)$/i;
const COUNT = /^(\d{1,3}(,\d{3})+|\d{1,3}( \d{3})+|\d+)$/;

export const MISSING_MARK = '–';

function isYearColumn(key: string, values: readonly number[]): boolean {
  return /year/i.test(key) || values.every((v) => Number.isInteger(v) && v >= 1800 && v <= 2100);
}

function sentenceCase(text: string): string {
  if (/^(yes|no)$/i.test(text)) return text[0]!.toUpperCase() + text.slice(1).toLowerCase();
  const first = /^\p{L}[\p{L}\p{M}'’-]*/u.exec(text)?.[0];
  if (!first) return text;
  // a word with capitals after its first letter is an acronym or a name: leave it
  if (/\p{Lu}/u.test(first.slice(1))) return text;
  return first[0]!.toUpperCase() + text.slice(1);
}

/** One column of the characteristics table as displayed. `key` is the column's name in the file. */
export function displayColumn(key: string, raw: readonly string[], options: { text?: 'sentence' | 'as-is' } = {}): DisplayColumn {
  const given = raw.map((cell) => cell.trim()).filter((cell) => !MISSING.test(cell));
  const numeric = given.length > 0 && given.every((cell) => COUNT.test(cell));
  if (numeric) {
    const values = given.map((cell) => Number(cell.replace(/[, ]/g, '')));
    const year = isYearColumn(key, values);
    return {
      numeric: true,
      cells: raw.map((cell) => {
        const trimmed = cell.trim();
        if (MISSING.test(trimmed)) return MISSING_MARK;
        const value = Number(trimmed.replace(/[, ]/g, ''));
        return year ? String(value) : formatCount(value);
      }),
    };
  }
  return { numeric: false, cells: raw.map((cell) => (MISSING.test(cell.trim()) ? MISSING_MARK : options.text === 'as-is' ? cell.trim() : sentenceCase(cell.trim()))) };
}
