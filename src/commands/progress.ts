/**
 * Progress on stderr: the events of src/results/progress.ts as one live line on a terminal
 * (rewritten in place with \r, throttled, cleared before anything else is printed and at the end),
 * or as plain lines otherwise (a line per stage, step or figure, and for long counts a line at
 * most every PLAIN_EVERY_MS). `--quiet` turns it off; errors and warnings are printed regardless
 * (they go through io.err, not here). Standard output is never touched, so `--json` stays clean.
 */
import type { OnProgress, ProgressEvent } from '../results/progress.ts';
import { progressMessages as M } from '../messages.ts';
import type { CliIo, ProgressStream } from './common.ts';

/** Terminal line rewrites at most this often (a bootstrap reports every refit). */
const TTY_EVERY_MS = 80;
/** Plain lines of one long count at most this often. */
const PLAIN_EVERY_MS = 5000;

/** The phrase for one event. */
export function describeProgress(event: ProgressEvent): string {
  const done = event.done ?? 0;
  const total = event.total ?? 0;
  switch (event.stage) {
    case 'spec':
      return M.spec(event.detail ?? 'the spec');
    case 'data':
      return M.data(event.detail ?? 'the data');
    case 'results':
      switch (event.step) {
        case 'model':
          return M.model(event.detail);
        case 'cached':
          return M.cached();
        case 'bootstrap':
          return M.bootstrap(done, total);
        case 'leave-one-out':
          return M.leaveOneOut(done, total);
        case 'sensitivity':
          return M.sensitivity();
        case 'subgroups':
          return M.subgroups(done, total, event.detail);
        case 'cumulative':
          return M.cumulative();
        case 'parts':
          return M.parts(done, total, event.detail);
        default:
          return M.other(event.stage, event.step);
      }
    case 'figures':
      return M.figure(done, total, event.detail);
    case 'document':
      return M.document();
    case 'pdf':
      return M.pdf();
    case 'write':
      return M.write();
    default:
      return M.other(event.stage, event.step);
  }
}

export interface Progress {
  /** undefined when progress is off (--quiet, or no stream): callers pass nothing down */
  onProgress: OnProgress | undefined;
  /** the CLI's io, whose out and err first clear the live line */
  io: CliIo;
  /** what each line starts with, e.g. "analyses/x: " */
  setPrefix(prefix: string): void;
  /** clear the live line (the end of a piece of work) */
  clear(): void;
}

export function startProgress(io: CliIo, options: { quiet?: boolean; now?: () => number } = {}): Progress {
  const stream: ProgressStream | undefined = options.quiet ? undefined : io.progress;
  let prefix = '';
  if (!stream) return { onProgress: undefined, io, setPrefix: () => undefined, clear: () => undefined };
  const now = options.now ?? (() => performance.now());
  const tty = stream.isTTY === true;
  let shown = false;
  let lastWrite = -Infinity;
  let lastKey = '';
  const clear = () => {
    if (shown) stream.write('\r\x1b[K');
    shown = false;
  };
  const onProgress: OnProgress = (event) => {
    const key = `${event.stage}/${event.step ?? ''}/${event.detail ?? ''}`;
    const changed = key !== lastKey;
    const finished = event.total !== undefined && event.done === event.total;
    const time = now();
    if (tty) {
      if (!changed && !finished && time - lastWrite < TTY_EVERY_MS) return;
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      const text = `${prefix}${describeProgress(event)}`;
      stream.write(`\r\x1b[K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      shown = true;
    } else {
      if (!changed && !finished && time - lastWrite < PLAIN_EVERY_MS) return;
      stream.write(`${prefix}${describeProgress(event)}\n`);
    }
    lastKey = key;
    lastWrite = time;
  };
  const wrap = (write: (text: string) => void) => (text: string) => {
    clear();
    write(text);
  };
  return {
    onProgress,
    io: { ...io, out: wrap(io.out), err: wrap(io.err) },
    setPrefix: (value) => {
      prefix = value;
    },
    clear,
  };
}
