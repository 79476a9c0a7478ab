/**
 * Stage 4 entry: results → the report's figures (Vega-Lite spec, SVG, PNG) with their titles and
 * captions. Maps results onto each figure's input; figures never recompute statistics.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { AnalysisResults } from '../results/types.ts';
import type { AnalysisSpec } from '../spec/schema.ts';
import { forestSpec, type ForestInput } from './forest.ts';
import { renderFigure } from './render.ts';

export interface BuiltFigure {
  /** file stem and HTML id, e.g. "forest" */
  id: string;
  title: string;
  caption: string;
  vegaLite: TopLevelSpec;
  svg: string;
  png: Uint8Array;
  warnings: string[];
}

export function forestInput(results: AnalysisResults): ForestInput {
  return {
    rows: results.studies.map((study) => ({
      label: study.label,
      sens: study.sens,
      spec: study.spec,
      nDiseased: study.nDiseased,
      nNonDiseased: study.nNonDiseased,
      counts: study.counts,
    })),
  };
}

export async function buildFigures(results: AnalysisResults, spec: AnalysisSpec): Promise<BuiltFigure[]> {
  const wanted = new Set(spec.figures ?? ['forest', 'sroc']);
  const level = Math.round(results.level * 100);
  const figures: BuiltFigure[] = [];
  if (wanted.has('forest')) {
    const vegaLite = forestSpec(forestInput(results));
    const rendered = await renderFigure(vegaLite, { dpi: spec.output.dpi });
    figures.push({
      id: 'forest',
      title: 'Paired forest plot of sensitivity and specificity',
      caption: `Each row is one 2x2 table (k = ${results.k}). Squares mark the study's sensitivity (left) and specificity (right), with area proportional to the number of diseased and non-diseased participants; horizontal lines are exact (Clopper–Pearson) ${level}% confidence intervals, also given as numbers beside each panel.`,
      vegaLite,
      svg: rendered.svg,
      png: rendered.png,
      warnings: rendered.warnings,
    });
  }
  return figures;
}
