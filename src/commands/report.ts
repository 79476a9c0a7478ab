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
import { UserError, type Diagnostic } from '../diagnostics.ts';
import type { Limits } from '../limits.ts';
import { specMessages, versionMessages } from '../messages.ts';
import { decide, refusalError } from '../output/decide.ts';
import type { Manifest } from '../output/manifest.ts';
import { planVersion, resolveSpecPath, type VersionPlan } from '../output/plan.ts';
import { METADX_VERSION } from '../version.ts';
import { compareVersions, tryUpdateLatest } from '../output/versions.ts';
import { discoverAnalyses, printDiagnostics, type CliIo } from './common.ts';
import { startProgress } from './progress.ts';

export interface ReportCommandOptions {
  out: string;
  pdf: boolean;
  replace: boolean;
  /** read data files outside the analysis folder (command-line only; never from the spec) */
  allowOutsideData?: boolean;
  /** print one JSON object instead of text (README.md, "Machine-readable output") */
  json?: boolean;
  /** no progress on stderr */
  quiet?: boolean;
  limits?: Limits;
}

/** What happened to one analysis (the JSON output of `metadx report --json`). */
export interface ReportAnalysisOutcome {
  target: string;
  spec: string;
  name: string | null;
  version: string | null;
  outcome: 'written' | 'replaced' | 'up-to-date' | 'refused' | 'invalid';
  /** the version folder (relative to the working folder) */
  directory: string | null;
  /** files of the version folder, relative to it (manifest.json last) */
  files: string[];
  /** the version compared with ("what changed"), if any */
  previous: string | null;
  /** the PDF could not be printed (exit 3); HTML, figures and results were written */
  pdf: 'written' | 'failed' | 'skipped';
  /** warnings, notes and errors, each with file, line and column where known */
  diagnostics: Diagnostic[];
  /** progress notes (e.g. a cache entry that failed its integrity check) */
  notes: string[];
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

export async function commandReport(targets: string[], options: ReportCommandOptions, cliIo: CliIo): Promise<number> {
  // progress on stderr (a live line on a terminal); io.out and io.err clear that line first
  const progress = startProgress(cliIo, { quiet: options.quiet ?? false });
  const { io, onProgress } = progress;
  const analyses = discoverAnalyses(targets, io.cwd);
  const json = options.json ?? false;
  if (analyses.length === 0) {
    const diagnostic: Diagnostic = { severity: 'error', code: 'spec.no-analyses', message: specMessages.noAnalyses(join(io.cwd, 'analyses')) };
    if (json) io.out(JSON.stringify({ command: 'report', metadx: METADX_VERSION, outcome: 'invalid', exitCode: 1, diagnostics: [diagnostic], analyses: [] }, null, 2));
    else io.err(`error: ${diagnostic.message}`);
    return 1;
  }
  const outRoot = resolve(io.cwd, options.out);
  const shown = (path: string) => relative(io.cwd, path) || path;
  const planOptions = { outRoot, env: io.env, allowOutsideData: options.allowOutsideData ?? false, ...(options.limits ? { limits: options.limits } : {}) };
  const plans = new Map<string, VersionPlan | undefined>();
  const planFor = (target: string) => {
    if (!plans.has(target)) plans.set(target, planVersion(target, planOptions));
    return plans.get(target);
  };
  /** analyses written in this run: their later versions are planned again (a new predecessor) */
  const written = new Set<string>();
  const outcomes: ReportAnalysisOutcome[] = [];
  let exitCode = 0;
  for (const target of orderTargets(analyses, planFor)) {
    const started = performance.now();
    progress.setPrefix(`${shown(target)}: `);
    const record: ReportAnalysisOutcome = { target: shown(target), spec: shown(resolveSpecPath(target)), name: null, version: null, outcome: 'invalid', directory: null, files: [], previous: null, pdf: options.pdf ? 'failed' : 'skipped', diagnostics: [], notes: [] };
    outcomes.push(record);
    const say = (line: string) => (json ? record.notes.push(line) : io.out(line));
    const report = (diagnostics: readonly Diagnostic[]) => {
      record.diagnostics.push(...diagnostics);
      if (!json) printDiagnostics(diagnostics, io);
    };
    try {
      const first = planFor(target);
      const plan = first && written.has(first.name) ? planVersion(target, planOptions) : first;
      if (plan) {
        Object.assign(record, { name: plan.name, version: plan.version, directory: shown(plan.target), previous: plan.previous?.version ?? null });
        const decision = decide(plan, { outRoot, pdf: options.pdf, replace: options.replace, env: io.env });
        if (decision.action === 'reuse') {
          tryUpdateLatest(plan.outputDir);
          Object.assign(record, { outcome: 'up-to-date', files: manifestFiles(decision.manifest), pdf: decision.manifest.outputs.some((f) => f.path === 'supplement.pdf') ? 'written' : 'skipped' });
          if (!json) io.out(versionMessages.upToDate(plan.name, plan.version, shown(plan.target), decision.reason === 'equivalent'));
          continue;
        }
        if (decision.action === 'refuse') {
          record.outcome = 'refused';
          throw refusalError(plan, decision.differences, io.cwd);
        }
      }
      const { loadAnalysis, buildReport } = await import('../run.ts');
      const loaded = await loadAnalysis(target, io.cwd, { allowOutsideData: options.allowOutsideData ?? false, ...(options.limits ? { limits: options.limits } : {}), ...(onProgress ? { onProgress } : {}) });
      report(loaded.diagnostics);
      const outcome = await buildReport(loaded, { outRoot, pdf: options.pdf, env: io.env, cwd: io.cwd, log: say, replace: options.replace, ...(options.limits ? { limits: options.limits } : {}), ...(plan ? { plan } : {}), ...(onProgress ? { onProgress } : {}) });
      progress.clear();
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const version = String(loaded.spec.version);
      if (outcome.status !== 'up-to-date') written.add(loaded.name);
      Object.assign(record, {
        name: loaded.name,
        version,
        outcome: outcome.status,
        directory: shown(outcome.directory),
        files: outcome.files,
        previous: outcome.previous ?? null,
        pdf: outcome.files.includes('supplement.pdf') ? 'written' : options.pdf ? 'failed' : 'skipped',
      });
      if (!json) {
        if (outcome.status === 'up-to-date') io.out(versionMessages.upToDate(loaded.name, version, shown(outcome.directory), outcome.reuse === 'equivalent'));
        else io.out(versionMessages.wrote(loaded.name, version, shown(outcome.directory), outcome.files.length, seconds, outcome.status === 'replaced', outcome.previous));
      }
      if (outcome.warnings) report(outcome.warnings);
      if (outcome.pdfError) {
        report([outcome.pdfError]);
        exitCode = Math.max(exitCode, 3);
      }
    } catch (error) {
      if (!(error instanceof UserError)) {
        progress.clear();
        throw error;
      }
      if (record.outcome !== 'refused') record.outcome = error.diagnostics.some((d) => d.code === 'output.version-exists') ? 'refused' : 'invalid';
      report(error.diagnostics);
      exitCode = Math.max(exitCode, error.exitCode);
    }
  }
  progress.clear();
  if (json) {
    const outcome = exitCode === 0 ? 'ok' : exitCode === 3 ? 'pdf-failed' : 'invalid';
    io.out(JSON.stringify({ command: 'report', metadx: METADX_VERSION, outcome, exitCode, analyses: outcomes }, null, 2));
  }
  return exitCode;
}

/** Files of a version folder as its manifest lists them (outputs, inputs, previous; manifest last). */
function manifestFiles(manifest: Manifest): string[] {
  return [...manifest.outputs.map((f) => f.path), ...manifest.inputs.map((f) => f.path), ...(manifest.previous ? [manifest.previous.results.path, manifest.previous.manifest.path] : []), 'manifest.json'];
}
