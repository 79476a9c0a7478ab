/**
 * Labels beside the points of a scatter plot (row numbers on Deeks' funnel plot, names of outlying
 * studies on the bivariate box plot), placed in pixel space from measured text widths: each label
 * tries eight positions around its point (right first, as midas writes them), then the same
 * directions one and two text lines farther out, and takes the first that overlaps no label placed
 * before it and no other point and stays inside the plot; failing that, the position with the
 * lowest cost (overlaps, plus a cost for leaving the plot that depends on the side). Labels are never dropped or shortened.
 *
 * Points come in pixel coordinates (the figure maps its data through the same scale geometry it
 * gives Vega); the result is each label's centre, drawn with align 'center' and baseline 'middle'.
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
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const GAP = 2;

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** Cost of each farther ring of candidates: a label near its point reads better. */
const RING_COST = 0.4;

/** Candidate label boxes around a point, in order of preference: eight directions, near then farther out. */
function candidates(point: LabelRequest, width: number, height: number): (Box & { ring: number })[] {
  return [0, 1, 2].flatMap((ring) => {
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

/**
 * Place every label; `plot` is the plot area's size in px (labels prefer to stay inside it).
 * Coincident points get one joint label, so the result can be shorter than `requests`.
 */
export function placePointLabels(requests: readonly LabelRequest[], fontSize: number, plot: { width: number; height: number }): PlacedLabel[] {
  const points = mergeCoincident(requests);
  const pointBoxes = points.map((point) => ({ left: point.x - point.radius, right: point.x + point.radius, top: point.y - point.radius, bottom: point.y + point.radius }));
  const placed: Box[] = [];
  return points.map((point, index) => {
    const height = fontSize;
    const width = measureText(point.text, fontSize);
    const cost = (box: Box & { ring: number }) =>
      box.ring * RING_COST +
      placed.filter((other) => overlaps(box, other)).length +
      pointBoxes.filter((other, otherIndex) => otherIndex !== index && overlaps(box, other)).length +
      outsideCost(box, plot);
    let best: Box | undefined;
    let bestCost = Infinity;
    for (const box of candidates(point, width, height)) {
      const boxCost = cost(box);
      if (boxCost < bestCost) {
        best = box;
        bestCost = boxCost;
      }
      if (boxCost === 0) break;
    }
    const chosen = best as Box;
    placed.push(chosen);
    return { text: point.text, members: point.members, x: (chosen.left + chosen.right) / 2, y: (chosen.top + chosen.bottom) / 2 };
  });
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
