/**
 * Splitting row-based figures (forest plots, leave-one-out) into parts that each fit one printed
 * page: a part takes as many rows as keep its height within FIGURE_MAX_HEIGHT of the paper (rows differ in
 * height when labels wrap, and the last part also carries the pooled row and notes).
 */
import type { TopLevelSpec } from 'vega-lite';
import { FIGURE_MAX_HEIGHT } from './theme.ts';

/** Height in px of a Vega-Lite spec with explicit heights (views, layers, vertical concatenations). */
export function specHeight(spec: unknown): number {
  const view = spec as { height?: unknown; vconcat?: unknown[]; hconcat?: unknown[]; spacing?: number; padding?: number | { top?: number; bottom?: number } };
  const padding = typeof view.padding === 'number' ? 2 * view.padding : (view.padding?.top ?? 0) + (view.padding?.bottom ?? 0);
  if (Array.isArray(view.vconcat)) return view.vconcat.reduce<number>((sum, child) => sum + specHeight(child), 0) + (view.vconcat.length - 1) * (view.spacing ?? 20) + padding;
  if (Array.isArray(view.hconcat)) return Math.max(0, ...view.hconcat.map(specHeight)) + padding;
  return (typeof view.height === 'number' ? view.height : 0) + padding;
}

/** Axes, their titles and the padding drawn outside the views' heights (px). */
export const OUTSIDE_VIEWS_PX = 60;

/**
 * Chunks [start, end) of `count` rows such that the figure `make(start, end, last)` draws is at
 * most `maxHeight` px high (a single row that is taller still gets a part of its own).
 */
export function splitRows(count: number, make: (start: number, end: number, last: boolean) => TopLevelSpec, maxHeight: number = FIGURE_MAX_HEIGHT.Letter): [number, number][] {
  // no part can hold more rows than fit at the smallest row height (a one-line row is ≥ 12 px)
  const most = Math.max(1, Math.floor(maxHeight / 12));
  if (count === 0 || (count <= most && specHeight(make(0, count, true)) + OUTSIDE_VIEWS_PX <= maxHeight)) return [[0, count]];
  const fits = (start: number, end: number): boolean => specHeight(make(start, end, end === count)) + OUTSIDE_VIEWS_PX <= maxHeight;
  const chunks: [number, number][] = [];
  let start = 0;
  while (start < count) {
    // the longest part from `start` that fits (height grows with the rows: binary search)
    let low = start + 1;
    let high = Math.min(count, start + most);
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (fits(start, middle)) low = middle;
      else high = middle - 1;
    }
    chunks.push([start, low]);
    start = low;
  }
  return chunks;
}
