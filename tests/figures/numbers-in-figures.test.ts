/**
 * One number per quantity, for both shipped analyses: every pooled value a figure draws is the one
 * in results.pooled.summary (the summary table's), as data in the Vega-Lite spec and as the
 * formatted string in the figure and in the HTML; the I² a forest plot prints is the one of the
 * heterogeneity table, named in the caption; point numbers are the "#" of the study table; CIs are
 * written one way; captions say "tables", not "table(s)".
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/document/render.ts';
import { buildDocumentView } from '../../src/document/view.ts';
import { planFigures, type FigurePlan } from '../../src/figures/build.ts';
import { renderFigure } from '../../src/figures/render.ts';
import { formatInterval, formatNumber, formatPercent, type IntervalLike } from '../../src/format/numbers.ts';
import { analyze } from '../../src/results/analyze.ts';
import type { AnalysisResults } from '../../src/results/types.ts';
import { loadAnalysis, type LoadedAnalysis } from '../../src/run.ts';
import { figureNames, type AnalysisSpec } from '../../src/spec/schema.ts';
import { svgTexts } from './golden.ts';

const root = join(import.meta.dirname, '..', '..');

type Row = Record<string, unknown>;
type Spec = { datasets?: Record<string, Row[]>; vconcat?: unknown[] };

const same = (row: Row | undefined, interval: IntervalLike, fields = { est: 'est', lo: 'lo', hi: 'hi' }) => {
  expect(row?.[fields.est]).toBe(interval.est);
  expect(row?.[fields.lo]).toBe(interval.lo);
  expect(row?.[fields.hi]).toBe(interval.hi);
};

/**
 * Parenthetical remarks opened inside another one, e.g. "(F-based (metandi))"; a parenthesis right
 * after a letter, digit or √ is mathematics ("√(2·F(2, k−2))") and does not count.
 */
function nestedParentheses(text: string): string[] {
  const found: string[] = [];
  const open: { at: number; remark: boolean }[] = [];
  [...text].forEach((character, index) => {
    if (character === '(') {
      const remark = index === 0 || /[\s"“]/.test(text[index - 1]!);
      if (remark && open.some((o) => o.remark)) found.push(text.slice(Math.max(0, index - 40), index + 40));
      open.push({ at: index, remark });
    } else if (character === ')') open.pop();
  });
  return found;
}

/** Every object in a spec (layers, views, data rows), depth first. */
function walk(value: unknown, visit: (object: Row) => void): void {
  if (Array.isArray(value)) value.forEach((item) => walk(item, visit));
  else if (value && typeof value === 'object') {
    visit(value as Row);
    Object.values(value).forEach((item) => walk(item, visit));
  }
}

/** The inline `data.values` of every layer whose mark is `type`. */
function markValues(spec: unknown, type: string): Row[][] {
  const found: Row[][] = [];
  walk(spec, (object) => {
    const mark = object.mark as { type?: string } | undefined;
    const data = object.data as { values?: Row[] } | undefined;
    if (mark?.type === type && data?.values) found.push(data.values);
  });
  return found;
}

describe.each([
  ['osteoporosis-dl', 'flagship'],
  ['scheidler-lymphangiography', 'Scheidler'],
])('numbers in the figures of %s (%s)', (folder) => {
  let analysis: LoadedAnalysis;
  let results: AnalysisResults;
  let plans: Map<string, FigurePlan>;
  let spec: AnalysisSpec;
  beforeAll(async () => {
    analysis = await loadAnalysis(join(root, 'analyses', folder), root);
    results = analyze(analysis.spec, analysis.data, analysis.name, analysis.quadas ? { quadas: analysis.quadas } : {});
    spec = { ...analysis.spec, figures: [...figureNames] };
    plans = new Map(planFigures(results, spec).map((plan) => [plan.id, plan]));
  }, 120_000);

  it('forest plots of sensitivity and of specificity: the diamond is results.pooled.summary, as data and as text', () => {
    for (const [id, key] of [['forest-sensitivity', 'sens'], ['forest-specificity', 'spec']] as const) {
      const plan = plans.get(id)!;
      const pooled = ((plan.vegaLite as Spec).datasets?.panel0 ?? []).filter((row) => row.kind === 'pooled');
      expect(pooled, id).toHaveLength(1);
      same(pooled[0], results.pooled.summary[key]);
      expect(pooled[0]?.text).toBe(formatInterval(results.pooled.summary[key]));
      const diamond = markValues(plan.vegaLite, 'area')[0]!.map((value) => value.x);
      expect(diamond).toEqual([results.pooled.summary[key].lo, results.pooled.summary[key].est, results.pooled.summary[key].hi]);
    }
  });

  it('paired forest plot: the diamond and the pooled text are results.pooled.summary', () => {
    const plan = plans.get('forest')!;
    const pooled = (plan.vegaLite as Spec).datasets?.pooled?.[0];
    expect(pooled?.sensText).toBe(formatInterval(results.pooled.summary.sens));
    expect(pooled?.specText).toBe(formatInterval(results.pooled.summary.spec));
    const diamonds = markValues(plan.vegaLite, 'area').map((values) => values.map((value) => value.x));
    expect(diamonds).toEqual([
      [results.pooled.summary.sens.lo, results.pooled.summary.sens.est, results.pooled.summary.sens.hi],
      [results.pooled.summary.spec.lo, results.pooled.summary.spec.est, results.pooled.summary.spec.hi],
    ]);
  });

  it('DOR, LR+ and LR− forest plots: the main diamond is the bivariate summary; the univariate pool is second and labelled', () => {
    for (const [id, key, univariate] of [['forest-dor', 'dor', 'logDor'], ['forest-lr-positive', 'lrPositive', 'logLrPos'], ['forest-lr-negative', 'lrNegative', 'logLrNeg']] as const) {
      const plan = plans.get(id)!;
      const pooled = ((plan.vegaLite as Spec).datasets?.panel0 ?? []).filter((row) => row.kind === 'pooled');
      const labels = ((plan.vegaLite as Spec).datasets?.labels ?? []).filter((row) => row.weight === 'bold').map((row) => (row.lines as string[]).join(' '));
      same(pooled[0], results.pooled.summary[key]);
      expect(pooled[0]?.text, id).toBe(formatInterval(results.pooled.summary[key], 'ratio'));
      expect(labels[0]).toBe('Pooled (bivariate GLMM)');
      same(pooled[1], results.pooled.univariate[univariate]!.backTransformed);
      expect(labels[1]).toBe('Univariate random effects (REML)');
      expect(plan.caption).toContain('the value of the summary table');
      expect(plan.caption).toContain('[@higgins2002]') // cited, numbered in the reference list;
      const dashed = markValues(plan.vegaLite, 'rule').find((values) => values.length === 1 && values[0]!.x === results.pooled.summary[key].est);
      expect(dashed, `${id}: dashed line at the bivariate summary`).toBeDefined();
    }
  });

  it('SROC summary point, LR scattergram and Fagan nomogram use the summary estimates', () => {
    const sroc = (plans.get('sroc')!.vegaLite as Spec).datasets?.summary?.[0];
    expect(sroc?.y).toBe(results.pooled.summary.sens.est);
    const lr = JSON.stringify(plans.get('lr-scattergram')!.vegaLite);
    expect(lr).toContain(formatInterval(results.pooled.summary.lrPositive, 'ratio').replaceAll(' ', '\u00A0'));
    expect(lr).toContain(formatInterval(results.pooled.summary.lrNegative, 'ratio').replaceAll(' ', '\u00A0'));
    expect(results.fagan?.lrPositive).toEqual({ est: results.pooled.summary.lrPositive.est, lo: results.pooled.summary.lrPositive.lo, hi: results.pooled.summary.lrPositive.hi });
  });

  it('the I² of the sensitivity and specificity forest plots is the Zhou–Dendukuri I² of the heterogeneity table, named in the caption', () => {
    const zd = results.pooled.heterogeneity.zhouDendukuri!;
    for (const [id, value, tau2] of [['forest-sensitivity', zd.I2Sens, results.pooled.tau2.sens], ['forest-specificity', zd.I2Spec, results.pooled.tau2.spec]] as const) {
      const plan = plans.get(id)!;
      expect(JSON.stringify(plan.vegaLite)).toContain(`I² = ${formatPercent(value, true)} (Zhou–Dendukuri)`);
      expect(JSON.stringify(plan.vegaLite)).toContain(`τ² = ${formatNumber(tau2, 'variance')}`);
      expect(plan.caption).toContain('Zhou–Dendukuri I² of the bivariate model');
    }
    const paired = JSON.stringify(plans.get('forest')!.vegaLite);
    expect(paired).toContain(`I² = ${formatPercent(zd.I2Sens, true)} (Zhou–Dendukuri)`);
    expect(paired).not.toMatch(/Q = /);
  });

  it('point numbers are the study table numbers; no CI written as "[a, b]" or "[a–b]"; no "table(s)"', () => {
    const deeks = plans.get('deeks');
    if (deeks) {
      const labels = markValues(deeks.vegaLite, 'text').find((values) => values.length > 1 && values.every((value) => /^\d+(, \d+)*$/.test(String(value.text))))!.map((value) => String(value.text));
      const numbers = labels.flatMap((text) => text.split(', ')).map(Number).sort((a, b) => a - b);
      expect(numbers).toEqual(results.deeks!.points.map((point) => results.studies[point.study]!.number).sort((a, b) => a - b));
    }
    const box = plans.get('bivariate-boxplot');
    if (box) {
      const labels = markValues(box.vegaLite, 'text').flat().map((value) => String(value.text));
      for (const study of results.influence.boxplot!.studies.filter((s) => s.outsideFence)) {
        const table = results.studies[study.study]!;
        expect(labels).toContain(`${table.number} ${table.label}`);
      }
    }
    for (const plan of plans.values()) {
      const text = JSON.stringify(plan.vegaLite);
      expect(text, plan.id).not.toMatch(/\d \[\u2212?\d[\d.,]*(, |–)\u2212?\d/);
      expect(plan.caption, plan.id).not.toContain('(s)');
      expect(nestedParentheses(plan.caption), `${plan.id}: ${plan.caption}`).toEqual([]);
    }
  });

  it('the HTML shows the same formatted values in the summary table and in the figures, and a # column the figures refer to', async () => {
    const figures = await Promise.all(
      ['forest-sensitivity', 'forest-dor', 'bivariate-boxplot'].filter((id) => plans.has(id)).map(async (id) => {
        const plan = plans.get(id)!;
        return { id, title: plan.title, caption: plan.caption, svg: (await renderFigure(plan.vegaLite)).svg };
      }),
    );
    // (numeric cells wrap "estimate (interval)" in two no-break spans; the text is what is compared)
    const html = renderHtml(buildDocumentView({ spec: analysis.spec, results, figures, date: '2024-01-01', software: { metadx: '0', engine: '0', node: '20', vega: '6', vegaLite: '6' }, ...(analysis.characteristics ? { characteristics: analysis.characteristics } : {}) })).replace(/<span class="nb">([^<]*)<\/span>/g, '$1');
    const summary = /<table id="table-summary">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    const dor = formatInterval(results.pooled.summary.dor, 'ratio');
    const sens = formatInterval(results.pooled.summary.sens);
    expect(summary).toContain(dor);
    expect(summary).toContain(sens);
    const dorFigure = figures.find((figure) => figure.id === 'forest-dor')!;
    expect(svgTexts(dorFigure.svg)).toContain(dor);
    expect(svgTexts(figures.find((figure) => figure.id === 'forest-sensitivity')!.svg)).toContain(sens);
    const heterogeneity = /<table id="table-heterogeneity">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    expect(heterogeneity).toContain(formatPercent(results.pooled.heterogeneity.zhouDendukuri!.I2Sens, true));
    expect(heterogeneity).not.toContain('midas');
    // the study table's "#" column: row i is study number i with its label
    const studies = /<table id="table-studies">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    expect(studies).toContain('<th class="num">#</th>');
    const rows = [...studies.matchAll(/<tr[^>]*>\s*<td class="num">(\d+)<\/td><td class="">([^<]*)<\/td>/g)].map((match) => [Number(match[1]), match[2]!.replaceAll('&amp;', '&')]);
    expect(rows).toEqual(results.studies.map((study) => [study.number, study.label]));
    // a reproduction maps the new forest plots to the article's Figures 2 and 3
    if (analysis.spec.published?.correspondence?.['forest-sensitivity']) {
      const correspondence = /<table id="table-correspondence">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
      expect(correspondence).toMatch(/Forest plot of sensitivity<\/td><td class="">Figure 2<\/td>/);
    }
    // the subgroup table never shows midas's Wilson "CI" for the AUC
    if (html.includes('<table id="table-subgroups">')) {
      const subgroups = /<table id="table-subgroups">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
      const auc = results.pooled.auc!;
      expect(subgroups).toContain(formatInterval({ est: auc.est!, lo: auc.lo!, hi: auc.hi! }));
      if (results.pooled.aucMidas) expect(subgroups).not.toContain(formatInterval(results.pooled.aucMidas));
    }
  });
});
