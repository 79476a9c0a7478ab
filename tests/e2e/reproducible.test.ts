/**
 * The flagship report is reproducible byte for byte: two runs (the second without the results
 * cache) give identical HTML, SVG, PNG, JSON, PDF and manifest; `metadx verify` rebuilds it from the
 * copies in inputs/ and reproduces every output; and the worked example's version 2 (a hypothetical
 * update search, analyses/osteoporosis-dl-update-demo) finds version 1 and lists exactly its 4
 * demonstration models as added.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/output/manifest.ts';
import { buildReport, loadAnalysis, type ReportOutcome } from '../../src/run.ts';
import { root, runCli, temporary, treeHashes } from '../helpers/versions.ts';

describe('the flagship analysis is reproducible', () => {
  const outA = temporary('reproducible-a');
  let first: ReportOutcome;

  beforeAll(async () => {
    first = await buildReport(await loadAnalysis(join(root, 'analyses', 'osteoporosis-dl'), root), { outRoot: outA, pdf: true, env: process.env, log: () => undefined });
  }, 180_000);

  it('two runs give byte-identical HTML, SVG, PNG, JSON, PDF and manifest', async () => {
    expect(first.pdfError).toBeUndefined();
    const outB = temporary('reproducible-b');
    const second = await buildReport(await loadAnalysis(join(root, 'analyses', 'osteoporosis-dl'), root), { outRoot: outB, pdf: true, env: process.env, log: () => undefined, cache: false });
    const [a, b] = [treeHashes(first.directory), treeHashes(second.directory)];
    expect(Object.keys(a)).toEqual(expect.arrayContaining(['supplement.html', 'supplement.pdf', 'results.json', 'manifest.json', 'figures/forest-sensitivity.svg', 'figures/forest-sensitivity.png', 'figures/sroc.svg', 'figures/sroc.png', 'figures/prisma.svg']));
    expect(b).toEqual(a);
    const manifest = JSON.parse(readFileSync(join(first.directory, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.software.chromium).toMatch(/Chrom/);
    expect(manifest.outputs.find((file) => file.path === 'supplement.pdf')?.sha256).toBe(a['supplement.pdf']);
  }, 180_000);

  it('metadx verify rebuilds it from inputs/ and reproduces every output', async () => {
    const { code, out } = await runCli(['verify', first.directory]);
    expect(out).toMatch(/reproduced\s+supplement\.pdf/);
    expect(out).toContain('verified: all');
    expect(code).toBe(0);
  }, 180_000);

  it('the worked example: version 2 adds exactly the 4 demonstration models, with an updated PRISMA flow', async () => {
    const demo = await buildReport(await loadAnalysis(join(root, 'analyses', 'osteoporosis-dl-update-demo'), root), { outRoot: outA, pdf: false, env: process.env, log: () => undefined });
    expect(demo.directory).toBe(join(outA, 'osteoporosis-dl', '2'));
    expect(demo.previous).toBe('1');
    const changes = demo.results.changes!;
    expect(changes.studies.added.map((study) => study.provenance)).toEqual(['demonstration', 'demonstration', 'demonstration', 'demonstration']);
    expect(changes.studies.added.every((study) => study.label.startsWith('Demonstration '))).toBe(true);
    expect([changes.studies.removed, changes.studies.changed, changes.studies.unchanged]).toEqual([[], [], 26]);
    expect([changes.before.k, changes.after.k, changes.before.studies, changes.after.studies]).toEqual([26, 30, 10, 12]);
    expect(demo.results.prisma?.updated).toBe(true);
    expect(demo.results.prisma?.current.demonstration).toBe(true);
    expect(demo.results.cumulative?.bySearch?.steps.map((step) => step.k)).toEqual([26, 30]);
    const html = readFileSync(join(demo.directory, 'supplement.html'), 'utf8');
    expect(html).toContain('DEMONSTRATION');
    expect(html).toContain('What changed since version 1');
    expect(readlinkSync(join(outA, 'osteoporosis-dl', 'latest'))).toBe('2');
  }, 120_000);
});
