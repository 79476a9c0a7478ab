/**
 * One line about a PDF, as CI prints it: pages, page sizes, title. Reads it with PDF.js
 * (src/pdf/read.ts), so no poppler is needed. Exit 1 when the file is missing or unreadable.
 *
 *   node bin/run-ts.js scripts/pdf-info.ts out/osteoporosis-dl/1/supplement.pdf
 */
import { readFileSync } from 'node:fs';
import { readPdf } from '../src/pdf/read.ts';

const path = process.argv[2];
try {
  if (!path) throw new Error('usage: scripts/pdf-info.ts FILE.pdf');
  const pdf = await readPdf(readFileSync(path));
  const sizes = [...new Set(pdf.pageSizes.map((s) => `${Math.round(s.width)}x${Math.round(s.height)}`))].join(', ');
  console.log(`${path}: ${pdf.pages} pages (${sizes} pt), title "${pdf.info.Title ?? ''}"`);
} catch (error) {
  console.log(`${path}: not a readable PDF (${error instanceof Error ? error.message : String(error)})`);
  process.exitCode = 1;
}
