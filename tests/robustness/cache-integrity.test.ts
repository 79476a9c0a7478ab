/**
 * The caches under out/.cache are not trusted: each entry is sealed with an HMAC under a per-user
 * secret kept outside the output folder (src/output/cache.ts). An edited results entry is not
 * published (the results are recomputed, with a note); an edited spec summary cannot make a
 * changed spec look up to date.
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { cacheSecretPath, seal, unseal } from '../../src/output/cache.ts';
import { temporary, writeAnalysis } from '../helpers/versions.ts';

const env = () => ({ SOURCE_DATE_EPOCH: '1705276800', XDG_CACHE_HOME: temporary('secret') });

async function run(args: string[], cwd: string, e: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd, env: e });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Rewrite the JSON of a cache entry (keeping its first line when it has a seal), as an attacker would. */
function editEntry(path: string, edit: (value: Record<string, unknown>) => void): void {
  const text = readFileSync(path, 'utf8');
  const sealed = text.startsWith('metadx-cache-hmac');
  const json = sealed ? text.slice(text.indexOf('\n') + 1) : text;
  const value = JSON.parse(json) as Record<string, unknown>;
  edit(value);
  writeFileSync(path, `${sealed ? `${text.slice(0, text.indexOf('\n'))}\n` : ''}${JSON.stringify(value)}`);
}

describe('the results cache', () => {
  it('does not publish an edited entry: it is recomputed, with a note', async () => {
    const work = temporary('cache');
    const analysis = writeAnalysis(join(work, 'lag'), { version: 1 });
    const e = env();
    const first = await run(['report', analysis, '--out', 'out', '--no-pdf'], work, e);
    expect(first.code, first.err).toBe(0);
    const truth = JSON.parse(readFileSync(join(work, 'out', 'lag', '1', 'results.json'), 'utf8')).pooled.summary.sens.est as number;
    const cacheDir = join(work, 'out', '.cache', 'results');
    const [entry] = readdirSync(cacheDir).filter((name) => name.endsWith('.json'));
    editEntry(join(cacheDir, entry!), (value) => {
      ((value.pooled as { summary: { sens: { est: number } } }).summary.sens.est = 0.999);
    });
    const second = await run(['report', analysis, '--out', 'out', '--no-pdf', '--replace'], work, e);
    expect(second.code, second.err).toBe(0);
    expect(second.out).toContain(`note: cached results out/.cache/results/${entry} failed the integrity check (changed after metadx wrote them); they were recomputed`);
    const published = JSON.parse(readFileSync(join(work, 'out', 'lag', '1', 'results.json'), 'utf8')).pooled.summary.sens.est as number;
    expect(published).toBe(truth);
    // an untouched entry is used again, silently
    const third = await run(['report', analysis, '--out', 'out', '--no-pdf', '--replace'], work, e);
    expect(third.out).not.toContain('integrity');
  }, 120_000);

  it('ignores entries sealed by another user (another secret)', async () => {
    const work = temporary('cache');
    const analysis = writeAnalysis(join(work, 'lag'), { version: 1 });
    expect((await run(['report', analysis, '--out', 'out', '--no-pdf'], work, env())).code).toBe(0);
    const second = await run(['report', analysis, '--out', 'out', '--no-pdf', '--replace'], work, env());
    expect(second.out).toContain('failed the integrity check');
  }, 120_000);
});

describe('the spec summary cache', () => {
  it('cannot make a changed spec look up to date', async () => {
    const work = temporary('cache');
    const analysis = writeAnalysis(join(work, 'lag'), { version: 1 });
    const e = env();
    expect((await run(['report', analysis, '--out', 'out', '--no-pdf'], work, e)).code).toBe(0);
    const specs = join(work, 'out', '.cache', 'specs');
    const [oldEntry] = readdirSync(specs);
    const oldSummary = readFileSync(join(specs, oldEntry!), 'utf8');
    // the spec changes; an attacker copies the old summary (its canonical hash) under the new spec's entry
    const spec = join(analysis, 'analysis.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('title: Versions test', 'title: Changed title'));
    expect((await run(['report', analysis, '--out', 'out', '--no-pdf'], work, e)).code).toBe(1);
    const newEntry = readdirSync(specs).find((name) => name !== oldEntry)!;
    writeFileSync(join(specs, newEntry), oldSummary);
    const forged = await run(['report', analysis, '--out', 'out', '--no-pdf'], work, e);
    expect(forged.out).not.toContain('up to date');
    expect(forged.code).toBe(1);
    expect(forged.err).toContain('the spec (analysis.yaml) changed');
  }, 120_000);
});

describe('the cache secret', () => {
  it('is a private file outside the output folder; seals verify only under the same secret', () => {
    const e = env();
    const path = cacheSecretPath(e);
    expect(path.startsWith(e.XDG_CACHE_HOME)).toBe(true);
    const secret = Buffer.alloc(32, 1);
    const sealed = seal('{"a":1}', secret, 'results/k1');
    expect(unseal(sealed, secret, 'results/k1')).toBe('{"a":1}');
    expect(unseal(sealed.replace('{"a":1}', '{"a":2}'), secret, 'results/k1')).toBeUndefined();
    expect(unseal(sealed, Buffer.alloc(32, 2), 'results/k1')).toBeUndefined();
    expect(unseal(sealed, secret, 'results/k2')).toBeUndefined();
    expect(unseal('{"a":1}', secret, 'results/k1')).toBeUndefined();
  });

  it('is created with mode 0600', async () => {
    const work = temporary('cache');
    const analysis = writeAnalysis(join(work, 'lag'), { version: 1 });
    const e = env();
    expect((await run(['report', analysis, '--out', 'out', '--no-pdf'], work, e)).code).toBe(0);
    expect(statSync(cacheSecretPath(e)).mode & 0o777).toBe(0o600);
  }, 120_000);
});
