/** The one formatting module: the journal conventions every table, caption and figure relies on. */
import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatInterval,
  formatCountOf,
  formatLevel,
  formatNumber,
  formatPercent,
  formatPStatement,
  formatPValue,
  formatRatio,
} from '../../src/format/numbers.ts';

describe('numbers', () => {
  it('formats proportions with 2 decimals and CIs with an en dash', () => {
    expect(formatInterval({ est: 0.8612, lo: 0.8155, hi: 0.8949 })).toBe('0.86 (0.82–0.89)');
    expect(formatInterval({ est: 0.9, lo: 0.7851, hi: 0.9615 })).toBe('0.90 (0.79–0.96)');
  });

  it('gives ratios the decimals of their estimate for all three numbers', () => {
    expect(formatInterval({ est: 7.912, lo: 5.71, hi: 10.94 }, 'ratio')).toBe('7.91 (5.71–10.94)');
    expect(formatInterval({ est: 49.09, lo: 28.74, hi: 83.84 }, 'ratio')).toBe('49.1 (28.7–83.8)');
    expect(formatInterval({ est: 136.2, lo: 54.4, hi: 342.1 }, 'ratio')).toBe('136 (54–342)');
    expect(formatRatio(0.16)).toBe('0.16');
  });

  it('uses a true minus sign, never "-0.00", and "to" for negative ranges', () => {
    expect(formatNumber(-0.1234, 'logit')).toBe('−0.123');
    expect(formatNumber(-0.0001, 'proportion')).toBe('0.00');
    expect(formatInterval({ est: -0.5, lo: -1.2, hi: 0.3 }, 'logit')).toBe('−0.500 (−1.200 to 0.300)');
  });

  it('writes a count with its noun in the right number, never "table(s)"', () => {
    expect(formatCountOf(1, 'table')).toBe('1 table');
    expect(formatCountOf(6, 'table')).toBe('6 tables');
    expect(formatCountOf(0, 'study', 'studies')).toBe('0 studies');
    expect(formatCountOf(1200, 'study', 'studies')).toBe('1,200 studies');
  });

  it('formats p-values as journals do', () => {
    expect(formatPValue(0.0004)).toBe('<0.001');
    expect(formatPValue(0.0493)).toBe('0.049');
    expect(formatPValue(0.3012)).toBe('0.30');
    expect(formatPStatement(0.0004)).toBe('p < 0.001');
    expect(formatPStatement(0.3)).toBe('p = 0.30');
  });

  it('prints NA instead of NaN, undefined or Infinity', () => {
    expect(formatNumber(Number.NaN, 'proportion')).toBe('NA');
    expect(formatNumber(undefined, 'proportion')).toBe('NA');
    expect(formatRatio(Number.POSITIVE_INFINITY)).toBe('NA');
    expect(formatPValue(null)).toBe('NA');
  });

  it('formats percentages, levels, counts and huge statistics', () => {
    expect(formatPercent(0.979, true)).toBe('97.9%');
    expect(formatPercent(99.13)).toBe('99.1%');
    expect(formatLevel(0.95)).toBe('95%');
    expect(formatLevel(0.975)).toBe('97.5%');
    expect(formatCount(69006)).toBe('69,006');
    expect(formatNumber(7.168e34, 'statistic')).toBe('7.17 × 10³⁴');
  });
});
