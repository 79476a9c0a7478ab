/**
 * `metadx verify` treats manifest.json as input: paths it lists that leave the version folder
 * (`../../../../dev/zero`, absolute paths, links out of the folder) or are not regular files (a
 * FIFO) are refused without being opened, so a crafted manifest can neither hang verify nor make
 * it read files elsewhere. Run as a child process with a time limit (a hang fails the test).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { root, temporary, writeAnalysis } from '../helpers/versions.ts';

const bin = join(root, 'bin', 'metadx.js');

describe('metadx verify with a crafted manifest', () => {
  let work = '';
  let version = '';
  beforeAll(async () => {
    work = temporary('verify-confined');
    const analysis = writeAnalysis(join(work, 'lag'), { version: 1 });
    const code = await main(['report', analysis, '--out', 'out', '--no-pdf'], { out: () => undefined, err: () => undefined, cwd: work, env: { SOURCE_DATE_EPOCH: '1705276800' } });
    expect(code).toBe(0);
    version = join(work, 'out', 'lag', '1');
  }, 120_000);

  it('refuses paths outside the folder, links out of it and FIFOs without opening them', () => {
    const copy = join(work, 'crafted');
    cpSync(version, copy, { recursive: true });
    symlinkSync('/etc/passwd', join(copy, 'figures', 'passwd.svg'));
    execFileSync('mkfifo', [join(copy, 'figures', 'pipe.svg')]);
    const manifestPath = join(copy, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { outputs: { path: string; sha256: string; bytes: number }[] };
    const fake = (path: string) => ({ path, sha256: '0'.repeat(64), bytes: 1 });
    manifest.outputs.push(fake('../../../../dev/zero'), fake('/dev/zero'), fake('figures/passwd.svg'), fake('figures/pipe.svg'), fake('figures/./x.svg'));
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
    const started = Date.now();
    const run = spawnSync(process.execPath, [bin, 'verify', 'crafted'], { cwd: work, encoding: 'utf8', timeout: 60_000, env: { ...process.env, SOURCE_DATE_EPOCH: '1705276800' } });
    expect(run.signal, 'verify hung and was killed').toBeNull();
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(run.status).toBe(1);
    const outside = 'manifest.json names a path outside the version folder; it was not read';
    const notAFile = 'not a regular file (a folder, link target, named pipe or device); it was not read';
    expect(run.stdout).toContain(`  refused     ../../../../dev/zero  (${outside})`);
    expect(run.stdout).toContain(`  refused     /dev/zero  (${outside})`);
    expect(run.stdout).toContain(`  refused     figures/passwd.svg  (${outside})`);
    expect(run.stdout).toContain(`  refused     figures/pipe.svg  (${notAFile})`);
    expect(run.stdout).toContain(`  refused     figures/./x.svg  (${outside})`);
    // nothing is rebuilt from a manifest that names unsafe paths
    expect(run.stdout).not.toContain('rebuilt from inputs/');
    expect(run.stdout).toMatch(/NOT verified: \d+ problems/);
    expect(run.stderr).toBe('');
  }, 90_000);

  it('a manifest of the wrong shape is no manifest: a message, not a stack trace', async () => {
    const copy = join(work, 'misshapen');
    cpSync(version, copy, { recursive: true });
    const manifestPath = join(copy, 'manifest.json');
    writeFileSync(manifestPath, JSON.stringify({ ...JSON.parse(readFileSync(manifestPath, 'utf8')), outputs: 'everything' }));
    const err: string[] = [];
    const code = await main(['verify', 'misshapen'], { out: () => undefined, err: (t) => err.push(t), cwd: work, env: {} });
    expect(err.join('\n')).toBe('error: misshapen has no readable manifest.json\n    give a version folder written by `metadx report`, e.g. out/<analysis>/<version>');
    expect(code).toBe(1);
  });
});
