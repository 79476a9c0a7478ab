/**
 * Scale: a seeded analysis of 2,000 studies (bench/simulate.ts counts, "Author <i> (<year>)"
 * labels, a two-level covariate for a subgroup analysis) written to a temporary folder, and
 * `metadx report` on it as a separate process under /usr/bin/time -v (wall time and peak resident
 * memory; without GNU time, the child reports its own maxRSS). Used by `npm run bench` and by
 * tests/robustness/scale.test.ts.
 *
 * Alone: node bin/run-ts.js bench/scale.ts [--k 2000] [--no-pdf] [--no-year] [--dpi 300]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulateStudies } from './simulate.ts';
import { readPdf } from '../src/pdf/read.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface ScaleAnalysis {
  /** the folder holding the analysis folder (the working folder of the run) */
  cwd: string;
  /** name of the analysis folder under cwd */
  name: string;
  k: number;
}

/** Write a seeded analysis of k studies (data.csv + analysis.yaml) into a new temporary folder (or `into`). */
export function writeScaleAnalysis(k = 2000, options: { seed?: number; dpi?: number; year?: boolean; into?: string } = {}): ScaleAnalysis {
  const cwd = options.into ?? mkdtempSync(join(tmpdir(), 'metadx-scale-'));
  const name = `scale-${k}`;
  const folder = join(cwd, name);
  mkdirSync(folder, { recursive: true });
  const studies = simulateStudies(k, options.seed ?? 20260101);
  // a year column switches on the cumulative meta-analysis by year (one refit per study)
  const year = options.year ?? true;
  const rows = studies.map((s, i) => `Author ${i + 1} (${1990 + (i % 35)}),${s.tp},${s.fp},${s.fn},${s.tn},${i % 3 === 0 ? 'external' : 'internal'}${year ? `,${1990 + (i % 35)}` : ''}`);
  writeFileSync(join(folder, 'data.csv'), `study,tp,fp,fn,tn,validation${year ? ',year' : ''}\n${rows.join('\n')}\n`);
  writeFileSync(
    join(folder, 'analysis.yaml'),
    `title: Scale test with ${k} simulated studies
version: 1
date: 2024-01-15
data:
  file: data.csv
  provenance:
    status: simulated
    note: Seeded simulation (bench/simulate.ts) for the scale test.
covariates:
  validation: {label: Validation, levels: {internal: Internal, external: External}}
${year ? '  year: {label: Publication year, type: continuous}\n' : ''}subgroups: [validation]
output:
  dpi: ${options.dpi ?? 300}
`,
  );
  return { cwd, name, k };
}

export interface ScaleRun {
  status: number | null;
  seconds: number;
  /** peak resident set size of the report process, MiB */
  peakMiB: number | null;
  /** user + system CPU seconds of the report process and its children (Chromium), from GNU time */
  cpuSeconds: number | null;
  output: string;
  /** the version folder */
  directory: string;
}

/** `metadx report` on the analysis as a child process, timed; peak RSS from GNU time or the child itself. */
export function runScaleReport(analysis: ScaleAnalysis, options: { pdf?: boolean; timeoutMs?: number } = {}): ScaleRun {
  const args = [join(root, 'bin', 'metadx.js'), 'report', analysis.name, '--out', 'out', ...(options.pdf === false ? ['--no-pdf'] : [])];
  const gnuTime = existsSync('/usr/bin/time');
  const started = performance.now();
  const result = gnuTime
    ? spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], { cwd: analysis.cwd, encoding: 'utf8', timeout: options.timeoutMs ?? 30 * 60_000, maxBuffer: 1 << 26 })
    : spawnSync(process.execPath, ['--import', 'data:text/javascript,process.on("exit",()=>process.stderr.write(`maxRSS=${process.resourceUsage().maxRSS}\\n`))', ...args], { cwd: analysis.cwd, encoding: 'utf8', timeout: options.timeoutMs ?? 30 * 60_000, maxBuffer: 1 << 26 });
  const seconds = (performance.now() - started) / 1000;
  const kib = gnuTime ? /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)?.[1] : /maxRSS=(\d+)/.exec(result.stderr)?.[1];
  return {
    status: result.status,
    seconds,
    peakMiB: kib ? Number(kib) / 1024 : null,
    cpuSeconds: gnuTime ? Number(/User time \(seconds\): ([\d.]+)/.exec(result.stderr)?.[1] ?? NaN) + Number(/System time \(seconds\): ([\d.]+)/.exec(result.stderr)?.[1] ?? NaN) : null,
    output: `${result.stdout}${result.stderr}`,
    directory: join(analysis.cwd, 'out', analysis.name, '1'),
  };
}

/** Print the scale row for `npm run bench`; return the goals not met. */
export async function benchScale(options: { k?: number; pdf?: boolean; dpi?: number; year?: boolean } = {}): Promise<string[]> {
  const k = options.k ?? 2000;
  const analysis = writeScaleAnalysis(k, { ...(options.dpi ? { dpi: options.dpi } : {}), year: options.year ?? true });
  const failures: string[] = [];
  try {
    const run = runScaleReport(analysis, { pdf: options.pdf ?? true });
    const figures = existsSync(join(run.directory, 'figures')) ? readdirSync(join(run.directory, 'figures')) : [];
    const forestParts = figures.filter((f) => /^forest-sensitivity-\d+\.svg$/.test(f)).length;
    const pages = run.status === 0 && existsSync(join(run.directory, 'supplement.pdf')) ? (await readPdf(readFileSync(join(run.directory, 'supplement.pdf')))).pages : NaN;
    const html = existsSync(join(run.directory, 'supplement.html')) ? readFileSync(join(run.directory, 'supplement.html')).length : 0;
    console.log(
      `scale: report of k = ${k} studies${options.pdf === false ? ' (no PDF)' : ''}${options.year === false ? ' (no year column: no cumulative meta-analysis)' : ''}: ${run.seconds.toFixed(1)} s wall, peak RSS ${run.peakMiB === null ? 'n/a' : `${run.peakMiB.toFixed(0)} MiB`} (report process; Chromium not counted), ` +
        `${forestParts} parts of the sensitivity forest plot, ${Number.isNaN(pages) ? 'no PDF' : `${pages} PDF pages`}, supplement.html ${(html / 1e6).toFixed(1)} MB`,
    );
    if (run.status !== 0) failures.push(`scale: report of k = ${k} failed (exit ${run.status}): ${run.output.trim().split('\n').slice(-3).join(' | ')}`);
    if (run.seconds > 600) failures.push(`scale: report of k = ${k} took ${run.seconds.toFixed(0)} s (goal < 600 s)`);
    if (run.peakMiB !== null && run.peakMiB > 2048) failures.push(`scale: peak RSS ${run.peakMiB.toFixed(0)} MiB (goal < 2 GiB)`);
  } finally {
    rmSync(analysis.cwd, { recursive: true, force: true });
  }
  return failures;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argument = (flag: string): string | undefined => {
    const index = process.argv.indexOf(flag);
    return index >= 0 ? process.argv[index + 1] : undefined;
  };
  const failures = await benchScale({ k: Number(argument('--k') ?? 2000), pdf: !process.argv.includes('--no-pdf'), year: !process.argv.includes('--no-year'), ...(argument('--dpi') ? { dpi: Number(argument('--dpi')) } : {}) });
  if (failures.length > 0) {
    console.log(`goals NOT met:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}
