/**
 * Stage 1: YAML text → validated `AnalysisSpec`. Reports every problem at once, each with file,
 * line and column (quarto/changesets style), and suggests the closest key for misspelt ones.
 * Pure: takes the text, returns the spec or diagnostics; reading the file happens in the caller.
 */
import { LineCounter, isMap, isScalar, parseDocument, visit, type Document, type Node as YamlNode } from 'yaml';
import { existsSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
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
  /** whether the spec writes this key path itself (not filled in by a default) */
  written?: (path: readonly (string | number)[]) => boolean;
}

type Issue = z.core.$ZodIssue;

/** Parse and validate spec text. `file` is only used in diagnostics. */
/** Tags of the YAML 1.2 core schema; every other tag (!!binary, !!js/function, !include, ...) is refused. */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

/** Problems described in full for one spec; more are only counted (spec.more-problems). */
export const MAX_SPEC_DIAGNOSTICS = 100;

/** Expanded aliases allowed before a spec counts as an alias bomb ("billion laughs"). */
const MAX_ALIAS_COUNT = 50;

/** Parse and validate spec text. `file` is only used in diagnostics. Never throws. */
export function loadSpec(source: string, file: string): SpecLoadResult {
  const lineCounter = new LineCounter();
  // core schema whatever a %YAML directive says; no custom or "known" (YAML 1.1) tags; no merge keys
  // duplicate keys are found below (linear time); the parser's own check is quadratic
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: false, customTags: [], resolveKnownTags: false, schema: 'core', merge: false });
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number | undefined): { line: number; column: number } | undefined => {
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const locate = (path: readonly (string | number)[]) => at(nodeRange(doc, path)?.[0]);

  // a spec read as UTF-8 that was not: the decoder left U+FFFD where the bytes were invalid
  const replacement = source.indexOf('\uFFFD');
  if (replacement >= 0) {
    diagnostics.push({ severity: 'error', code: 'spec.not-utf8', message: M.notUtf8(), hint: M.notUtf8Hint(), file, ...at(replacement) });
    return { diagnostics, locate };
  }
  // the first syntax error only: the ones after it are usually consequences of it
  const syntax = doc.errors[0];
  if (syntax) diagnostics.push(yamlErrorDiagnostic(syntax, source, file, at));
  else {
    const duplicate = firstDuplicateKey(doc);
    if (duplicate) diagnostics.push({ severity: 'error', code: 'spec.yaml-duplicate-key', message: M.yamlDuplicateKey(duplicate.key), hint: M.yamlDuplicateKeyHint(), file, ...at(duplicate.offset) });
  }
  const tagged = new Set<number>();
  for (const warning of doc.warnings) {
    if (warning.code === 'TAG_RESOLVE_FAILED') {
      const tag = (/Unresolved tag: (\S+)/.exec(warning.message)?.[1] ?? '').replace('tag:yaml.org,2002:', '!!');
      tagged.add(warning.pos[0]);
      diagnostics.push({ severity: 'error', code: 'spec.yaml-tag', message: M.yamlTag(tag), hint: M.yamlTagHint(), file, ...at(warning.pos[0]) });
    }
  }
  if (diagnostics.length > 0) return { diagnostics: sortDiagnostics(diagnostics), locate };
  // any explicit tag outside the core schema that the parser did resolve (defence in depth)
  visit(doc, {
    Node(_key, node) {
      const tag = (node as { tag?: string }).tag;
      const offset = (node as { range?: [number, number, number] }).range?.[0];
      if (tag && !CORE_TAGS.has(tag) && !tagged.has(offset ?? -1)) {
        diagnostics.push({ severity: 'error', code: 'spec.yaml-tag', message: M.yamlTag(tag.replace('tag:yaml.org,2002:', '!!')), hint: M.yamlTagHint(), file, ...at(offset) });
      }
    },
    Alias(_key, node) {
      if (node.resolve(doc) === undefined) {
        diagnostics.push({ severity: 'error', code: 'spec.yaml-alias', message: M.yamlUnknownAlias(node.source), hint: M.yamlUnknownAliasHint(), file, ...at(node.range?.[0]) });
      }
    },
  });
  if (diagnostics.length > 0) return { diagnostics: sortDiagnostics(diagnostics), locate };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // "Excessive alias count": an alias bomb; point at the first alias
    let first: number | undefined;
    visit(doc, {
      Alias(_key, node) {
        first ??= node.range?.[0];
        return visit.BREAK;
      },
    });
    const detail = error instanceof Error ? error.message : String(error);
    const message = /alias/i.test(detail) ? M.yamlAliasBomb(MAX_ALIAS_COUNT) : M.yamlSyntax(detail);
    diagnostics.push({ severity: 'error', code: 'spec.yaml-alias', message, hint: M.yamlAliasBombHint(), file, ...(at(first) ?? { line: 1, column: 1 }) });
    return { diagnostics, locate };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const hint = value === null || value === undefined ? M.emptySpecHint() : Array.isArray(value) ? M.notAMappingListHint() : M.emptySpecHint();
    diagnostics.push({ severity: 'error', code: 'spec.not-a-mapping', message: M.notAMapping(), hint, file, line: 1, column: 1 });
    return { diagnostics, locate };
  }

  // one Unicode form (NFC) for every key and text, as for data cells (src/data/csv.ts), so a label
  // or level typed on a Mac (decomposed) matches the same text typed elsewhere
  const parsed = AnalysisSpecSchema.safeParse(normaliseText(value));
  if (parsed.success) {
    diagnostics.push(...semanticChecks(parsed.data, file, locate));
    return diagnostics.length > 0 ? { diagnostics, locate } : { spec: parsed.data, diagnostics, locate, written: (path) => doc.hasIn(path) };
  }

  // at most MAX_SPEC_DIAGNOSTICS problems are described (each unknown key costs a suggestion
  // search); the rest are counted, so a spec with 100,000 stray keys is answered at once
  let omitted = 0;
  let firstOmitted: number | undefined;
  for (const issue of parsed.error.issues) {
    const budget = MAX_SPEC_DIAGNOSTICS - diagnostics.length;
    if (issue.code === 'unrecognized_keys' && issue.keys.length > budget) {
      const path = issue.path as (string | number)[];
      omitted += issue.keys.length - Math.max(budget, 0);
      firstOmitted ??= keyRange(doc, path, issue.keys[Math.max(budget, 0)]!)?.[0];
      if (budget > 0) diagnostics.push(...issueToDiagnostics({ ...issue, keys: issue.keys.slice(0, budget) }, doc, file, at, value));
    } else if (budget <= 0) {
      omitted++;
    } else diagnostics.push(...issueToDiagnostics(issue, doc, file, at, value));
  }
  const sorted = sortDiagnostics(dropMissingExplainedByTypos(diagnostics));
  if (omitted > 0) {
    sorted.push({ severity: 'error', code: 'spec.more-problems', message: M.moreProblems(omitted), hint: M.moreProblemsHint(), file, ...(at(firstOmitted) ?? { line: 1, column: 1 }) });
  }
  return { diagnostics: sorted, locate };
}

/** Every string (keys and values) of parsed YAML in Unicode normal form C. */
function normaliseText(value: unknown): unknown {
  if (typeof value === 'string') return value.normalize('NFC');
  if (Array.isArray(value)) return value.map(normaliseText);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key.normalize('NFC'), normaliseText(item)]));
  }
  return value;
}

/** A YAML parse error as a diagnostic, reworded for the common mistakes. */
function yamlErrorDiagnostic(
  error: { code: string; message: string; pos: [number, number] },
  source: string,
  file: string,
  at: (offset: number | undefined) => { line: number; column: number } | undefined,
): Diagnostic {
  const where = { file, ...at(error.pos[0]) };
  switch (error.code) {
    case 'DUPLICATE_KEY': {
      const key = (/^("[^"\n]*"|'[^'\n]*'|[^:\n]*)/.exec(source.slice(error.pos[0]))?.[0] ?? '').trim().replace(/^(["'])(.*)\1$/, '$2');
      return { severity: 'error', code: 'spec.yaml-duplicate-key', message: M.yamlDuplicateKey(key), hint: M.yamlDuplicateKeyHint(), ...where };
    }
    case 'MULTIPLE_DOCS':
      return { severity: 'error', code: 'spec.yaml-multiple-documents', message: M.yamlMultipleDocuments(), hint: M.yamlMultipleDocumentsHint(), ...where };
    case 'MISSING_CHAR':
      if (/quote/i.test(error.message)) {
        // the parser reports the end of the file; point at the quote that opens the value instead
        const before = source.slice(0, error.pos[0]);
        const opening = [...before.matchAll(/(?:^|[:\-[{,]\s*)(["'])/gm)].at(-1);
        const offset = opening ? opening.index + opening[0].length - 1 : error.pos[0];
        return { severity: 'error', code: 'spec.yaml-syntax', message: M.yamlUnclosedQuote(opening?.[1] ?? '"'), hint: M.yamlUnclosedQuoteHint(), file, ...at(offset) };
      }
      return { severity: 'error', code: 'spec.yaml-syntax', message: M.yamlSyntax(error.message.split('\n')[0]!), hint: M.yamlSyntaxHint(), ...where };
    case 'TAB_AS_INDENT':
      return { severity: 'error', code: 'spec.yaml-syntax', message: M.yamlSyntax('a tab is used for indentation'), hint: M.yamlTabHint(), ...where };
    default: {
      const detail = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      return { severity: 'error', code: 'spec.yaml-syntax', message: M.yamlSyntax(detail), hint: M.yamlSyntaxHint(), ...where };
    }
  }
}

/** Checks the schema cannot express: a real calendar date; grouping settings that need data.group and the GLMM. */
function semanticChecks(spec: AnalysisSpec, file: string, locate: SpecLoadResult['locate']): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (spec.data.shared_test_set !== undefined && spec.data.group === undefined) {
    diagnostics.push({ severity: 'error', code: 'spec.shared-test-set-needs-group', message: M.sharedTestSetNeedsGroup(), hint: M.sharedTestSetNeedsGroupHint(), file, field: 'data.shared_test_set', ...locate(['data', 'shared_test_set']) });
  }
  const structure = spec.model.structure;
  if ((structure === 'shared' || structure === 'nested') && spec.data.group === undefined) {
    diagnostics.push({ severity: 'error', code: 'spec.structure-needs-group', message: M.structureNeedsGroup(structure), hint: M.structureNeedsGroupHint(), file, field: 'model.structure', ...locate(['model', 'structure']) });
  }
  if ((structure === 'shared' || structure === 'nested') && spec.model.method !== 'glmm') {
    diagnostics.push({ severity: 'error', code: 'spec.structure-needs-glmm', message: M.structureNeedsGlmm(structure, spec.model.method), hint: M.structureNeedsGlmmHint(), file, field: 'model.structure', ...locate(['model', 'structure']) });
  }
  if (spec.date !== undefined) {
    const [year, month, day] = spec.date.split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
      diagnostics.push({ severity: 'error', code: 'spec.invalid-date', message: M.invalidDate(spec.date), hint: M.invalidDateHint(), file, field: 'date', ...locate(['date']) });
    }
  }
  return diagnostics;
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

/** Key → range of its key token, per mapping node, built once (so many unknown keys stay linear). */
const keyIndexes = new WeakMap<object, Map<string, [number, number, number]>>();

/** Range of the key token `key` inside the mapping at `path` (for unknown-key errors). */
function keyRange(doc: Document, path: readonly (string | number)[], key: string): [number, number, number] | undefined {
  const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!isMap(map)) return undefined;
  let index = keyIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      if (isScalar(pair.key) && pair.key.range && !index.has(String(pair.key.value))) index.set(String(pair.key.value), pair.key.range);
    }
    keyIndexes.set(map, index);
  }
  return index.get(key);
}

/**
 * The first key that appears twice in one mapping, found in linear time (the yaml package's own
 * uniqueKeys check compares every pair: minutes for a spec with 100,000 keys).
 */
function firstDuplicateKey(doc: Document): { key: string; offset: number | undefined } | undefined {
  let found: { key: string; offset: number | undefined } | undefined;
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (seen.has(key)) {
          const offset = (pair.key as { range?: [number, number, number] } | null)?.range?.[0];
          if (found === undefined || (offset ?? Infinity) < (found.offset ?? Infinity)) found = { key, offset };
          return;
        }
        seen.add(key);
      }
    },
  });
  return found;
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
        return [{ ...base, code: 'spec.missing-key', message: M.missingKey(where), hint: M.missingKeyHint(where), field: where, ...at(nodeRange(doc, parent)?.[0] ?? 0) }];
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
      return [{ ...base, code: 'spec.too-small', message: M.tooSmall(where, String(issue.minimum), issue.inclusive !== false), ...(isPrevalence(where) ? { hint: M.prevalenceHint(Number(valueAt(root, path))) } : {}), field: where, ...at(nodeRange(doc, path)?.[0]) }];
    case 'too_big':
      return [{ ...base, code: 'spec.too-big', message: M.tooBig(where, String(issue.maximum), issue.inclusive !== false), ...(where === 'model.level' ? { hint: M.levelHint() } : isPrevalence(where) ? { hint: M.prevalenceHint(Number(valueAt(root, path))) } : {}), field: where, ...at(nodeRange(doc, path)?.[0]) }];
    case 'invalid_union': {
      const received = valueAt(root, path);
      if (received === undefined) {
        return [{ ...base, code: 'spec.missing-key', message: M.missingKey(where), hint: M.missingKeyHint(where), field: where, ...at(nodeRange(doc, path.slice(0, -1))?.[0] ?? 0) }];
      }
      return [{ ...base, code: 'spec.invalid-type', message: M.invalidType(where, 'a whole number or a short name', typeName(received)), field: where, ...at(nodeRange(doc, path)?.[0]) }];
    }
    default: {
      if (issue.code === 'invalid_format' && where === 'date') {
        return [{ ...base, code: 'spec.invalid-date', message: M.invalidDateFormat(String(valueAt(root, path))), hint: M.invalidDateHint(), field: where, ...at(nodeRange(doc, path)?.[0]) }];
      }
      const message = issue.code === 'invalid_format' || issue.code === 'custom' ? issue.message : issue.message.replace(/^Invalid input: /, '');
      return [{ ...base, code: 'spec.invalid', message: /integer/i.test(message) ? M.notInteger(where) : M.other(where, message), field: where, ...at(nodeRange(doc, path)?.[0]) }];
    }
  }
}

/** Spec keys holding a prevalence (a proportion that users often write as a percentage). */
const isPrevalence = (where: string): boolean => where === 'fagan.prior' || /^findings\.prevalences\[\d+\]\.value$/.test(where);

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
    case 'record':
    case 'map':
      return 'a mapping';
    default:
      return expected;
  }
}

export type SpecInputPath =
  | { ok: true; absolute: string }
  | { ok: false; reason: 'outside' | 'symlink-outside' | 'missing' | 'not-a-file'; absolute: string; target?: string; kind?: FileKind };

export type FileKind = 'folder' | 'named pipe' | 'socket' | 'device' | 'special';

/** What a path that is not a regular file is, for messages. */
export function fileKind(stat: Stats): FileKind {
  if (stat.isDirectory()) return 'folder';
  if (stat.isFIFO()) return 'named pipe';
  if (stat.isSocket()) return 'socket';
  if (stat.isBlockDevice() || stat.isCharacterDevice()) return 'device';
  return 'special';
}

const inside = (folder: string, path: string): boolean => {
  const rel = relative(folder, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
};

/**
 * Where a file named in the spec (data.file, characteristics.file, quadas.file) is, and whether it
 * may be read: it must stay inside the analysis folder — also after following symbolic links —
 * unless `allowOutside` (an explicit opt-in) is given, and it must be a regular file.
 */
export function resolveSpecInput(directory: string, path: string, options: { allowOutside?: boolean } = {}): SpecInputPath {
  const absolute = resolve(directory, path);
  if (!options.allowOutside && !inside(directory, absolute)) return { ok: false, reason: 'outside', absolute };
  if (!existsSync(absolute)) return { ok: false, reason: 'missing', absolute };
  if (!options.allowOutside) {
    const target = realpathSync(absolute);
    if (!inside(realpathSync(directory), target)) return { ok: false, reason: 'symlink-outside', absolute, target };
  }
  const stat = statSync(absolute);
  if (!stat.isFile()) return { ok: false, reason: 'not-a-file', absolute, kind: fileKind(stat) };
  return { ok: true, absolute };
}
