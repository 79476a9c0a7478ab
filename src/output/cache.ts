/**
 * The results cache, `out/.cache/results/<key>.json`: computed results (the expensive part: model
 * fits, subgroups, leave-one-out, cumulative steps) keyed by a content hash of the statistical
 * inputs only (resultsKey below) and the engine fingerprint (ENGINE_VERSION and the code that
 * computes results). A rebuild after a change to figures, templates, the PDF or a presentation-only
 * setting (dpi, paper, title, ...) reuses them; a change to anything that can move a number misses. Non-finite numbers and −0 are kept exactly (plain JSON
 * would turn NaN into null), so a cached run renders byte-identical output.
 *
 * Integrity: every cache entry (results, spec summaries, equivalences) is sealed with an HMAC-SHA256
 * under a per-user secret kept outside the output folder (`$XDG_CACHE_HOME/metadx/cache-secret`,
 * else `~/.cache/metadx/cache-secret`, mode 0600). An entry edited after metadx wrote it, or copied
 * from another user's output folder, fails the check and is recomputed (with a note), so it can
 * never be published in a version and certified by its manifest. Without a usable secret (no home
 * folder, read-only) nothing is cached.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { engineFingerprint } from './fingerprint.ts';
import { exactJson, hashJson } from './hash.ts';
import type { StatisticalInputs } from '../results/inputs.ts';

export const CACHE = '.cache';
/** Cached results kept per output root (oldest removed first). */
const KEEP = 64;

/**
 * The results cache key: the statistical inputs (src/results/inputs.ts: the spec without its
 * presentation-only keys, the parsed studies, covariates and QUADAS-2 judgements) and the engine.
 * A change of dpi, paper, title, authors, figures, characteristics, name or version reuses the
 * entry; the version key (src/output/plan.ts), which decides reuse of a version folder, still
 * covers everything.
 */
export function resultsKey(inputs: StatisticalInputs): string {
  return hashJson({ inputs, engine: engineFingerprint() });
}

const SECRET_BYTES = 32;
const secrets = new Map<string, Buffer | null>();

/** Where the per-user cache secret lives (outside any output folder). */
export function cacheSecretPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(env.HOME || homedir(), '.cache');
  return join(base, 'metadx', 'cache-secret');
}

/**
 * The per-user secret that seals cache entries, created on first use (0600); null when it cannot be
 * read or created, or is not a private regular file of this user (then nothing is cached).
 */
export function cacheSecret(env: NodeJS.ProcessEnv = process.env): Buffer | null {
  const path = cacheSecretPath(env);
  if (secrets.has(path)) return secrets.get(path)!;
  let secret: Buffer | null = null;
  try {
    if (!existsSync(path)) {
      mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
      try {
        writeFileSync(path, randomBytes(SECRET_BYTES), { flag: 'wx', mode: 0o600 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // another run made it first
      }
    }
    const stat = lstatSync(path);
    const ownUser = typeof process.getuid !== 'function' || stat.uid === process.getuid();
    if (stat.isFile() && ownUser) {
      if ((stat.mode & 0o077) !== 0) chmodSync(path, 0o600);
      const bytes = readFileSync(path);
      if (bytes.length >= SECRET_BYTES) secret = bytes;
    }
  } catch {
    secret = null;
  }
  secrets.set(path, secret);
  return secret;
}

const SEAL = 'metadx-cache-hmac-sha256:';

const mac = (secret: Buffer, key: string, text: string) => createHmac('sha256', secret).update(`${key}\n`).update(text).digest();

/**
 * `text` with a first line holding its HMAC under `secret`, bound to the entry's `key` (its file
 * name), so an entry copied under another key does not verify either.
 */
export function seal(text: string, secret: Buffer, key: string): string {
  return `${SEAL}${mac(secret, key, text).toString('hex')}\n${text}`;
}

/** The text of a sealed entry, or undefined when the seal is missing or does not match. */
export function unseal(sealed: string, secret: Buffer, key: string): string | undefined {
  const newline = sealed.indexOf('\n');
  if (!sealed.startsWith(SEAL) || newline < 0) return undefined;
  const given = Buffer.from(sealed.slice(SEAL.length, newline), 'hex');
  const text = sealed.slice(newline + 1);
  const expected = mac(secret, key, text);
  return given.length === expected.length && timingSafeEqual(given, expected) ? text : undefined;
}

/** What a cache lookup found: an entry that passed the integrity check, nothing, or a damaged entry. */
export type CacheLookup<T> = { status: 'hit'; value: T } | { status: 'miss' } | { status: 'tampered'; path: string };

export class ResultsCache {
  private readonly directory: string;
  private readonly secret: Buffer | null;

  constructor(outRoot: string, env: NodeJS.ProcessEnv = process.env) {
    this.directory = join(outRoot, CACHE, 'results');
    this.secret = cacheSecret(env);
  }

  /** The entry under `key` if its seal verifies; a damaged or edited entry is removed (unless `keep`: a reader that writes nothing). */
  lookup<T>(key: string, options: { keep?: boolean } = {}): CacheLookup<T> {
    const path = join(this.directory, `${key}.json`);
    if (this.secret === null || !existsSync(path)) return { status: 'miss' };
    let text: string | undefined;
    try {
      text = unseal(readFileSync(path, 'utf8'), this.secret, `results/${key}`);
      if (text !== undefined) return { status: 'hit', value: exactJson.parse<T>(text) };
    } catch {
      text = undefined;
    }
    if (!options.keep) rmSync(path, { force: true });
    return { status: 'tampered', path };
  }

  get<T>(key: string): T | undefined {
    const found = this.lookup<T>(key);
    return found.status === 'hit' ? found.value : undefined;
  }

  /** Store an entry; a cache that cannot be written (read-only, full) only costs time later. */
  set(key: string, value: unknown): void {
    if (this.secret === null) return;
    const path = join(this.directory, `${key}.json`);
    const temporary = `${path}.${process.pid}.tmp`;
    try {
      mkdirSync(this.directory, { recursive: true });
      writeFileSync(temporary, seal(exactJson.stringify(value), this.secret, `results/${key}`));
      renameSync(temporary, path);
      this.prune();
    } catch {
      rmSync(temporary, { force: true });
    }
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
