/**
 * The pipeline, in the order the stages run (vega-lite's compile() style):
 *
 *   0. plan      spec + input bytes → name, version, reuse key      (src/output/plan.ts; cheap)
 *                → reuse / refuse / build                            (src/output/decide.ts)
 *   1. spec      analysis.yaml  → validated AnalysisSpec             (reads the spec file)
 *   2. data      CSV/XLSX bytes → validated studies                  (reads the data files)
 *   3. results   spec + studies → AnalysisResults                    (pure; cached by content hash)
 *   4. figures   results        → Vega-Lite specs → SVG/PNG/CSV      (pure: src/figures)
 *   5. changes   results + previous version → what changed           (pure: src/output/compare.ts)
 *   6. document  results + SVG  → supplement.html                    (pure: templates, src/document)
 *   7. pdf       HTML           → supplement.pdf                     (headless Chromium)
 *   8. write     everything     → out/<name>/<version>/              (staging folder, renamed into
 *                                                                      place last; manifest.json)
 *
 * Files are written to the staging folder as each stage produces them, so every intermediate
 * artifact (results.json, the Vega-Lite spec and data of each figure) lands next to the report.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { buildCharacteristics, type CharacteristicsTable } from './data/characteristics.ts';
import { loadStudyData, parseTableFile } from './data/load.ts';
import { applyQuadasCovariate, loadQuadas, QUADAS_DOMAINS, quadasCovariate, type QuadasData } from './data/quadas.ts';
import { closest } from './suggest.ts';
import { prismaDiagnostics, prismaFlow } from './results/prisma.ts';
import type { StudyData } from './data/studies.ts';
import { UserError, hasErrors, type Diagnostic } from './diagnostics.ts';
import { quadasMessages, runMessages, specMessages, versionMessages } from './messages.ts';
import { analyze, pooledOptions } from './results/analyze.ts';
import { cumulativeMetaAnalysis } from './results/cumulative.ts';
import type { AnalysisResults } from './results/types.ts';
import { loadSpec, resolveSpecInput } from './spec/load.ts';
import type { SoftwareVersions } from './document/sections/methods.ts';
import { ENGINE_VERSION, METADX_VERSION } from './version.ts';
import type { AnalysisSpec } from './spec/schema.ts';
import { ResultsCache, resultsKey } from './output/cache.ts';
import { compareVersions, type ComparableResults, type VersionComparison } from './output/compare.ts';
import { decide, recordEquivalence, refusalError } from './output/decide.ts';
import { buildFingerprint, currentEnvironment, projectRoot } from './output/fingerprint.ts';
import { sha256 } from './output/hash.ts';
import type { Manifest, ManifestFile } from './output/manifest.ts';
import { chooseDate, planVersion, resolveSpecPath, type VersionPlan } from './output/plan.ts';
import { tryUpdateLatest, MANIFEST } from './output/versions.ts';
import { StagedVersion } from './output/write.ts';

export { resolveSpecPath } from './output/plan.ts';

export interface LoadedAnalysis {
  /** output name: the spec's `name:`, else the folder name */
  name: string;
  directory: string;
  /** absolute path of the spec file */
  specPath: string;
  /** the spec file as shown in messages (relative to the working folder) */
  specFile: string;
  spec: AnalysisSpec;
  data: StudyData;
  /** Table 2: characteristics of included studies, when the spec names a file */
  characteristics?: CharacteristicsTable;
  /** QUADAS-2 judgements, when the spec names a file */
  quadas?: QuadasData;
  diagnostics: Diagnostic[];
}

/** Steps 1–2: read and validate the spec and its data. Throws UserError with all problems. */
export async function loadAnalysis(target: string, cwd = process.cwd(), options: { name?: string; allowOutsideData?: boolean } = {}): Promise<LoadedAnalysis> {
  const specPath = resolveSpecPath(target);
  const shown = (path: string) => (isAbsolute(path) ? relative(cwd, path) || path : path);
  if (!existsSync(specPath)) {
    throw new UserError([{ severity: 'error', code: 'spec.not-found', message: specMessages.specNotFound(shown(specPath)), hint: specMessages.specNotFoundHint() }]);
  }
  const specFile = shown(specPath);
  const { spec, diagnostics, locate } = loadSpec(readFileSync(specPath, 'utf8'), specFile);
  if (!spec || hasErrors(diagnostics)) throw new UserError(diagnostics);

  const directory = dirname(specPath);
  /** Read a file named in the spec at `key`: it must exist and stay inside the analysis folder. */
  const readSpecFile = (key: readonly (string | number)[], path: string, what: string): { bytes: Uint8Array; file: string } => {
    const position = locate(key) ?? {};
    const resolved = resolveSpecInput(directory, path, { allowOutside: options.allowOutsideData ?? false });
    const fail = (code: string, message: string, hint: string): never => {
      throw new UserError([{ severity: 'error', code, message, hint, file: specFile, ...position }]);
    };
    if (!resolved.ok) {
      switch (resolved.reason) {
        case 'outside':
          return fail('spec.path-escapes', specMessages.pathEscapes(path), specMessages.pathEscapesHint());
        case 'symlink-outside':
          return fail('spec.path-escapes', specMessages.pathSymlinkEscapes(path, resolved.target ?? ''), specMessages.pathEscapesHint());
        case 'not-a-file':
          return fail('spec.not-a-file', specMessages.pathNotAFile(what, shown(resolved.absolute)), specMessages.pathNotAFileHint(key.join('.')));
        default:
          return fail('spec.file-missing', specMessages.fileMissing(what, shown(resolved.absolute)), specMessages.fileMissingHint(key.join('.')));
      }
    }
    return { bytes: readFileSync(resolved.absolute), file: shown(resolved.absolute) };
  };

  const dataFile = readSpecFile(['data', 'file'], spec.data.file, 'data');
  const loaded = await loadStudyData(dataFile.bytes, {
    file: dataFile.file,
    spec,
    specFile,
    locateSpec: locate,
    // the QUADAS-2 domains become covariates quadas_<domain> (added below, once that file is read)
    extraCovariates: spec.quadas ? QUADAS_DOMAINS.map((domain) => `quadas_${domain.id}`) : [],
    ...(spec.data.sheet ? { sheet: spec.data.sheet } : {}),
  });
  const all = [...diagnostics, ...loaded.diagnostics];
  let characteristics: CharacteristicsTable | undefined;
  if (spec.characteristics) {
    const source = readSpecFile(['characteristics', 'file'], spec.characteristics.file, 'characteristics');
    const parsed = await parseTableFile(source.bytes, source.file, spec.characteristics.sheet);
    all.push(...parsed.diagnostics);
    if (parsed.table) {
      const built = buildCharacteristics(parsed.table, { file: source.file, displayFile: spec.characteristics.file, ...(spec.characteristics.columns ? { columns: spec.characteristics.columns } : {}) });
      all.push(...built.diagnostics);
      characteristics = built.data;
    }
  }
  let quadas: QuadasData | undefined;
  if (spec.quadas) {
    const source = readSpecFile(['quadas', 'file'], spec.quadas.file, 'QUADAS-2');
    const parsed = await loadQuadas(source.bytes, { file: source.file, ...(spec.quadas.sheet ? { sheet: spec.quadas.sheet } : {}) });
    all.push(...parsed.diagnostics);
    // results name the file as the spec does, so they do not depend on the working folder
    quadas = parsed.data ? { ...parsed.data, file: spec.quadas.file } : undefined;
  }
  if (!loaded.data || hasErrors(all)) throw new UserError(all);
  // QUADAS-2 domains become covariates (quadas_rob_patient_selection, ...) usable under subgroups:
  let data = loaded.data;
  if (quadas) {
    for (const domain of quadas.domains) {
      const covariate = quadasCovariate(quadas.studies, domain);
      const applied = applyQuadasCovariate(data.studies, covariate);
      data = { ...data, studies: applied.studies, covariates: [...data.covariates, covariate.info] };
      if (applied.unmatched.length > 0 && spec.subgroups.includes(covariate.info.name)) {
        all.push({ severity: 'warning', code: 'quadas.unmatched', message: quadasMessages.noJudgements(applied.unmatched.join('; ')), hint: quadasMessages.noJudgementsHint(), file: specFile, ...(locate(['quadas', 'file']) ?? {}) });
      }
    }
  }
  const flow = prismaFlow(spec, { tablesAnalysed: data.studies.length });
  if (flow) all.push(...prismaDiagnostics(flow, specFile, locate));
  const unknownSubgroups = spec.subgroups.filter((name) => !data.covariates.some((c) => c.name === name));
  if (unknownSubgroups.length > 0) {
    throw new UserError(
      unknownSubgroups.map((name) => ({
        severity: 'error' as const,
        code: 'spec.unknown-covariate',
        message: specMessages.unknownCovariate(name, closest(name, data.covariates.map((c) => c.name))),
        file: specFile,
        ...(locate(['subgroups', spec.subgroups.indexOf(name)]) ?? {}),
      })),
    );
  }
  return {
    name: options.name ?? spec.name ?? basename(directory),
    directory,
    specPath,
    specFile,
    spec,
    data,
    ...(characteristics ? { characteristics } : {}),
    ...(quadas ? { quadas } : {}),
    diagnostics: all,
  };
}

export interface ReportOptions {
  outRoot: string;
  pdf: boolean;
  env: NodeJS.ProcessEnv;
  /** progress lines (the CLI prints them; tests collect them) */
  log: (line: string) => void;
  /** regenerate an existing version even though its inputs differ (default: refuse) */
  replace?: boolean;
  /** read and write the results cache in <outRoot>/.cache (default: true) */
  cache?: boolean;
  /** the plan, when the caller has made it (the CLI's fast path, verify); else made here */
  plan?: VersionPlan;
  /** folder that paths in messages are shown relative to (default: the process's working folder) */
  cwd?: string;
}

export interface ReportOutcome {
  /** the version folder */
  directory: string;
  /** written: a new version; replaced: --replace or completed; up-to-date: reused as it was */
  status: 'written' | 'replaced' | 'up-to-date';
  /** why an existing version was reused: same key, or rebuilt by a changed build with identical outputs */
  reuse?: 'identical' | 'equivalent';
  results: AnalysisResults;
  manifest: Manifest;
  /** files of the version folder (outputs, then inputs), manifest.json last */
  files: string[];
  pdfError?: Diagnostic;
  /** the version compared with ("what changed"), if any */
  previous?: string;
}

/** The document date: spec date, else SOURCE_DATE_EPOCH, else today (UTC). */
export function documentDate(spec: AnalysisSpec, env: NodeJS.ProcessEnv): string {
  return chooseDate(spec.date, env).value;
}

/** Versions of everything that shapes the output, for the methods text and the manifest. */
export async function softwareVersions(): Promise<SoftwareVersions> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  return { metadx: METADX_VERSION, engine: ENGINE_VERSION, node: process.versions.node, vega: vega.version, vegaLite: vegaLite.version };
}

const fileList = (manifest: Manifest): string[] => [...manifest.outputs.map((f) => f.path), ...manifest.inputs.map((f) => f.path), ...(manifest.previous ? [manifest.previous.results.path, manifest.previous.manifest.path] : []), MANIFEST];

/** Results from the cache, or computed (step 3) and cached. */
function computeResults(analysis: LoadedAnalysis, plan: VersionPlan, cache: ResultsCache | undefined): AnalysisResults {
  const key = resultsKey(plan);
  const cached = cache?.get<AnalysisResults>(key);
  if (cached) return cached;
  const { spec, data } = analysis;
  const results: AnalysisResults = {
    ...analyze(spec, data, analysis.name, { ...(analysis.quadas ? { quadas: analysis.quadas } : {}) }),
    cumulative: cumulativeMetaAnalysis(data.studies, spec, pooledOptions(spec)),
  };
  cache?.set(key, results);
  return results;
}

/** The previous version's results and manifest, from its folder (or verify's inputs/previous). */
function readPrevious(plan: VersionPlan): { results: ComparableResults; manifest: Manifest; bytes: { results: Buffer; manifest: Buffer } } | undefined {
  if (!plan.previous) return undefined;
  const bytes = { results: readFileSync(join(plan.previous.directory, 'results.json')), manifest: readFileSync(join(plan.previous.directory, MANIFEST)) };
  if (sha256(bytes.results) !== plan.previous.resultsSha256 || sha256(bytes.manifest) !== plan.previous.manifestSha256) {
    throw new UserError([{ severity: 'error', code: 'output.inputs-changed', message: versionMessages.inputsChanged(plan.previous.directory), hint: versionMessages.inputsChangedHint() }]);
  }
  return { results: JSON.parse(bytes.results.toString('utf8')) as ComparableResults, manifest: JSON.parse(bytes.manifest.toString('utf8')) as Manifest, bytes };
}

/** A failed file-system call while writing output: a user error naming the path, not a bug. */
function writeError(error: unknown, target: string, cwd: string): UserError | undefined {
  const syscall = (error as NodeJS.ErrnoException | undefined)?.syscall;
  if (!syscall || !['mkdir', 'open', 'write', 'rename', 'rmdir', 'unlink', 'scandir', 'symlink', 'copyfile', 'stat', 'lstat', 'readlink', 'rm'].includes(syscall)) return undefined;
  return new UserError([{ severity: 'error', code: 'output.write-failed', message: runMessages.writeFailed(relative(cwd, target) || target, (error as Error).message), hint: runMessages.writeFailedHint() }]);
}

/** Point out/<name>/latest at the newest version; a failure is only a note (the version is in place). */
function pointLatest(plan: VersionPlan, options: ReportOptions, cwd: string): void {
  const failure = tryUpdateLatest(plan.outputDir);
  if (failure) options.log(`note: ${runMessages.writeFailed(relative(cwd, join(plan.outputDir, 'latest')), failure.message)}`);
}

/**
 * Steps 0 and 3–8 for one loaded analysis: reuse the version if it is up to date, refuse if it
 * exists with different inputs (unless `replace`), else build it.
 */
export async function buildReport(analysis: LoadedAnalysis, options: ReportOptions): Promise<ReportOutcome> {
  const { spec } = analysis;
  const cwd = options.cwd ?? process.cwd();
  // 0. plan and decide
  const planned = planVersion(analysis.specPath, { outRoot: options.outRoot, env: options.env, name: analysis.name, ...(options.plan ? { date: options.plan.date, previous: options.plan.previous } : {}) });
  if (!planned) {
    throw new UserError([{ severity: 'error', code: 'output.bad-version', message: versionMessages.badVersion(String(spec.version)), hint: versionMessages.badVersionHint(), file: analysis.specFile }]);
  }
  if (options.plan && options.plan.key !== planned.key) {
    throw new UserError([{ severity: 'error', code: 'output.inputs-changed', message: versionMessages.inputsChanged(analysis.directory), hint: versionMessages.inputsChangedHint() }]);
  }
  const plan = planned;
  const decision = decide(plan, { outRoot: options.outRoot, pdf: options.pdf, replace: options.replace ?? false });
  if (decision.action === 'reuse') {
    pointLatest(plan, options, cwd);
    const results = JSON.parse(readFileSync(join(plan.target, 'results.json'), 'utf8')) as AnalysisResults;
    return { directory: plan.target, status: 'up-to-date', reuse: decision.reason, results, manifest: decision.manifest, files: fileList(decision.manifest), ...(plan.previous ? { previous: plan.previous.version } : {}) };
  }
  if (decision.action === 'refuse') throw refusalError(plan, decision.differences, cwd);

  const previous = readPrevious(plan);
  let staged: StagedVersion;
  try {
    staged = StagedVersion.begin(options.outRoot, plan.name, plan.version);
  } catch (error) {
    throw writeError(error, plan.target, cwd) ?? error;
  }
  try {
    const date = plan.date.value;
    // 3. results
    const cache = options.cache === false ? undefined : new ResultsCache(options.outRoot);
    const results = computeResults(analysis, plan, cache);

    // 4. figures
    const { buildFigures } = await import('./figures/build.ts');
    const figures = await buildFigures(results, spec);
    const figureHashes: Manifest['figures'] = [];
    // PNGs are drawn by worker threads meanwhile and written after the PDF (off the critical path)
    const pngs = Promise.all(figures.map((figure) => figure.png));
    pngs.catch(() => undefined);
    for (const figure of figures) {
      const svg = staged.write({ path: `figures/${figure.id}.svg`, content: figure.svg });
      staged.write({ path: `figures/${figure.id}.vl.json`, content: `${JSON.stringify(figure.vegaLite, null, 2)}\n` });
      if (figure.csv) staged.write({ path: `figures/${figure.id}.csv`, content: figure.csv });
      figureHashes.push({ id: figure.id, title: figure.title, svg: svg.sha256 });
    }

    // 5. what changed since the previous version
    let changes: VersionComparison | null = null;
    if (previous) {
      changes = compareVersions(
        { results: previous.results, date: previous.manifest.date?.value ?? null, figures: previous.manifest.figures ?? [] },
        { results: results as unknown as ComparableResults, date, figures: figureHashes },
      );
    }
    const finalResults: AnalysisResults = { ...results, changes };
    staged.write({ path: 'results.json', content: `${JSON.stringify(finalResults, null, 2)}\n` });

    // 6. document
    const [{ buildDocumentView }, { renderHtml }] = await Promise.all([import('./document/view.ts'), import('./document/render.ts')]);
    const software = await softwareVersions();
    const view = buildDocumentView({ spec, results: finalResults, date, software, ...(analysis.characteristics ? { characteristics: analysis.characteristics } : {}), figures: figures.map((f) => ({ id: f.id, title: f.title, caption: f.caption, svg: f.svg })) });
    const html = renderHtml(view);
    staged.write({ path: 'supplement.html', content: html });
    if (view.references.length > 0) {
      const { toBibTeX, toRis } = await import('./document/references.ts');
      staged.write({ path: 'references.bib', content: toBibTeX(view.references) });
      staged.write({ path: 'references.ris', content: toRis(view.references) });
    }

    // 7. pdf
    let pdfError: Diagnostic | undefined;
    let chromium: string | null = null;
    if (options.pdf) {
      const [{ findBrowser }, { printPdf }] = await Promise.all([import('./pdf/browser.ts'), import('./pdf/print.ts')]);
      const browser = await findBrowser(options.env);
      if (!browser) {
        pdfError = { severity: 'error', code: 'pdf.no-browser', message: runMessages.browserMissing(), hint: runMessages.browserMissingHint() };
      } else {
        try {
          const printed = await printPdf(html, browser, {
            paper: spec.output.paper,
            footerLabel: `${spec.title} — version ${spec.version}`,
            date,
            contents: { sections: view.sections.map((s) => ({ id: s.id, title: s.title })), render: (pages) => renderHtml(view, { pages }) },
          });
          const { withMetadata } = await import('./pdf/metadata.ts');
          const pdf = withMetadata(printed.pdf, {
            title: spec.title,
            ...(spec.authors.length > 0 ? { author: spec.authors.join('; ') } : {}),
            subject: spec.subtitle ?? 'Supplementary material: diagnostic test accuracy meta-analysis',
            keywords: ['diagnostic test accuracy', 'meta-analysis', 'bivariate model', 'SROC', spec.index_test, spec.target_condition].filter((k): k is string => Boolean(k)).join('; '),
            creator: `metadx ${METADX_VERSION}`,
            date,
          });
          staged.write({ path: 'supplement.pdf', content: pdf });
          chromium = printed.browserVersion;
        } catch (error) {
          const detail = error instanceof Error ? error.message.split('\n')[0]! : String(error);
          pdfError = { severity: 'error', code: 'pdf.failed', message: runMessages.pdfFailed(detail), hint: runMessages.pdfFailedHint() };
        }
      }
    }
    (await pngs).forEach((png, i) => staged.write({ path: `figures/${figures[i]!.id}.png`, content: png }));
    const outputs = staged.files();

    // 8. inputs, manifest, and into place
    const inputs: Manifest['inputs'] = plan.inputs.map((input) => ({
      ...staged.write({ path: input.role === 'spec' ? 'inputs/analysis.yaml' : `inputs/${input.path}`, content: input.bytes }),
      role: input.role,
      original: input.path,
    }));
    const previousFiles = previous
      ? {
          version: plan.previous!.version,
          date: previous.manifest.date?.value ?? null,
          results: staged.write({ path: 'inputs/previous/results.json', content: previous.bytes.results }),
          manifest: staged.write({ path: 'inputs/previous/manifest.json', content: previous.bytes.manifest }),
        }
      : null;
    const environment = currentEnvironment();
    const direct = Object.keys((JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {});
    const manifest: Manifest = {
      manifest: 1,
      analysis: plan.name,
      version: plan.version,
      title: spec.title,
      date: plan.date,
      key: plan.key,
      keyParts: plan.keyParts,
      inputs,
      previous: previousFiles,
      software: {
        metadx: METADX_VERSION,
        engine: ENGINE_VERSION,
        build: buildFingerprint(),
        node: environment.node,
        platform: environment.platform,
        vega: software.vega,
        vegaLite: software.vegaLite,
        chromium,
        dependencies: Object.fromEntries(direct.sort().map((name) => [name, environment.dependencies[name] ?? '(not installed)'])),
        dependencyTree: environment.dependencies,
      },
      seed: spec.model.seed,
      options: {
        pdf: options.pdf,
        paper: spec.output.paper,
        dpi: spec.output.dpi,
        model: { ...spec.model },
        figures: spec.figures ?? 'all',
      },
      figures: figureHashes,
      outputs,
    };
    staged.write({ path: MANIFEST, content: `${JSON.stringify(manifest, null, 2)}\n` });

    let status: ReportOutcome['status'] = decision.action === 'build' && decision.replace ? 'replaced' : 'written';
    if (decision.action === 'compare') {
      // Only metadx's build or the environment changed: keep the existing version if this build
      // reproduces it, else refuse (the user decides: a new version, or --replace).
      const before = new Map(decision.manifest.outputs.map((file) => [file.path, file.sha256]));
      const differing = outputs.filter((file) => before.has(file.path) && before.get(file.path) !== file.sha256).map((file) => file.path);
      const missing = [...before.keys()].filter((path) => !outputs.some((file) => file.path === path));
      const added = outputs.filter((file) => !before.has(file.path)).map((file) => file.path);
      if (differing.length > 0 || added.some((path) => path !== 'supplement.pdf')) {
        staged.discard();
        throw refusalError(plan, decision.differences, cwd, [...differing, ...added]);
      }
      if (added.length === 0) {
        staged.discard();
        if (missing.length === 0) recordEquivalence(options.outRoot, plan.key, decision.manifest.key);
        pointLatest(plan, options, cwd);
        const kept = JSON.parse(readFileSync(join(plan.target, 'results.json'), 'utf8')) as AnalysisResults;
        return { directory: plan.target, status: 'up-to-date', reuse: 'equivalent', results: kept, manifest: decision.manifest, files: fileList(decision.manifest), ...(pdfError ? { pdfError } : {}), ...(plan.previous ? { previous: plan.previous.version } : {}) };
      }
      status = 'replaced'; // identical outputs, completed with the PDF the existing version lacked
    }
    const directory = staged.commit({ replace: status === 'replaced' || (decision.action === 'build' && decision.replace) });
    pointLatest(plan, options, cwd);
    return { directory, status, results: finalResults, manifest, files: fileList(manifest), ...(pdfError ? { pdfError } : {}), ...(plan.previous ? { previous: plan.previous.version } : {}) };
  } catch (error) {
    staged.discard();
    if (error instanceof UserError) throw error;
    throw writeError(error, plan.target, cwd) ?? error;
  }
}
