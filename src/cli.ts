/**
 * `metadx` command line. Subcommands: report, validate (and later fit, verify, diff).
 * User errors print as `file:line:col: error: message` with a hint, never a stack trace.
 * Exit codes: 0 success, 1 invalid input, 2 usage error, 3 report written but PDF failed,
 * 70 internal error (a bug: please report it).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UserError, formatDiagnostic, type Diagnostic } from './diagnostics.ts';
import { specMessages } from './messages.ts';
import { METADX_VERSION } from './version.ts';

const HELP = `metadx ${METADX_VERSION}: diagnostic-test-accuracy meta-analysis and journal supplement

Usage:
  metadx report [ANALYSIS...] [--out DIR] [--no-pdf]
      Build out/<name>/<version>/ (supplement.html, supplement.pdf, figures/, results.json)
      for each ANALYSIS (a folder with analysis.yaml, or a .yaml file).
      Default: every analyses/*/analysis.yaml under the current folder.
  metadx validate [ANALYSIS...]
      Check specs and data; print every problem with file:line:column.
  metadx --help | --version

Options:
  --out DIR     output root (default: out)
  --no-pdf      skip the PDF (HTML, figures and results are still written)

Environment:
  PUPPETEER_EXECUTABLE_PATH   Chromium to print the PDF (default: system Chromium,
                              else the one shipped by @sparticuz/chromium)
  SOURCE_DATE_EPOCH           document date when the spec has no date:
`;

type Writer = (text: string) => void;

export interface CliIo {
  out: Writer;
  err: Writer;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

const defaultIo = (): CliIo => ({
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  cwd: process.cwd(),
  env: process.env,
});

/** Analyses named on the command line, or every analyses/<name>/analysis.yaml. */
function discoverAnalyses(targets: string[], cwd: string): string[] {
  if (targets.length > 0) return targets.map((t) => resolve(cwd, t));
  const root = join(cwd, 'analyses');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .map((name) => join(root, name))
    .filter((dir) => existsSync(join(dir, 'analysis.yaml')));
}

function printDiagnostics(diagnostics: readonly Diagnostic[], io: CliIo): void {
  for (const d of diagnostics) io.err(formatDiagnostic(d));
}

async function commandValidate(targets: string[], io: CliIo): Promise<number> {
  const { loadAnalysis } = await import('./run.ts');
  const analyses = discoverAnalyses(targets, io.cwd);
  if (analyses.length === 0) {
    io.err(`error: ${specMessages.noAnalyses(join(io.cwd, 'analyses'))}`);
    return 1;
  }
  let failed = 0;
  for (const target of analyses) {
    try {
      const loaded = await loadAnalysis(target, io.cwd);
      printDiagnostics(loaded.diagnostics, io);
      io.out(`ok: ${relative(io.cwd, target) || target} (${loaded.data.studies.length} studies)`);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      printDiagnostics(error.diagnostics, io);
      const errors = error.diagnostics.filter((d) => d.severity === 'error').length;
      io.err(`${relative(io.cwd, target) || target}: ${errors} problem${errors === 1 ? '' : 's'} found`);
      failed++;
    }
  }
  return failed > 0 ? 1 : 0;
}

async function commandReport(targets: string[], options: { out: string; pdf: boolean }, io: CliIo): Promise<number> {
  const { loadAnalysis, buildReport } = await import('./run.ts');
  const analyses = discoverAnalyses(targets, io.cwd);
  if (analyses.length === 0) {
    io.err(`error: ${specMessages.noAnalyses(join(io.cwd, 'analyses'))}`);
    return 1;
  }
  let exitCode = 0;
  for (const target of analyses) {
    const started = performance.now();
    try {
      const loaded = await loadAnalysis(target, io.cwd);
      printDiagnostics(loaded.diagnostics, io);
      const outcome = await buildReport(loaded, { outRoot: resolve(io.cwd, options.out), pdf: options.pdf, env: io.env, log: io.out });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      io.out(`${loaded.name}: wrote ${relative(io.cwd, outcome.directory)}/ (${outcome.files.length} files, ${seconds} s)`);
      if (outcome.pdfError) {
        printDiagnostics([outcome.pdfError], io);
        exitCode = Math.max(exitCode, 3);
      }
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      printDiagnostics(error.diagnostics, io);
      exitCode = Math.max(exitCode, error.exitCode);
    }
  }
  return exitCode;
}

export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        out: { type: 'string', default: 'out' },
        'no-pdf': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    io.err(`error: ${error instanceof Error ? error.message : String(error)}\nrun \`metadx --help\` for usage`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.version) {
    io.out(METADX_VERSION);
    return 0;
  }
  if (values.help || command === undefined || command === 'help') {
    io.out(HELP);
    return command === undefined && !values.help ? 2 : 0;
  }
  try {
    switch (command) {
      case 'report':
        return await commandReport(rest, { out: values.out ?? 'out', pdf: !values['no-pdf'] }, io);
      case 'validate':
        return await commandValidate(rest, io);
      default:
        io.err(`error: unknown command "${command}"\nrun \`metadx --help\` for usage`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UserError) {
      printDiagnostics(error.diagnostics, io);
      return error.exitCode;
    }
    io.err(`internal error (a bug in metadx, please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 70;
  }
}
