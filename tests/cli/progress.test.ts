/**
 * Progress on stderr (src/commands/progress.ts): a live line on a terminal (rewritten with \r,
 * throttled, cleared before other output and at the end), plain lines otherwise, nothing with
 * --quiet (errors still printed), and never on stdout (so `report --json` stays one JSON object).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { startProgress } from '../../src/commands/progress.ts';
import type { CliIo } from '../../src/commands/common.ts';
import { temporary, writeAnalysis } from '../helpers/versions.ts';

function fakeIo(isTTY: boolean) {
  const written: string[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), cwd: '/', env: {}, progress: { write: (t) => written.push(t), isTTY, columns: 40 } };
  return { io, written, out, err };
}

describe('the progress line', () => {
  it('on a terminal: one line rewritten in place, throttled, cut to the width, cleared before other output', () => {
    let time = 0;
    const { io, written, out } = fakeIo(true);
    const progress = startProgress(io, { now: () => time });
    progress.setPrefix('lag: ');
    progress.onProgress!({ stage: 'results', step: 'model', detail: '17 tables' });
    for (let done = 1; done <= 1000; done++) {
      time += 0.01; // 1,000 refits in 10 ms: only the first and the last are drawn
      progress.onProgress!({ stage: 'results', step: 'bootstrap', done, total: 1000 });
    }
    expect(written).toEqual(['\r\x1b[Klag: fitting the model (17 tables)', '\r\x1b[Klag: AUC bootstrap: 1/1,000 refits', '\r\x1b[Klag: AUC bootstrap: 1,000/1,000 refits']);
    progress.onProgress!({ stage: 'figures', detail: 'a-figure-with-a-very-long-identifier', done: 2, total: 16 });
    const last = written.at(-1)!;
    expect(last.replace('\r\x1b[K', '')).toHaveLength(39); // columns − 1
    expect(last.endsWith('…')).toBe(true);
    // other output first clears the line
    progress.io.out('wrote out/lag/1/');
    expect(written.at(-1)).toBe('\r\x1b[K');
    expect(out).toEqual(['wrote out/lag/1/']);
    const count = written.length;
    progress.clear(); // nothing shown: nothing to clear
    expect(written).toHaveLength(count);
  });

  it('elsewhere: plain lines, one per step or figure, long counts at most every 5 s and at the end', () => {
    let time = 0;
    const { io, written } = fakeIo(false);
    const progress = startProgress(io, { now: () => time });
    progress.onProgress!({ stage: 'spec', detail: 'lag/analysis.yaml' });
    for (let done = 0; done <= 30; done++) {
      time += 1000; // one refit a second
      progress.onProgress!({ stage: 'results', step: 'leave-one-out', done, total: 30 });
    }
    progress.onProgress!({ stage: 'figures', detail: 'sroc', done: 0, total: 2 });
    progress.onProgress!({ stage: 'figures', detail: 'deeks', done: 1, total: 2 });
    expect(written).toEqual([
      'reading lag/analysis.yaml\n',
      'leave-one-out: 0/30 refits\n',
      'leave-one-out: 5/30 refits\n',
      'leave-one-out: 10/30 refits\n',
      'leave-one-out: 15/30 refits\n',
      'leave-one-out: 20/30 refits\n',
      'leave-one-out: 25/30 refits\n',
      'leave-one-out: 30/30 refits\n',
      'figure 1/2: sroc\n',
      'figure 2/2: deeks\n',
    ]);
    expect(written.join('')).not.toContain('\r');
  });

  it('--quiet: nothing', () => {
    const { io, written } = fakeIo(true);
    const progress = startProgress(io, { quiet: true });
    expect(progress.onProgress).toBeUndefined();
    progress.clear();
    expect(written).toEqual([]);
  });
});

describe('metadx report and progress', () => {
  const env = () => ({ SOURCE_DATE_EPOCH: '1705276800', XDG_CACHE_HOME: temporary('progress-secret') });

  it('stages, refits and figures on the progress stream; stdout --json stays one JSON object', async () => {
    const work = temporary('progress');
    writeAnalysis(join(work, 'lag'), { version: 1, extra: 'model: {auc_ci: bootstrap, bootstrap: 100}\n' });
    const { io, written, out, err } = fakeIo(false);
    const code = await main(['report', 'lag', '--out', 'out', '--no-pdf', '--json'], { ...io, cwd: work, env: env() });
    expect(code, err.join('\n')).toBe(0);
    const lines = written.join('');
    for (const expected of ['lag: reading lag/analysis.yaml', 'lag: reading data/data.csv', 'lag: fitting the model (17 tables)', 'lag: AUC bootstrap: 100/100 refits', 'lag: statistics on all cores: 0/2 parts done (model with leave-one-out, cumulative meta-analysis)', 'lag: statistics on all cores: 2/2 parts done (model with leave-one-out, cumulative meta-analysis)', 'lag: figure 1/2: forest', 'lag: figure 2/2: sroc', 'lag: assembling the document', 'lag: writing the version folder']) {
      expect(lines).toContain(`${expected}\n`);
    }
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0]!).outcome).toBe('ok');
    expect(out[0]).not.toContain('figure 1/2');
  }, 300_000);

  it('--quiet: no progress, but errors and warnings are printed', async () => {
    const work = temporary('progress-quiet');
    writeAnalysis(join(work, 'lag'), { version: 1, extra: 'subgroups: [nonexistent]\n' });
    const { io, written, err } = fakeIo(true);
    const code = await main(['report', 'lag', '--out', 'out', '--no-pdf', '--quiet'], { ...io, cwd: work, env: env() });
    expect(code).toBe(1);
    expect(written).toEqual([]);
    expect(err.join('\n')).toMatch(/^lag\/analysis\.yaml:\d+:\d+: error: /);
  }, 120_000);
});
