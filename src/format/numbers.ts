/**
 * The one place where numbers become text (metafor keeps all rounding in formatters.r; we keep it
 * here). Results hold full precision; figures and templates call these functions and never round
 * on their own. Decimals are chosen per quantity, CIs read "0.86 (0.82–0.89)" with an en dash,
 * negative numbers use a true minus sign (U+2212).
 */

const MINUS = '\u2212';
const EN_DASH = '\u2013';

/** Digits after the decimal point for each kind of quantity (journal conventions for DTA reviews). */
export const DECIMALS = {
  proportion: 2, // sensitivity, specificity, AUC, prevalence
  ratio: 2, // LR+, LR- (ratios below 10); larger ratios get fewer, see formatRatio
  logit: 3,
  variance: 3, // tau^2, covariances
  correlation: 2,
  percent: 1, // I^2
  statistic: 2, // Q, chi^2, t, z
} as const;

export type QuantityKind = keyof typeof DECIMALS;

function withMinus(text: string): string {
  return text.startsWith('-') ? MINUS + text.slice(1) : text;
}

/** Fixed-decimal formatting; 'NA' for non-finite values (never 'NaN' or 'undefined' in a report). */
export function formatFixed(value: number | null | undefined, decimals: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'NA';
  // never a raw float such as 5.376214914345098e+23: beyond 10^15 a typeset power of ten
  if (Math.abs(value) >= 1e15) return formatScientific(value);
  let text = value.toFixed(decimals);
  if (/^-0(\.0+)?$/.test(text)) text = text.slice(1); // no "-0.00"
  return withMinus(text);
}

/** A number of the given kind, e.g. formatNumber(0.8612, 'proportion') === '0.86'. */
export function formatNumber(value: number | null | undefined, kind: QuantityKind): string {
  if (kind === 'statistic' && value !== null && value !== undefined && Number.isFinite(value) && Math.abs(value) >= 1e6) return formatScientific(value);
  return formatFixed(value, DECIMALS[kind]);
}

const SUPERSCRIPT: Record<string, string> = { '-': '\u207b', '0': '\u2070', '1': '\u00b9', '2': '\u00b2', '3': '\u00b3', '4': '\u2074', '5': '\u2075', '6': '\u2076', '7': '\u2077', '8': '\u2078', '9': '\u2079' };

/** "7.17 × 10³⁴" for very large or small statistics. */
export function formatScientific(value: number, digits = 3): string {
  const [mantissa, exponent] = value.toExponential(digits - 1).split('e') as [string, string];
  const power = String(Number(exponent)).split('').map((c) => SUPERSCRIPT[c] ?? c).join('');
  return `${withMinus(mantissa)} \u00d7 10${power}`;
}

/**
 * Ratios (LR+, LR-, DOR) spanning orders of magnitude: 2 decimals below 10, 1 below 100, none above.
 */
export function formatRatio(value: number | null | undefined, decimals?: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'NA';
  return formatFixed(value, decimals ?? ratioDecimals(value));
}

/** Decimals for a ratio of this size: 2 below 10, 1 below 100, none above. */
export function ratioDecimals(value: number): number {
  const magnitude = Math.abs(value);
  return magnitude < 10 ? 2 : magnitude < 100 ? 1 : 0;
}

/** Percentage from a fraction or percent value; `fromFraction` multiplies by 100. */
export function formatPercent(value: number | null | undefined, fromFraction = false): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'NA';
  return `${formatFixed(fromFraction ? value * 100 : value, DECIMALS.percent)}%`;
}

export interface IntervalLike {
  est: number;
  lo: number;
  hi: number;
}

export type Formatter = (value: number) => string;

/** Formatter for a quantity kind or 'ratio'. */
export function formatterFor(kind: QuantityKind | 'ratio'): Formatter {
  return kind === 'ratio' ? (v) => formatRatio(v) : (v) => formatNumber(v, kind);
}

/**
 * "0.86 (0.82–0.89)": estimate with its CI in parentheses (the journal style). Ratios use the
 * decimals of the estimate for all three numbers: "10.7 (5.8–19.5)".
 */
export function formatInterval(interval: IntervalLike | null | undefined, kind: QuantityKind | 'ratio' = 'proportion'): string {
  if (!interval) return 'NA';
  // an estimate without a finite value (e.g. separated data) is "not estimable", never "NA (NA–NA)"
  if (!Number.isFinite(interval.est)) return 'not estimable';
  if (kind === 'ratio') {
    const decimals = Number.isFinite(interval.est) ? ratioDecimals(interval.est) : 2;
    const f = (v: number) => formatRatio(v, decimals);
    const sep = interval.lo < 0 || interval.hi < 0 ? ' to ' : EN_DASH;
    return `${f(interval.est)} (${f(interval.lo)}${sep}${f(interval.hi)})`;
  }
  const f = formatterFor(kind);
  return `${f(interval.est)} (${formatRange(interval.lo, interval.hi, kind)})`;
}

/** "0.82–0.89" (lower–upper); uses " to " when a bound is negative so the dash is not read as minus. */
export function formatRange(lo: number, hi: number, kind: QuantityKind | 'ratio' = 'proportion'): string {
  const f = formatterFor(kind);
  const sep = lo < 0 || hi < 0 ? ' to ' : EN_DASH;
  return `${f(lo)}${sep}${f(hi)}`;
}


/**
 * p-values: "<0.001" below 0.001, 3 decimals below 0.1 (so 0.049 is not shown as 0.05), else 2.
 */
export function formatPValue(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return 'NA';
  if (p < 0.001) return '<0.001';
  if (p < 0.1) return p.toFixed(3);
  if (p > 0.99) return '>0.99';
  return p.toFixed(2);
}

/** "p = 0.03" or "p < 0.001" (never "p = <0.001"). */
export function formatPStatement(p: number | null | undefined): string {
  const text = formatPValue(p);
  return text.startsWith('<') || text.startsWith('>') ? `p ${text.slice(0, 1)} ${text.slice(1)}` : `p = ${text}`;
}

/** "1 table", "6 tables": a count with its noun in the right number (never "table(s)"). */
export function formatCountOf(value: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(value)} ${value === 1 ? singular : plural}`;
}

/** Integer counts with thin grouping: 69006 -> "69,006". */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'NA';
  return Math.round(value).toLocaleString('en-US');
}

/** A coverage level as a percentage without needless decimals: 0.95 -> "95%", 0.975 -> "97.5%". */
export function formatLevel(level: number): string {
  const percent = Math.round(level * 1000) / 10;
  return `${formatFixed(percent, Number.isInteger(percent) ? 0 : 1)}%`;
}

/** "p = 0.30", "p < 0.001", "p > 0.99": a p-value (formatPValue) with its relation sign; `name` replaces "p". */
export function formatPValueClause(p: number | null | undefined, name = 'p'): string {
  const text = formatPValue(p);
  return /^[<>]/.test(text) ? `${name} ${text[0]} ${text.slice(1)}` : `${name} = ${text}`;
}

/**
 * A probability as a whole percentage, for nomogram legends: 0.657 → "66%"; within 1% of 0 or 1
 * one decimal is kept so small and large probabilities stay distinct: 0.004 → "0.4%", 0.996 → "99.6%";
 * beyond that, "<0.1%" and ">99.9%" (never "0.0%" or "100.0%" for a probability strictly between).
 */
export function formatProbabilityPercent(probability: number | null | undefined): string {
  if (probability === null || probability === undefined || !Number.isFinite(probability)) return 'NA';
  const percent = probability * 100;
  if (percent > 0 && percent < 0.05) return '<0.1%';
  if (percent < 100 && percent >= 99.95) return '>99.9%';
  return `${formatFixed(percent, percent < 1 || percent > 99 ? 1 : 0)}%`;
}

/** Natural frequency with its CI, whole people: "109 (103–114)". */
export function formatFrequency(interval: IntervalLike): string {
  if (!Number.isFinite(interval.lo) || !Number.isFinite(interval.hi)) return formatCount(interval.est);
  return `${formatCount(interval.est)} (${formatCount(interval.lo)}${EN_DASH}${formatCount(interval.hi)})`;
}

/** A prevalence as a percentage with at most one decimal, trailing zero dropped: 0.126 → "12.6%", 0.4 → "40%". */
export function formatPrevalence(value: number): string {
  if (!Number.isFinite(value)) return 'NA';
  const percent = Math.round(value * 1000) / 10;
  return `${formatFixed(percent, Number.isInteger(percent) ? 0 : 1)}%`;
}
