import { describe, expect, it } from 'vitest';
import { linearTicks, logitProbabilityTicks, powerOfTenTicks, proportionAxis, thinTickLabels, tickTextExpression } from '../../src/figures/axis-ticks.ts';
import { placePointLabels } from '../../src/figures/point-labels.ts';
import { formatPValueClause, formatProbabilityPercent } from '../../src/format/numbers.ts';

describe('axis ticks', () => {
  it('linear ticks widen the range to whole steps and share their decimals', () => {
    expect(linearTicks(0.64, 0.99, { target: 4, clamp: [0, 1] })).toEqual({
      domain: [0.6, 1],
      ticks: [{ value: 0.6, text: '0.6' }, { value: 0.7, text: '0.7' }, { value: 0.8, text: '0.8' }, { value: 0.9, text: '0.9' }, { value: 1, text: '1.0' }],
    });
    expect(linearTicks(0, 0.174).ticks.map((tick) => tick.text)).toEqual(['0.00', '0.05', '0.10', '0.15', '0.20']);
  });

  it('power-of-ten ticks cover the data, add 2 and 5 over two decades or less, group thousands', () => {
    expect(powerOfTenTicks(5.2, 8127).ticks.map((tick) => tick.text)).toEqual(['1', '10', '100', '1,000', '10,000']);
    expect(powerOfTenTicks(0.0426, 0.58).ticks.map((tick) => tick.text)).toEqual(['0.01', '0.02', '0.05', '0.1', '0.2', '0.5', '1']);
    expect(powerOfTenTicks(0.00001, 0.5).domain).toEqual([0.00001, 1]);
  });

  it('logit ticks are probabilities at their logits; snapping ends the axis on ticks', () => {
    const axis = logitProbabilityTicks(Math.log(0.6 / 0.4), Math.log(0.97 / 0.03), { snap: true });
    expect(axis.ticks.map((tick) => tick.text)).toEqual(['0.5', '0.7', '0.8', '0.9', '0.95', '0.99']);
    expect(axis.domain[0]).toBe(0);
    expect(axis.domain[1]).toBeCloseTo(Math.log(0.99 / 0.01), 12);
  });

  it('full proportion axes are labelled 0.0, 0.5, 1.0', () => {
    expect(proportionAxis([], 'full').ticks.map((tick) => tick.text)).toEqual(['0.0', '', '0.5', '', '1.0']);
  });

  it('thins tick labels that would touch, keeping every tick', () => {
    const ticks = linearTicks(0.6, 1).ticks;
    const thinned = thinTickLabels(ticks, (value) => (value - 0.6) * 120, 10.67);
    expect(thinned.map((tick) => tick.value)).toEqual(ticks.map((tick) => tick.value));
    expect(thinned.map((tick) => tick.text)).toEqual(['0.6', '', '0.8', '', '1.0']);
  });

  it('writes a label expression for exactly the given values', () => {
    expect(tickTextExpression([{ value: 1, text: '1' }, { value: 1000, text: '1,000' }])).toBe('datum.value === 1 ? "1" : datum.value === 1000 ? "1,000" : \'\'');
  });
});

describe('point labels', () => {
  it('puts a free label to the right of its point, merges coincident points, avoids other labels', () => {
    const placed = placePointLabels(
      [
        { text: '1', x: 50, y: 50, radius: 3 },
        { text: '2', x: 50, y: 50, radius: 3 },
        { text: '3', x: 60, y: 50, radius: 3 },
      ],
      10,
      { width: 200, height: 200 },
    );
    expect(placed.map((label) => label.text)).toEqual(['1, 2', '3']);
    expect(placed[0]?.members).toEqual([0, 1]);
    expect(placed[0]?.x).toBeLessThan(50);
    expect(placed[1]?.x).toBeGreaterThan(60);
  });
});

describe('number formats added for figures', () => {
  it('p-value clauses and whole-percent probabilities', () => {
    expect(formatPValueClause(0.3012)).toBe('p = 0.30');
    expect(formatPValueClause(0.00004, 'LRT p')).toBe('LRT p < 0.001');
    expect(formatPValueClause(0.999)).toBe('p > 0.99');
    expect(formatProbabilityPercent(0.6761)).toBe('68%');
    expect(formatProbabilityPercent(0.004)).toBe('0.4%');
    expect(formatProbabilityPercent(0.9962)).toBe('99.6%');
    expect(formatProbabilityPercent(0.000004)).toBe('<0.1%');
    expect(formatProbabilityPercent(0.99999)).toBe('>99.9%');
    expect(formatProbabilityPercent(Number.NaN)).toBe('NA');
  });
});
