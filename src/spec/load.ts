/**
 * Stage 1: YAML text → validated `AnalysisSpec`. Reports every problem at once, each with file,
 * line and column (quarto/changesets style), and suggests the closest key for misspelt ones.
 * Pure: takes the text, returns the spec or diagnostics; reading the file happens in the caller.
 */
import { LineCounter, isMap, isScalar, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { sortDiagnostics, type Diagnostic } from '../diagnostics.ts';
import { specMessages as M } from '../messages.ts';
import { closest } from '../suggest.ts';
import { AnalysisSpecSchema, type AnalysisSpec } from './schema.ts';

export interface SpecLoadResult {
  spec?: AnalysisSpec;
  diagnostics: Diagnostic[];
  /** line/column of each key path, for later stages that want to point into the spec */
  locate: (path: readonly (string | number)[]) => { line: number; column: number } | undefined;
}

type Issue = z.core.$ZodIssue;

/** Parse and validate spec text. `file` is only used in diagnostics. */
export function loadSpec(source: string, file: string): SpecLoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true, customTags: [], merge: false });
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number | undefined): { line: number; column: number } | undefined => {
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const locate = (path: readonly (string | number)[]) => at(nodeRange(doc, path)?.[0]);

  for (const error of doc.errors) {
    const detail = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    diagnostics.push({ severity: 'error', code: 'spec.yaml-syntax', message: M.yamlSyntax(detail), file, ...at(error.pos[0]) });
  }
  for (const warning of doc.warnings) {
    if (warning.code === 'TAG_RESOLVE_FAILED') {
      const tag = (/Unresolved tag: (\S+)/.exec(warning.message)?.[1] ?? '').replace('tag:yaml.org,2002:', '!!');
      diagnostics.push({ severity: 'error', code: 'spec.yaml-tag', message: M.yamlTag(tag), hint: M.yamlTagHint(), file, ...at(warning.pos[0]) });
    }
  }
  if (diagnostics.length > 0) return { diagnostics, locate };

  const value: unknown = doc.toJS({ maxAliasCount: 50 });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.push({ severity: 'error', code: 'spec.not-a-mapping', message: M.notAMapping(), file, line: 1, column: 1 });
    return { diagnostics, locate };
  }

  const parsed = AnalysisSpecSchema.safeParse(value);
  if (parsed.success) return { spec: parsed.data, diagnostics, locate };

  for (const issue of parsed.error.issues) diagnostics.push(...issueToDiagnostics(issue, doc, file, at, value));
  return { diagnostics: sortDiagnostics(dropMissingExplainedByTypos(diagnostics)), locate };
}

/** A "missing key version" next to "unknown key versoin; did you mean version?" says the same twice. */
function dropMissingExplainedByTypos(diagnostics: Diagnostic[]): Diagnostic[] {
  const suggested = new Set(
    diagnostics
      .filter((d) => d.code === 'spec.unknown-key')
      .map((d) => {
        const match = /did you mean "([^"]+)"/.exec(d.message);
        const parent = (d.field ?? '').split('.').slice(0, -1);
        return match ? [...parent, match[1]].join('.') : '';
      }),
  );
  return diagnostics.filter((d) => !(d.code === 'spec.missing-key' && suggested.has(d.field ?? '')));
}

function nodeRange(doc: Document, path: readonly (string | number)[]): [number, number, number] | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as YamlNode | undefined;
    if (node && typeof node === 'object' && 'range' in node && node.range) return node.range as [number, number, number];
  }
  return undefined;
}

/** Range of the key token `key` inside the mapping at `path` (for unknown-key errors). */
function keyRange(doc: Document, path: readonly (string | number)[], key: string): [number, number, number] | undefined {
  const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!isMap(map)) return undefined;
  for (const pair of map.items) {
    if (isScalar(pair.key) && String(pair.key.value) === key && pair.key.range) return pair.key.range;
  }
  return undefined;
}

function describePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'spec' : path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `text ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Keys allowed at `path` in the schema (walking objects, optionals, defaults, arrays, records). */
export function knownKeysAt(path: readonly PropertyKey[]): string[] {
  // zod 4 keeps the structure in `_zod.def`; walk it without depending on class names.
  type Def = { type: string; shape?: Record<string, unknown>; innerType?: unknown; element?: unknown; valueType?: unknown; in?: unknown };
  const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;
  const unwrap = (schema: unknown): unknown => {
    let current = schema;
    for (;;) {
      const def = defOf(current);
      if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') && def.innerType) current = def.innerType;
      else if (def.type === 'pipe' && def.in) current = def.in;
      else return current;
    }
  };
  let schema: unknown = unwrap(AnalysisSpecSchema);
  for (const key of path) {
    const def = defOf(schema);
    if (def.type === 'object' && def.shape) schema = unwrap(def.shape[String(key)]);
    else if (def.type === 'array' && def.element) schema = unwrap(def.element);
    else if (def.type === 'record' && def.valueType) schema = unwrap(def.valueType);
    else return [];
    if (schema === undefined) return [];
  }
  const def = defOf(schema);
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function issueToDiagnostics(
  issue: Issue,
  doc: Document,
  file: string,
  at: (offset: number | undefined) => { line: number; column: number } | undefined,
  root: unknown,
): Diagnostic[] {
  const path = issue.path as (string | number)[];
  const where = describePath(path);
  const base = { severity: 'error' as const, file };
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(path);
      return issue.keys.map((key) => {
        const suggestion = closest(key, known);
        return {
          ...base,
          code: 'spec.unknown-key',
          message: M.unknownKey(key, suggestion),
          ...(suggestion ? {} : { hint: M.unknownKeyHint(known) }),
          field: [...path, key].join('.'),
          ...at(keyRange(doc, path, key)?.[0] ?? nodeRange(doc, path)?.[0]),
        };
      });
    }
    case 'invalid_type': {
      const received = valueAt(root, path);
      if (received === undefined) {
        const parent = path.slice(0, -1);
        return [{ ...base, code: 'spec.missing-key', message: M.missingKey(where), field: where, ...at(nodeRange(doc, parent)?.[0] ?? 0) }];
      }
      return [{ ...base, code: 'spec.invalid-type', message: M.invalidType(where, expectedName(issue.expected), typeName(received)), field: where, ...at(nodeRange(doc, path)?.[0]) }];
    }
    case 'invalid_value': {
      const received = valueAt(root, path);
      const allowed = issue.values.map(String);
      const suggestion = typeof received === 'string' ? closest(received, allowed) : undefined;
      return [{ ...base, code: 'spec.invalid-value', message: M.invalidValue(where, JSON.stringify(received), allowed, suggestion), field: where, ...at(nodeRange(doc, path)?.[0]) }];
    }
    case 'too_small':
      return [{ ...base, code: 'spec.too-small', message: M.tooSmall(where, String(issue.minimum)), field: where, ...at(nodeRange(doc, path)?.[0]) }];
    case 'too_big':
      return [{ ...base, code: 'spec.too-big', message: M.tooBig(where, String(issue.maximum)), field: where, ...at(nodeRange(doc, path)?.[0]) }];
    case 'invalid_union': {
      const received = valueAt(root, path);
      if (received === undefined) {
        return [{ ...base, code: 'spec.missing-key', message: M.missingKey(where), field: where, ...at(nodeRange(doc, path.slice(0, -1))?.[0] ?? 0) }];
      }
      return [{ ...base, code: 'spec.invalid-type', message: M.invalidType(where, 'a whole number or a short name', typeName(received)), field: where, ...at(nodeRange(doc, path)?.[0]) }];
    }
    default: {
      const message = issue.code === 'invalid_format' || issue.code === 'custom' ? issue.message : issue.message.replace(/^Invalid input: /, '');
      return [{ ...base, code: 'spec.invalid', message: /integer/i.test(message) ? M.notInteger(where) : M.other(where, message), field: where, ...at(nodeRange(doc, path)?.[0]) }];
    }
  }
}

function expectedName(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping';
    default:
      return expected;
  }
}
