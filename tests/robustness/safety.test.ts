/**
 * Static safety checks of the sources and templates:
 * - no eval, new Function or node:vm in src/ (vega compiles its own expressions; no spec or data
 *   text is ever put into a Vega expression: filters and tests use internal constants only);
 * - Handlebars escapes everything except the two places that insert trusted markup (the inline
 *   CSS file and the SVG that vega renders, whose text vega escapes); a new triple-stash fails here;
 * - YAML specs are parsed without custom tags (every tag outside the core schema is an error).
 * Escaping of data and spec text in the rendered HTML/SVG/PDF is checked end to end by the corpus
 * case report-html-injection and by pipeline-faults.test.ts (a remote image in the data).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/diagnostics.ts';
import { loadSpec } from '../../src/spec/load.ts';

const root = join(import.meta.dirname, '..', '..');

function files(directory: string, extension: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) return files(path, extension);
    return path.endsWith(extension) ? [path] : [];
  });
}

describe('sources', () => {
  it('use no eval, new Function or node:vm', () => {
    const offending = files(join(root, 'src'), '.ts').flatMap((path) =>
      readFileSync(path, 'utf8')
        .split('\n')
        .map((line, index) => ({ line, index }))
        .filter(({ line }) => /\beval\s*\(|new\s+Function\s*\(|\bFunction\s*\(\s*['"`]|from ['"](node:)?vm['"]|require\(['"](node:)?vm['"]\)/.test(line))
        .map(({ index }) => `${relative(root, path)}:${index + 1}`),
    );
    expect(offending).toEqual([]);
  });

  it('put no spec or data text into Vega expressions (filters and tests interpolate internal constants only)', () => {
    for (const path of files(join(root, 'src', 'figures'), '.ts')) {
      for (const match of readFileSync(path, 'utf8').matchAll(/(?:filter|test|expr|calculate):\s*`([^`]*)`/g)) {
        for (const [, name] of match[1]!.matchAll(/\$\{([^}]+)\}/g)) expect(['weight', 'align', 'font'], `${relative(root, path)}: \${${name}} in a Vega expression`).toContain(name);
      }
    }
  });
});

describe('templates', () => {
  it('escape everything but the inline CSS and the rendered SVG', () => {
    const raw = files(join(root, 'templates'), '.hbs').flatMap((path) => [...readFileSync(path, 'utf8').matchAll(/\{\{\{\s*([^}]+?)\s*\}\}\}|\{\{&\s*([^}]+?)\s*\}\}/g)].map((m) => `${relative(root, path)}: ${m[1] ?? m[2]}`));
    expect(raw.sort()).toEqual(['templates/partials/figure.hbs: svg', 'templates/supplement.hbs: css']);
  });
});

describe('YAML', () => {
  it.each([
    ['!!js/function "function () {}"', '!!js/function'],
    ['!!js/undefined ""', '!!js/undefined'],
    ['!include secrets.yaml', '!include'],
    ['!!binary aGVsbG8=', '!!binary'],
    ['!!timestamp 2024-01-01', '!!timestamp'],
    ['!<tag:example.org,2024:x> y', 'tag:example.org,2024:x'],
  ])('refuses the tag in %s', (value, tag) => {
    const { spec, diagnostics } = loadSpec(`title: ${value}\nversion: 1\ndata:\n  file: data.csv\n`, 'analysis.yaml');
    expect(spec).toBeUndefined();
    expect(diagnostics.map(formatDiagnostic)).toEqual([`analysis.yaml:1:8: error: custom YAML tag ${tag} is not allowed\n    remove the tag; analysis specs use plain YAML values only`]);
  });

  it('keeps the core-schema tags', () => {
    const { spec, diagnostics } = loadSpec('title: !!str 2024\nversion: !!int "3"\ndata:\n  file: data.csv\n', 'analysis.yaml');
    expect(diagnostics).toEqual([]);
    expect(spec).toMatchObject({ title: '2024', version: 3 });
  });
});
