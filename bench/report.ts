/**
 * Report timings (part of `npm run bench`; alone: `npm run bench -- --report-only`): wall-clock
 * time of `node bin/metadx.js report analyses/osteoporosis-dl` (with the PDF) as separate processes,
 * in a fresh temporary output folder:
 *
 * - cold:      nothing built, empty results cache (everything computed, rendered and printed);
 * - warm:      the version folder deleted, results cache kept (as after a change to a template or
 *              a figure: the statistics come from the cache; figures, HTML and PDF are redone);
 * - no change: the version is up to date (`npm run report` with nothing changed): median of 5;
 * - no change, all shipped analyses: `node bin/metadx.js report` (every analyses/* folder) with all
 *   of them up to date: median of 5. Goal: under one second.
 *
 * Process start-up (Node, the TypeScript loader) is included; npm's own start-up (~0.2 s) is not.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(args: string[]): { seconds: number; output: string; status: number | null } {
  const started = performance.now();
  const result = spawnSync(process.execPath, [join(root, 'bin', 'metadx.js'), 'report', ...args], { cwd: root, encoding: 'utf8' });
  return { seconds: (performance.now() - started) / 1000, output: `${result.stdout}${result.stderr}`, status: result.status };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Print the table; return the goals not met. */
export function benchReport(): string[] {
  const out = mkdtempSync(join(tmpdir(), 'metadx-bench-report-'));
  const failures: string[] = [];
  try {
    const flagship = ['analyses/osteoporosis-dl', '--out', out];
    const check = (label: string, result: ReturnType<typeof run>, expected: RegExp): number => {
      if (result.status !== 0 || !expected.test(result.output)) failures.push(`${label}: unexpected outcome (exit ${result.status}): ${result.output.trim().split('\n').at(-1)}`);
      return result.seconds;
    };
    const cold = check('cold', run(flagship), /wrote/);
    rmSync(join(out, 'osteoporosis-dl'), { recursive: true, force: true });
    const warm = check('warm', run(flagship), /wrote/);
    const noChange = median(Array.from({ length: 5 }, () => check('no change', run(flagship), /up to date/)));
    check('build the other analyses', run(['--out', out]), /wrote/);
    const all = median(Array.from({ length: 5 }, () => check('no change (all)', run(['--out', out]), /^(?:(?!wrote).)*$/s)));
    const rows: [string, number][] = [
      ['cold (nothing built, no cache)', cold],
      ['warm (results cached; figures, HTML, PDF redone)', warm],
      ['no change (up to date), median of 5', noChange],
      ['no change, all shipped analyses, median of 5', all],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    console.log(`\nmetadx report timings: osteoporosis-dl with PDF, separate processes (Node ${process.version})`);
    for (const [label, seconds] of rows) console.log(`  ${label.padEnd(width)}  ${seconds.toFixed(2)} s`);
    if (all >= 1) failures.push(`no-change run of all analyses took ${all.toFixed(2)} s (goal < 1 s)`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return failures;
}
