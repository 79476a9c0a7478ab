/**
 * Data paths in the spec cannot leave the analysis folder unless explicitly allowed:
 * `resolveSpecInput` (src/spec/load.ts) refuses "..", absolute paths and symbolic links that point
 * outside, and folders given as files. The command line refuses ".." and absolute paths today
 * (corpus cases path-*); following symbolic links needs run.ts to call resolveSpecInput.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { resolveSpecInput } from '../../src/spec/load.ts';

function layout() {
  const root = mkdtempSync(join(tmpdir(), 'metadx-paths-'));
  const analysis = join(root, 'analysis');
  mkdirSync(join(analysis, 'data'), { recursive: true });
  writeFileSync(join(analysis, 'data', 'inside.csv'), 'study,tp,fp,fn,tn\nA,1,2,3,4\n');
  writeFileSync(join(analysis, '..data.csv'), 'study,tp,fp,fn,tn\nA,1,2,3,4\n');
  writeFileSync(join(root, 'secret.csv'), 'study,tp,fp,fn,tn\nSecret,1,2,3,4\n');
  symlinkSync(join(root, 'secret.csv'), join(analysis, 'link-out.csv'));
  symlinkSync(join(analysis, 'data', 'inside.csv'), join(analysis, 'link-in.csv'));
  symlinkSync(root, join(analysis, 'parent-link'));
  return { root, analysis };
}

describe('resolveSpecInput', () => {
  const { root, analysis } = layout();
  it.each([
    ['data/inside.csv', true, undefined],
    ['./data/../data/inside.csv', true, undefined],
    ['..data.csv', true, undefined],
    ['link-in.csv', true, undefined],
    ['../secret.csv', false, 'outside'],
    ['data/../../secret.csv', false, 'outside'],
    [join(root, 'secret.csv'), false, 'outside'],
    ['/etc/passwd', false, 'outside'],
    ['link-out.csv', false, 'symlink-outside'],
    ['parent-link/secret.csv', false, 'symlink-outside'],
    ['data', false, 'not-a-file'],
    ['data/missing.csv', false, 'missing'],
  ] as const)('%s → %s %s', (path, ok, reason) => {
    const result = resolveSpecInput(analysis, path);
    expect(result.ok).toBe(ok);
    if (!result.ok) expect(result.reason).toBe(reason);
  });

  it('reads outside the folder only when explicitly allowed', () => {
    expect(resolveSpecInput(analysis, '../secret.csv', { allowOutside: true })).toEqual({ ok: true, absolute: join(root, 'secret.csv') });
    expect(resolveSpecInput(analysis, 'link-out.csv', { allowOutside: true }).ok).toBe(true);
  });
});

describe('the command line', () => {
  it('refuses a symbolic link that points outside the analysis folder', async () => {
    const { analysis } = layout();
    writeFileSync(join(analysis, 'analysis.yaml'), 'title: T\nversion: 1\ndata:\n  file: link-out.csv\n');
    const err: string[] = [];
    const out: string[] = [];
    const code = await main(['validate', 'analysis'], { out: (t) => out.push(t), err: (t) => err.push(t), cwd: join(analysis, '..'), env: {} });
    expect(out.join('\n')).not.toContain('ok:');
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('outside the analysis folder');
  });
});

describe('--allow-outside-data', () => {
  it('lets one run read a data file through a link that leads outside the folder', async () => {
    const { analysis } = layout();
    writeFileSync(join(analysis, 'analysis.yaml'), 'title: T\nversion: 1\ndata:\n  file: link-out.csv\n');
    const err: string[] = [];
    const out: string[] = [];
    const code = await main(['validate', 'analysis', '--allow-outside-data'], { out: (t) => out.push(t), err: (t) => err.push(t), cwd: join(analysis, '..'), env: {} });
    expect(err.join('\n')).not.toContain('outside the analysis folder');
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('ok: analysis (1 study)');
  });
});
