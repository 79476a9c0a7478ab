/**
 * `npm run bench`: timing of the bivariate binomial GLMM (src/stats/glmm-bivariate.ts) against
 * lme4::glmer on the same simulated data.
 *
 * 1. simulate k = 26, 200, 1000, 5000 studies (seeded, bench/simulate.ts);
 * 2. time metadx fits, Laplace (Q = 1) and 7-point AGHQ (the midas setting): warm-up fits, then the
 *    median of repeated fits (wall clock, performance.now); the very first fit of the process (cold
 *    JIT) is reported separately;
 * 3. if `Rscript` with lme4 is available: write the data as CSV to a temp dir and run bench/glmer.R,
 *    which times only the glmer(..., nAGQ = 1) call inside R (proc.time) — R start-up and data
 *    reshaping are not counted;
 * 4. print a table with the ratios glmer/metadx and check the goals (every metadx fit ≥ 5× faster
 *    than glmer; k = 26 seven-point fit < 50 ms).
 * 5. report timings (bench/report.ts): cold, warm and no-change runs of the flagship report, and a
 *    no-change run of all shipped analyses (goal < 1 s).
 * 6. scale (bench/scale.ts): `metadx report` of 2,000 simulated studies with the PDF, as a child
 *    process: wall time and peak resident memory (/usr/bin/time -v).
 * Options: --report-only (only 5.), --no-report (skip 5.), --no-scale (skip 6.),
 * --repeats <n> (metadx repeats, default 7: 3n for k ≤ 200, ⌈n/2⌉ ≥ 3 for k = 5000; glmer
 * uses max(3, ⌈n/2⌉)), --no-glmer,
 * --sizes 26,200 (subset of k).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fitBivariateGlmm, type BivariateGlmmFit } from '../src/stats/glmm-bivariate.ts';
import { simulateStudies } from './simulate.ts';
import { benchReport } from './report.ts';
import { benchScale } from './scale.ts';

const argument = (flag: string): string | undefined => {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const repeats = Number(argument('--repeats') ?? 7);
const sizes = (argument('--sizes') ?? '26,200,1000,5000').split(',').map(Number);
const seed = (k: number): number => 20261127 + k;

// `--report-only`: only the report timings (bench/report.ts); `--no-report`: only the GLMM.
if (process.argv.includes('--report-only')) {
  const reportFailures = benchReport();
  console.log(reportFailures.length ? `goals NOT met:\n  ${reportFailures.join('\n  ')}` : 'goals met: no-change report of all analyses < 1 s');
  await new Promise((resolve) => process.stdout.write('', resolve)); // flush before exiting
  process.exit(0);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : 0.5 * ((sorted[middle - 1] as number) + (sorted[middle] as number));
};

const runsFor = (k: number): number => (k >= 5000 ? Math.max(3, Math.ceil(repeats / 2)) : k <= 200 ? 3 * repeats : repeats);

function timeFits(k: number, quadrature: number): { milliseconds: number; fit: BivariateGlmmFit } {
  const studies = simulateStudies(k, seed(k));
  // warm-up: until the JIT has optimised the hot loops (cheap for small k)
  let fit = fitBivariateGlmm(studies, { quadrature });
  for (let warm = 1; warm < (k <= 200 ? 10 : k <= 1000 ? 3 : 1); warm++) fit = fitBivariateGlmm(studies, { quadrature });
  const times: number[] = [];
  const runs = runsFor(k);
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    fit = fitBivariateGlmm(studies, { quadrature });
    times.push(performance.now() - start);
  }
  return { milliseconds: median(times), fit };
}

interface GlmerTiming { k: number; median_sec: number; logLik: number; mu: number[]; tau2: number[]; rho: number }

function timeGlmer(): Map<number, GlmerTiming> | string {
  if (process.argv.includes('--no-glmer')) return 'skipped (--no-glmer)';
  const probe = spawnSync('Rscript', ['-e', 'cat(requireNamespace("lme4", quietly = TRUE))'], { encoding: 'utf8' });
  if (probe.error || !probe.stdout.includes('TRUE')) return 'Rscript with lme4 not available';
  const directory = mkdtempSync(join(tmpdir(), 'metadx-bench-'));
  try {
    for (const k of sizes) {
      const rows = simulateStudies(k, seed(k)).map((s) => `${s.tp},${s.fp},${s.fn},${s.tn}`);
      writeFileSync(join(directory, `sim_k${k}.csv`), `tp,fp,fn,tn\n${rows.join('\n')}\n`);
    }
    const script = join(dirname(fileURLToPath(import.meta.url)), 'glmer.R');
    const result = spawnSync('Rscript', [script, directory, String(Math.max(3, Math.ceil(repeats / 2)))], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (result.status !== 0) return `glmer.R failed: ${result.stderr.slice(0, 500)}`;
    const timings = new Map<number, GlmerTiming>();
    for (const line of result.stdout.split('\n').filter((l) => l.startsWith('{'))) {
      const parsed = JSON.parse(line) as GlmerTiming;
      timings.set(parsed.k, parsed);
    }
    return timings;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const format = (value: number | undefined, digits = 1): string => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));

// the first fit in a fresh process (cold JIT) is what a single CLI run sees
const coldStart = performance.now();
fitBivariateGlmm(simulateStudies(26, seed(26)), { quadrature: 7 });
const coldMilliseconds = performance.now() - coldStart;
const metadx = sizes.map((k) => ({ k, laplace: timeFits(k, 1), seven: timeFits(k, 7) }));
const glmer = timeGlmer();
const header = ['k', 'metadx Q1 ms', 'metadx Q7 ms', 'glmer nAGQ=1 ms', 'glmer/metadx Q1', 'glmer/metadx Q7', 'ΔlogLik Q1−glmer'];
const rows = metadx.map(({ k, laplace, seven }) => {
  const reference = typeof glmer === 'string' ? undefined : glmer.get(k);
  const glmerMilliseconds = reference ? reference.median_sec * 1000 : undefined;
  return [
    String(k), format(laplace.milliseconds), format(seven.milliseconds), format(glmerMilliseconds),
    format(glmerMilliseconds === undefined ? undefined : glmerMilliseconds / laplace.milliseconds),
    format(glmerMilliseconds === undefined ? undefined : glmerMilliseconds / seven.milliseconds),
    reference ? (laplace.fit.logLik - reference.logLik).toExponential(2) : '–',
  ];
});
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
const line = (cells: string[]): string => `| ${cells.map((cell, c) => cell.padStart(widths[c] as number)).join(' | ')} |`;
console.log(`metadx bivariate GLMM benchmark: median after warm-up of ${sizes.map((k) => `${runsFor(k)} fits (k = ${k})`).join(', ')}; Node ${process.version}`);
console.log(`first (cold: includes JIT compilation) 7-point fit of k = 26 in this process: ${format(coldMilliseconds)} ms`);
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
rows.forEach((r) => console.log(line(r)));
if (typeof glmer === 'string') console.log(`glmer: ${glmer}`);

const failures: string[] = [];
const small = metadx.find((m) => m.k === 26);
if (small && small.seven.milliseconds >= 50) failures.push(`k = 26 seven-point fit took ${format(small.seven.milliseconds)} ms (goal < 50 ms)`);
if (typeof glmer !== 'string') {
  for (const { k, laplace, seven } of metadx) {
    const reference = glmer.get(k);
    if (!reference) continue;
    for (const [label, timing] of [['Q1', laplace], ['Q7', seven]] as const) {
      const ratio = (reference.median_sec * 1000) / timing.milliseconds;
      if (ratio < 5) failures.push(`k = ${k} ${label}: glmer/metadx = ${format(ratio)} (goal ≥ 5)`);
    }
  }
}
metadx.forEach(({ k, laplace, seven }) => {
  if (!laplace.fit.converged || !seven.fit.converged) failures.push(`k = ${k}: a fit did not converge`);
});
const checked = typeof glmer === 'string' ? 'k = 26 seven-point fit < 50 ms (glmer comparison not run)' : 'every fit ≥ 5× faster than glmer, k = 26 seven-point fit < 50 ms';
if (!process.argv.includes('--no-report')) failures.push(...benchReport());
// 6. scale: a report of 2,000 simulated studies (bench/scale.ts): wall time and peak memory
if (!process.argv.includes('--no-scale')) failures.push(...(await benchScale({ k: 2000 })));
console.log(failures.length ? `goals NOT met:\n  ${failures.join('\n  ')}` : `goals met: ${checked}${process.argv.includes('--no-report') ? '' : '; no-change report of all analyses < 1 s'}`);
