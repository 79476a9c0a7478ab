/** Helpers of the version tests: a small analysis in a temp folder, folder hashes, the CLI. */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { main } from '../../src/cli.ts';

export const root = join(import.meta.dirname, '..', '..');

/** The Scheidler lymphangiography 2x2 tables (17 studies): [study, tp, fp, fn, tn, year]. */
export function scheidlerRows(): [string, number, number, number, number, number][] {
  const lines = readFileSync(join(root, 'analyses', 'scheidler-lymphangiography', 'data', 'scheidler_lag.csv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const [study, ...numbers] = line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    const [tp, fp, fn, tn, year] = numbers.map(Number) as [number, number, number, number, number];
    return [study!.replace(/"/g, ''), tp, fp, fn, tn, year];
  });
}

export const csv = (rows: ReturnType<typeof scheidlerRows>): string => `study,tp,fp,fn,tn,year\n${rows.map((r) => r.join(',')).join('\n')}\n`;

/** A quick analysis (two figures, 72 dpi, no leave-one-out) in `dir`. */
export function writeAnalysis(dir: string, options: { version: number | string; rows?: ReturnType<typeof scheidlerRows>; figures?: string[] | 'all'; extra?: string; name?: string }): string {
  mkdirSync(dir, { recursive: true });
  const figures = options.figures === 'all' ? '' : `figures: [${(options.figures ?? ['forest', 'sroc']).join(', ')}]\n`;
  writeFileSync(
    join(dir, 'analysis.yaml'),
    `# test analysis\ntitle: Versions test\n${options.name ? `name: ${options.name}\n` : ''}version: ${options.version}\ndate: 2020-01-01\ndata:\n  file: data/data.csv\ncovariates:\n  year: {label: Year, type: continuous}\n${figures}sensitivity: {leave_one_out: false, outliers: false}\noutput: {dpi: 72}\n${options.extra ?? ''}`,
  );
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'data', 'data.csv'), csv(options.rows ?? scheidlerRows()));
  return dir;
}

export const temporary = (prefix: string): string => mkdtempSync(join(tmpdir(), `metadx-${prefix}-`));

/** path (relative, "/") → SHA-256 of every file under `dir`. */
export function treeHashes(dir: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else hashes[relative(dir, full).split('\\').join('/')] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return Object.fromEntries(Object.entries(hashes).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Run the CLI in-process and collect its output. */
export async function runCli(args: string[], cwd = root, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd, env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
