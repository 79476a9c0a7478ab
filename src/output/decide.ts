/**
 * Whether to build a version, reuse it or refuse: versions are immutable, so an existing
 * `out/<name>/<version>/` is only ever reused (same key) or, with --replace, deliberately
 * regenerated.
 *
 * - no folder yet                         → build
 * - --replace                             → build and replace
 * - same key, outputs present             → reuse ("up to date"); a PDF asked for but missing → build
 * - only metadx's build or the environment differ (same spec, data, previous version, date)
 *                                         → rebuild in staging and compare: identical outputs
 *                                           keep the existing version (remembered in
 *                                           out/.cache/equivalent/, so the next run is instant);
 *                                           any difference → refuse
 * - the spec, an input file, the previous version or the date differ, or the folder has no
 *   manifest                              → refuse: bump `version:` or pass --replace
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UserError } from '../diagnostics.ts';
import { versionMessages } from '../messages.ts';
import { CACHE, cacheSecret, seal, unseal } from './cache.ts';
import { currentEnvironment } from './fingerprint.ts';
import type { Manifest } from './manifest.ts';
import type { VersionPlan } from './plan.ts';
import { readManifest } from './versions.ts';

export type Difference =
  | { part: 'no-manifest' }
  | { part: 'spec' }
  | { part: 'input'; path: string; change: 'changed' | 'added' | 'removed' }
  | { part: 'previous'; before: string | null; after: string | null }
  | { part: 'date'; before: string | null; after: string | null }
  | { part: 'build' }
  | { part: 'environment'; details: string[] };

export type Decision =
  | { action: 'build'; replace: boolean; reason: 'new' | 'replace' | 'incomplete' }
  | { action: 'reuse'; manifest: Manifest; reason: 'identical' | 'equivalent' }
  | { action: 'compare'; manifest: Manifest; differences: Difference[] }
  | { action: 'refuse'; differences: Difference[] };

/** What differs between an existing version's key and the plan's, most important first. */
export function keyDifferences(manifest: Manifest, plan: VersionPlan): Difference[] {
  const [old, now] = [manifest.keyParts, plan.keyParts];
  const differences: Difference[] = [];
  if (old.spec !== now.spec) differences.push({ part: 'spec' });
  for (const path of [...new Set([...Object.keys(old.inputs), ...Object.keys(now.inputs)])].sort()) {
    const [a, b] = [old.inputs[path], now.inputs[path]];
    if (a !== b) differences.push({ part: 'input', path, change: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed' });
  }
  const [pa, pb] = [old.previous, now.previous];
  if ((pa === null) !== (pb === null) || (pa && pb && (pa.version !== pb.version || pa.results !== pb.results || pa.manifest !== pb.manifest))) {
    differences.push({ part: 'previous', before: pa?.version ?? null, after: pb?.version ?? null });
  }
  if (old.date !== now.date) differences.push({ part: 'date', before: old.date, after: now.date });
  if (old.build !== now.build) differences.push({ part: 'build' });
  if (old.environment !== now.environment) differences.push({ part: 'environment', details: environmentChanges(manifest) });
  return differences;
}

/** "node 20.19.0 → 20.20.2", "vega 6.4.0 → 6.5.0", ... */
function environmentChanges(manifest: Manifest): string[] {
  const env = currentEnvironment();
  const changes: string[] = [];
  if (manifest.software.node !== env.node) changes.push(`node ${manifest.software.node} → ${env.node}`);
  if (manifest.software.platform !== env.platform) changes.push(`platform ${manifest.software.platform} → ${env.platform}`);
  const before = manifest.software.dependencyTree ?? {};
  for (const name of [...new Set([...Object.keys(before), ...Object.keys(env.dependencies)])].sort()) {
    if (before[name] !== env.dependencies[name]) changes.push(`${name} ${before[name] ?? '(none)'} → ${env.dependencies[name] ?? '(none)'}`);
  }
  return changes;
}

const equivalencePath = (outRoot: string, key: string) => join(outRoot, CACHE, 'equivalent', key);

/** Remember that a build with key `key` reproduced the version whose key is `manifestKey`. */
export function recordEquivalence(outRoot: string, key: string, manifestKey: string, env: NodeJS.ProcessEnv = process.env): void {
  const secret = cacheSecret(env);
  if (!secret) return;
  mkdirSync(join(outRoot, CACHE, 'equivalent'), { recursive: true });
  writeFileSync(equivalencePath(outRoot, key), seal(`${key} ${manifestKey}`, secret, `equivalent/${key}`));
}

/** A sealed record (src/output/cache.ts) says that `key` reproduced `manifestKey`. */
function isEquivalent(outRoot: string, key: string, manifestKey: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const path = equivalencePath(outRoot, key);
  const secret = cacheSecret(env);
  if (!secret || !existsSync(path)) return false;
  try {
    return unseal(readFileSync(path, 'utf8'), secret, `equivalent/${key}`) === `${key} ${manifestKey}`;
  } catch {
    return false;
  }
}

/** Every output the manifest lists is there with its recorded size (a cheap check; verify hashes). */
function outputsPresent(directory: string, manifest: Manifest): boolean {
  return [...manifest.outputs, ...manifest.inputs].every((file) => {
    const path = join(directory, file.path);
    return existsSync(path) && statSync(path).size === file.bytes;
  });
}

const hasPdf = (manifest: Manifest): boolean => manifest.outputs.some((file) => file.path === 'supplement.pdf');

export function decide(plan: VersionPlan, options: { outRoot: string; pdf: boolean; replace: boolean; env?: NodeJS.ProcessEnv }): Decision {
  if (!existsSync(plan.target)) return { action: 'build', replace: false, reason: 'new' };
  if (options.replace) return { action: 'build', replace: true, reason: 'replace' };
  const manifest = readManifest(plan.target);
  if (!manifest) return { action: 'refuse', differences: [{ part: 'no-manifest' }] };
  const differences = keyDifferences(manifest, plan);
  const complete = outputsPresent(plan.target, manifest) && (!options.pdf || hasPdf(manifest));
  if (differences.length === 0) return complete ? { action: 'reuse', manifest, reason: 'identical' } : { action: 'build', replace: true, reason: 'incomplete' };
  if (differences.every((difference) => difference.part === 'build' || difference.part === 'environment')) {
    if (complete && isEquivalent(options.outRoot, plan.key, manifest.key, options.env)) return { action: 'reuse', manifest, reason: 'equivalent' };
    return { action: 'compare', manifest, differences };
  }
  return { action: 'refuse', differences };
}

/** The error of a refused run: which inputs differ (and, after a rebuild, which files), and what to do. */
export function refusalError(plan: VersionPlan, differences: readonly Difference[], cwd: string, files: readonly string[] = []): UserError {
  const shown = (path: string) => relative(cwd, path) || path;
  return new UserError([
    {
      severity: 'error',
      code: 'output.version-exists',
      message: versionMessages.exists(shown(plan.target), differences.map(versionMessages.difference), files),
      hint: versionMessages.existsHint(plan.version),
      file: shown(plan.specPath),
    },
  ]);
}
