/**
 * The prebuilt JavaScript (dist/, scripts/build.mjs) and how bin/metadx.js chooses it: dist/ only
 * when it was built from exactly the current src/, else the TypeScript sources through tsx. Run on
 * a copy of the project (src/, bin/, scripts/build.mjs, templates/ and package.json copied,
 * node_modules linked), so the worktree's own dist/ is never touched.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript modules without type declarations
import { distIsCurrent, sourceStamp, STAMP_FILE } from '../../bin/dist-stamp.js';
// @ts-expect-error plain JavaScript modules without type declarations
import { build } from '../../scripts/build.mjs';

const root = join(import.meta.dirname, '..', '..');
const copy = mkdtempSync(join(tmpdir(), 'metadx-dist-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));
for (const folder of ['src', 'bin', 'templates', 'analyses/scheidler-lymphangiography']) cpSync(join(root, folder), join(copy, folder), { recursive: true });
mkdirSync(join(copy, 'scripts'));
cpSync(join(root, 'scripts', 'build.mjs'), join(copy, 'scripts', 'build.mjs'));
cpSync(join(root, 'package.json'), join(copy, 'package.json'));
symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));

const metadx = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(copy, 'bin', 'metadx.js'), ...args], { cwd: copy, encoding: 'utf8', env: { ...process.env, ...env, METADX_NO_DIST: '' } });

describe('dist/ and its source stamp', () => {
  it('builds one JavaScript file per source file, with .js imports, and stamps it with the sources', async () => {
    expect(distIsCurrent(copy)).toBe(false);
    expect(await build(copy)).toBe(true);
    expect(readFileSync(join(copy, STAMP_FILE), 'utf8').trim()).toBe(sourceStamp(copy));
    expect(distIsCurrent(copy)).toBe(true);
    const cli = readFileSync(join(copy, 'dist', 'cli.js'), 'utf8');
    expect(cli).toContain('from "./diagnostics.js"');
    expect(cli).not.toMatch(/from "\.[^"]*\.ts"/);
    expect(existsSync(join(copy, 'dist', 'figures', 'rasterize-worker.mjs'))).toBe(true);
    expect(existsSync(join(copy, 'dist', 'results', 'parallel-worker.mjs'))).toBe(true);
    // single-importer packages are bundled in (no @stdlib import left); the others stay imports
    const distributions = readFileSync(join(copy, 'dist', 'stats', 'distributions.js'), 'utf8');
    expect(distributions).not.toMatch(/from "@stdlib/);
    expect(readFileSync(join(copy, 'dist', 'figures', 'render.js'), 'utf8')).toMatch(/from "vega-lite"/);
  });

  it('changes with the installed packages (dist/ bundles a few)', () => {
    const fake = mkdtempSync(join(tmpdir(), 'metadx-stamp-'));
    mkdirSync(join(fake, 'src'));
    mkdirSync(join(fake, 'scripts'));
    mkdirSync(join(fake, 'node_modules'));
    writeFileSync(join(fake, 'src', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(fake, 'scripts', 'build.mjs'), '');
    writeFileSync(join(fake, 'node_modules', '.package-lock.json'), '{"packages":{}}');
    const before = sourceStamp(fake);
    writeFileSync(join(fake, 'node_modules', '.package-lock.json'), '{"packages":{"node_modules/x":{}}}');
    expect(sourceStamp(fake)).not.toBe(before);
    rmSync(fake, { recursive: true, force: true });
  });

  it('is what bin/metadx.js runs while the sources are unchanged', () => {
    const ok = metadx(['validate', 'analyses/scheidler-lymphangiography']);
    expect(ok.status, ok.stderr).toBe(0);
    // prove which code ran: break dist/cli.js (the stamp still matches src/)
    const cliPath = join(copy, 'dist', 'cli.js');
    const original = readFileSync(cliPath, 'utf8');
    writeFileSync(cliPath, `throw new Error('ran dist');\n${original}`);
    expect(metadx(['--version']).stderr).toContain('ran dist');
    // METADX_NO_DIST=1 runs the TypeScript sources
    const forced = spawnSync(process.execPath, [join(copy, 'bin', 'metadx.js'), '--version'], { cwd: copy, encoding: 'utf8', env: { ...process.env, METADX_NO_DIST: '1' } });
    expect(forced.status, forced.stderr).toBe(0);
    writeFileSync(cliPath, original);
  });

  it('is not used once a source file changes: the TypeScript sources run instead', () => {
    writeFileSync(join(copy, 'dist', 'cli.js'), `throw new Error('ran dist');\n`);
    const before = sourceStamp(copy);
    appendFileSync(join(copy, 'src', 'version.ts'), '\n// edited\n');
    expect(sourceStamp(copy)).not.toBe(before);
    expect(distIsCurrent(copy)).toBe(false);
    const run = metadx(['--version']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('is not used when the stamp is missing (an interrupted build)', () => {
    rmSync(join(copy, STAMP_FILE));
    expect(distIsCurrent(copy)).toBe(false);
  });
});
