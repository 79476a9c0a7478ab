/** The committed JSON Schema must equal the one generated from the validator (no drift). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analysisJsonSchema } from '../../src/spec/schema.ts';
import { METADX_VERSION } from '../../src/version.ts';

const root = join(import.meta.dirname, '..', '..');

describe('schema/analysis.schema.json', () => {
  it('is up to date (run `npm run schema` after changing src/spec/schema.ts)', () => {
    const committed = JSON.parse(readFileSync(join(root, 'schema', 'analysis.schema.json'), 'utf8'));
    expect(committed).toEqual(analysisJsonSchema());
  });

  it('lists the keys an editor should offer', () => {
    const schema = analysisJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['title', 'version', 'data', 'model', 'subgroups', 'prisma', 'published']));
    expect(schema.required).toEqual(expect.arrayContaining(['title', 'version', 'data']));
  });
});

describe('version', () => {
  it('src/version.ts matches package.json', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(METADX_VERSION).toBe(pkg.version);
  });
});
