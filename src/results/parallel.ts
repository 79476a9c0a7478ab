/**
 * A synchronous parallel map for the refits of the statistics (bootstrap replicates, leave-one-out
 * and cumulative refits): the statistics stay plain synchronous functions, and the refits use the
 * machine's other cores.
 *
 * How: jobs are claimed one at a time from a shared counter (Atomics) by this thread and by helper
 * worker threads (src/results/parallel-worker.mjs), which run the same task function, looked up by
 * name in src/results/parallel-tasks.ts. Helpers post each result on their own MessagePort; this
 * thread blocks in Atomics.wait until every claimed job is done and then reads the results
 * synchronously (receiveMessageOnPort). Results come back in job order, and every job is a pure,
 * deterministic function of its input, so the outcome is the same whatever the number of threads
 * and whichever thread ran which job (tests/results/parallel.test.ts checks it bit for bit).
 *
 * This thread starts working at once: helpers join when they have started (~0.1 s from dist/,
 * longer through tsx), so a short map never waits for them. A helper that stops answering is given
 * up after a while and its jobs are run here. METADX_THREADS sets the number of threads including
 * this one (default: the available cores, at most 4; 1 = no helpers).
 */
import { availableParallelism } from 'node:os';
import { isMainThread, MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { OnProgress } from './progress.ts';

/** What a job run on the main thread may use besides its input (helpers have none of it). */
export interface MainThreadContext {
  onProgress?: OnProgress;
}

export interface ParallelTask<Shared, Input, Output> {
  /** key in parallel-tasks.ts, where helpers look the function up */
  name: string;
  /** `context` is given on the main thread only: a job must not depend on it for its result */
  run: (input: Input, shared: Shared, context?: MainThreadContext) => Output;
}

/** Below this many jobs the map runs in this thread only (unless the caller says otherwise). */
const MINIMUM_JOBS = 8;

interface Helper {
  worker: Worker;
  port: MessagePort;
  broken: boolean;
}

let helpers: Helper[] | undefined;
let batches = 0;
/** Maps in progress (a job of one map may run a map of its own): their results, by batch, read
 *  from a helper's port by another map. */
const stash = new Map<number, { index: number; ok: boolean; value?: unknown }[]>();

/**
 * In a helper thread: the control words of the map whose job it is running. A map inside that job
 * runs in the helper, one job after another, and counts each finished job in word [2] (a
 * heartbeat), so that the main thread, which sees only whole jobs in word [1], knows the helper is
 * working and does not give up on it during a long job.
 */
let heartbeat: Int32Array | undefined;

/** Helper threads: the control words of the job being run (undefined when it ends). */
export function setHeartbeat(control: Int32Array | undefined): void {
  heartbeat = control;
}

/** Jobs run by helper threads so far, and jobs run again here because no helper's answer was read (for tests and the bench). */
export const parallelCounters = { maps: 0, helperJobs: 0, reruns: 0 };

/** Threads including this one: METADX_THREADS, else the available cores (at most 4). */
export function parallelThreads(env: NodeJS.ProcessEnv = process.env): number {
  const requested = Number(env.METADX_THREADS);
  if (Number.isInteger(requested) && requested >= 1) return Math.min(requested, 16);
  return Math.max(1, Math.min(4, availableParallelism()));
}

function startHelpers(count: number): Helper[] {
  const typescript = import.meta.url.endsWith('.ts');
  const tasks = new URL(typescript ? './parallel-tasks.ts' : './parallel-tasks.js', import.meta.url).href;
  return Array.from({ length: count }, () => {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(new URL('./parallel-worker.mjs', import.meta.url), { workerData: { tasks, typescript, port: port2 }, transferList: [port2] });
    const helper: Helper = { worker, port: port1, broken: false };
    worker.on('error', () => {
      helper.broken = true;
    });
    worker.on('exit', () => {
      helper.broken = true;
    });
    worker.unref();
    port1.unref();
    return helper;
  });
}

function liveHelpers(): Helper[] {
  // a helper runs the maps of its jobs itself: helpers never start helpers
  if (!isMainThread) return [];
  const wanted = parallelThreads() - 1;
  if (wanted <= 0) return [];
  if (!helpers || helpers.every((h) => h.broken)) helpers = startHelpers(wanted);
  return helpers.filter((h) => !h.broken);
}

type Outcome<Output> = { ok: true; value: Output } | { ok: false };

/**
 * `inputs.map((input) => task.run(input, shared))`, spread over threads. `shared` and the inputs
 * must be structured-cloneable; so must the outputs. An exception thrown by a job is thrown here
 * (the first in job order), as the sequential map would.
 */
export function parallelMap<Shared, Input, Output>(
  task: ParallelTask<Shared, Input, Output>,
  shared: Shared,
  inputs: readonly Input[],
  /** hears (jobs done, jobs) now and then (progress display; must not throw) */
  onProgress?: (done: number, total: number) => void,
  settings: { minimumJobs?: number; context?: MainThreadContext } = {},
): Output[] {
  const n = inputs.length;
  const context = isMainThread ? settings.context : undefined;
  const active = n >= (settings.minimumJobs ?? MINIMUM_JOBS) ? liveHelpers() : [];
  if (active.length === 0) {
    return inputs.map((input, index) => {
      const output = task.run(input, shared, context);
      onProgress?.(index + 1, n);
      if (heartbeat) Atomics.add(heartbeat, 2, 1);
      return output;
    });
  }

  const batch = ++batches;
  parallelCounters.maps++;
  stash.set(batch, []);
  // [0]: next job to claim; [1]: jobs finished by helpers; [2]: jobs of maps inside them (heartbeat)
  const control = new Int32Array(new SharedArrayBuffer(12));
  // this thread takes the first job (the longest, where the caller orders them so) before the
  // helpers hear of the map
  let index = Atomics.add(control, 0, 1);
  for (const helper of active) {
    try {
      helper.worker.postMessage({ batch, task: task.name, shared, inputs, control });
    } catch {
      // not cloneable (or the helper is gone): this thread runs the jobs that helper would have
    }
  }
  // filled, not sparse: the map at the end must visit every job (Array.prototype.map skips holes)
  const outcomes: (Outcome<Output> | undefined)[] = Array.from({ length: n }, () => undefined);
  let own = 0;
  let ownMilliseconds = 0;
  for (; index < n; index = Atomics.add(control, 0, 1)) {
    const started = performance.now();
    try {
      outcomes[index] = { ok: true, value: task.run(inputs[index] as Input, shared, context) };
    } catch {
      outcomes[index] = { ok: false };
    }
    ownMilliseconds += performance.now() - started;
    own++;
    onProgress?.(Math.min(n, own + Atomics.load(control, 1)), n);
  }
  // wait for the jobs the helpers claimed; give up on a helper that makes no progress for long
  // (no finished job and no heartbeat), or at once when a map inside one of this map's jobs has
  // given up on the helpers (they are terminated: their jobs can never be answered)
  const claimedByHelpers = Math.min(Atomics.load(control, 0), n) - own;
  const patience = Math.max(10_000, 50 * (own > 0 ? ownMilliseconds / own : 0));
  let lastProgress = performance.now();
  let seen = Atomics.load(control, 1);
  let beats = Atomics.load(control, 2);
  while (seen < claimedByHelpers && !active.every((helper) => helper.broken)) {
    Atomics.wait(control, 1, seen, 1000);
    const now = Atomics.load(control, 1);
    const beat = Atomics.load(control, 2);
    if (now !== seen || beat !== beats) {
      if (now !== seen) onProgress?.(Math.min(n, own + now), n);
      seen = now;
      beats = beat;
      lastProgress = performance.now();
    } else if (performance.now() - lastProgress > patience) break;
  }
  for (const helper of active) {
    for (let message = receiveMessageOnPort(helper.port); message; message = receiveMessageOnPort(helper.port)) {
      const { batch: from, index: job, ok, value } = message.message as { batch: number; index: number; ok: boolean; value?: unknown };
      // a result of an enclosing map is kept for it; one of a finished map is dropped
      if (from !== batch) stash.get(from)?.push({ index: job, ok, value });
      else if (outcomes[job] === undefined) {
        outcomes[job] = ok ? { ok: true, value: value as Output } : { ok: false };
        parallelCounters.helperJobs++;
      }
    }
  }
  // results of this map read by a map that ran inside one of its jobs
  for (const { index: job, ok, value } of stash.get(batch) ?? []) {
    if (outcomes[job] === undefined) {
      outcomes[job] = ok ? { ok: true, value: value as Output } : { ok: false };
      parallelCounters.helperJobs++;
    }
  }
  stash.delete(batch);
  if (seen < claimedByHelpers) {
    // a helper stopped answering: it is not used again; its jobs are run here below
    for (const helper of active) {
      helper.broken = true;
      void helper.worker.terminate();
    }
  }
  return outcomes.map((outcome, index) => {
    // a job that threw (or was never answered) is run here: the same exception, or its result
    if (outcome?.ok) return outcome.value;
    if (outcome === undefined) parallelCounters.reruns++;
    return task.run(inputs[index] as Input, shared, context);
  });
}
