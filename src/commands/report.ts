/**
 * `metadx report [ANALYSIS...] [--out DIR] [--no-pdf] [--replace]`.
 *
 * Each analysis is first planned cheaply (src/output/plan.ts: YAML, input hashes, reuse key); an
 * up-to-date version is reported and left alone, and a version that exists with different inputs
 * is refused, all without loading the statistics, vega or Chromium. Only analyses that need
 * building load the pipeline (src/run.ts). Versions of one analysis (spec folders sharing a
 * `name:`) are built in version order, so version 2 finds version 1 to compare with.
 */
import { join, relative, resolve } from 'node:path';
import { UserError } from '../diagnostics.ts';
import { specMessages, versionMessages } from '../messages.ts';
import { decide, refusalError } from '../output/decide.ts';
import { planVersion, type VersionPlan } from '../output/plan.ts';
import { compareVersions, tryUpdateLatest } from '../output/versions.ts';
import { discoverAnalyses, printDiagnostics, type CliIo } from './common.ts';

export interface ReportCommandOptions {
  out: string;
  pdf: boolean;
  replace: boolean;
  /** read data files outside the analysis folder (command-line only; never from the spec) */
  allowOutsideData?: boolean;
}

/** Targets with the versions of one analysis in version order (other targets keep their place). */
export function orderTargets(targets: string[], plan: (target: string) => VersionPlan | undefined): string[] {
  const planned = targets.map((target, index) => ({ target, index, plan: plan(target) }));
  const groupOf = new Map<string, number>();
  planned.forEach((item) => {
    const name = item.plan?.name ?? `\u0000${item.target}`;
    if (!groupOf.has(name)) groupOf.set(name, item.index);
  });
  const group = (item: (typeof planned)[number]) => groupOf.get(item.plan?.name ?? `\u0000${item.target}`)!;
  return planned
    .sort((a, b) => group(a) - group(b) || (a.plan && b.plan ? compareVersions(a.plan.version, b.plan.version) : 0) || a.index - b.index)
    .map((item) => item.target);
}

export async function commandReport(targets: string[], options: ReportCommandOptions, io: CliIo): Promise<number> {
  const analyses = discoverAnalyses(targets, io.cwd);
  if (analyses.length === 0) {
    io.err(`error: ${specMessages.noAnalyses(join(io.cwd, 'analyses'))}`);
    return 1;
  }
  const outRoot = resolve(io.cwd, options.out);
  const shown = (path: string) => relative(io.cwd, path) || path;
  const plans = new Map<string, VersionPlan | undefined>();
  const planFor = (target: string) => {
    if (!plans.has(target)) plans.set(target, planVersion(target, { outRoot, env: io.env }));
    return plans.get(target);
  };
  /** analyses written in this run: their later versions are planned again (a new predecessor) */
  const written = new Set<string>();
  let exitCode = 0;
  for (const target of orderTargets(analyses, planFor)) {
    const started = performance.now();
    try {
      const first = planFor(target);
      const plan = first && written.has(first.name) ? planVersion(target, { outRoot, env: io.env }) : first;
      if (plan) {
        const decision = decide(plan, { outRoot, pdf: options.pdf, replace: options.replace, env: io.env });
        if (decision.action === 'reuse') {
          tryUpdateLatest(plan.outputDir);
          io.out(versionMessages.upToDate(plan.name, plan.version, shown(plan.target), decision.reason === 'equivalent'));
          continue;
        }
        if (decision.action === 'refuse') throw refusalError(plan, decision.differences, io.cwd);
      }
      const { loadAnalysis, buildReport } = await import('../run.ts');
      const loaded = await loadAnalysis(target, io.cwd, { allowOutsideData: options.allowOutsideData ?? false });
      printDiagnostics(loaded.diagnostics, io);
      const outcome = await buildReport(loaded, { outRoot, pdf: options.pdf, env: io.env, cwd: io.cwd, log: io.out, replace: options.replace, ...(plan ? { plan } : {}) });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const version = String(loaded.spec.version);
      if (outcome.status !== 'up-to-date') written.add(loaded.name);
      if (outcome.status === 'up-to-date') io.out(versionMessages.upToDate(loaded.name, version, shown(outcome.directory), outcome.reuse === 'equivalent'));
      else io.out(versionMessages.wrote(loaded.name, version, shown(outcome.directory), outcome.files.length, seconds, outcome.status === 'replaced', outcome.previous));
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
