/**
 * `npm run bench`: every row of issue 15's table, measured, with its goal.
 *
 *   flagship   cold `metadx report analyses/osteoporosis-dl` (HTML + PDF + all figures), fresh
 *              output folder and results cache, as a separate process
 *   r          the same job by an R script (bench/same-job.R: glmer fit, leave-one-out, three
 *              meta-regressions, five base plots to a PDF), alternated with `flagship`
 *   user       cold report of a 14-study analysis whose AUC interval needs the bootstrap
 *              (bench/user-analysis.ts)
 *   nochange   `metadx report` with nothing changed, against `node -e ''`, alternated, 5 each
 *   dpi        the flagship rebuilt after a change of `output.dpi` only (--replace): whether the
 *              statistics came from the results cache (a new cache entry = recomputed)
 *   k2000      cold report (with PDF) of 2,000 simulated studies (bench/scale.ts)
 *   glmm       the 7-point fit (bench/fit-timing.ts) against lme4::glmer (Laplace; bobyqa,
 *              tolPwrss = 1e-12; bench/glmer.R) on the same simulated data, at several k: fresh
 *              processes alternated metadx/R, the first fit of each process ("cold") and the
 *              following ones ("warm") reported separately; only the fit call is timed, both sides
 *
 * Processes are timed from outside with GNU time: wall clock and user + system CPU (children such
 * as Chromium included). On a shared machine wall clock depends on the load, so the load average
 * before and after each row and the spread of the repeats are printed, and CPU next to wall.
 * R rows are skipped (and said so) without Rscript + lme4.
 *
 * Options: --rows flagship,r,user,nochange,dpi,k2000,glmm (default: all); --repeats N (report
 * rows, default 3); --sizes 26,200,1000,5000 (glmm); --alternations N (glmm, default 3).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulateStudies } from './simulate.ts';
import { runScaleReport, writeScaleAnalysis } from './scale.ts';
import { writeUserAnalysis } from './user-analysis.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argument = (flag: string): string | undefined => {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const ALL_ROWS = ['flagship', 'r', 'user', 'nochange', 'dpi', 'k2000', 'glmm'];
const rowsWanted = new Set((argument('--rows') ?? ALL_ROWS.join(',')).split(','));
const repeats = Number(argument('--repeats') ?? 3);
const sizes = (argument('--sizes') ?? '26,200,1000,5000').split(',').map(Number);
const alternations = Number(argument('--alternations') ?? 3);
const scratch = mkdtempSync(join(tmpdir(), 'metadx-bench-'));
const metadx = join(root, 'bin', 'metadx.js');
const gnuTime = existsSync('/usr/bin/time');

interface Run {
  wall: number;
  /** user + system CPU seconds (children included); null without GNU time */
  cpu: number | null;
  status: number | null;
  output: string;
}

/** Run a process to completion, timed from outside. */
function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const timeFile = join(scratch, 'time.txt');
  const started = performance.now();
  const result = gnuTime
    ? spawnSync('/usr/bin/time', ['-f', '%e %U %S', '-o', timeFile, command, ...args], { cwd: options.cwd ?? root, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync(command, args, { cwd: options.cwd ?? root, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - started) / 1000;
  let cpu: number | null = null;
  if (gnuTime && existsSync(timeFile)) {
    const [, user, system] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
    cpu = (user ?? NaN) + (system ?? NaN);
  }
  return { wall, cpu, status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : 0.5 * (sorted[middle - 1]! + sorted[middle]!);
};
const seconds = (value: number): string => (value >= 10 ? value.toFixed(1) : value.toFixed(2));
/** "median s (min–max, n = …); CPU median s" */
function describe(runs: Run[]): string {
  const walls = runs.map((r) => r.wall);
  const cpus = runs.map((r) => r.cpu).filter((c): c is number => c !== null);
  const spread = runs.length > 1 ? ` (${seconds(Math.min(...walls))}–${seconds(Math.max(...walls))}, n = ${runs.length})` : '';
  return `${seconds(median(walls))} s wall${spread}${cpus.length ? `; CPU ${seconds(median(cpus))} s` : ''}`;
}

interface Row {
  what: string;
  measured: string;
  goal: string;
  met: boolean | null;
  load: string;
}
const table: Row[] = [];
const load = (): string => loadavg()[0]!.toFixed(1);
function measureRow(name: string, body: () => Omit<Row, 'load'>[]): void {
  if (!rowsWanted.has(name)) return;
  const before = load();
  process.stderr.write(`bench: ${name} …\n`);
  let rows: Omit<Row, 'load'>[];
  try {
    rows = body();
  } catch (error) {
    // a failed row is reported as such; the other rows still run
    rows = [{ what: name, measured: `FAILED: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, goal: '', met: false }];
  }
  const after = load();
  for (const row of rows) {
    table.push({ ...row, load: `${before} → ${after}` });
    process.stderr.write(`bench:   ${row.what}: ${row.measured}\n`);
  }
}
const failed = (label: string, r: Run): never => {
  throw new Error(`${label} failed (exit ${r.status}): ${r.output.trim().split('\n').slice(-3).join(' | ')}`);
};

const rAvailable = (() => {
  const probe = spawnSync('Rscript', ['-e', 'cat(requireNamespace("lme4", quietly = TRUE))'], { encoding: 'utf8' });
  return !probe.error && probe.stdout.includes('TRUE');
})();
const flagship = join(root, 'analyses', 'osteoporosis-dl');
let lastFlagshipOut: string | undefined;

try {
  const startLoad = loadavg().map((l) => l.toFixed(1)).join(' ');

  // flagship cold report, alternated with the R script doing "the same job"
  if (rowsWanted.has('flagship') || rowsWanted.has('r')) {
    const before = load();
    process.stderr.write('bench: flagship cold report and the R script …\n');
    const ours: Run[] = [];
    const theirs: Run[] = [];
    for (let i = 0; i < repeats; i++) {
      if (rowsWanted.has('flagship') || rowsWanted.has('r')) {
        const out = mkdtempSync(join(scratch, 'flagship-'));
        const r = run(process.execPath, [metadx, 'report', flagship, '--out', out]);
        if (r.status !== 0 || !/wrote/.test(r.output)) failed('flagship report', r);
        ours.push(r);
        lastFlagshipOut = out;
      }
      if (rowsWanted.has('r') && rAvailable) {
        const r = run('Rscript', [join(root, 'bench', 'same-job.R'), join(flagship, 'data', 'models.csv'), join(scratch, 'same-job.pdf')]);
        if (r.status !== 0) failed('bench/same-job.R', r);
        theirs.push(r);
      }
    }
    const after = load();
    const loadRange = `${before} → ${after}`;
    if (rowsWanted.has('flagship')) table.push({ what: 'flagship cold report, HTML + PDF + all figures', measured: describe(ours), goal: '≤ 3 s', met: median(ours.map((r) => r.wall)) <= 3, load: loadRange });
    if (rowsWanted.has('r')) {
      table.push(
        rAvailable
          ? { what: 'same job by an R script (bench/same-job.R), same run, alternated', measured: `${describe(theirs)}; metadx ${seconds(median(ours.map((r) => r.wall)))} s`, goal: 'metadx faster', met: median(ours.map((r) => r.wall)) < median(theirs.map((r) => r.wall)), load: loadRange }
          : { what: 'same job by an R script (bench/same-job.R)', measured: 'skipped: Rscript with lme4 not available', goal: 'metadx faster', met: null, load: loadRange },
      );
    }
  }

  measureRow('user', () => {
    const analysis = writeUserAnalysis(join(scratch, 'user'));
    const runs = Array.from({ length: repeats }, (_, i) => {
      const r = run(process.execPath, [metadx, 'report', analysis.name, '--out', `out-${i}`], { cwd: analysis.cwd });
      if (r.status !== 0 || !/wrote/.test(r.output)) failed('user analysis report', r);
      return r;
    });
    return [{ what: 'a 14-study user analysis (AUC bootstrap triggered), HTML + PDF', measured: describe(runs), goal: '≤ 3 s', met: median(runs.map((r) => r.wall)) <= 3 }];
  });

  measureRow('nochange', () => {
    let out = lastFlagshipOut;
    if (!out) {
      out = mkdtempSync(join(scratch, 'flagship-'));
      const r = run(process.execPath, [metadx, 'report', flagship, '--out', out]);
      if (r.status !== 0) failed('flagship report', r);
    }
    const ours: Run[] = [];
    const bare: Run[] = [];
    for (let i = 0; i < 5; i++) {
      const r = run(process.execPath, [metadx, 'report', flagship, '--out', out]);
      if (r.status !== 0 || !/up to date/.test(r.output)) failed('no-change report', r);
      ours.push(r);
      bare.push(run(process.execPath, ['-e', '']));
    }
    const ratio = median(ours.map((r) => r.wall)) / median(bare.map((r) => r.wall));
    const cpuRatio = ours.every((r) => r.cpu !== null) ? median(ours.map((r) => r.cpu!)) / median(bare.map((r) => r.cpu!)) : NaN;
    return [{ what: "no-change re-run vs `node -e ''` start-up, alternated", measured: `${describe(ours)}; node -e '' ${describe(bare)}; ratio ${ratio.toFixed(1)}× wall, ${cpuRatio.toFixed(1)}× CPU`, goal: "≤ 3× `node -e ''`", met: ratio <= 3 }];
  });

  measureRow('dpi', () => {
    const copy = join(scratch, 'dpi', 'osteoporosis-dl');
    cpSync(flagship, copy, { recursive: true });
    const out = join(scratch, 'dpi', 'out');
    const first = run(process.execPath, [metadx, 'report', copy, '--out', out]);
    if (first.status !== 0) failed('flagship report (dpi row)', first);
    const cacheDir = join(out, '.cache', 'results');
    const entries = (): number => (existsSync(cacheDir) ? readdirSync(cacheDir).length : 0);
    const cached = entries();
    const specPath = join(copy, 'analysis.yaml');
    const spec = readFileSync(specPath, 'utf8');
    if (!/^\s+dpi:\s*\d+/m.test(spec)) throw new Error('dpi row: the flagship spec has no output.dpi line');
    writeFileSync(specPath, spec.replace(/^(\s+dpi:\s*)\d+/m, '$1150'));
    const r = run(process.execPath, [metadx, 'report', copy, '--out', out, '--replace']);
    if (r.status !== 0 || !/wrote|replaced/.test(r.output)) failed('dpi-only report', r);
    const recomputed = entries() > cached;
    return [{ what: 'dpi-only change (300 → 150), HTML + PDF', measured: `${describe([r])}; ${recomputed ? 'all statistics recomputed (the results cache is keyed on the whole spec)' : 'figures only: statistics from the results cache'}`, goal: 'figures only', met: !recomputed }];
  });

  measureRow('k2000', () => {
    const analysis = writeScaleAnalysis(2000, { into: join(scratch, 'scale') });
    const r = runScaleReport(analysis, { pdf: true });
    if (r.status !== 0) throw new Error(`k = 2000 report failed (exit ${r.status}): ${r.output.trim().split('\n').slice(-3).join(' | ')}`);
    return [{ what: 'k = 2000 report, HTML + PDF', measured: `${seconds(r.seconds)} s wall${r.cpuSeconds !== null ? `; CPU ${seconds(r.cpuSeconds)} s` : ''}; peak RSS ${r.peakMiB === null ? 'n/a' : `${r.peakMiB.toFixed(0)} MiB`}`, goal: '≤ 30 s', met: r.seconds <= 30 }];
  });

  measureRow('glmm', () => {
    if (!rAvailable) return [{ what: '7-point fit vs glmer (bobyqa, tolPwrss 1e-12)', measured: 'skipped: Rscript with lme4 not available', goal: '≥ 5× at every k', met: null }];
    const rows: Omit<Row, 'load'>[] = [];
    for (const k of sizes) {
      const seed = 20261127 + k;
      const csv = join(scratch, `sim_k${k}.csv`);
      writeFileSync(csv, `tp,fp,fn,tn\n${simulateStudies(k, seed).map((s) => `${s.tp},${s.fp},${s.fn},${s.tn}`).join('\n')}\n`);
      const warm = k <= 200 ? 20 : k <= 1000 ? 5 : 2;
      type Timing = { wall: number; cpu: number };
      const ours = { cold: [] as Timing[], warm: [] as Timing[] };
      const theirs = { cold: [] as Timing[], warm: [] as Timing[] };
      const child = (command: string, args: string[]): { cold: Timing; warm: Timing[] } => {
        const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
        const line = result.stdout.split('\n').find((l) => l.startsWith('{'));
        if (result.status !== 0 || !line) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.slice(-500)}`);
        return JSON.parse(line) as { cold: Timing; warm: Timing[] };
      };
      for (let a = 0; a < alternations; a++) {
        const metadxRun = () => child(process.execPath, [join(root, 'bin', 'run-ts.js'), join(root, 'bench', 'fit-timing.ts'), String(k), '7', String(warm), String(seed)]);
        const glmerRun = () => child('Rscript', [join(root, 'bench', 'glmer.R'), csv, String(warm)]);
        const [first, second] = a % 2 === 0 ? [metadxRun, glmerRun] : [glmerRun, metadxRun];
        const x = first();
        const y = second();
        const [m, g] = a % 2 === 0 ? [x, y] : [y, x];
        ours.cold.push(m.cold);
        ours.warm.push(...m.warm);
        theirs.cold.push(g.cold);
        theirs.warm.push(...g.warm);
      }
      for (const phase of ['warm', 'cold'] as const) {
        const ratio = (key: 'wall' | 'cpu') => median(theirs[phase].map((t) => t[key])) / median(ours[phase].map((t) => t[key]));
        const ms = (list: Timing[], key: 'wall' | 'cpu') => `${(1000 * median(list.map((t) => t[key]))).toFixed(k <= 200 ? 1 : 0)}`;
        rows.push({
          what: `7-point fit vs glmer, k = ${k}, ${phase} (${theirs[phase].length} fits each)`,
          measured: `metadx ${ms(ours[phase], 'wall')} ms wall / ${ms(ours[phase], 'cpu')} ms CPU; glmer ${ms(theirs[phase], 'wall')} / ${ms(theirs[phase], 'cpu')} ms; ${ratio('wall').toFixed(1)}× wall, ${ratio('cpu').toFixed(1)}× CPU`,
          goal: '≥ 5×',
          met: ratio('cpu') >= 5 && ratio('wall') >= 5,
        });
      }
    }
    return rows;
  });

  const endLoad = loadavg().map((l) => l.toFixed(1)).join(' ');
  const header = ['what', 'measured', 'goal', 'met', 'load (1 min) before → after'];
  const cells = table.map((row) => [row.what, row.measured, row.goal, row.met === null ? '–' : row.met ? 'yes' : 'NO', row.load]);
  console.log(`\nmetadx bench (issue 15): Node ${process.version}, ${availableParallelism()} CPUs; load average (1, 5, 15 min) at start ${startLoad}, at end ${endLoad}`);
  console.log('Processes timed from outside (GNU time: wall, user + system CPU incl. children); median (min–max) of the repeats.');
  console.log('Wall clock on a loaded machine is not comparable with a quiet one: read the load column and the CPU.');
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const row of cells) console.log(`| ${row.join(' | ')} |`);
  const missed = table.filter((row) => row.met === false).map((row) => row.what);
  console.log(missed.length > 0 ? `goals not met: ${missed.length} of ${table.filter((row) => row.met !== null).length}` : 'all measured goals met');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
