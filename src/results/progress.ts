/**
 * Progress of long work, as events passed to a callback (`onProgress`) that the caller provides:
 * the statistics and the pipeline never print. The command line turns the events into a live line
 * on a terminal, or plain lines otherwise (src/commands/progress.ts); tests collect them.
 */

export type ProgressStage = 'spec' | 'data' | 'results' | 'figures' | 'document' | 'pdf' | 'write';

export interface ProgressEvent {
  stage: ProgressStage;
  /** what within the stage, e.g. 'model', 'bootstrap', 'leave-one-out', 'subgroups', 'cached' */
  step?: string;
  /** e.g. the figure being rendered or the covariate of a subgroup analysis */
  detail?: string;
  /** items finished so far (with `total`: refits, figures) */
  done?: number;
  total?: number;
}

export type OnProgress = (event: ProgressEvent) => void;
