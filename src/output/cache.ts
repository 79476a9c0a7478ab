/**
 * The results cache, `out/.cache/results/<key>.json`: computed results (the expensive part: model
 * fits, subgroups, leave-one-out, cumulative steps) keyed by a content hash of the normalised spec,
 * the input bytes, the analysis name and the engine fingerprint (ENGINE_VERSION and the code that
 * computes results). A rebuild after a change to figures, templates or the PDF reuses them; a change
 * to anything that can move a number misses. Non-finite numbers and −0 are kept exactly (plain JSON
 * would turn NaN into null), so a cached run renders byte-identical output.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineFingerprint } from './fingerprint.ts';
import { hashJson } from './hash.ts';
import type { VersionPlan } from './plan.ts';

export const CACHE = '.cache';
/** Cached results kept per output root (oldest removed first). */
const KEEP = 64;

const TAG = '$number';

function encode(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) return { [TAG]: Object.is(value, -0) ? '-0' : String(value) };
  return value;
}

function decode(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === TAG) return Number((value as Record<string, string>)[TAG]);
  }
  return value;
}

/** JSON that keeps NaN, ±Infinity and −0. */
export const exactJson = {
  stringify: (value: unknown): string => JSON.stringify(value, encode),
  parse: <T>(text: string): T => JSON.parse(text, decode) as T,
};

/** The results cache key of a plan. */
export function resultsKey(plan: VersionPlan): string {
  return hashJson({ spec: plan.keyParts.spec, inputs: plan.keyParts.inputs, name: plan.name, engine: engineFingerprint() });
}

export class ResultsCache {
  private readonly directory: string;

  constructor(outRoot: string) {
    this.directory = join(outRoot, CACHE, 'results');
  }

  get<T>(key: string): T | undefined {
    const path = join(this.directory, `${key}.json`);
    if (!existsSync(path)) return undefined;
    try {
      return exactJson.parse<T>(readFileSync(path, 'utf8'));
    } catch {
      rmSync(path, { force: true });
      return undefined;
    }
  }

  set(key: string, value: unknown): void {
    mkdirSync(this.directory, { recursive: true });
    const path = join(this.directory, `${key}.json`);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, exactJson.stringify(value));
    renameSync(temporary, path);
    this.prune();
  }

  private prune(): void {
    pruneFolder(this.directory, KEEP);
  }
}

/** Keep the `keep` most recently written .json files of a cache folder. */
export function pruneFolder(directory: string, keep: number): void {
  const entries = readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .map((name) => ({ path: join(directory, name), time: statSync(join(directory, name)).mtimeMs }))
    .sort((a, b) => b.time - a.time);
  for (const stale of entries.slice(keep)) rmSync(stale.path, { force: true });
}
