/**
 * Point-label placement (src/figures/point-labels.ts): labels never collide with each other, keep
 * off drawn lines (a regression line, the box plot's hinge and fence) when there is room, and get a
 * leader line when they sit away from their point; checked on random clouds and on the labels of
 * the real Deeks and bivariate box plot figures.
 */
import { describe, expect, it } from 'vitest';
import { bivariateBoxplotSpec } from '../../src/figures/bivariate-boxplot.ts';
import { deeksSpec } from '../../src/figures/deeks.ts';
import { axisPixel, labelLineCrossings, labelsOverlap, placePointLabels, segmentHitsBox, type LabelRequest, type PlacedLabel } from '../../src/figures/point-labels.ts';
import { measureText } from '../../src/figures/text-metrics.ts';
import { FONT_SIZE } from '../../src/figures/theme.ts';
import { bivariateBoxplotInput, deeksInput } from './analysis-fixtures.ts';

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('segmentHitsBox', () => {
  const box = { left: 10, right: 20, top: 10, bottom: 20 };
  it('detects segments through, into and beside a box', () => {
    expect(segmentHitsBox(0, 15, 30, 15, box)).toBe(true);
    expect(segmentHitsBox(15, 15, 15, 16, box)).toBe(true);
    expect(segmentHitsBox(0, 0, 30, 30, box)).toBe(true);
    expect(segmentHitsBox(0, 0, 30, 5, box)).toBe(false);
    expect(segmentHitsBox(25, 0, 25, 30, box)).toBe(false);
    expect(segmentHitsBox(0, 25, 9, 25, box)).toBe(false);
  });
});

describe('placePointLabels', () => {
  it('puts a free label to the right of its point', () => {
    const [label] = placePointLabels([{ text: '12', x: 100, y: 100, radius: 3 }], 10, { width: 300, height: 300 });
    expect(label!.x).toBeGreaterThan(100);
    expect(label!.y).toBe(100);
    expect(label!.leader).toBeUndefined();
  });

  it('moves a label off a line that runs beside its point', () => {
    const line = [{ x: 110, y: 0 }, { x: 110, y: 300 }];
    const placed = placePointLabels([{ text: '12', x: 100, y: 100, radius: 3 }], 10, { width: 300, height: 300 }, { lines: [line] });
    expect(labelLineCrossings(placed, [line])).toBe(0);
    expect(placed[0]!.x).toBeLessThan(100);
  });

  it('never lets labels collide in dense random clouds, and keeps them off a diagonal line when there is room', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = random(seed);
      const requests: LabelRequest[] = Array.from({ length: 40 }, (_unused, index) => ({ text: String(index + 1), x: 20 + next() * 260, y: 20 + next() * 260, radius: 3.4 }));
      const line = [{ x: 0, y: 0 }, { x: 300, y: 300 }];
      const placed = placePointLabels(requests, FONT_SIZE.note, { width: 300, height: 300 }, { lines: [line] });
      expect(labelsOverlap(placed), `seed ${seed}`).toBe(false);
      expect(labelLineCrossings(placed, [line]), `seed ${seed}`).toBe(0);
      expect(placed.flatMap((label) => label.members).sort((a, b) => a - b)).toEqual(requests.map((_request, index) => index));
    }
  });

  it('keeps off a line far longer than the plot, and places labels of points or lines with non-finite coordinates (no hang)', () => {
    // the grid of nearby items (one cell range per box) falls back to testing such items always
    const long = [[{ x: -1e9, y: 50 }, { x: 1e9, y: 50 }]];
    const placed = placePointLabels([{ text: '12', x: 50, y: 50, radius: 3 }], 8, { width: 100, height: 100 }, { lines: long });
    expect(labelLineCrossings(placed, long)).toBe(0);
    const odd = placePointLabels([{ text: '1', x: -Infinity, y: 50, radius: 3 }, { text: '2', x: 40, y: 50, radius: 3 }], 8, { width: 100, height: 100 }, { lines: [[{ x: 0, y: 50 }, { x: Number.NaN, y: 50 }]] });
    expect(odd).toHaveLength(2);
    expect(Number.isFinite(odd[1]!.x) && Number.isFinite(odd[1]!.y)).toBe(true);
  });

  it('draws a leader line from a crowded point to a label placed farther out', () => {
    const requests: LabelRequest[] = Array.from({ length: 9 }, (_unused, index) => ({ text: `Study ${index + 1}`, x: 100 + (index % 3) * 6, y: 100 + Math.floor(index / 3) * 6, radius: 3 }));
    const placed = placePointLabels(requests, 10, { width: 300, height: 300 });
    expect(labelsOverlap(placed)).toBe(false);
    const far = placed.filter((label) => label.leader);
    expect(far.length).toBeGreaterThan(0);
    for (const label of far) {
      const { x2, y2 } = label.leader!;
      expect(x2).toBeGreaterThanOrEqual(label.x - label.halfWidth - 1e-9);
      expect(x2).toBeLessThanOrEqual(label.x + label.halfWidth + 1e-9);
      expect(y2).toBeGreaterThanOrEqual(label.y - label.halfHeight - 1e-9);
      expect(y2).toBeLessThanOrEqual(label.y + label.halfHeight + 1e-9);
    }
  });
});

type Layer = { mark: { type: string }; encoding?: Record<string, { scale?: { domain?: [number, number]; type?: string; reverse?: boolean } | null }>; data: { values?: Record<string, number | string>[] } };

/** The placed labels of a figure spec, as boxes measured the way the figure measures them. */
function labelsOf(layers: Layer[]): PlacedLabel[] {
  const texts = layers.filter((layer) => layer.mark.type === 'text' && layer.data.values?.every((value) => typeof value.x === 'number' && typeof value.text === 'string'));
  const values = texts.at(-1)?.data.values ?? [];
  return values.map((value) => ({
    text: String(value.text), members: [], x: Number(value.x), y: Number(value.y),
    halfWidth: measureText(String(value.text), FONT_SIZE.note) / 2, halfHeight: FONT_SIZE.note / 2,
  }));
}

describe('labels of the real figures', () => {
  it("Deeks' funnel plot: numbers never collide and none crosses the regression line", () => {
    const input = deeksInput();
    const spec = deeksSpec(input) as unknown as { vconcat: [unknown, { width: number; height: number; layer: Layer[] }] };
    const plot = spec.vconcat[1];
    const x = plot.layer[0]!.encoding!.x!.scale!;
    const y = plot.layer[0]!.encoding!.y!.scale!;
    const line = input.regression.line.map((end) => ({ x: axisPixel(end.dor, { type: 'log', domain: x.domain! }, plot.width), y: axisPixel(end.invSqrtEss, { type: 'linear', domain: y.domain! }, plot.height) }));
    const labels = labelsOf(plot.layer);
    expect(labels.length).toBeGreaterThan(20);
    expect(labelsOverlap(labels)).toBe(false);
    expect(labelLineCrossings(labels, [line])).toBe(0);
  });

  it('bivariate box plot: labels never collide and none crosses the hinge or the fence', () => {
    const input = bivariateBoxplotInput();
    const spec = bivariateBoxplotSpec(input) as unknown as { vconcat: [{ width: number; height: number; layer: Layer[] }] };
    const plot = spec.vconcat[0];
    const x = plot.layer[0]!.encoding!.x!.scale!;
    const y = plot.layer[0]!.encoding!.y!.scale!;
    const pixel = (point: { logitSens: number; logitSpec: number }) => ({ x: axisPixel(point.logitSpec, { type: 'linear', domain: x.domain! }, plot.width), y: axisPixel(point.logitSens, { type: 'linear', domain: y.domain!, reverse: true }, plot.height) });
    const closed = (curve: { logitSens: number; logitSpec: number }[]) => [...curve, curve[0]!].map(pixel);
    const labels = labelsOf(plot.layer);
    expect(labels.map((label) => label.text)).toContain('4 Dzierżak 2022 ResNet50');
    expect(labelsOverlap(labels)).toBe(false);
    expect(labelLineCrossings(labels, [closed(input.hinge), closed(input.fence)])).toBe(0);
  });
});
