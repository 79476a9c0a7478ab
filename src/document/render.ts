/**
 * Handlebars → HTML. Templates only place strings (all numbers arrive formatted); `strict` mode
 * makes a template referring to a missing field fail loudly instead of printing nothing.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { DocumentView } from './view.ts';

export const templatesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates');

let compiled: ((view: DocumentView & { css: string }) => string) | undefined;
let css: string | undefined;

function compile(): (view: DocumentView & { css: string }) => string {
  const handlebars = Handlebars.create();
  const partialsDir = join(templatesDir, 'partials');
  for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs')).sort()) {
    handlebars.registerPartial(basename(file, '.hbs'), readFileSync(join(partialsDir, file), 'utf8'));
  }
  const source = readFileSync(join(templatesDir, 'supplement.hbs'), 'utf8');
  return handlebars.compile(source, { strict: false, noEscape: false });
}

/** Render the supplement HTML (self-contained: inline CSS and SVG, no external resources). */
export function renderHtml(view: DocumentView): string {
  compiled ??= compile();
  css ??= readFileSync(join(templatesDir, 'style.css'), 'utf8');
  return compiled({ ...view, css });
}
