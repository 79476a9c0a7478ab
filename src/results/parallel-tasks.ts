/**
 * The functions helper threads of src/results/parallel.ts can run, by task name. Each is the very
 * function the main thread runs for the same task (tests/results/parallel.test.ts checks the names).
 */
import { ANALYSIS_PART } from './analyze.ts';
import { CUMULATIVE_STEP } from './cumulative.ts';
import { LEAVE_ONE_OUT } from './influence.ts';
import type { ParallelTask } from './parallel.ts';
import { AUC_REFIT } from './pooled.ts';

/** for the helper threads' loop (parallel-worker.mjs loads this module only) */
export { setHeartbeat } from './parallel.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const tasks: ParallelTask<any, any, any>[] = [AUC_REFIT, LEAVE_ONE_OUT, CUMULATIVE_STEP, ANALYSIS_PART];

export const TASKS: Record<string, (input: unknown, shared: unknown) => unknown> = Object.fromEntries(tasks.map((task) => [task.name, task.run]));
