/**
 * The pipeline, in the order the stages run (vega-lite's compile() style):
 *
 *   1. spec      analysis.yaml  → validated AnalysisSpec          (reads the spec file)
 *   2. data      CSV/XLSX bytes → validated studies                (reads the data file)
 *   3. results   spec + studies → AnalysisResults                  (pure: src/stats, src/results)
 *   4. figures   results        → Vega-Lite specs → SVG/PNG        (pure: src/figures)
 *   5. document  results + SVG  → supplement.html                  (pure: templates, src/document)
 *   6. pdf       HTML           → supplement.pdf                   (headless Chromium)
 *   7. write     everything     → out/<name>/<version>/            (atomic folder rename)
 *
 * Only steps 1, 2 and 7 touch files. Every intermediate artifact is written next to the report
 * (results.json, the Vega-Lite spec of each figure).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { buildCharacteristics, type CharacteristicsTable } from './data/characteristics.ts';
import { loadStudyData, parseTableFile } from './data/load.ts';
import { loadQuadas, type QuadasData } from './data/quadas.ts';
import { prismaDiagnostics, prismaFlow } from './results/prisma.ts';
import type { StudyData } from './data/studies.ts';
import { UserError, hasErrors, type Diagnostic } from './diagnostics.ts';
import { buildDocumentView } from './document/view.ts';
import { renderHtml } from './document/render.ts';
import { buildFigures, type BuiltFigure } from './figures/build.ts';
import { runMessages, specMessages } from './messages.ts';
import { writeVersionFolder, type OutputFile } from './output/write.ts';
import { findBrowser } from './pdf/browser.ts';
import { printPdf } from './pdf/print.ts';
import { analyze } from './results/analyze.ts';
import type { AnalysisResults } from './results/types.ts';
import { loadSpec } from './spec/load.ts';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { SoftwareVersions } from './document/sections/methods.ts';
import { ENGINE_VERSION, METADX_VERSION } from './version.ts';
import type { AnalysisSpec } from './spec/schema.ts';

export interface LoadedAnalysis {
  name: string;
  directory: string;
  specFile: string;
  spec: AnalysisSpec;
  data: StudyData;
  /** Table 2: characteristics of included studies, when the spec names a file */
  characteristics?: CharacteristicsTable;
  /** QUADAS-2 judgements, when the spec names a file */
  quadas?: QuadasData;
  diagnostics: Diagnostic[];
}

/** Resolve a folder or .yaml path to the spec file. */
export function resolveSpecPath(target: string): string {
  const path = resolve(target);
  if (existsSync(path) && statSync(path).isDirectory()) return join(path, 'analysis.yaml');
  return path;
}

/** Steps 1–2: read and validate the spec and its data. Throws UserError with all problems. */
export async function loadAnalysis(target: string, cwd = process.cwd()): Promise<LoadedAnalysis> {
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
    const absolute = resolve(directory, path);
    const position = locate(key) ?? {};
    if (relative(directory, absolute).startsWith('..') || isAbsolute(relative(directory, absolute))) {
      throw new UserError([{ severity: 'error', code: 'spec.path-escapes', message: specMessages.pathEscapes(path), hint: specMessages.pathEscapesHint(), file: specFile, ...position }]);
    }
    if (!existsSync(absolute) || !statSync(absolute).isFile()) {
      throw new UserError([{ severity: 'error', code: 'spec.file-missing', message: specMessages.fileMissing(what, shown(absolute)), hint: specMessages.fileMissingHint(key.join('.')), file: specFile, ...position }]);
    }
    return { bytes: readFileSync(absolute), file: shown(absolute) };
  };

  const dataFile = readSpecFile(['data', 'file'], spec.data.file, 'data');
  const loaded = await loadStudyData(dataFile.bytes, {
    file: dataFile.file,
    spec,
    specFile,
    locateSpec: locate,
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
    quadas = parsed.data;
  }
  if (!loaded.data || hasErrors(all)) throw new UserError(all);
  const flow = prismaFlow(spec, { tablesAnalysed: loaded.data.studies.length });
  if (flow) all.push(...prismaDiagnostics(flow, specFile, locate));
  const unknownSubgroups = spec.subgroups.filter((name) => !loaded.data!.covariates.some((c) => c.name === name));
  if (unknownSubgroups.length > 0) {
    throw new UserError(
      unknownSubgroups.map((name) => ({
        severity: 'error' as const,
        code: 'spec.unknown-covariate',
        message: specMessages.unknownCovariate(name),
        file: specFile,
        ...(locate(['subgroups', spec.subgroups.indexOf(name)]) ?? {}),
      })),
    );
  }
  return {
    name: basename(directory),
    directory,
    specFile,
    spec,
    data: loaded.data,
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
}

export interface ReportOutcome {
  directory: string;
  results: AnalysisResults;
  files: string[];
  pdfError?: Diagnostic;
  pageCount?: number;
}

/** The document date: spec date, else SOURCE_DATE_EPOCH, else today (UTC). */
export function documentDate(spec: AnalysisSpec, env: NodeJS.ProcessEnv): string {
  if (spec.date) return spec.date;
  const epoch = env.SOURCE_DATE_EPOCH;
  const when = epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
  return when.toISOString().slice(0, 10);
}

/** Versions of everything that shapes the output, for the methods text and the manifest. */
export function softwareVersions(): SoftwareVersions {
  return { metadx: METADX_VERSION, engine: ENGINE_VERSION, node: process.versions.node, vega: vega.version, vegaLite: vegaLite.version };
}

/** Steps 3–7 for one loaded analysis. */
export async function buildReport(analysis: LoadedAnalysis, options: ReportOptions): Promise<ReportOutcome> {
  const { spec, data, name } = analysis;
  const date = documentDate(spec, options.env);

  // 3. results
  const results = analyze(spec, data, name, { ...(analysis.quadas ? { quadas: analysis.quadas } : {}) });

  // 4. figures
  const figures: BuiltFigure[] = await buildFigures(results, spec);

  // 5. document
  const view = buildDocumentView({ spec, results, date, software: softwareVersions(), ...(analysis.characteristics ? { characteristics: analysis.characteristics } : {}), figures: figures.map((f) => ({ id: f.id, title: f.title, caption: f.caption, svg: f.svg })) });
  const html = renderHtml(view);

  const files: OutputFile[] = [
    { path: 'supplement.html', content: html },
    { path: 'results.json', content: `${JSON.stringify(results, null, 2)}\n` },
    { path: 'analysis.yaml', content: readFileSync(resolveSpecPath(analysis.directory)) },
  ];
  for (const figure of figures) {
    files.push({ path: `figures/${figure.id}.svg`, content: figure.svg });
    files.push({ path: `figures/${figure.id}.png`, content: figure.png });
    files.push({ path: `figures/${figure.id}.vl.json`, content: `${JSON.stringify(figure.vegaLite, null, 2)}\n` });
  }

  // 6. pdf
  let pdfError: Diagnostic | undefined;
  if (options.pdf) {
    const browser = await findBrowser(options.env);
    if (!browser) {
      pdfError = { severity: 'error', code: 'pdf.no-browser', message: runMessages.browserMissing(), hint: runMessages.browserMissingHint() };
    } else {
      try {
        const printed = await printPdf(html, browser, { paper: spec.output.paper, footerLabel: `${spec.title} — version ${spec.version}`, date });
        files.push({ path: 'supplement.pdf', content: printed.pdf });
      } catch (error) {
        const detail = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        pdfError = { severity: 'error', code: 'pdf.failed', message: runMessages.pdfFailed(detail), hint: runMessages.pdfFailedHint() };
      }
    }
  }

  // 7. write
  const directory = join(options.outRoot, name, String(spec.version));
  try {
    writeVersionFolder(directory, files);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new UserError([{ severity: 'error', code: 'output.write-failed', message: runMessages.writeFailed(directory, detail), hint: runMessages.writeFailedHint() }]);
  }
  return { directory, results, files: files.map((f) => f.path), ...(pdfError ? { pdfError } : {}) };
}
