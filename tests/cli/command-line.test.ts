/**
 * The command line as a user meets it (issue 14, item 4): machine-readable `--json` output of
 * validate and report; per-command `--help`; friendly usage errors with "did you mean"; no stack
 * trace for user errors (`fit <folder>`); named pipes called what they are (and never opened);
 * a read-only output folder and two concurrent runs explained; and `validate` catching everything
 * `report` would refuse (--allow-outside-data, a folder name with a space, a file named "..d.csv").
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STACK_TRACE } from '../robustness/corpus-runner.ts';
import { root, runCli, temporary, writeAnalysis } from '../helpers/versions.ts';

const env = { SOURCE_DATE_EPOCH: '1705276800' };
const bin = join(root, 'bin', 'metadx.js');

describe('--json', () => {
  it('validate --json: one JSON object with the outcome and every diagnostic located (exit 1)', async () => {
    const work = temporary('cli-json');
    writeAnalysis(join(work, 'good'), { version: 1 });
    writeAnalysis(join(work, 'bad'), { version: 1, extra: 'subgroup: [year]\n' });
    writeFileSync(join(work, 'bad', 'data', 'data.csv'), 'study,tp,fp,fn,tn\nA,1,-2,3,4\nB,1,2,3,4\n');
    const { code, out, err } = await runCli(['validate', 'good', 'bad', '--json'], work, env);
    expect(err).toBe('');
    expect(code).toBe(1);
    const json = JSON.parse(out);
    expect(json).toMatchObject({ command: 'validate', outcome: 'invalid', exitCode: 1 });
    expect(json.analyses).toHaveLength(2);
    expect(json.analyses[0]).toMatchObject({ target: 'good', spec: 'good/analysis.yaml', outcome: 'ok', name: 'good', version: '1', studies: 17, diagnostics: [] });
    expect(json.analyses[1]).toMatchObject({ target: 'bad', spec: 'bad/analysis.yaml', outcome: 'invalid', studies: null });
    expect(json.analyses[1].diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', code: 'spec.unknown-key', file: 'bad/analysis.yaml', line: 12, column: 1, field: 'subgroup', message: 'unknown key "subgroup"; did you mean "subgroups"?' }),
    ]);
  });

  it('validate --json reports data errors with file, line, column, row and column name', async () => {
    const work = temporary('cli-json');
    writeAnalysis(join(work, 'bad'), { version: 1 });
    writeFileSync(join(work, 'bad', 'data', 'data.csv'), 'study,tp,fp,fn,tn,year\nA,1,-2,3,4,2001\nB,1,2,3,4,2002\n');
    const { code, out } = await runCli(['validate', 'bad', '--json'], work, env);
    expect(code).toBe(1);
    expect(JSON.parse(out).analyses[0].diagnostics).toEqual([
      { severity: 'error', code: 'data.negative-count', message: 'fp = -2 is negative', hint: 'counts cannot be negative; check the extraction', file: 'bad/data/data.csv', line: 2, column: 5, row: 1, field: 'fp' },
    ]);
  });

  it('report --json: outcome, version folder and its files; a second run is up to date (exit 0)', async () => {
    const work = temporary('cli-json');
    writeAnalysis(join(work, 'lag'), { version: 1 });
    const first = await runCli(['report', 'lag', '--no-pdf', '--out', 'out', '--json'], work, env);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    const json = JSON.parse(first.out);
    expect(json).toMatchObject({ command: 'report', outcome: 'ok', exitCode: 0 });
    expect(json.analyses[0]).toMatchObject({ target: 'lag', spec: 'lag/analysis.yaml', name: 'lag', version: '1', outcome: 'written', directory: 'out/lag/1', previous: null, pdf: 'skipped', diagnostics: [] });
    expect(json.analyses[0].files).toContain('supplement.html');
    expect(json.analyses[0].files.at(-1)).toBe('manifest.json');
    for (const file of json.analyses[0].files) expect(existsSync(join(work, 'out', 'lag', '1', file)), file).toBe(true);
    const second = JSON.parse((await runCli(['report', 'lag', '--no-pdf', '--out', 'out', '--json'], work, env)).out);
    expect(second.analyses[0]).toMatchObject({ outcome: 'up-to-date', directory: 'out/lag/1' });
    expect(second.analyses[0].files).toEqual(json.analyses[0].files);
  }, 120_000);

  it('report --json on a refused version: outcome "refused" with the located reason (exit 1)', async () => {
    const work = temporary('cli-json');
    writeAnalysis(join(work, 'lag'), { version: 1 });
    expect((await runCli(['report', 'lag', '--no-pdf', '--out', 'out'], work, env)).code).toBe(0);
    writeFileSync(join(work, 'lag', 'analysis.yaml'), readFileSync(join(work, 'lag', 'analysis.yaml'), 'utf8').replace('Versions test', 'Changed'));
    const { code, out } = await runCli(['report', 'lag', '--no-pdf', '--out', 'out', '--json'], work, env);
    expect(code).toBe(1);
    const json = JSON.parse(out);
    expect(json).toMatchObject({ outcome: 'invalid', exitCode: 1 });
    expect(json.analyses[0]).toMatchObject({ outcome: 'refused', directory: 'out/lag/1' });
    expect(json.analyses[0].diagnostics[0]).toMatchObject({ code: 'output.version-exists' });
  }, 120_000);
});

describe('help and usage errors', () => {
  it('report --help and `help report` print the usage and options of report, not the global help', async () => {
    for (const args of [['report', '--help'], ['help', 'report'], ['report', '-h']]) {
      const { code, out } = await runCli(args, root, env);
      expect(code).toBe(0);
      expect(out.split('\n')[0]).toBe('usage: metadx report [ANALYSIS...] [--out DIR] [--no-pdf] [--replace] [--allow-outside-data] [--json] [--quiet]');
      expect(out).toContain('  --no-pdf ');
      expect(out).not.toContain('metadx fit DATA.csv');
    }
    const fit = await runCli(['fit', '--help'], root, env);
    expect(fit.out).toContain('--quadrature N');
    expect(fit.out).not.toContain('--replace');
  });

  it.each([
    [['report', '--nopdf'], 'error: unknown option --nopdf for metadx report; did you mean --no-pdf?\nusage: metadx report [ANALYSIS...] [--out DIR] [--no-pdf] [--replace] [--allow-outside-data] [--json] [--quiet]\nrun `metadx report --help` for its options'],
    [['validate', '--jsn'], 'error: unknown option --jsn for metadx validate; did you mean --json?\nusage: metadx validate [ANALYSIS...] [--allow-outside-data] [--json]\nrun `metadx validate --help` for its options'],
    [['report', '--method', 'glmm'], 'error: --method is not an option of metadx report (it belongs to metadx fit)\nusage: metadx report [ANALYSIS...] [--out DIR] [--no-pdf] [--replace] [--allow-outside-data] [--json] [--quiet]\nrun `metadx report --help` for its options'],
    [['report', '--out'], 'error: option --out needs a value: --out DIR\nusage: metadx report [ANALYSIS...] [--out DIR] [--no-pdf] [--replace] [--allow-outside-data] [--json] [--quiet]\nrun `metadx report --help` for its options'],
    [['report', '--json=yes'], 'error: option --json takes no value (write --json alone)\nusage: metadx report [ANALYSIS...] [--out DIR] [--no-pdf] [--replace] [--allow-outside-data] [--json] [--quiet]\nrun `metadx report --help` for its options'],
    [['reprot'], 'error: unknown command "reprot"; did you mean "report"?\nrun `metadx --help` for usage'],
  ])('%j: a friendly message and exit 2', async (args, expected) => {
    const { code, err } = await runCli(args, root, env);
    expect(err).toBe(expected);
    expect(code).toBe(2);
  });

  it('an invalid limit variable is a usage error (exit 2)', async () => {
    const { code, err } = await runCli(['validate'], root, { ...env, METADX_MAX_ROWS: 'lots' });
    expect(code).toBe(2);
    expect(err).toBe('error: METADX_MAX_ROWS must be a positive whole number, not "lots"\nrun `metadx --help` for usage');
  });
});

describe('user errors without stack traces', () => {
  it('fit on an analysis folder says it is a folder (exit 1, no stack trace)', async () => {
    const work = temporary('cli-fit');
    writeAnalysis(join(work, 'lag'), { version: 1 });
    const { code, err } = await runCli(['fit', 'lag'], work, env);
    expect(err).not.toMatch(STACK_TRACE);
    expect(err).toBe('lag: error: lag is a folder, not a regular file; it was not read\n    give the path of a .csv or .xlsx file with one 2x2 table per row (for an analysis folder, use metadx validate or metadx report)');
    expect(code).toBe(1);
  });

  it('named pipes are called named pipes and never opened (validate, fit, spec)', () => {
    const work = temporary('cli-fifo');
    writeAnalysis(join(work, 'lag'), { version: 1 });
    execFileSync('mkfifo', [join(work, 'lag', 'data', 'pipe.csv'), join(work, 'pipe.yaml')]);
    writeFileSync(join(work, 'lag', 'analysis.yaml'), readFileSync(join(work, 'lag', 'analysis.yaml'), 'utf8').replace('file: data/data.csv', 'file: data/pipe.csv'));
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
    const validate = run('validate', 'lag');
    expect(validate.signal, 'validate blocked on the pipe').toBeNull();
    expect(validate.stderr).toContain('lag/analysis.yaml:6:9: error: data path lag/data/pipe.csv is a named pipe, not a regular file; it was not read\n    name a regular file (a .csv or .xlsx saved on disk) under data.file: (relative to the folder of analysis.yaml)');
    expect(validate.status).toBe(1);
    const fit = run('fit', 'lag/data/pipe.csv');
    expect(fit.signal, 'fit blocked on the pipe').toBeNull();
    expect(fit.stderr).toContain('lag/data/pipe.csv: error: lag/data/pipe.csv is a named pipe, not a regular file; it was not read');
    expect(fit.status).toBe(1);
    const spec = run('validate', 'pipe.yaml');
    expect(spec.signal, 'validate blocked on the spec pipe').toBeNull();
    expect(spec.stderr).toContain('pipe.yaml: error: pipe.yaml is a named pipe, not a regular file; it was not read');
    expect(spec.status).toBe(1);
  }, 120_000);
});

describe('validate catches what report would refuse', () => {
  const cases = () => {
    const work = temporary('cli-agree');
    mkdirSync(join(work, 'shared'));
    const csv = 'study,tp,fp,fn,tn\nA 2001,45,5,5,45\nB 2002,30,8,10,52\nC 2003,22,3,8,67\nD 2004,51,9,9,71\n';
    writeFileSync(join(work, 'shared', 'data.csv'), csv);
    const spec = (file: string) => `title: T\nversion: 1\ndate: 2024-01-01\ndata:\n  file: ${file}\nfigures: [forest]\noutput: {dpi: 72}\n`;
    for (const [folder, file] of [['outside', '../shared/data.csv'], ['my review', 'data.csv'], ['dots', '..d.csv']] as const) {
      mkdirSync(join(work, folder));
      writeFileSync(join(work, folder, 'analysis.yaml'), spec(file));
      if (!file.startsWith('../')) writeFileSync(join(work, folder, file), csv);
    }
    return work;
  };

  it('--allow-outside-data: validate and report both accept; verify rebuilds it from inputs/', async () => {
    const work = cases();
    expect((await runCli(['validate', 'outside', '--allow-outside-data'], work, env)).code).toBe(0);
    const report = await runCli(['report', 'outside', '--allow-outside-data', '--no-pdf', '--out', 'out'], work, env);
    expect(report.err).toBe('');
    expect(report.code).toBe(0);
    expect(readdirSync(join(work, 'out', 'outside', '1', 'inputs', '_outside', '_up', 'shared'))).toEqual(['data.csv']);
    const verify = await runCli(['verify', 'out/outside/1'], work, env);
    expect(verify.out).toContain('verified: all');
    expect(verify.code).toBe(0);
  }, 120_000);

  it('a data file named "..d.csv" is inside the folder: both accept', async () => {
    const work = cases();
    expect((await runCli(['validate', 'dots'], work, env)).code).toBe(0);
    const report = await runCli(['report', 'dots', '--no-pdf', '--out', 'out'], work, env);
    expect(report.err).toBe('');
    expect(report.code).toBe(0);
  }, 120_000);

  it('a folder name with a space: both refuse with the same located message and a name to use', async () => {
    const work = cases();
    const expected = 'my review/analysis.yaml:1:1: error: the analysis folder name "my review" cannot name the output folder out/<name>/ (letters, digits, ".", "_" or "-" only, starting with a letter or digit)\n    add a name to analysis.yaml, e.g. name: my-review (the report then goes to out/my-review/), or rename the folder';
    const validate = await runCli(['validate', 'my review'], work, env);
    expect(validate.err).toBe(`${expected}\nmy review: 1 problem found`);
    expect(validate.code).toBe(1);
    const report = await runCli(['report', 'my review', '--no-pdf', '--out', 'out'], work, env);
    expect(report.err).toBe(expected);
    expect(report.code).toBe(1);
    writeFileSync(join(work, 'my review', 'analysis.yaml'), `name: my-review\n${readFileSync(join(work, 'my review', 'analysis.yaml'), 'utf8')}`);
    expect((await runCli(['report', 'my review', '--no-pdf', '--out', 'out'], work, env)).code).toBe(0);
    expect(existsSync(join(work, 'out', 'my-review', '1', 'supplement.html'))).toBe(true);
  }, 120_000);
});

describe('the output folder', () => {
  it('a read-only output folder is named as not writable (exit 1)', () => {
    const work = temporary('cli-readonly');
    writeAnalysis(join(work, 'lag'), { version: 1 });
    mkdirSync(join(work, 'out'));
    chmodSync(work, 0o777);
    chmodSync(join(work, 'out'), 0o555);
    // root ignores file permissions: run as nobody then (setpriv, util-linux)
    const asRoot = process.getuid?.() === 0;
    const command = asRoot ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, bin]] : [process.execPath, [bin]];
    const run = spawnSync(command[0] as string, [...(command[1] as string[]), 'report', 'lag', '--no-pdf', '--out', 'out', '--quiet'], { cwd: work, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env, HOME: work, XDG_CACHE_HOME: join(work, '.cache') } });
    expect(run.stderr).not.toMatch(STACK_TRACE);
    // --quiet: no progress lines, but the error is printed
    expect(run.stderr).toBe('error: cannot write out/lag/1: the folder out is not writable (permission denied)\n    make the output folder writable, or write elsewhere with --out DIR\n');
    expect(run.status).toBe(1);
  }, 180_000);

  it('two concurrent runs of one version: the second is told which process is writing it', async () => {
    const work = temporary('cli-concurrent');
    writeAnalysis(join(work, 'lag'), { version: 1, figures: 'all' });
    const first = spawn(process.execPath, [bin, 'report', 'lag', '--no-pdf', '--out', 'out'], { cwd: work, env: { ...process.env, ...env }, stdio: 'ignore' });
    const firstExit = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    // wait until the first run holds the lock of version 1
    const lock = join(work, 'out', '.staging', 'lock.lag@1');
    for (let i = 0; i < 1200 && !existsSync(lock); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(lock), 'the first run never took the lock').toBe(true);
    const second = await runCli(['report', 'lag', '--no-pdf', '--out', 'out'], work, env);
    expect(second.err).toBe(`error: another metadx run (process ${first.pid}) is writing out/lag/1 right now\n    wait for it to finish and run again (the version it writes is then reused if the inputs are the same); runs of different analyses or versions can go side by side`);
    expect(second.code).toBe(1);
    expect(await firstExit).toBe(0);
    expect(existsSync(lock)).toBe(false);
    const third = await runCli(['report', 'lag', '--no-pdf', '--out', 'out'], work, env);
    expect(third.out).toBe('lag 1: up to date (out/lag/1/)');
  }, 240_000);
});
