/**
 * `manifest.json` of a version folder: what went in (SHA-256 of the spec and every input file, the
 * version it was compared with), what produced it (metadx, its build fingerprint, Node, vega,
 * vega-lite, Chromium and every installed dependency, the random seed and the options) and what came
 * out (SHA-256 and size of every output file). Written last, just before the folder is moved into
 * place; it holds no clock time, so identical inputs give an identical manifest.
 */
import type { DateChoice, InputRole, KeyParts } from './plan.ts';

export const MANIFEST_FORMAT = 1;

export interface ManifestFile {
  /** path inside the version folder, with "/" */
  path: string;
  sha256: string;
  bytes: number;
}

export interface Manifest {
  /** format of this file */
  manifest: number;
  analysis: string;
  version: string;
  title: string;
  /** the document date and where it came from */
  date: DateChoice;
  /** the reuse key: SHA-256 of the canonical JSON of keyParts */
  key: string;
  keyParts: KeyParts;
  /** copies of the inputs under inputs/ (the spec as inputs/analysis.yaml) */
  inputs: (ManifestFile & { role: InputRole; /** path relative to the analysis folder */ original: string })[];
  /** the version this one is compared with ("what changed"), copied under inputs/previous/ */
  previous: { version: string; date: string | null; results: ManifestFile; manifest: ManifestFile } | null;
  software: {
    metadx: string;
    engine: string;
    /** SHA-256 over every file under src/ and templates/ */
    build: string;
    node: string;
    platform: string;
    vega: string;
    vegaLite: string;
    /** the browser that printed the PDF (null without a PDF) */
    chromium: string | null;
    /** direct dependencies (package.json) → installed version */
    dependencies: Record<string, string>;
    /** every package of the production dependency tree → installed version(s) */
    dependencyTree: Record<string, string>;
  };
  /** random seed of the bootstrap (spec model.seed) */
  seed: number;
  options: {
    pdf: boolean;
    paper: string;
    dpi: number;
    /** the model settings the results were computed with */
    model: Record<string, unknown>;
    figures: string[] | 'all';
  };
  /** figures of the report with their titles and SVG hashes (for "what changed") */
  figures: { id: string; title: string; svg: string }[];
  /** every output file (not manifest.json itself), in path order */
  outputs: ManifestFile[];
}
