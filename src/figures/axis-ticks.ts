/**
 * Axis ticks for figures whose range comes from the data: "nice" linear ticks (steps of 1, 2, 2.5
 * or 5 × 10ⁿ), powers of ten for ratio axes on a log scale, and the Vega expression that gives each
 * tick the text formatted by numbers.ts (never by d3-format). Choosing where ticks go is layout, not
 * statistics: nothing here looks at more than the extent of what a figure draws.
 */
import { formatCount, formatFixed, type IntervalLike } from '../format/numbers.ts';
import { measureText } from './text-metrics.ts';

/** One axis tick: its value (in the scale's units) and its label. */
export interface Tick {
  value: number;
  text: string;
}

/** An axis: scale domain and the ticks within it. */
export interface AxisTicks {
  domain: [number, number];
  ticks: Tick[];
}

/** Decimals needed to write `value` (at most 6), e.g. 0.25 → 2, 10 → 0, 0.001 → 3. */
export function decimalsOf(value: number): number {
  for (let decimals = 0; decimals < 6; decimals += 1) {
    if (Math.abs(Number(value.toFixed(decimals)) - value) < 1e-9 * Math.max(1, Math.abs(value))) return decimals;
  }
  return 6;
}

/** Ticks whose texts use the decimals of the finest tick, so "0.5" and "1.0" line up as "0.5, 1.0". */
export function ticksOf(values: readonly number[]): Tick[] {
  const decimals = Math.max(0, ...values.map(decimalsOf));
  return values.map((value) => ({ value, text: formatFixed(value, decimals) }));
}

/** Tick step 1, 2, 2.5 or 5 × 10ⁿ giving about `target` intervals over `span`. */
function niceStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(raw));
  const multiple = [1, 2, 2.5, 5, 10].find((candidate) => candidate * power >= raw) ?? 10;
  return multiple * power;
}

/**
 * A linear axis covering [low, high]: the domain is widened outwards to whole steps, the ticks are
 * every step within it (about `target` of them). With `clamp`, the domain never leaves that range
 * (e.g. [0, 1] for proportions).
 */
export function linearTicks(low: number, high: number, options: { target?: number; clamp?: [number, number] } = {}): AxisTicks {
  const span = high - low > 0 ? high - low : Math.max(Math.abs(high), 1) * 0.1;
  const step = niceStep(span, options.target ?? 5);
  let start = Math.floor(low / step + 1e-9) * step;
  let end = Math.ceil(high / step - 1e-9) * step;
  if (end - start < step) end = start + step;
  if (options.clamp) {
    start = Math.max(options.clamp[0], start);
    end = Math.min(options.clamp[1], end);
  }
  const count = Math.round((end - start) / step);
  const values = Array.from({ length: count + 1 }, (_unused, index) => Number((start + index * step).toFixed(10)));
  return { domain: [values[0] ?? start, values.at(-1) ?? end], ticks: ticksOf(values) };
}

/** 10ⁿ as the literal `1en` reads (10 ** -5 is 0.000009999…, which would not match a tick value). */
export function powerOfTen(exponent: number): number {
  return Number(`1e${exponent}`);
}

/**
 * A log axis over whole powers of ten covering [low, high] (both > 0), ticks at each power:
 * 0.1, 1, 10, 100, … written with the decimals they need ("0.01", "1") and grouped from 1,000 up. Over at most two
 * decades the ticks also mark 2 and 5 times each power (thinTickLabels decides which get text).
 */
export function powerOfTenTicks(low: number, high: number, options: { include?: number[] } = {}): AxisTicks {
  const values = [low, high, ...(options.include ?? [])].filter((value) => value > 0 && Number.isFinite(value));
  const first = Math.floor(Math.log10(Math.min(...values)) + 1e-9);
  let last = Math.ceil(Math.log10(Math.max(...values)) - 1e-9);
  if (last === first) last = first + 1;
  const multiples = last - first <= 2 ? [1, 2, 5] : [1];
  const ticks: Tick[] = [];
  for (let power = first; power <= last; power += 1) {
    for (const multiple of multiples) {
      if (power === last && multiple > 1) break;
      const value = Number(`${multiple}e${power}`);
      ticks.push({ value, text: power >= 3 ? formatCount(value) : formatFixed(value, Math.max(0, -power)) });
    }
  }
  return { domain: [powerOfTen(first), powerOfTen(last)], ticks };
}

/** Probabilities marked on a logit axis, from the tails inwards. */
const LOGIT_AXIS_PROBABILITIES = [0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999];

/**
 * An axis in logit units labelled with probabilities ("0.5" at 0, "0.9" at 2.197…), covering
 * [low, high] (in logits). With `snap` the domain widens to the nearest marked probabilities, so
 * the axis ends on labelled ticks; otherwise it is [low, high] as given. Placing a probability at
 * its logit is the axis' geometry, like a log axis placing 10 at 1.
 */
export function logitProbabilityTicks(low: number, high: number, options: { snap?: boolean } = {}): AxisTicks {
  const all = LOGIT_AXIS_PROBABILITIES.map((probability) => ({ value: Math.log(probability / (1 - probability)), text: formatFixed(probability, decimalsOf(probability)) }));
  const start = options.snap ? ([...all].reverse().find((tick) => tick.value <= low + 1e-9)?.value ?? low) : low;
  const end = options.snap ? (all.find((tick) => tick.value >= high - 1e-9)?.value ?? high) : high;
  return { domain: [start, end], ticks: all.filter((tick) => tick.value >= start - 1e-9 && tick.value <= end + 1e-9) };
}

/**
 * A Vega expression giving each tick listed in `ticks` its text (others get none). Use with the
 * same values as the axis `values`, as `tickAxis` does.
 */
export function tickTextExpression(ticks: readonly Tick[]): string {
  const branches = ticks.map((tick) => `datum.value === ${tick.value} ? ${JSON.stringify(tick.text)} : `);
  return `${branches.join('')}''`;
}

/** The `values` and `labelExpr` of a Vega-Lite axis showing exactly these ticks. */
export function tickAxis(ticks: readonly Tick[]): { values: number[]; labelExpr: string } {
  return { values: ticks.map((tick) => tick.value), labelExpr: tickTextExpression(ticks) };
}

/**
 * Keep tick labels from touching: label every tick, else every 2nd, 3rd, … (starting with the
 * first) until neighbouring labels are at least `gap` px apart at their pixel positions; the other
 * ticks stay, unlabelled. `position` maps a tick value to px along the axis.
 */
export function thinTickLabels(ticks: readonly Tick[], position: (value: number) => number, fontSize: number, gap = 6): Tick[] {
  const placed = ticks.map((tick) => ({ tick, at: position(tick.value), half: measureText(tick.text, fontSize) / 2 }));
  for (let stride = 1; stride <= Math.max(1, ticks.length); stride += 1) {
    const kept = placed.filter((_item, index) => index % stride === 0);
    const clear = kept.every((item, index) => {
      const next = kept[index + 1];
      return next === undefined || Math.abs(next.at - item.at) >= item.half + next.half + gap;
    });
    if (clear) return placed.map((item, index) => ({ value: item.tick.value, text: index % stride === 0 ? item.tick.text : '' }));
  }
  return [...ticks];
}

/**
 * Axis of a proportion panel: 0–1 ('full', labelled 0.0, 0.5, 1.0 as on the paired forest plot),
 * or the extent of every interval drawn, widened to round steps ('data').
 */
export function proportionAxis(intervals: readonly IntervalLike[], range: 'data' | 'full'): AxisTicks {
  const finite = intervals.filter((interval) => Number.isFinite(interval.lo) && Number.isFinite(interval.hi));
  if (range === 'full' || finite.length === 0) {
    return { domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1].map((value, index) => ({ value, text: index % 2 === 0 ? formatFixed(value, 1) : '' })) };
  }
  const low = Math.min(...finite.map((interval) => interval.lo));
  const high = Math.max(...finite.map((interval) => interval.hi));
  return linearTicks(low, high, { target: 4, clamp: [0, 1] });
}
