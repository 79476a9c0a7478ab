/**
 * A small "user" analysis for `npm run bench`: 14 seeded simulated studies with small diseased
 * arms and a nearly homogeneous, high sensitivity, so that the 7-point GLMM puts the between-study
 * correlation at its bound (ρ = ±1). The delta-method AUC interval is then not available and
 * metadx falls back to the parametric bootstrap (1000 refits) automatically — the situation in
 * which a reviewer's 14-study analysis took 30 s of CPU. A publication year (cumulative
 * meta-analysis) and a two-level covariate (subgroups, meta-regression) make it a full report.
 *
 * Alone: node bin/run-ts.js bench/user-analysis.ts DIR   (writes DIR/user-14/)
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../src/stats/random.ts';

export interface UserAnalysis {
  /** folder holding the analysis folder (the working folder of the run) */
  cwd: string;
  /** name of the analysis folder under cwd */
  name: string;
}

/** The 14 studies: seed 1 of the generator below (fixed so that the bench always runs the same job). */
export function userStudies(seed = 1): { tp: number; fp: number; fn: number; tn: number }[] {
  const rng = createRng(seed);
  return Array.from({ length: 14 }, () => {
    const n1 = 8 + Math.floor(rng.uniform() * 30);
    const n0 = 20 + Math.floor(rng.uniform() * 100);
    const tp = rng.binomial(n1, 0.93);
    const tn = rng.binomial(n0, 1 / (1 + Math.exp(-(1.8 + 0.9 * rng.normal()))));
    return { tp, fn: n1 - tp, tn, fp: n0 - tn };
  });
}

/** Write the analysis (data.csv + analysis.yaml) into a new temporary folder (or `into`). */
export function writeUserAnalysis(into?: string): UserAnalysis {
  const cwd = into ?? mkdtempSync(join(tmpdir(), 'metadx-user-'));
  const name = 'user-14';
  const folder = join(cwd, name);
  mkdirSync(folder, { recursive: true });
  const rows = userStudies().map((s, i) => `Study ${String.fromCharCode(65 + i)} (${2008 + i}),${s.tp},${s.fp},${s.fn},${s.tn},${i % 2 === 0 ? 'primary' : 'secondary'},${2008 + i}`);
  writeFileSync(join(folder, 'data.csv'), `study,tp,fp,fn,tn,setting,year\n${rows.join('\n')}\n`);
  writeFileSync(
    join(folder, 'analysis.yaml'),
    `title: Bench user analysis with 14 simulated studies
version: 1
date: 2024-01-15
data:
  file: data.csv
  provenance:
    status: simulated
    note: Seeded simulation (bench/user-analysis.ts) for npm run bench.
covariates:
  setting: {label: Setting, levels: {primary: Primary care, secondary: Secondary care}}
  year: {label: Publication year, type: continuous}
subgroups: [setting]
`,
  );
  return { cwd, name };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const analysis = writeUserAnalysis(process.argv[2]);
  console.log(join(analysis.cwd, analysis.name));
}
