/**
 * Content hashes: SHA-256 of bytes, and canonical JSON (keys sorted, no whitespace) so that two
 * equal values always hash alike whatever the key order or formatting they were written in.
 */
import { createHash } from 'node:crypto';

/** SHA-256 of a string (UTF-8) or bytes, as 64 lowercase hex digits. */
export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * JSON with object keys in code-unit order at every level and no whitespace. Like JSON.stringify,
 * `undefined` properties are dropped and non-finite numbers become null.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value);
  const entries = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/** SHA-256 of the canonical JSON of a value. */
export function hashJson(value: unknown): string {
  return sha256(canonicalJson(value));
}

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
