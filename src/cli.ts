/**
 * `metadx` command line: parses arguments and dispatches to src/commands/*.ts (report, validate,
 * fit, verify, diff), each loaded only when used, so a quick command stays quick.
 * User errors print as `file:line:col: error: message` with a hint, never a stack trace.
 * Exit codes: 0 success, 1 invalid input (or a version that exists with different inputs, or a
 * version that does not verify), 2 usage error, 3 report written but PDF failed,
 * 70 internal error (a bug: please report it).
 */
import { parseArgs } from 'node:util';
import { UserError } from './diagnostics.ts';
import { printDiagnostics, type CliIo } from './commands/common.ts';
import { METADX_VERSION } from './version.ts';

export type { CliIo } from './commands/common.ts';

const HELP = `metadx ${METADX_VERSION}: diagnostic-test-accuracy meta-analysis and journal supplement

Usage:
  metadx report [ANALYSIS...] [--out DIR] [--no-pdf] [--replace]
      Build out/<name>/<version>/ (supplement.html, supplement.pdf, figures/, results.json,
      inputs/, manifest.json) for each ANALYSIS (a folder with analysis.yaml, or a .yaml file).
      Default: every analyses/*/analysis.yaml under the current folder. A version that exists
      with the same inputs is reused ("up to date"); one with different inputs is refused.
  metadx verify VERSION_DIR
      Check every file of a version against its manifest.json, rebuild it from its inputs/
      and report each output as reproduced or not (exit 1 if any is not).
  metadx diff VERSION_DIR_A VERSION_DIR_B [--json]
      What changed from version A to version B: 2x2 tables, pooled estimates, figures.
  metadx validate [ANALYSIS...]
      Check specs and data; print every problem with file:line:column.
  metadx fit DATA.csv [--method glmm|reitsma] [--quadrature N] [--correction single|all|none] [--covariate NAME] [--json]
      Fit the bivariate model to one data file and print a summary (or one JSON object).
  metadx --help | --version

Options:
  --out DIR     output root (default: out)
  --no-pdf      skip the PDF (HTML, figures and results are still written)
  --replace     regenerate a version that exists with different inputs (versions are
                otherwise never overwritten: bump version: in analysis.yaml instead)
  --json        diff, fit: print one JSON object
  --allow-outside-data
                report, validate: read data files outside the analysis folder (by default
                paths in the spec, and links, must stay inside it)

Environment:
  PUPPETEER_EXECUTABLE_PATH   Chromium to print the PDF (default: system Chromium,
                              else the one shipped by @sparticuz/chromium)
  SOURCE_DATE_EPOCH           document date when the spec has no date:
  METADX_PDF_TIMEOUT_MS       give up printing the PDF after this many milliseconds
                              (default 120000); HTML and figures are still written
  METADX_THREADS              threads for refits (bootstrap, leave-one-out, cumulative;
                              default: the cores, at most 4); results do not depend on it
`;

const defaultIo = (): CliIo => ({
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  cwd: process.cwd(),
  env: process.env,
});

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
        replace: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        method: { type: 'string' },
        quadrature: { type: 'string' },
        correction: { type: 'string' },
        region: { type: 'string' },
        covariate: { type: 'string' },
        'allow-outside-data': { type: 'boolean', default: false },
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
      case 'report': {
        const { commandReport } = await import('./commands/report.ts');
        return await commandReport(rest, { out: values.out ?? 'out', pdf: !values['no-pdf'], replace: values.replace ?? false, allowOutsideData: values['allow-outside-data'] ?? false }, io);
      }
      case 'validate': {
        const { commandValidate } = await import('./commands/validate.ts');
        return await commandValidate(rest, io, { allowOutsideData: values['allow-outside-data'] ?? false });
      }
      case 'fit': {
        const { commandFit } = await import('./commands/fit.ts');
        return await commandFit(rest, values, io);
      }
      case 'verify': {
        const { commandVerify } = await import('./commands/verify.ts');
        return await commandVerify(rest, io);
      }
      case 'diff': {
        const { commandDiff } = await import('./commands/diff.ts');
        return await commandDiff(rest, { json: values.json ?? false }, io);
      }
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
