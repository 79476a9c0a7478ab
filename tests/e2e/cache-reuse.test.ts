/**
 * A presentation-only change re-runs the report with the cached statistics (issue 15: "a change of
 * dpi, paper, title or captions only redraws"), through the command line: the progress says the
 * statistics came from the results cache and no model was fitted, results.json is byte-identical
 * (or differs only in the changed title), the figures follow the new setting. A changed count is
 * fitted again. The version key still covers everything: the same version with another dpi is
 * refused without --replace.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { pngSize } from '../../src/figures/render.ts';
import { csv, scheidlerRows, temporary, writeAnalysis } from '../helpers/versions.ts';

async function report(cwd: string, args: string[], env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const progress: string[] = [];
  const code = await main(['report', 'lag', '--out', 'out', '--no-pdf', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), cwd, env, progress: { write: (t) => progress.push(t), isTTY: false } });
  return { code, out: out.join('\n'), err: err.join('\n'), progress: progress.join('') };
}

const FITTED = 'fitting the model';
const CACHED = 'statistics unchanged: taken from the results cache';

describe('the results cache across presentation-only changes', () => {
  it('dpi, paper, title: figures redrawn, statistics from the cache; a count: fitted again', async () => {
    const work = temporary('cache-reuse');
    const env = { SOURCE_DATE_EPOCH: '1705276800', XDG_CACHE_HOME: join(work, 'secret') };
    const dir = writeAnalysis(join(work, 'lag'), { version: 1 });
    const specPath = join(dir, 'analysis.yaml');
    const spec = readFileSync(specPath, 'utf8');
    const version = join(work, 'out', 'lag', '1');
    const read = (path: string) => readFileSync(join(version, path));

    const first = await report(work, [], env);
    expect(first.code, first.err).toBe(0);
    expect(first.progress).toContain(FITTED);
    expect(first.progress).not.toContain(CACHED);
    const results = read('results.json');
    const png72 = pngSize(read('figures/sroc.png'));

    // dpi only: the version key differs (refused without --replace), the statistics key does not
    writeFileSync(specPath, spec.replace('output: {dpi: 72}', 'output: {dpi: 144, paper: Letter}'));
    const refused = await report(work, [], env);
    expect(refused.code).toBe(1);
    const dpi = await report(work, ['--replace'], env);
    expect(dpi.code, dpi.err).toBe(0);
    expect(dpi.progress).toContain(CACHED);
    expect(dpi.progress).not.toContain(FITTED);
    expect(read('results.json').equals(results), 'results.json after a dpi and paper change').toBe(true);
    const png144 = pngSize(read('figures/sroc.png'));
    expect(png144.width).toBeGreaterThan(1.9 * png72.width);
    expect(JSON.parse(read('manifest.json').toString()).options).toMatchObject({ dpi: 144, paper: 'Letter' });

    // the title: results.json carries it (its identity), everything else identical
    writeFileSync(specPath, spec.replace('title: Versions test', 'title: Another title'));
    const titled = await report(work, ['--replace'], env);
    expect(titled.code, titled.err).toBe(0);
    expect(titled.progress).toContain(CACHED);
    expect(titled.progress).not.toContain(FITTED);
    const retitled = JSON.parse(read('results.json').toString());
    expect(retitled.analysis).toEqual({ name: 'lag', title: 'Another title', version: '1' });
    expect(JSON.stringify({ ...retitled, analysis: null })).toBe(JSON.stringify({ ...JSON.parse(results.toString()), analysis: null }));
    expect(read('supplement.html').toString()).toContain('Another title');

    // a count: the statistics are computed again
    const rows = scheidlerRows();
    rows[0] = [rows[0]![0], rows[0]![1] + 1, rows[0]![2], rows[0]![3], rows[0]![4], rows[0]![5]];
    writeFileSync(join(dir, 'data', 'data.csv'), csv(rows));
    const counted = await report(work, ['--replace'], env);
    expect(counted.code, counted.err).toBe(0);
    expect(counted.progress).toContain(FITTED);
    expect(counted.progress).not.toContain(CACHED);
    expect(read('results.json').equals(results)).toBe(false);
  }, 600_000);
});
