/**
 * The same GLMM fit asked for twice in one thread is computed once. A report asks for some fits
 * more than once: the last step of a cumulative meta-analysis is the full model when the data are
 * already in its order, a leave-one-out refit can equal a cumulative step, and each subgroup's
 * meta-regression fits the same model without the covariate. A fit is a pure function of its
 * arguments (counts, groups, design, settings), so the stored answer is the one a new fit would give,
 * bit for bit.
 *
 * Keyed by every argument in JSON that keeps NaN, ±Infinity and −0 (`exactJson`; JSON writes a
 * double so that it reads back the same). Callers key on the very options object they pass to the
 * fit, so no setting can be left out of the key. Only for up to MEMO_MAX_TABLES tables (building the
 * key of a 2,000-study refit would cost more than it saves there) and for the last MEMO_ENTRIES fits
 * computed (a hit does not renew an entry). A hit returns a structured clone, so no caller can
 * change another's fit. Per thread: the parts of an analysis that run on other threads keep their
 * own.
 */
import { exactJson } from '../output/hash.ts';

const MEMO_MAX_TABLES = 200;
const MEMO_ENTRIES = 32;

const stored = new Map<string, unknown>();

/** counters for the tests: fits computed and fits answered from the memo */
export const fitMemoCounters = { computed: 0, reused: 0 };

/** `compute()`, or the stored answer of an earlier call with the same `engine` and `args`. */
export function memoizedFit<T>(engine: string, tables: number, args: readonly unknown[], compute: () => T): T {
  if (tables > MEMO_MAX_TABLES) {
    fitMemoCounters.computed++;
    return compute();
  }
  const key = `${engine}\u0000${exactJson.stringify(args)}`;
  if (stored.has(key)) {
    fitMemoCounters.reused++;
    return structuredClone(stored.get(key)) as T;
  }
  const fit = compute();
  fitMemoCounters.computed++;
  let copy: T;
  try {
    copy = structuredClone(fit);
  } catch {
    return fit; // holds something that cannot be cloned (a function): not kept
  }
  if (stored.size >= MEMO_ENTRIES) stored.delete(stored.keys().next().value as string);
  stored.set(key, copy);
  return fit;
}

/** Forget every stored fit (tests). */
export function clearFitMemo(): void {
  stored.clear();
}
