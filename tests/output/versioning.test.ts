/** Version bookkeeping: version order, `latest`, stale staging folders, hashing, reuse keys, decisions. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { orderTargets } from '../../src/commands/report.ts';
import { exactJson } from '../../src/output/hash.ts';
import { decide } from '../../src/output/decide.ts';
import { canonicalJson } from '../../src/output/hash.ts';
import { planVersion } from '../../src/output/plan.ts';
import { compareVersions, listVersions, updateLatest } from '../../src/output/versions.ts';
import { STAGING, StagedVersion, cleanStaleStaging } from '../../src/output/write.ts';
import { temporary, writeAnalysis } from '../helpers/versions.ts';

const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('version order', () => {
  it('compares numbers numerically and text piece by piece', () => {
    const versions = ['10', '2', '1', '2024-06-30', '2023-12-01', '1.10', '1.9', 'b', 'a2', 'a10'];
    expect([...versions].sort(compareVersions)).toEqual(['1', '1.9', '1.10', '2', '10', '2023-12-01', '2024-06-30', 'a2', 'a10', 'b']);
    expect(compareVersions('3', '3')).toBe(0);
  });

  it('lists version folders in order, without latest, hidden folders or files', () => {
    const dir = temporary('list');
    for (const name of ['10', '9', '.tmp', 'x']) mkdirSync(join(dir, name));
    writeFileSync(join(dir, 'notes.txt'), '');
    expect(listVersions(dir)).toEqual(['9', '10', 'x']);
  });

  it('points latest at the highest version, replacing the old link', () => {
    const dir = temporary('latest');
    mkdirSync(join(dir, '2'));
    expect(updateLatest(dir)).toBe('2');
    mkdirSync(join(dir, '10'));
    expect(updateLatest(dir)).toBe('10');
    expect(readlinkSync(join(dir, 'latest'))).toBe('10');
    expect(listVersions(dir)).toEqual(['2', '10']);
  });

  it('builds the versions of one analysis in version order, other analyses in place', () => {
    const plans: Record<string, { name: string; version: string }> = { a2: { name: 'a', version: '2' }, b: { name: 'b', version: '1' }, a1: { name: 'a', version: '1' }, a10: { name: 'a', version: '10' } };
    const ordered = orderTargets(['a2', 'b', 'a10', 'bad', 'a1'], (target) => plans[target] as never);
    expect(ordered).toEqual(['a1', 'a2', 'a10', 'b', 'bad']);
  });
});

describe('staging', () => {
  it('removes staging folders of dead processes and restores a version moved aside for replacement', () => {
    const out = temporary('staging');
    const pid = deadPid();
    mkdirSync(join(out, STAGING, `${pid}.1.lag@2`, 'figures'), { recursive: true });
    mkdirSync(join(out, STAGING, `${pid}.2.replaced.lag@3`), { recursive: true });
    writeFileSync(join(out, STAGING, `${pid}.2.replaced.lag@3`, 'results.json'), '{}');
    mkdirSync(join(out, STAGING, `${process.pid}.99.lag@4`), { recursive: true }); // this process: kept
    cleanStaleStaging(out);
    expect(existsSync(join(out, STAGING, `${pid}.1.lag@2`))).toBe(false);
    expect(readFileSync(join(out, 'lag', '3', 'results.json'), 'utf8')).toBe('{}');
    expect(existsSync(join(out, STAGING, `${process.pid}.99.lag@4`))).toBe(true);
  });

  it('commits into place, refusing an existing folder unless replacing', () => {
    const out = temporary('commit');
    const first = StagedVersion.begin(out, 'lag', '1');
    expect(first.write({ path: 'a/b.txt', content: 'one' })).toEqual({ path: 'a/b.txt', sha256: '7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed', bytes: 3 });
    first.commit({ replace: false });
    const second = StagedVersion.begin(out, 'lag', '1');
    second.write({ path: 'a/b.txt', content: 'two' });
    expect(() => second.commit({ replace: false })).toThrow(/already exists/);
    second.commit({ replace: true });
    expect(readFileSync(join(out, 'lag', '1', 'a', 'b.txt'), 'utf8')).toBe('two');
    expect(existsSync(join(out, STAGING))).toBe(false);
  });
});

describe('hashing', () => {
  it('canonical JSON sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: undefined } })).toBe('{"a":{"d":[1,{"e":3,"f":2}]},"b":1}');
  });

  it('the cache keeps NaN, infinities and −0 exactly', () => {
    const value = { a: Number.NaN, b: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1.5], c: null };
    const back = exactJson.parse<typeof value>(exactJson.stringify(value));
    expect(back.a).toBeNaN();
    expect(Object.is(back.b[2], -0)).toBe(true);
    expect(back.b).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1.5]);
    expect(back.c).toBeNull();
  });
});

describe('reuse key', () => {
  const plan = (dir: string, out: string, env: NodeJS.ProcessEnv = {}) => planVersion(dir, { outRoot: out, env })!;

  it('ignores comments, formatting and key order of the spec, not its values or the data bytes', () => {
    const dir = writeAnalysis(join(temporary('key'), 'lag'), { version: 1 });
    const out = temporary('key-out');
    const base = plan(dir, out);
    expect(base).toMatchObject({ name: 'lag', version: '1', target: join(out, 'lag', '1') });
    const spec = readFileSync(join(dir, 'analysis.yaml'), 'utf8');
    writeFileSync(join(dir, 'analysis.yaml'), `# comment\n${spec.replace('title: Versions test', 'title:   "Versions test"   # same value')}`);
    expect(plan(dir, out).key).toBe(base.key);
    writeFileSync(join(dir, 'analysis.yaml'), spec.replace('date: 2020-01-01', 'date: 2020-01-02'));
    expect(plan(dir, out).keyParts.spec).not.toBe(base.keyParts.spec);
    writeFileSync(join(dir, 'analysis.yaml'), spec);
    writeFileSync(join(dir, 'data', 'data.csv'), `${readFileSync(join(dir, 'data', 'data.csv'), 'utf8')}\n`);
    const changed = plan(dir, out);
    expect(changed.keyParts.spec).toBe(base.keyParts.spec);
    expect(changed.keyParts.inputs['data/data.csv']).not.toBe(base.keyParts.inputs['data/data.csv']);
    expect(changed.key).not.toBe(base.key);
  });

  it('takes the name from the spec, and counts SOURCE_DATE_EPOCH only when the spec has no date', () => {
    const dir = writeAnalysis(join(temporary('name'), 'folder'), { version: '2024-06-30', name: 'review' });
    const out = temporary('name-out');
    expect(plan(dir, out).target).toBe(join(out, 'review', '2024-06-30'));
    expect(plan(dir, out, { SOURCE_DATE_EPOCH: '0' }).keyParts.date).toBeNull();
    writeFileSync(join(dir, 'analysis.yaml'), readFileSync(join(dir, 'analysis.yaml'), 'utf8').replace('date: 2020-01-01\n', ''));
    expect(plan(dir, out, { SOURCE_DATE_EPOCH: '0' })).toMatchObject({ date: { value: '1970-01-01', source: 'SOURCE_DATE_EPOCH' }, keyParts: { date: '1970-01-01' } });
    expect(plan(dir, out).date.source).toBe('clock');
  });

  it('cannot plan a version that would not name a folder', () => {
    const base = temporary('bad-version');
    for (const version of ['..', '.hidden', 'latest', '-x']) {
      const dir = writeAnalysis(join(base, `v${version}`), { version: JSON.stringify(version) });
      expect(planVersion(dir, { outRoot: join(base, 'out'), env: {} })).toBeUndefined();
    }
  });

  it('refuses a folder without a manifest, and builds a missing one', () => {
    const dir = writeAnalysis(join(temporary('decide'), 'lag'), { version: 1 });
    const out = temporary('decide-out');
    const planned = plan(dir, out);
    expect(decide(planned, { outRoot: out, pdf: false, replace: false })).toEqual({ action: 'build', replace: false, reason: 'new' });
    mkdirSync(planned.target, { recursive: true });
    expect(decide(planned, { outRoot: out, pdf: false, replace: false })).toEqual({ action: 'refuse', differences: [{ part: 'no-manifest' }] });
    expect(decide(planned, { outRoot: out, pdf: false, replace: true })).toEqual({ action: 'build', replace: true, reason: 'replace' });
  });
});
