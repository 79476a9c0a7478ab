/** `metadx validate`: all problems at once with line and column; exit codes; no stack traces. */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';

function runCli(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), cwd, env: {} };
  return main(args, io).then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
}

describe('metadx validate', () => {
  it('prints all three mistakes of a spec with line and column, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metadx-validate-'));
    cpSync(join(import.meta.dirname, '..', 'fixtures', 'spec', 'three-mistakes.yaml'), join(dir, 'analysis.yaml'));
    writeFileSync(join(dir, 'data.csv'), 'study,tp,fp,fn,tn\nA,1,2,3,4\n');
    const { code, err } = await runCli(['validate', dir], dir);
    expect(code).toBe(1);
    const lines = err.split('\n').filter((l) => l.includes(': error: '));
    expect(lines).toEqual([
      'analysis.yaml:6:11: error: model.method: "bivariate" is not one of "glmm", "reitsma"',
      'analysis.yaml:7:15: error: model.quadrature: expected a whole number, got number 7.5',
      'analysis.yaml:8:1: error: unknown key "subgroup"; did you mean "subgroups"?',
    ]);
    expect(err).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  });

  it('reports data errors with file, line, column and row after a valid spec', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metadx-validate-'));
    writeFileSync(join(dir, 'analysis.yaml'), 'title: T\nversion: 1\ndata:\n  file: data.csv\n');
    writeFileSync(join(dir, 'data.csv'), 'study,tp,fp,fn,tn\nA,1,2,3,4\nB,1,-2,3,4\n');
    const { code, err } = await runCli(['validate', dir], dir);
    expect(code).toBe(1);
    expect(err).toContain('data.csv:3:5: error: row 2, column fp: fp = -2 is negative');
  });

  it('names a missing data file at its line in the spec', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metadx-validate-'));
    writeFileSync(join(dir, 'analysis.yaml'), 'title: T\nversion: 1\ndata:\n  file: nowhere.csv\n');
    const { code, err } = await runCli(['validate', dir], dir);
    expect(code).toBe(1);
    expect(err).toContain('analysis.yaml:4:9: error: data file not found: nowhere.csv');
  });

  it('refuses a data path outside the analysis folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metadx-validate-'));
    writeFileSync(join(dir, 'analysis.yaml'), 'title: T\nversion: 1\ndata:\n  file: ../../etc/passwd\n');
    const { code, err } = await runCli(['validate', dir], dir);
    expect(code).toBe(1);
    expect(err).toContain('points outside the analysis folder');
  });

  it('accepts the shipped analyses', async () => {
    const root = join(import.meta.dirname, '..', '..');
    const { code, out } = await runCli(['validate'], root);
    expect(code).toBe(0);
    expect(out).toContain('ok: analyses/osteoporosis-dl (26 studies)');
    expect(out).toContain('ok: analyses/scheidler-lymphangiography (17 studies)');
  });

  it('prints usage on a bad option with exit 2', async () => {
    const { code, err } = await runCli(['report', '--bogus'], tmpdir());
    expect(code).toBe(2);
    expect(err).toBe('error: unknown option --bogus for metadx report\nusage: metadx report [ANALYSIS...] [--out DIR] [--no-pdf] [--replace] [--allow-outside-data] [--json] [--quiet]\nrun `metadx report --help` for its options');
  });
});
