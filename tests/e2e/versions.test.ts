/**
 * Versions of one analysis on a quick fixture (Scheidler's 17 tables, two figures, no PDF):
 * immutable version folders with a manifest, reuse of an up-to-date version, refusal to overwrite
 * a version whose inputs changed, --replace, a new version whose "What changed" lists exactly the
 * changed tables, `latest`, `metadx diff`, `metadx verify` (and a tampered file), the results cache,
 * and a run killed mid-render (SIGKILL and SIGINT) leaving earlier versions intact and no partial
 * version folder. The tests run in order and build on each other.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/diagnostics.ts';
import { versionMessages } from '../../src/messages.ts';
import type { Manifest } from '../../src/output/manifest.ts';
import { STAGING } from '../../src/output/write.ts';
import { buildReport, loadAnalysis, type ReportOptions } from '../../src/run.ts';
import { root, runCli, scheidlerRows, temporary, treeHashes, writeAnalysis } from '../helpers/versions.ts';

const options = (outRoot: string, extra: Partial<ReportOptions> = {}): ReportOptions => ({ outRoot, pdf: false, env: {}, log: () => undefined, ...extra });
const build = async (dir: string, outRoot: string, extra: Partial<ReportOptions> = {}) => buildReport(await loadAnalysis(dir, root), options(outRoot, extra));
const manifestOf = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

describe('versions of an analysis', () => {
  const work = temporary('versions');
  const analysis = join(work, 'analyses', 'lag');
  const outRoot = join(work, 'out');
  const v1 = join(outRoot, 'lag', '1');
  const v2 = join(outRoot, 'lag', '2');
  const rows = scheidlerRows();
  let v1Hashes: Record<string, string>;

  beforeAll(async () => {
    writeAnalysis(analysis, { version: 1 });
    await build(analysis, outRoot);
    v1Hashes = treeHashes(v1);
  });

  it('writes out/<name>/<version>/ with inputs/, manifest.json and latest → 1', () => {
    const manifest = manifestOf(v1);
    expect(manifest).toMatchObject({ analysis: 'lag', version: '1', title: 'Versions test', date: { value: '2020-01-01', source: 'spec' }, seed: 20231201 });
    expect(manifest.key).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.inputs.map((file) => [file.role, file.path, file.original])).toEqual([
      ['spec', 'inputs/analysis.yaml', 'analysis.yaml'],
      ['data', 'inputs/data/data.csv', 'data/data.csv'],
    ]);
    expect(manifest.software).toMatchObject({ node: process.versions.node, chromium: null });
    expect(manifest.software.vega).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.software.dependencies.vega).toBe(manifest.software.vega);
    expect(manifest.software.dependencyTree['vega-scenegraph']).toMatch(/^\d/);
    expect(manifest.options).toMatchObject({ pdf: false, dpi: 72, paper: 'A4', figures: ['forest', 'sroc'] });
    expect(manifest.previous).toBeNull();
    // every output is listed with its hash, and the listing is the folder (plus inputs and the manifest)
    const listed = Object.fromEntries([...manifest.outputs, ...manifest.inputs].map((file) => [file.path, file.sha256]));
    expect({ ...listed, 'manifest.json': v1Hashes['manifest.json'] }).toEqual(v1Hashes);
    expect(Object.keys(listed)).toEqual(expect.arrayContaining(['supplement.html', 'results.json', 'figures/forest.svg', 'figures/forest.png', 'figures/forest.vl.json', 'figures/sroc.svg']));
    expect(readlinkSync(join(outRoot, 'lag', 'latest'))).toBe('1');
    expect(existsSync(join(outRoot, STAGING))).toBe(false);
  });

  it('reuses a version whose inputs are unchanged (comments and key order do not count)', async () => {
    const spec = readFileSync(join(analysis, 'analysis.yaml'), 'utf8');
    writeFileSync(join(analysis, 'analysis.yaml'), `# a new comment\n${spec.replace('date: 2020-01-01\n', '')}date: 2020-01-01\n`);
    const outcome = await build(analysis, outRoot);
    expect(outcome.status).toBe('up-to-date');
    expect(outcome.reuse).toBe('identical');
    expect(treeHashes(v1)).toEqual(v1Hashes);
    const cli = await runCli(['report', analysis, '--out', outRoot, '--no-pdf']);
    expect(cli.code).toBe(0);
    expect(cli.out).toBe(versionMessages.upToDate('lag', '1', relative(root, v1), false));
  });

  it('refuses to overwrite version 1 when the data change, naming the file, and leaves it intact', async () => {
    const changed = rows.map((row) => [...row]) as typeof rows;
    changed[2] = [changed[2]![0], changed[2]![1] + 3, changed[2]![2], changed[2]![3] - 3, changed[2]![4], changed[2]![5]]; // corrected extraction
    changed.splice(5, 1); // a table removed
    changed.push(['Added 2021', 30, 4, 6, 60, 2021]); // a table added
    writeAnalysis(analysis, { version: 1, rows: changed });
    const error = await build(analysis, outRoot).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    const diagnostic = (error as UserError).diagnostics[0]!;
    expect(diagnostic.code).toBe('output.version-exists');
    expect(diagnostic.message).toContain('input file data/data.csv changed');
    expect(diagnostic.hint).toContain('version: 2');
    expect(diagnostic.hint).toContain('--replace');
    const cli = await runCli(['report', analysis, '--out', outRoot, '--no-pdf']);
    expect(cli.code).toBe(1);
    expect(cli.err).toContain('already exists and was made from different inputs: input file data/data.csv changed');
    expect(treeHashes(v1)).toEqual(v1Hashes);
  });

  it('writes the change as version 2, whose "What changed" lists exactly the changed tables', async () => {
    const spec = readFileSync(join(analysis, 'analysis.yaml'), 'utf8');
    writeFileSync(join(analysis, 'analysis.yaml'), spec.replace('version: 1', 'version: 2'));
    const outcome = await build(analysis, outRoot);
    expect(outcome.status).toBe('written');
    expect(outcome.previous).toBe('1');
    const changes = outcome.results.changes!;
    expect(changes.studies.added.map((s) => s.label)).toEqual(['Added 2021']);
    expect(changes.studies.removed.map((s) => s.label)).toEqual([rows[5]![0]]);
    expect(changes.studies.changed).toEqual([{ label: rows[2]![0], before: { tp: rows[2]![1], fp: rows[2]![2], fn: rows[2]![3], tn: rows[2]![4] }, after: { tp: rows[2]![1] + 3, fp: rows[2]![2], fn: rows[2]![3] - 3, tn: rows[2]![4] } }]);
    expect(changes.studies.unchanged).toBe(15);
    expect([changes.before.k, changes.after.k]).toEqual([17, 17]);
    expect(changes.estimates.map((e) => e.measure)).toEqual(['sens', 'spec', 'lrPositive', 'lrNegative', 'dor', 'auc']);
    expect(changes.estimates[0]!.before!.est).not.toBe(changes.estimates[0]!.after!.est);
    expect(changes.figures.map((f) => [f.id, f.change])).toEqual([['forest', 'changed'], ['sroc', 'changed']]);
    const html = readFileSync(join(v2, 'supplement.html'), 'utf8');
    expect(html).toContain('What changed since version 1');
    const table = /<table id="table-changes-studies">[\s\S]*?<\/table>/.exec(html)![0];
    expect(table.match(/<tr>|<tr class/g)!.length - 1).toBe(3); // header + 3 changed tables
    expect(table).toContain('Added 2021');
    expect(table).toContain(`TP ${rows[2]![1]} → ${rows[2]![1] + 3}, FN ${rows[2]![3]} → ${rows[2]![3] - 3}`);
    expect(manifestOf(v2).previous).toMatchObject({ version: '1', results: { path: 'inputs/previous/results.json', sha256: v1Hashes['results.json'] } });
    expect(readlinkSync(join(outRoot, 'lag', 'latest'))).toBe('2');
    expect(treeHashes(v1)).toEqual(v1Hashes);
  });

  it('metadx diff prints the same comparison as text and as JSON', async () => {
    const json = await runCli(['diff', v1, v2, '--json']);
    expect(json.code).toBe(0);
    const results = JSON.parse(readFileSync(join(v2, 'results.json'), 'utf8'));
    expect(JSON.parse(json.out)).toEqual(results.changes);
    const text = await runCli(['diff', v1, v2]);
    expect(text.code).toBe(0);
    expect(text.out).toContain('lag: Version 1 (2020-01-01) → Version 2 (2020-01-01)');
    expect(text.out).toContain('  + Added 2021: TP 30, FP 4, FN 6, TN 60');
    expect(text.out).toContain(`  - ${rows[5]![0]}: TP ${rows[5]![1]}`);
    expect(text.out).toContain(`  ~ ${rows[2]![0]}: TP ${rows[2]![1]} → ${rows[2]![1] + 3}, FN ${rows[2]![3]} → ${rows[2]![3] - 3}`);
    expect(text.out).toMatch(/Sensitivity\s+0\.\d\d \(0\.\d\d–0\.\d\d\)\s+0\.\d\d \(0\.\d\d–0\.\d\d\)/);
    expect(text.out).toContain('Figures redrawn because their content changed: Paired forest plot of sensitivity and specificity; Summary ROC curve.');
    expect((await runCli(['diff', v1])).code).toBe(2);
  });

  it('metadx verify reproduces every output from inputs/, and detects a tampered figure', async () => {
    const ok = await runCli(['verify', v2]);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`verified: all ${manifestOf(v2).outputs.length} outputs reproduced byte for byte from inputs/`);
    const copy = join(temporary('tampered'), '2');
    cpSync(v2, copy, { recursive: true });
    writeFileSync(join(copy, 'figures', 'forest.svg'), readFileSync(join(copy, 'figures', 'forest.svg'), 'utf8').replace('</svg>', '<!-- edited --></svg>'));
    const bad = await runCli(['verify', copy]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/tampered\s+figures\/forest\.svg/);
    expect(bad.out).toMatch(/reproduced\s+figures\/forest\.svg/); // the rebuild still matches the manifest
    expect(bad.out).toContain('NOT verified: 1 problem');
  }, 60_000);

  it('--replace regenerates a version deliberately (atomically: the old folder is gone, the new complete)', async () => {
    const spec = readFileSync(join(analysis, 'analysis.yaml'), 'utf8');
    writeFileSync(join(analysis, 'analysis.yaml'), spec.replace('title: Versions test', 'title: Versions test (corrected title)'));
    const refused = await runCli(['report', analysis, '--out', outRoot, '--no-pdf']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('the spec (analysis.yaml) changed');
    const replaced = await runCli(['report', analysis, '--out', outRoot, '--no-pdf', '--replace']);
    expect(replaced.code).toBe(0);
    expect(replaced.out).toContain(`lag 2: replaced ${relative(root, v2)}/`);
    expect(readFileSync(join(v2, 'supplement.html'), 'utf8')).toContain('Versions test (corrected title)');
    expect(readdirSync(join(outRoot, 'lag')).sort()).toEqual(['1', '2', 'latest']);
    expect(existsSync(join(outRoot, STAGING))).toBe(false);
  });

  it('reuses cached results: a rebuild from the cache is byte-identical to a fresh one', async () => {
    const cached = join(work, 'out-cached');
    const fresh = join(work, 'out-fresh');
    cpSync(join(outRoot, '.cache'), join(cached, '.cache'), { recursive: true });
    const a = await build(analysis, cached);
    const b = await build(analysis, fresh, { cache: false });
    expect(treeHashes(a.directory)).toEqual(treeHashes(b.directory));
  });
});

/**
 * Start `metadx report` as a child process; resolve with its staging folder once it is rendering
 * figures (its results have just been stored in the results cache, and nothing is in place yet).
 */
function startReport(analysisDir: string, outRoot: string): { child: ReturnType<typeof spawn>; staged: Promise<string>; exited: Promise<number | null> } {
  const cacheDir = join(outRoot, '.cache', 'results');
  const cached = new Set(existsSync(cacheDir) ? readdirSync(cacheDir) : []);
  const child = spawn(process.execPath, [join(root, 'bin', 'metadx.js'), 'report', analysisDir, '--out', outRoot, '--no-pdf'], { cwd: root, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  const staged = new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const staging = join(outRoot, STAGING);
      const folder = existsSync(staging) ? readdirSync(staging).find((entry) => entry.startsWith(`${child.pid}.`)) : undefined;
      const rendering = existsSync(cacheDir) && readdirSync(cacheDir).some((entry) => entry.endsWith('.json') && !cached.has(entry));
      if (folder && rendering) {
        clearInterval(poll);
        resolve(join(staging, folder));
      }
    }, 5);
    child.on('exit', () => {
      clearInterval(poll);
      reject(new Error('the report finished before it could be interrupted'));
    });
  });
  return { child, staged, exited };
}

describe('an interrupted run', () => {
  const work = temporary('killed');
  const analysis = join(work, 'lag');
  const outRoot = join(work, 'out');
  let v1Hashes: Record<string, string>;

  beforeAll(async () => {
    writeAnalysis(analysis, { version: 1 });
    await build(analysis, outRoot);
    v1Hashes = treeHashes(join(outRoot, 'lag', '1'));
    // version 2 with every figure, so rendering takes long enough to be interrupted
    writeAnalysis(analysis, { version: 2, rows: scheidlerRows().slice(0, 14), figures: 'all' });
  });

  it('SIGKILL mid-render leaves version 1 intact and no version 2 folder; the next run cleans up', async () => {
    const run = startReport(analysis, outRoot);
    const staged = await run.staged;
    run.child.kill('SIGKILL');
    await run.exited;
    expect(readdirSync(join(outRoot, 'lag')).sort()).toEqual(['1', 'latest']);
    expect(treeHashes(join(outRoot, 'lag', '1'))).toEqual(v1Hashes);
    expect(readlinkSync(join(outRoot, 'lag', 'latest'))).toBe('1');
    expect(existsSync(staged)).toBe(true); // left by the killed process, outside out/lag/
    const verify = await runCli(['verify', join(outRoot, 'lag', '1')]);
    expect(verify.code).toBe(0);
    // the next run removes the dead process's staging folder and writes version 2 (two figures: quick)
    writeAnalysis(analysis, { version: 2, rows: scheidlerRows().slice(0, 14) });
    const outcome = await build(analysis, outRoot);
    expect(outcome.status).toBe('written');
    expect(existsSync(staged)).toBe(false);
    expect(readdirSync(join(outRoot, 'lag')).sort()).toEqual(['1', '2', 'latest']);
  }, 90_000);

  it('SIGINT (Ctrl-C) mid-render removes the staging folder before exiting', async () => {
    writeAnalysis(analysis, { version: 3, rows: scheidlerRows().slice(0, 13), figures: 'all' });
    const run = startReport(analysis, outRoot);
    const staged = await run.staged;
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(existsSync(staged)).toBe(false);
    expect(readdirSync(join(outRoot, 'lag')).sort()).toEqual(['1', '2', 'latest']);
    expect(treeHashes(join(outRoot, 'lag', '1'))).toEqual(v1Hashes);
  }, 90_000);
});
