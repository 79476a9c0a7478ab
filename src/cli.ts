/**
 * `metadx` command line: parses arguments and dispatches to src/commands/*.ts (report, validate,
 * fit, verify, diff, preview, init), each loaded only when used, so a quick command stays quick.
 * Progress of long work goes to stderr (src/commands/progress.ts; --quiet turns it off).
 * User errors print as `file:line:col: error: message` with a hint, never a stack trace.
 * Exit codes: 0 success, 1 invalid input (or a version that exists with different inputs, or a
 * version that does not verify), 2 usage error, 3 report written but PDF failed,
 * 70 internal error (a bug: please report it).
 */
import { parseArgs } from 'node:util';
import { UserError } from './diagnostics.ts';
import { printDiagnostics, type CliIo } from './commands/common.ts';
import { DEFAULT_LIMITS, LIMIT_VARIABLES, readLimits } from './limits.ts';
import { cliMessages, initMessages, limitMessages, previewMessages } from './messages.ts';
import { closest } from './suggest.ts';
import { METADX_VERSION } from './version.ts';

export type { CliIo } from './commands/common.ts';

/** Every option of every command: how it is parsed and what `--help` says about it. */
const OPTIONS = {
  out: { type: 'string', value: 'DIR', help: 'output root (default: out)' },
  'no-pdf': { type: 'boolean', help: 'skip the PDF (HTML, figures and results are still written)' },
  replace: { type: 'boolean', help: 'regenerate a version that exists with different inputs\n(otherwise never overwritten: bump version: in analysis.yaml)' },
  'allow-outside-data': { type: 'boolean', help: 'read files named in the spec outside the analysis folder\n(by default paths in the spec, and links, must stay inside it)' },
  json: { type: 'boolean', help: 'print one JSON object on stdout (README.md, "Machine-readable\noutput"); usage errors stay text on stderr' },
  method: { type: 'string', value: 'glmm|reitsma', help: 'model (default: glmm), as model.method in a spec' },
  quadrature: { type: 'string', value: 'N', help: 'adaptive Gauss–Hermite points of the GLMM, 1–41 (default: 7)' },
  group: { type: 'string', value: 'COLUMN', help: 'the column naming the study of each 2x2 table (tables of one study are then grouped)' },
  structure: { type: 'string', value: 'independent|shared|nested', help: 'how the tables of one study are modelled (default with --group: nested)' },
  label: { type: 'string', value: 'COLUMN|TEMPLATE', help: 'the column (or a template such as "{author} {year}") that labels each table' },
  nodes: { type: 'string', value: 'upper|lower', help: 'placement of the quadrature nodes: upper (as Stata for metandi; default at 5 points) or lower (default otherwise)' },
  correction: { type: 'string', value: 'single|all|none', help: 'continuity correction (default: single)' },
  region: { type: 'string', value: 'F|chi2', help: 'critical value of confidence and prediction regions (default: F)' },
  covariate: { type: 'string', value: 'NAME', help: 'also fit a bivariate meta-regression on this column' },
  sheet: { type: 'string', value: 'NAME', help: 'worksheet of an .xlsx data file (default: the first)' },
  quiet: { type: 'boolean', help: 'no progress on stderr (errors and warnings are still printed)' },
  port: { type: 'string', value: 'N', help: 'port on 127.0.0.1 (default: 8787; 0: any free port)' },
  open: { type: 'boolean', help: 'open the page in the system browser (if there is none: a note,\nand the URL to open yourself)' },
} as const;

type OptionName = keyof typeof OPTIONS;

interface CommandHelp {
  usage: string;
  summary: string;
  options: readonly OptionName[];
}

/** The commands, their usage line, what they do and the options each accepts. */
export const COMMANDS: Record<'report' | 'validate' | 'fit' | 'verify' | 'diff' | 'preview' | 'init', CommandHelp> = {
  report: {
    usage: 'metadx report [ANALYSIS...] [--out DIR] [--no-pdf] [--replace] [--allow-outside-data] [--json] [--quiet]',
    summary:
      'Build out/<name>/<version>/ (supplement.html, supplement.pdf, figures/, results.json,\ninputs/, manifest.json) for each ANALYSIS (a folder with analysis.yaml, or a .yaml file).\nDefault: every analyses/*/analysis.yaml under the current folder. A version that exists\nwith the same inputs is reused ("up to date"); one with different inputs is refused.',
    options: ['out', 'no-pdf', 'replace', 'allow-outside-data', 'json', 'quiet'],
  },
  validate: {
    usage: 'metadx validate [ANALYSIS...] [--allow-outside-data] [--json]',
    summary: 'Check specs and data as `metadx report` would, without writing anything; print every\nproblem with file:line:column.',
    options: ['allow-outside-data', 'json'],
  },
  fit: {
    usage: 'metadx fit DATA.csv [--method glmm|reitsma] [--quadrature N] [--nodes upper|lower] [--correction single|all|none] [--region F|chi2] [--covariate NAME] [--group COLUMN [--structure independent|shared|nested]] [--label COLUMN|TEMPLATE] [--sheet NAME] [--json]',
    summary: 'Fit the bivariate model to one data file (.csv or .xlsx) and print a summary (or one JSON\nobject). Settings and their defaults are those of the model: section of a spec.',
    options: ['method', 'quadrature', 'nodes', 'correction', 'region', 'covariate', 'group', 'structure', 'label', 'sheet', 'json'],
  },
  verify: {
    usage: 'metadx verify VERSION_DIR [--quiet]',
    summary: 'Check every file of a version against its manifest.json, rebuild it from its inputs/\nand report each output as reproduced or not (exit 1 if any is not).',
    options: ['quiet'],
  },
  diff: {
    usage: 'metadx diff VERSION_DIR_A VERSION_DIR_B [--json]',
    summary: 'What changed from version A to version B: 2x2 tables, pooled estimates, figures.',
    options: ['json'],
  },
  preview: {
    usage: 'metadx preview ANALYSIS [--port N] [--open] [--out DIR] [--allow-outside-data] [--quiet]',
    summary:
      'Serve the supplement of ANALYSIS on http://127.0.0.1:N/ (the URL is the first line printed)\nand rebuild it in memory whenever analysis.yaml or a file it names changes; the page\nreloads itself and shows problems with file:line:column. No version is written, no PDF\nprinted (--out only says where to find the previous version for "What changed"). Ctrl-C stops.',
    options: ['port', 'open', 'out', 'allow-outside-data', 'quiet'],
  },
  init: {
    usage: 'metadx init [FOLDER]',
    summary: 'Write a new analysis folder (default: the current folder): analysis.yaml, a data template\nin the MetaDTA layout with example rows (labelled as simulated), and a README saying what to\nfill in. It validates and reports as it is. Existing files are never overwritten.',
    options: [],
  },
};

type CommandName = keyof typeof COMMANDS;
const isCommand = (name: string | undefined): name is CommandName => name !== undefined && Object.hasOwn(COMMANDS, name);

const LIMIT_HELP: Record<keyof typeof LIMIT_VARIABLES, string> = {
  specBytes: 'bytes of analysis.yaml',
  dataBytes: 'bytes of each data file',
  rows: 'data rows of each data file',
  xlsxBytes: 'bytes of an .xlsx once unzipped',
  pngPixels: 'pixels of one PNG figure',
};

const ENVIRONMENT = `Environment:
  PUPPETEER_EXECUTABLE_PATH   Chromium to print the PDF (default: system Chromium,
                              else the one shipped by @sparticuz/chromium)
  SOURCE_DATE_EPOCH           document date when the spec has no date:
  METADX_PDF_TIMEOUT_MS       give up printing the PDF after this many milliseconds
                              (default 120000); HTML and figures are still written
  METADX_THREADS              threads for refits (bootstrap, leave-one-out, cumulative;
                              default: the cores, at most 4); results do not depend on it
${(Object.keys(LIMIT_VARIABLES) as (keyof typeof LIMIT_VARIABLES)[]).map((key) => `  ${LIMIT_VARIABLES[key].padEnd(28)}at most this many ${LIMIT_HELP[key]} (default ${DEFAULT_LIMITS[key]})`).join('\n')}
                              (README.md, "Limits")`;

const indent = (text: string, by: string) => text.split('\n').map((line) => `${by}${line}`).join('\n');

const HELP = `metadx ${METADX_VERSION}: diagnostic-test-accuracy meta-analysis and journal supplement

Usage:
${(Object.keys(COMMANDS) as CommandName[]).map((name) => `  ${COMMANDS[name].usage}\n${indent(COMMANDS[name].summary, '      ')}`).join('\n')}
  metadx --help | --version | COMMAND --help

Options:
${(Object.keys(OPTIONS) as OptionName[]).filter((name) => COMMANDS.report.options.includes(name) || name === 'json').map(optionLine).join('\n')}
  (metadx fit --help lists the model options)

${ENVIRONMENT}

Exit codes: 0 success, 1 invalid input (or a version that exists with different inputs, or
does not verify), 2 usage error, 3 report written but the PDF could not be printed,
70 internal error (a bug in metadx: please report it).
`;

function optionLine(name: OptionName): string {
  const option = OPTIONS[name];
  const flag = `--${name}${'value' in option ? ` ${option.value}` : ''}`;
  const help = indent(option.help, ''.padEnd(26)).trimStart();
  return flag.length < 24 ? `  ${flag.padEnd(24)}${help}` : `  ${flag}\n${''.padEnd(26)}${help}`;
}


/** `metadx COMMAND --help`: its usage, what it does and its own options. */
export function commandHelp(name: CommandName): string {
  const command = COMMANDS[name];
  const options = command.options.length > 0 ? `\n\nOptions:\n${command.options.map(optionLine).join('\n')}` : '';
  return `usage: ${command.usage}\n\n${command.summary}${options}\n  --help                  this help\n\n${ENVIRONMENT}\n`;
}

const defaultIo = (): CliIo => ({
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  cwd: process.cwd(),
  env: process.env,
  progress: process.stderr,
});

/** The command named on the command line: the first word that is not an option or an option's value. */
function findCommand(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') return argv[i + 1];
    if (token.startsWith('-')) {
      const name = token.replace(/^--?/, '').split('=')[0]! as OptionName;
      if (!token.includes('=') && OPTIONS[name]?.type === 'string') i++; // its value follows
      continue;
    }
    return token;
  }
  return undefined;
}

/** A usage error: what is wrong, the usage line and where to read more; exit 2. */
function usageError(io: CliIo, message: string, command?: CommandName): number {
  io.err(`error: ${message}\n${command ? `usage: ${COMMANDS[command].usage}\nrun \`metadx ${command} --help\` for its options` : 'run `metadx --help` for usage'}`);
  return 2;
}

/** Node's parseArgs errors, said the way a user reads them ("did you mean ...?"). */
function describeParseError(error: unknown, command: CommandName | undefined): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? '';
  const name = option.replace(/^--?/, '');
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    if (Object.hasOwn(OPTIONS, name) && command) {
      const owners = (Object.keys(COMMANDS) as CommandName[]).filter((c) => COMMANDS[c].options.includes(name as OptionName));
      return cliMessages.optionNotForCommand(`--${name}`, command, owners);
    }
    const known = [...(command ? COMMANDS[command].options : (Object.keys(OPTIONS) as OptionName[])), 'help', 'version'];
    const suggestion = closest(name, known);
    return cliMessages.unknownOption(option, command, suggestion ? `--${suggestion}` : undefined);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const known = OPTIONS[name as OptionName];
    if (known && 'value' in known) return cliMessages.optionNeedsValue(`--${name}`, known.value);
    return cliMessages.optionTakesNoValue(`--${name}`);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return message;
  return message.split('\n')[0]!;
}

export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  const named = findCommand(argv);
  const command = isCommand(named) ? named : undefined;
  const allowed: readonly OptionName[] = command ? COMMANDS[command].options : (Object.keys(OPTIONS) as OptionName[]);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        ...Object.fromEntries(allowed.map((name) => [name, { type: OPTIONS[name].type }])),
      },
    });
  } catch (error) {
    return usageError(io, describeParseError(error, command), command);
  }
  const values = parsed.values as { help?: boolean; version?: boolean } & Partial<Record<OptionName, string | boolean>>;
  const [first, ...rest] = parsed.positionals;
  if (values.version) {
    io.out(METADX_VERSION);
    return 0;
  }
  if (first === 'help') {
    // `metadx help report`
    if (isCommand(rest[0])) io.out(commandHelp(rest[0]));
    else io.out(HELP);
    return 0;
  }
  if (values.help) {
    io.out(command ? commandHelp(command) : HELP);
    return 0;
  }
  if (first === undefined) {
    io.out(HELP);
    return 2;
  }
  if (!command) {
    const suggestion = closest(first, Object.keys(COMMANDS));
    return usageError(io, cliMessages.unknownCommand(first, suggestion));
  }
  const { limits, invalid } = readLimits(io.env);
  if (invalid) return usageError(io, limitMessages.invalidLimit(invalid.variable, invalid.value));
  const flag = (name: OptionName): boolean => values[name] === true;
  const text = (name: OptionName): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  try {
    switch (command) {
      case 'report': {
        const { commandReport } = await import('./commands/report.ts');
        return await commandReport(rest, { out: text('out') ?? 'out', pdf: !flag('no-pdf'), replace: flag('replace'), allowOutsideData: flag('allow-outside-data'), json: flag('json'), quiet: flag('quiet'), limits }, io);
      }
      case 'validate': {
        const { commandValidate } = await import('./commands/validate.ts');
        return await commandValidate(rest, io, { allowOutsideData: flag('allow-outside-data'), json: flag('json'), limits });
      }
      case 'fit': {
        const { commandFit } = await import('./commands/fit.ts');
        const fitValues: Parameters<typeof commandFit>[1] = { json: flag('json'), limits };
        for (const name of ['method', 'quadrature', 'nodes', 'correction', 'region', 'covariate', 'group', 'structure', 'label', 'sheet'] as const) {
          const value = text(name);
          if (value !== undefined) fitValues[name] = value;
        }
        return await commandFit(rest, fitValues, io);
      }
      case 'verify': {
        const { commandVerify } = await import('./commands/verify.ts');
        return await commandVerify(rest, io, { limits, quiet: flag('quiet') });
      }
      case 'diff': {
        const { commandDiff } = await import('./commands/diff.ts');
        return await commandDiff(rest, { json: flag('json') }, io);
      }
      case 'preview': {
        const port = text('port');
        if (port !== undefined && !/^\d{1,5}$/.test(port)) return usageError(io, previewMessages.badPort(port), command);
        if (port !== undefined && Number(port) > 65535) return usageError(io, previewMessages.badPort(port), command);
        if (rest.length !== 1) return usageError(io, previewMessages.oneAnalysis(), command);
        const { commandPreview } = await import('./commands/preview.ts');
        return await commandPreview(rest[0]!, { port: port === undefined ? 8787 : Number(port), open: flag('open'), out: text('out') ?? 'out', allowOutsideData: flag('allow-outside-data'), quiet: flag('quiet'), limits }, io);
      }
      case 'init': {
        if (rest.length > 1) return usageError(io, initMessages.oneFolder(), command);
        const { commandInit } = await import('./commands/init.ts');
        return commandInit(rest[0], io);
      }
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
