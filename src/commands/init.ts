/**
 * `metadx init [FOLDER]`: a new analysis folder that validates and reports as it is.
 *
 *   FOLDER/analysis.yaml      the spec, with the `$schema` line editors use to complete and check it
 *   FOLDER/data/studies.csv   a data template in the MetaDTA layout (author, year, TP, FN, FP, TN)
 *                             with invented example rows, declared `provenance.status: simulated`
 *                             with a note, so the report carries the "simulated data" banner until
 *                             the rows are replaced and the status is set to `real`
 *   FOLDER/README.md          what to fill in, and the commands
 *
 * The `$schema` line points at this installation's schema/analysis.schema.json: by a relative path
 * when FOLDER lies inside the installation (as the shipped analyses do: it stays right when the
 * clone moves), else by its absolute path (yaml-language-server accepts both; a relative path
 * from elsewhere would break as soon as either folder moves). Nothing is overwritten: if any of
 * the three files exists, nothing is written (exit 1).
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isOutputName, suggestName } from '../spec/output-name.ts';
import { UserError } from '../diagnostics.ts';
import { initMessages as M } from '../messages.ts';
import { projectRoot } from '../output/fingerprint.ts';
import type { CliIo } from './common.ts';

/**
 * Invented 2x2 tables (no study reported them): enough tables, with enough between-study variation,
 * for every part of the report (a bivariate fit away from its boundaries: τ² ≈ 0.37 and 0.30, ρ ≈ −0.68).
 */
const EXAMPLE_ROWS = [
  ['Example A', 2012, 46, 4, 30, 120],
  ['Example B', 2013, 30, 10, 8, 112],
  ['Example C', 2014, 64, 16, 36, 164],
  ['Example D', 2015, 21, 9, 4, 86],
  ['Example E', 2016, 57, 3, 31, 109],
  ['Example F', 2018, 37, 8, 11, 99],
  ['Example G', 2019, 93, 7, 20, 230],
  ['Example H', 2021, 27, 8, 9, 91],
] as const;

export const DATA_TEMPLATE = `author,year,TP,FN,FP,TN\n${EXAMPLE_ROWS.map((row) => row.join(',')).join('\n')}\n`;

/** The `$schema` reference for a spec in `folder` (see the module comment). */
export function schemaReference(folder: string, root = projectRoot): string {
  const schema = join(root, 'schema', 'analysis.schema.json');
  const inside = relative(root, folder);
  const within = inside === '' || (inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside));
  return within ? relative(folder, schema).split(sep).join('/') : schema;
}

export function specTemplate(folder: string, name: string | undefined): string {
  return `# yaml-language-server: $schema=${schemaReference(folder)}
# A metadx analysis, written by metadx init. Replace every TODO; an editor with the YAML language
# server completes and checks each key from the schema above, and the metadx README describes them.
title: "TODO: index test for target condition, a diagnostic test accuracy meta-analysis"
${name ? `name: ${name}\n` : ''}authors:
  - "TODO: your name"
version: 1
index_test: "TODO: index test"
target_condition: "TODO: target condition"
reference_standard: "TODO: reference standard"

data:
  # one 2x2 table per row: author, year, TP, FN, FP, TN (the MetaDTA layout; study,tp,fp,fn,tn
  # and other layouts work too, see the metadx README)
  file: data/studies.csv
  provenance:
    # the example rows are invented: the report says so on its title page until you replace them
    # with your studies and set status: real
    status: simulated
    note: >-
      Example data written by metadx init: invented 2x2 tables, not taken from any study. Replace
      data/studies.csv with the studies of your review and set data.provenance.status to real.

model:
  # bivariate binomial GLMM; quadrature: 1 reproduces lme4::glmer (MetaDTA, Meta-DiSc 2.0),
  # 5 Stata metandi, 7 (the default) Stata midas
  method: glmm

# further sections (see the schema and README): covariates and subgroups, sensitivity, findings
# (summary of findings: prevalences, GRADE judgements), prisma or searches, characteristics,
# quadas, output (dpi, paper)
`;
}

export function readmeTemplate(folder: string): string {
  return `# ${basename(folder)}: a metadx analysis

Written by \`metadx init\`. It builds as it is, from **invented example data**: the report says so
on its title page ("simulated data") until you replace them.

## What to fill in

1. \`data/studies.csv\`: one row per 2x2 table of your review, in the MetaDTA layout:
   \`author\`, \`year\`, \`TP\`, \`FN\`, \`FP\`, \`TN\` (true positives, false negatives, false positives,
   true negatives). Delete the example rows (Example A to Example H). Extra columns become
   covariates you can use under \`subgroups:\`.
2. \`analysis.yaml\`: replace every \`TODO\` (title, authors, index test, target condition,
   reference standard), then set \`data.provenance.status: real\` and rewrite \`data.provenance.note\`
   to say where the counts come from.
3. Optionally add the other sections (covariates, subgroups, sensitivity, findings, prisma,
   characteristics, quadas, output); an editor with the YAML language server completes them from
   the schema named on the first line of \`analysis.yaml\`.

## Commands

\`\`\`sh
metadx validate ${folder}     # check the spec and the data (file:line:column for every problem)
metadx preview ${folder}      # the supplement in your browser, rebuilt whenever you save a file
metadx report ${folder}       # write out/<name>/<version>/: supplement.html and .pdf, figures, results.json
\`\`\`
`;
}

export function commandInit(target: string | undefined, io: CliIo): number {
  const folder = resolve(io.cwd, target ?? '.');
  const shown = relative(io.cwd, folder) || '.';
  if (existsSync(folder) && !statSync(folder).isDirectory()) {
    throw new UserError([{ severity: 'error', code: 'init.not-a-folder', message: M.notAFolder(shown) }]);
  }
  const name = basename(folder);
  const files = [
    { path: 'analysis.yaml', content: specTemplate(folder, isOutputName(name) ? undefined : suggestName(name)) },
    { path: join('data', 'studies.csv'), content: DATA_TEMPLATE },
    { path: 'README.md', content: readmeTemplate(shown) },
  ];
  const existing = files.filter((file) => existsSync(join(folder, file.path))).map((file) => join(shown, file.path));
  if (existing.length > 0) throw new UserError([{ severity: 'error', code: 'init.exists', message: M.exists(existing), hint: M.existsHint() }]);
  mkdirSync(join(folder, 'data'), { recursive: true });
  // 'wx': fail rather than overwrite a file that appeared meanwhile
  for (const file of files) writeFileSync(join(folder, file.path), file.content, { flag: 'wx' });
  io.out(M.wrote(shown, files.map((file) => file.path.split(sep).join('/'))));
  io.out(M.next(shown));
  return 0;
}
