/**
 * The bad-input corpus (tests/robustness/corpus/<case>/): each case is a folder with analysis.yaml
 * and its data, run through the real command line (`main` of src/cli.ts) with captured output:
 *
 *   command              "report" (then `report <case> --no-pdf --out <tmp>`); default `validate <case>`
 *   expected.txt         the exact stderr (diagnostics with file:line:column, message and hint)
 *   expected-stdout.txt  the exact stdout, with the output folder shown as <out> and times as <t>
 *   expected-exit        the exit code
 *   expected-html.txt    report cases: lines that must each appear in supplement.html
 *   no-location, no-line why the error cannot name a file (no spec found) or a line (a damaged
 *                        workbook); otherwise every error must name file and line
 *   env                  NAME=value lines added to the environment (e.g. a lowered limit, so a
 *                        small file stands for an oversized one)
 *
 * Goldens are rewritten with UPDATE_GOLDEN=1 (review the diff). The working folder is the corpus
 * folder, so files are shown as <case>/analysis.yaml, as a user running `metadx validate <case>` sees.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { main } from '../../src/cli.ts';
import { expectGolden } from '../helpers/golden.ts';

export const corpusRoot = join(import.meta.dirname, 'corpus');

export interface CorpusCase {
  name: string;
  directory: string;
  command: 'validate' | 'report';
}

export function corpusCases(): CorpusCase[] {
  return readdirSync(corpusRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const directory = join(corpusRoot, name);
      const commandFile = join(directory, 'command');
      const command = existsSync(commandFile) ? (readFileSync(commandFile, 'utf8').trim() as 'report') : 'validate';
      return { name, directory, command };
    });
}

export interface CaseOutcome {
  code: number;
  out: string;
  err: string;
  html?: string;
  outRoot?: string;
}

/** Run one case through the CLI with captured output (no PDF: tests/robustness/pipeline-faults covers it). */
export async function runCase(c: CorpusCase, env: NodeJS.ProcessEnv = {}): Promise<CaseOutcome> {
  const out: string[] = [];
  const err: string[] = [];
  const envFile = join(c.directory, 'env');
  const caseEnv = existsSync(envFile) ? Object.fromEntries(readFileSync(envFile, 'utf8').split('\n').filter((line) => line.includes('=')).map((line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()])) : {};
  const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), cwd: corpusRoot, env: { SOURCE_DATE_EPOCH: '1705276800', ...caseEnv, ...env } };
  if (c.command === 'validate') {
    const code = await main(['validate', c.name], io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  const outRoot = mkdtempSync(join(tmpdir(), `metadx-corpus-${c.name}-`));
  try {
    const code = await main(['report', c.name, '--no-pdf', '--out', outRoot], io);
    const htmlPath = join(outRoot, c.name, '1', 'supplement.html');
    const html = existsSync(htmlPath) ? readFileSync(htmlPath, 'utf8') : undefined;
    const normalise = (text: string) =>
      text.split(relative(corpusRoot, outRoot)).join('<out>').split(outRoot).join('<out>').replace(/\d+(\.\d+)? s\b/g, '<t> s').replace(/\(\d+ files/g, '(<n> files');
    return { code, out: normalise(out.join('\n')), err: normalise(err.join('\n')), ...(html !== undefined ? { html } : {}), outRoot };
  } finally {
    rmSync(outRoot, { recursive: true, force: true });
  }
}

/** Stack-trace lines (`at fn (file.ts:1:2)`) or the internal-error banner. */
export const STACK_TRACE = /^\s+at .+[:(].*\d+:\d+\)?$|internal error|\.ts:\d+:\d+/m;

/** Diagnostic lines: "path:line[:col]: error: ..." or an unlocated "error: ...". */
const DIAGNOSTIC = /^(?:(\S+?):(\d+)(?::(\d+))?: |(\S+): )?(error|warning|note): (.*)$/;

/**
 * Every problem printed names its file, line and (for cells and keys) column, and says what to do:
 * an indented hint on the next line, or a message that gives the fix itself (a suggestion, the
 * allowed values or the expected type).
 */
export function checkDiagnosticStyle(c: CorpusCase, stderr: string): void {
  const lines = stderr.split('\n');
  lines.forEach((line, index) => {
    const match = DIAGNOSTIC.exec(line);
    if (!match || match[5] !== 'error') return;
    const [, file, lineNumber] = match;
    // a case may say why a location is impossible (no-location: no file; no-line: a whole-file problem)
    const shownFile = file ?? match[4];
    if (!existsSync(join(c.directory, 'no-location'))) {
      expect(shownFile, `${c.name}: "${line}" names no file`).toBeDefined();
      expect(shownFile!.startsWith(`${c.name}/`), `${c.name}: "${line}" names a file outside the case`).toBe(true);
      if (!existsSync(join(c.directory, 'no-line'))) expect(lineNumber, `${c.name}: "${line}" names no line`).toBeDefined();
    }
    const hint = lines[index + 1]?.startsWith('    ') ?? false;
    const selfExplaining = /did you mean|is not one of|expected |must be|allowed keys|: use /.test(match[6]!);
    expect(hint || selfExplaining, `${c.name}: "${line}" says what is wrong but not what to do`).toBe(true);
  });
}

export function expectCaseGoldens(c: CorpusCase, outcome: CaseOutcome): void {
  expect(outcome.err, `${c.name}: stack trace in the output`).not.toMatch(STACK_TRACE);
  expect(outcome.out).not.toMatch(STACK_TRACE);
  expectGolden(join(c.directory, 'expected.txt'), outcome.err === '' ? '' : `${outcome.err}\n`);
  expectGolden(join(c.directory, 'expected-stdout.txt'), outcome.out === '' ? '' : `${outcome.out}\n`);
  const exitFile = join(c.directory, 'expected-exit');
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(exitFile, `${outcome.code}\n`);
  expect(existsSync(exitFile), `${c.name}: expected-exit is missing (run with UPDATE_GOLDEN=1 and review)`).toBe(true);
  expect(outcome.code, `${c.name}: exit code`).toBe(Number(readFileSync(exitFile, 'utf8').trim()));
  checkDiagnosticStyle(c, outcome.err);
}
