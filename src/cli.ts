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
  metadx fit DATA.csv [--method glmm|reitsma] [--quadrature N] [--correction single|all|none] [--json]
      Fit the bivariate model to one data file and print a summary (or one JSON object).
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

async function commandFit(
  targets: string[],
  values: { json?: boolean; method?: string; quadrature?: string; correction?: string; region?: string },
  io: CliIo,
): Promise<number> {
  const usage = (message: string): number => {
    io.err(`error: ${message}\nusage: metadx fit DATA.csv [--method glmm|reitsma] [--quadrature N] [--correction single|all|none] [--json]`);
    return 2;
  };
  if (targets.length !== 1) return usage('give exactly one data file');
  const method = values.method ?? 'glmm';
  if (method !== 'glmm' && method !== 'reitsma') return usage(`--method must be glmm or reitsma, not "${method}"`);
  const quadrature = Number(values.quadrature ?? '7');
  if (!Number.isInteger(quadrature) || quadrature < 1 || quadrature > 41) return usage(`--quadrature must be a whole number from 1 to 41, not "${values.quadrature}"`);
  const correction = values.correction ?? (method === 'reitsma' ? 'all' : 'single');
  if (correction !== 'single' && correction !== 'all' && correction !== 'none') return usage(`--correction must be single, all or none, not "${correction}"`);
  const region = values.region ?? 'F';
  if (region !== 'F' && region !== 'chi2') return usage(`--region must be F or chi2, not "${region}"`);
  const { readFileSync } = await import('node:fs');
  const { loadStudyData } = await import('./data/load.ts');
  const { runFit, fitToText } = await import('./fit.ts');
  const file = targets[0]!;
  const path = resolve(io.cwd, file);
  if (!existsSync(path)) {
    io.err(formatDiagnostic({ severity: 'error', code: 'data.not-found', message: specMessages.fileMissing('data', file), file }));
    return 1;
  }
  const loaded = await loadStudyData(readFileSync(path), { file, spec: { data: { file }, covariates: {}, subgroups: [] } });
  printDiagnostics(loaded.diagnostics, io);
  if (!loaded.data) return 1;
  const fit = runFit(loaded.data, {
    method,
    quadrature,
    correction,
    correctionValue: 0.5,
    region,
    level: 0.95,
    aucCi: 'delta',
    bootstrap: 1000,
    seed: 20231201,
  });
  io.out(values.json ? JSON.stringify(fit, null, 2) : fitToText(fit, file));
  return 0;
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
        json: { type: 'boolean', default: false },
        method: { type: 'string' },
        quadrature: { type: 'string' },
        correction: { type: 'string' },
        region: { type: 'string' },
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
      case 'fit':
        return await commandFit(rest, values, io);
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
