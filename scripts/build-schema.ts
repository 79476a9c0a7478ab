/** Writes schema/analysis.schema.json from the spec validator (src/spec/schema.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analysisJsonSchema } from '../src/spec/schema.ts';

const path = join(import.meta.dirname, '..', 'schema', 'analysis.schema.json');
writeFileSync(path, `${JSON.stringify(analysisJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path}`);
