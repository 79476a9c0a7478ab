/**
 * The pure core of the pipeline: spec text + the bytes of each file it names → results, figures
 * and document, all in memory. No file is read or written here: the shell (src/run.ts for
 * `report` and `verify`, src/commands/preview.ts for `preview`) hands in the spec text and a
 * `read` callback for the files the spec names (it does the confinement and the size limits),
 * the previous version's results, a results cache and a progress callback, and writes what comes
 * back. Stages, in order (vega-lite's compile() style):
 *
 *   1. spec      YAML text      → validated AnalysisSpec (file:line:column diagnostics)  loadInputs
 *   2. data      CSV/XLSX bytes → validated studies, characteristics, QUADAS-2         loadInputs
 *   3. results   spec + studies → AnalysisResults (the cache is keyed on the statistical
 *                inputs only: src/results/inputs.ts)                                    compile
 *   4. figures   results        → Vega-Lite specs → SVG (+ PNG unless png: false), CSV    compile
 *   5. changes   results + previous version's results and figure hashes → what changed compile
 *   6. document  results + SVG  → document view, supplement.html, findings and reference
 *                files (references.bib/.ris)                                           compile
 */
import { buildCharacteristics, type CharacteristicsTable } from './data/characteristics.ts';
import { loadStudyData, parseTableFile } from './data/load.ts';
import { applyQuadasCovariate, loadQuadas, QUADAS_DOMAINS, quadasCovariate, type QuadasData } from './data/quadas.ts';
import { lookAlikeKey, type StudyData } from './data/studies.ts';
import { UserError, hasErrors, type Diagnostic } from './diagnostics.ts';
import type { SoftwareVersions } from './document/sections/methods.ts';
import type { DocumentView } from './document/view.ts';
import type { BuiltFigure } from './figures/build.ts';
import { DEFAULT_LIMITS, LimitError, type Limits } from './limits.ts';
import { quadasMessages, specMessages, versionMessages } from './messages.ts';
import { sha256 } from './output/hash.ts';
import type { ComparableResults, VersionComparison } from './output/compare.ts';
import type { OutputFile } from './output/write.ts';
import { analyze } from './results/analyze.ts';
import { statisticalInputs, withIdentity, type StatisticalInputs } from './results/inputs.ts';
import { prismaDiagnostics, prismaFlow } from './results/prisma.ts';
import type { OnProgress } from './results/progress.ts';
import type { AnalysisResults } from './results/types.ts';
import { loadSpec } from './spec/load.ts';
import { unusedModelSettings } from './spec/model-settings.ts';
import type { AnalysisSpec } from './spec/schema.ts';
import { closest } from './suggest.ts';
import { isOutputName, suggestName } from './spec/output-name.ts';
import { ENGINE_VERSION, METADX_VERSION } from './version.ts';

/** A file the spec names, asked of the shell. */
export interface InputRequest {
  path: string;
  /** 'data', 'characteristics' or 'QUADAS-2' (for messages) */
  what: string;
  /** the spec key naming it, e.g. 'data.file' (for hints) */
  field: string;
}

/** The shell's answer: the bytes and the file as shown in messages, or why it was not read. */
export type InputReply = { bytes: Uint8Array; file: string } | { problem: { code: string; message: string; hint: string } };

export interface AnalysisSource {
  specText: string;
  /** the spec file as shown in messages */
  specFile: string;
  /** the output name when the spec has no `name:` (the folder holding the spec) */
  defaultName: string;
  read: (request: InputRequest) => InputReply;
}

/** Stages 1–2: the validated spec and everything it names, parsed. */
export interface LoadedInputs {
  /** output name: the spec's `name:`, else the folder name */
  name: string;
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

/** Stages 1–2: parse and validate the spec and the files it names. Throws UserError with all problems. */
export async function loadInputs(source: AnalysisSource, options: { name?: string; limits?: Limits; onProgress?: OnProgress } = {}): Promise<LoadedInputs> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const { specFile } = source;
  options.onProgress?.({ stage: 'spec', detail: specFile });
  const { spec, diagnostics, locate, written } = loadSpec(source.specText, specFile);
  if (!spec || hasErrors(diagnostics)) throw new UserError(diagnostics);
  for (const setting of unusedModelSettings(spec.model.method, (key) => written?.(['model', key]) ?? false)) {
    diagnostics.push({ severity: 'warning', code: 'spec.unused-setting', message: specMessages.unusedSetting(`model.${setting}`, spec.model.method), hint: specMessages.unusedSettingHint(`model.${setting}`), file: specFile, field: `model.${setting}`, ...(locate(['model', setting]) ?? {}) });
  }
  /** A file named in the spec at `key`, from the shell; a refusal points at the key in the spec. */
  const readSpecFile = (key: readonly (string | number)[], path: string, what: string): { bytes: Uint8Array; file: string } => {
    const reply = source.read({ path, what, field: key.join('.') });
    if ('problem' in reply) throw new UserError([{ severity: 'error', ...reply.problem, file: specFile, ...(locate(key) ?? {}) }]);
    return reply;
  };

  options.onProgress?.({ stage: 'data', detail: spec.data.file });
  const dataFile = readSpecFile(['data', 'file'], spec.data.file, 'data');
  const loaded = await loadStudyData(dataFile.bytes, {
    file: dataFile.file,
    spec,
    specFile,
    locateSpec: locate,
    // the QUADAS-2 domains become covariates quadas_<domain> (added below, once that file is read)
    extraCovariates: spec.quadas ? QUADAS_DOMAINS.map((domain) => `quadas_${domain.id}`) : [],
    ...(spec.data.sheet ? { sheet: spec.data.sheet } : {}),
    limits,
  });
  const all = [...diagnostics, ...loaded.diagnostics];
  let characteristics: CharacteristicsTable | undefined;
  if (spec.characteristics) {
    const file = readSpecFile(['characteristics', 'file'], spec.characteristics.file, 'characteristics');
    const parsed = await parseTableFile(file.bytes, file.file, spec.characteristics.sheet, limits);
    all.push(...parsed.diagnostics);
    if (parsed.table) {
      const built = buildCharacteristics(parsed.table, { file: file.file, displayFile: spec.characteristics.file, ...(spec.characteristics.columns ? { columns: spec.characteristics.columns } : {}) });
      all.push(...built.diagnostics);
      characteristics = built.data;
    }
  }
  let quadas: QuadasData | undefined;
  if (spec.quadas) {
    const file = readSpecFile(['quadas', 'file'], spec.quadas.file, 'QUADAS-2');
    const parsed = await loadQuadas(file.bytes, { file: file.file, ...(spec.quadas.sheet ? { sheet: spec.quadas.sheet } : {}), limits });
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
  const groupIds = [...new Set(data.studies.flatMap((s) => (s.group !== undefined ? [s.group] : [])))];
  const unknownShared = (spec.data.shared_test_set ?? []).filter((id) => !groupIds.includes(id));
  if (unknownShared.length > 0) {
    throw new UserError(
      unknownShared.map((id) => ({
        severity: 'error' as const,
        code: 'spec.unknown-shared-test-set',
        message: specMessages.unknownSharedTestSet(id, closest(id, groupIds)),
        hint: specMessages.unknownSharedTestSetHint(groupIds),
        file: specFile,
        ...(locate(['data', 'shared_test_set', spec.data.shared_test_set!.indexOf(id)]) ?? {}),
      })),
    );
  }
  const exclusions = checkExclusions(spec, data.studies.map((study) => study.label), specFile, locate);
  if (exclusions.length > 0) throw new UserError(exclusions);
  // the output folder out/<name>/ is named by `name:` or the folder: one that cannot name a folder
  // is refused here, so validate catches what report would refuse
  const name = options.name ?? spec.name ?? source.defaultName;
  if (!isOutputName(name)) {
    throw new UserError([{ severity: 'error', code: 'spec.bad-name', message: versionMessages.badFolderName(name), hint: versionMessages.badFolderNameHint(suggestName(name)), file: specFile, line: 1, column: 1 }]);
  }
  return { name, specFile, spec, data, ...(characteristics ? { characteristics } : {}), ...(quadas ? { quadas } : {}), diagnostics: all };
}

/**
 * Every label under sensitivity.exclude must name a 2x2 table (exactly, after Unicode NFC
 * normalisation of both), else the requested analysis would silently be missing; and the
 * exclusions must leave at least one table.
 */
function checkExclusions(spec: AnalysisSpec, labels: readonly string[], specFile: string, locate: (path: readonly (string | number)[]) => { line: number; column: number } | undefined): Diagnostic[] {
  const exclude = spec.sensitivity.exclude ?? [];
  const known = new Set(labels);
  const diagnostics: Diagnostic[] = [];
  exclude.forEach((label, index) => {
    if (known.has(label)) return;
    const suggestion = closest(label, labels) ?? labels.find((candidate) => lookAlikeKey(candidate) === lookAlikeKey(label));
    diagnostics.push({
      severity: 'error',
      code: 'spec.exclude-unknown',
      message: specMessages.excludeUnknown(label, suggestion),
      hint: specMessages.excludeUnknownHint(labels.slice(0, 5), labels.length),
      file: specFile,
      field: `sensitivity.exclude[${index}]`,
      ...(locate(['sensitivity', 'exclude', index]) ?? {}),
    });
  });
  if (diagnostics.length === 0 && labels.length > 0 && labels.every((label) => exclude.includes(label))) {
    diagnostics.push({ severity: 'error', code: 'spec.exclude-all', message: specMessages.excludeEverything(labels.length), hint: specMessages.excludeEverythingHint(), file: specFile, field: 'sensitivity.exclude', ...(locate(['sensitivity', 'exclude']) ?? {}) });
  }
  return diagnostics;
}

/** Cached results, looked up by the statistical inputs (the shell hashes them with the engine). */
export interface ResultsStore {
  get(inputs: StatisticalInputs): AnalysisResults | undefined;
  set(inputs: StatisticalInputs, results: AnalysisResults): void;
}

/** Stage 3: the results, from the store when it has them for these statistical inputs. */
export function computeResults(inputs: LoadedInputs, options: { cache?: ResultsStore; onProgress?: OnProgress } = {}): AnalysisResults {
  const { spec, data, name } = inputs;
  const key = statisticalInputs(spec, data, inputs.quadas);
  const cached = options.cache?.get(key);
  if (cached) {
    options.onProgress?.({ stage: 'results', step: 'cached' });
    return withIdentity(cached, name, spec);
  }
  const onProgress = options.onProgress;
  // with the cumulative meta-analysis, computed beside the rest (results.cumulative, last)
  const results = analyze(spec, data, name, { ...(inputs.quadas ? { quadas: inputs.quadas } : {}), ...(onProgress ? { onProgress } : {}), cumulative: true });
  options.cache?.set(key, results);
  return results;
}

/** Versions of everything that shapes the output, for the methods text and the manifest. */
export async function softwareVersions(): Promise<SoftwareVersions> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  return { metadx: METADX_VERSION, engine: ENGINE_VERSION, node: process.versions.node, vega: vega.version, vegaLite: vegaLite.version };
}

export interface FigureHash {
  id: string;
  title: string;
  /** SHA-256 of the SVG (as written to figures/<id>.svg) */
  svg: string;
}

export interface CompileOptions {
  /** the document date (YYYY-MM-DD) */
  date: string;
  /** the version this one is compared with ("What changed"), or null */
  previous?: { results: ComparableResults; date: string | null; figures: FigureHash[] } | null;
  cache?: ResultsStore;
  /** false: figures without PNG (default true) */
  png?: boolean;
  /** resource limits (default: src/limits.ts DEFAULT_LIMITS) */
  limits?: Limits;
  onProgress?: OnProgress;
  /** called once the statistics are done, before the figures (the shell starts Chromium then) */
  afterResults?: () => void;
}

export interface Compiled {
  /** results.json as written: with `changes` */
  results: AnalysisResults;
  /** figures with SVG, PNG (empty with png: false), Vega-Lite spec, CSV and render warnings */
  figures: BuiltFigure[];
  figureHashes: FigureHash[];
  software: SoftwareVersions;
  view: DocumentView;
  html: string;
  /** every output file but the PNGs (on `figures`) and the PDF, with its path in the version folder */
  files: OutputFile[];
}

/** Stages 3–6: everything a version holds but its PDF, in memory. */
export async function compile(inputs: LoadedInputs, options: CompileOptions): Promise<Compiled> {
  const { spec } = inputs;
  const { date, onProgress } = options;
  const limits = options.limits ?? DEFAULT_LIMITS;
  // 3. results
  const results = computeResults(inputs, { ...(options.cache ? { cache: options.cache } : {}), ...(onProgress ? { onProgress } : {}) });
  options.afterResults?.();

  // 4. figures
  const { buildFigures } = await import('./figures/build.ts');
  let figures: BuiltFigure[];
  try {
    figures = await buildFigures(results, spec, { maxPngPixels: limits.pngPixels, ...(options.png === false ? { png: false } : {}), ...(onProgress ? { onProgress } : {}) });
  } catch (error) {
    if (error instanceof LimitError) throw new UserError([{ severity: 'error', code: `limit.${error.limit}`, message: error.message, hint: error.hint, file: inputs.specFile, ...(spec.output.dpi ? { field: 'output.dpi' } : {}) }]);
    throw error;
  }
  const files: OutputFile[] = [];
  const figureHashes: FigureHash[] = [];
  for (const figure of figures) {
    files.push({ path: `figures/${figure.id}.svg`, content: figure.svg });
    files.push({ path: `figures/${figure.id}.vl.json`, content: `${JSON.stringify(figure.vegaLite, null, 2)}\n` });
    if (figure.csv) files.push({ path: `figures/${figure.id}.csv`, content: figure.csv });
    figureHashes.push({ id: figure.id, title: figure.title, svg: sha256(figure.svg) });
  }

  // 5. what changed since the previous version
  let changes: VersionComparison | null = null;
  if (options.previous) {
    const { compareVersions } = await import('./output/compare.ts');
    changes = compareVersions(options.previous, { results: results as unknown as ComparableResults, date, figures: figureHashes });
  }
  const finalResults: AnalysisResults = { ...results, changes };
  files.push({ path: 'results.json', content: `${JSON.stringify(finalResults, null, 2)}\n` });
  // summary of findings as CSV and Word table, from the same results (src/document/findings-export.ts)
  files.push(...(await (await import('./document/findings-export.ts')).findingsFiles(finalResults, spec.title, date)));

  // 6. document
  onProgress?.({ stage: 'document' });
  const [{ buildDocumentView }, { renderHtml }] = await Promise.all([import('./document/view.ts'), import('./document/render.ts')]);
  const software = await softwareVersions();
  const view = buildDocumentView({ spec, results: finalResults, date, software, ...(inputs.characteristics ? { characteristics: inputs.characteristics } : {}), figures: figures.map((f) => ({ id: f.id, title: f.title, caption: f.caption, svg: f.svg })) });
  const html = renderHtml(view);
  files.push({ path: 'supplement.html', content: html });
  if (view.references.length > 0) {
    const { toBibTeX, toRis } = await import('./document/references.ts');
    files.push({ path: 'references.bib', content: toBibTeX(view.references) }, { path: 'references.ris', content: toRis(view.references) });
  }
  return { results: finalResults, figures, figureHashes, software, view, html, files };
}
