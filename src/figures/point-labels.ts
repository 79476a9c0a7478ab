/**
 * Labels beside the points of a scatter plot (row numbers on Deeks' funnel plot, names of outlying
 * studies on the bivariate box plot, numbers on the LR scattergram), placed in pixel space from
 * measured text widths. Each label tries eight positions around its point (right first, as midas
 * writes them), then the same directions farther out, ring by ring, and takes the position of
 * lowest cost: overlapping a label placed before it costs most (so labels never collide while any
 * ring has room), then covering another point or crossing a drawn line (a regression line, the
 * box plot's hinge and fence), then leaving the plot (by side), then distance. A label placed
 * farther than one text line from its point gets a leader line to it. Labels are never dropped or
 * shortened.
 *
 * Points and lines come in pixel coordinates (the figure maps its data through the same scale
 * geometry it gives Vega); the result is each label's centre, drawn with align 'center' and
 * baseline 'middle', and the leader's ends when there is one.
 */
import { measureText } from './text-metrics.ts';

export interface LabelRequest {
  text: string;
  /** point centre, px from the plot's top-left corner */
  x: number;
  y: number;
  /** radius of the point's symbol, px */
  radius: number;
}

export interface PlacedLabel {
  text: string;
  /** indices of the requests this label stands for (several when points coincide) */
  members: number[];
  /** centre of the label, px */
  x: number;
  y: number;
  /** half width and half height of the label's box, px */
  halfWidth: number;
  halfHeight: number;
  /** a line from the point's edge to the label's box, when the label sits away from its point */
  leader?: { x1: number; y1: number; x2: number; y2: number };
}

/** Drawn lines labels must not cross: polylines in px (repeat the first point to close a curve). */
export interface LabelObstacles {
  lines?: readonly (readonly { x: number; y: number }[])[];
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const GAP = 2;

/** Costs of the placement (see the module comment): labels never overlap while any ring has room. */
export const LABEL_COSTS = { label: 100, point: 10, line: 10, ring: 0.4, rings: 8 } as const;

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** Whether the segment (x1, y1)–(x2, y2) passes through the box (Liang–Barsky clipping). */
export function segmentHitsBox(x1: number, y1: number, x2: number, y2: number, box: Box): boolean {
  const dx = x2 - x1;
  const dy = y2 - y1;
  let t0 = 0;
  let t1 = 1;
  const edges: [number, number][] = [
    [-dx, x1 - box.left],
    [dx, box.right - x1],
    [-dy, y1 - box.top],
    [dy, box.bottom - y1],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

function lineCrossings(box: Box, lines: readonly (readonly { x: number; y: number }[])[]): number {
  let crossings = 0;
  for (const line of lines) {
    for (let i = 1; i < line.length; i += 1) {
      const a = line[i - 1]!;
      const b = line[i]!;
      if (segmentHitsBox(a.x, a.y, b.x, b.y, box)) crossings += 1;
    }
  }
  return crossings;
}

/**
 * Boxes filed by the cells of a uniform grid, so that counting the boxes a candidate overlaps (or
 * the segments it crosses) looks at the nearby ones only: with 2,000 points, comparing every
 * candidate with every point, label and line segment took 24 s of a report. The counts are exactly
 * those of the full comparison: an item is counted once, by the same test, and an item can only be
 * missed if it lies more than MARGIN px outside the box, where that test is false. Boxes whose cells
 * cannot be listed (a coordinate that is not finite, or one spanning very many cells) fall back to
 * the full comparison.
 */
class BoxGrid<T extends Box> {
  private readonly cells = new Map<number, number[]>();
  private readonly items: T[] = [];
  /** items that no cell range can hold (a coordinate not finite, or a very long one): tested always */
  private readonly always: number[] = [];
  private seen = new Uint32Array(0);
  private stamp = 0;

  constructor(private readonly cell: number) {}

  private static readonly MARGIN = 1e-6;
  private static readonly SPAN = 1 << 20;
  /** at most this many cells per item or query; beyond, the item is tested always and the query scans all */
  private static readonly MAX_CELLS = 4096;

  /** The cells under `box` (with the margin), or null when they cannot be enumerated. */
  private range(box: Box): [number, number, number, number] | null {
    const m = BoxGrid.MARGIN;
    const x0 = Math.floor((box.left - m) / this.cell);
    const x1 = Math.floor((box.right + m) / this.cell);
    const y0 = Math.floor((box.top - m) / this.cell);
    const y1 = Math.floor((box.bottom + m) / this.cell);
    if (![x0, x1, y0, y1].every(Number.isFinite) || (x1 - x0 + 1) * (y1 - y0 + 1) > BoxGrid.MAX_CELLS) return null;
    return [x0, x1, y0, y1];
  }

  add(item: T): void {
    const index = this.items.length;
    this.items.push(item);
    const range = this.range(item);
    if (!range) {
      this.always.push(index);
      return;
    }
    const [x0, x1, y0, y1] = range;
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        const key = cx * BoxGrid.SPAN + cy;
        const list = this.cells.get(key);
        if (list) list.push(index);
        else this.cells.set(key, [index]);
      }
    }
  }

  /** How many items near `box` pass `test` (each item tested once; all items when `box` has no cell range). */
  count(box: Box, test: (item: T, index: number) => boolean): number {
    const range = this.range(box);
    if (!range) return this.items.reduce((total, item, index) => total + (test(item, index) ? 1 : 0), 0);
    if (this.seen.length < this.items.length) this.seen = new Uint32Array(Math.max(this.items.length, 2 * this.seen.length));
    this.stamp += 1;
    let total = 0;
    const visit = (index: number) => {
      if (this.seen[index] === this.stamp) return;
      this.seen[index] = this.stamp;
      if (test(this.items[index]!, index)) total += 1;
    };
    for (const index of this.always) visit(index);
    const [x0, x1, y0, y1] = range;
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        const list = this.cells.get(cx * BoxGrid.SPAN + cy);
        if (list) for (const index of list) visit(index);
      }
    }
    return total;
  }
}

/** The segments of `lines` in a grid (each with its bounding box), for crossing counts. */
function segmentGrid(lines: readonly (readonly { x: number; y: number }[])[], cell: number): BoxGrid<Box & { x1: number; y1: number; x2: number; y2: number }> {
  const grid = new BoxGrid<Box & { x1: number; y1: number; x2: number; y2: number }>(cell);
  for (const line of lines) {
    for (let i = 1; i < line.length; i += 1) {
      const a = line[i - 1]!;
      const b = line[i]!;
      grid.add({ x1: a.x, y1: a.y, x2: b.x, y2: b.y, left: Math.min(a.x, b.x), right: Math.max(a.x, b.x), top: Math.min(a.y, b.y), bottom: Math.max(a.y, b.y) });
    }
  }
  return grid;
}

/** Candidate label boxes around a point, in order of preference: eight directions, near then farther out. */
function candidates(point: LabelRequest, width: number, height: number): (Box & { ring: number })[] {
  return Array.from({ length: LABEL_COSTS.rings }, (_unused, ring) => ring).flatMap((ring) => {
    const at = (centreX: number, centreY: number) => ({ left: centreX - width / 2, right: centreX + width / 2, top: centreY - height / 2, bottom: centreY + height / 2, ring });
    const offset = point.radius + GAP + ring * height;
    const diagonal = point.radius * Math.SQRT1_2 + GAP + ring * height * Math.SQRT1_2;
    return [
      at(point.x + offset + width / 2, point.y),
      at(point.x - offset - width / 2, point.y),
      at(point.x, point.y - offset - height / 2),
      at(point.x, point.y + offset + height / 2),
      at(point.x + diagonal + width / 2, point.y - diagonal - height / 2),
      at(point.x + diagonal + width / 2, point.y + diagonal + height / 2),
      at(point.x - diagonal - width / 2, point.y - diagonal - height / 2),
      at(point.x - diagonal - width / 2, point.y + diagonal + height / 2),
      // a long label slid along above or below its point, its near end over the point
      at(point.x + width / 2 - point.radius, point.y - offset - height / 2),
      at(point.x - width / 2 + point.radius, point.y - offset - height / 2),
      at(point.x + width / 2 - point.radius, point.y + offset + height / 2),
      at(point.x - width / 2 + point.radius, point.y + offset + height / 2),
    ];
  });
}

/**
 * Cost of leaving the plot: past the left or bottom edge a label would run into the axis (worse
 * than covering a point); past the top or right edge it only widens the figure (better than that,
 * and better than moving a ring farther out).
 */
function outsideCost(box: Box, plot: { width: number; height: number }): number {
  if (box.left < 0 || box.bottom > plot.height) return 3;
  if (box.top < 0 || box.right > plot.width) return 0.3;
  return 0;
}

/** Points drawn on top of each other (centres under 1.5 px apart) share one label: "13, 15". */
function mergeCoincident(points: readonly LabelRequest[]): (LabelRequest & { members: number[] })[] {
  const merged: (LabelRequest & { members: number[] })[] = [];
  points.forEach((point, index) => {
    const same = merged.findIndex((other) => Math.hypot(other.x - point.x, other.y - point.y) < 1.5);
    const existing = merged[same];
    if (existing) {
      merged[same] = { ...existing, text: `${existing.text}, ${point.text}`, radius: Math.max(existing.radius, point.radius), members: [...existing.members, index] };
    } else {
      merged.push({ ...point, members: [index] });
    }
  });
  return merged;
}

/** The point on the box's edge nearest to (x, y), and the point on the circle's edge towards it. */
function leaderLine(point: LabelRequest, box: Box): PlacedLabel['leader'] {
  const x2 = Math.max(box.left, Math.min(point.x, box.right));
  const y2 = Math.max(box.top, Math.min(point.y, box.bottom));
  const distance = Math.hypot(x2 - point.x, y2 - point.y);
  if (distance <= point.radius + GAP) return undefined;
  const x1 = point.x + ((x2 - point.x) / distance) * point.radius;
  const y1 = point.y + ((y2 - point.y) / distance) * point.radius;
  return { x1, y1, x2, y2 };
}

/**
 * Place every label; `plot` is the plot area's size in px (labels prefer to stay inside it) and
 * `obstacles` the lines drawn in it. Coincident points get one joint label, so the result can be
 * shorter than `requests`.
 */
export function placePointLabels(requests: readonly LabelRequest[], fontSize: number, plot: { width: number; height: number }, obstacles: LabelObstacles = {}): PlacedLabel[] {
  const points = mergeCoincident(requests);
  // grids of about a label's height: a candidate box meets a few cells
  const cell = Math.max(4, 2 * fontSize);
  const pointBoxes = new BoxGrid<Box>(cell);
  for (const point of points) pointBoxes.add({ left: point.x - point.radius, right: point.x + point.radius, top: point.y - point.radius, bottom: point.y + point.radius });
  const segments = segmentGrid(obstacles.lines ?? [], cell);
  const placed = new BoxGrid<Box>(cell);
  return points.map((point, index) => {
    const height = fontSize;
    const width = measureText(point.text, fontSize);
    const cost = (box: Box & { ring: number }) =>
      box.ring * LABEL_COSTS.ring +
      LABEL_COSTS.label * placed.count(box, (other) => overlaps(box, other)) +
      LABEL_COSTS.point * pointBoxes.count(box, (other, otherIndex) => otherIndex !== index && overlaps(box, other)) +
      LABEL_COSTS.line * segments.count(box, (segment) => segmentHitsBox(segment.x1, segment.y1, segment.x2, segment.y2, box)) +
      outsideCost(box, plot);
    const boxes = candidates(point, width, height);
    let best: Box & { ring: number } = boxes[0]!;
    let bestCost = Infinity;
    for (const box of boxes) {
      const boxCost = cost(box);
      if (boxCost < bestCost) {
        best = box;
        bestCost = boxCost;
      }
      if (boxCost === 0) break;
    }
    placed.add(best);
    const leader = best.ring >= 2 ? leaderLine(point, best) : undefined;
    return { text: point.text, members: point.members, x: (best.left + best.right) / 2, y: (best.top + best.bottom) / 2, halfWidth: width / 2, halfHeight: height / 2, ...(leader ? { leader } : {}) };
  });
}

/** Whether any two placed labels overlap (for tests and checks). */
export function labelsOverlap(labels: readonly PlacedLabel[]): boolean {
  const boxes = labels.map((label) => ({ left: label.x - label.halfWidth, right: label.x + label.halfWidth, top: label.y - label.halfHeight, bottom: label.y + label.halfHeight }));
  return boxes.some((box, i) => boxes.some((other, j) => j > i && overlaps(box, other)));
}

/** How many segments of `lines` pass through the placed labels' boxes (for tests and checks). */
export function labelLineCrossings(labels: readonly PlacedLabel[], lines: readonly (readonly { x: number; y: number }[])[]): number {
  return labels.reduce((sum, label) => sum + lineCrossings({ left: label.x - label.halfWidth, right: label.x + label.halfWidth, top: label.y - label.halfHeight, bottom: label.y + label.halfHeight }, lines), 0);
}

/** Vega-Lite layer of leader lines (thin, grey) for the labels that have one; undefined when none does. */
export function leaderLayer(labels: readonly PlacedLabel[], colour: string, strokeWidth: number): Record<string, unknown> | undefined {
  const values = labels.flatMap((label) => (label.leader ? [label.leader] : []));
  if (values.length === 0) return undefined;
  const pixel = (field: string) => ({ field, type: 'quantitative', scale: null });
  return {
    data: { values },
    mark: { type: 'rule', color: colour, strokeWidth },
    encoding: { x: pixel('x1'), y: pixel('y1'), x2: { field: 'x2' }, y2: { field: 'y2' } },
  };
}

/** Radius in px of a circle symbol of `area` px² (Vega sizes symbols by area). */
export function symbolRadius(area: number): number {
  return Math.sqrt(area / Math.PI);
}

/**
 * Pixel position along an axis of `length` px, as Vega's linear or log scale with `nice: false`
 * places it (`reverse` puts the domain's start at the far end, as a reversed y axis does).
 */
export function axisPixel(value: number, axis: { type: 'linear' | 'log'; domain: readonly [number, number]; reverse?: boolean }, length: number): number {
  const transform = axis.type === 'log' ? Math.log10 : (input: number) => input;
  const start = transform(axis.domain[0]);
  const end = transform(axis.domain[1]);
  const fraction = (transform(value) - start) / (end - start);
  return (axis.reverse ? 1 - fraction : fraction) * length;
}
