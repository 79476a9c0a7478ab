/**
 * `metadx verify <version-dir>`: is this version what its manifest says, and can it be made again?
 *
 * 1. Every file the manifest lists (outputs, the input copies under inputs/, the previous version's
 *    results and manifest) is hashed and compared with the manifest: a file edited after it was
 *    written is reported as tampered, a deleted one as missing.
 * 2. The version is rebuilt from inputs/ alone (spec, data, previous version; the recorded name and
 *    date; no results cache) into a temporary folder, and every output's SHA-256 is compared with
 *    the manifest: reproduced, differs, missing (not produced) or extra.
 * Exit 0 when everything is intact and reproduced, 1 otherwise. Differences in the metadx build or
 * the environment (Node, dependencies, Chromium) are printed as notes, since they may explain them.
 */
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DEFAULT_LIMITS, type Limits } from '../limits.ts';
import { UserError } from '../diagnostics.ts';
import { verifyMessages as M } from '../messages.ts';
import { keyDifferences } from '../output/decide.ts';
import { sha256 } from '../output/hash.ts';
import type { Manifest, ManifestFile } from '../output/manifest.ts';
import { planVersion, previousRef } from '../output/plan.ts';
import { readManifest } from '../output/versions.ts';
import { printDiagnostics, type CliIo } from './common.ts';
import { startProgress } from './progress.ts';
import type { OnProgress } from '../results/progress.ts';

export interface VerifyReport {
  stored: { path: string; status: 'intact' | 'tampered' | 'missing' | 'refused'; note?: string }[];
  rebuilt: { path: string; status: 'reproduced' | 'differs' | 'missing' | 'extra' | 'not rebuilt'; note?: string }[];
  notes: string[];
  problems: number;
}

const within = (folder: string, path: string): boolean => {
  const rel = relative(folder, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
};

/**
 * Where a path listed in a manifest is, if it may be read: a relative path without "." or ".."
 * parts that stays inside the version folder (also after following links) and names a regular
 * file. Anything else (`../../../../dev/zero`, an absolute path, a link out of the folder, a FIFO)
 * is refused without being opened: a manifest is input, not a list of trusted paths.
 */
export function confinedPath(directory: string, path: unknown): { ok: true; absolute: string } | { ok: false; reason: 'outside' | 'not-a-file' | 'missing' } {
  if (typeof path !== 'string' || path === '' || path.includes('\0') || path.includes('\\') || path.startsWith('/')) return { ok: false, reason: 'outside' };
  if (path.split('/').some((part) => part === '' || part === '.' || part === '..')) return { ok: false, reason: 'outside' };
  const absolute = join(directory, path);
  if (!within(directory, absolute)) return { ok: false, reason: 'outside' };
  let stat;
  try {
    stat = lstatSync(absolute);
  } catch {
    return { ok: false, reason: 'missing' };
  }
  if (stat.isSymbolicLink()) {
    let target: string;
    try {
      target = realpathSync(absolute);
    } catch {
      return { ok: false, reason: 'missing' };
    }
    if (!within(realpathSync(directory), target)) return { ok: false, reason: 'outside' };
    stat = statSync(target);
  }
  return stat.isFile() ? { ok: true, absolute } : { ok: false, reason: 'not-a-file' };
}

/** Step 1: the files as stored against the manifest. */
export function checkStored(directory: string, manifest: Manifest): VerifyReport['stored'] {
  const listed: ManifestFile[] = [...manifest.outputs, ...manifest.inputs, ...(manifest.previous ? [manifest.previous.results, manifest.previous.manifest] : [])];
  return listed.map((file) => {
    const found = confinedPath(directory, file.path);
    if (!found.ok) {
      if (found.reason === 'missing') return { path: file.path, status: 'missing' as const };
      return { path: String(file.path), status: 'refused' as const, note: found.reason === 'outside' ? M.outsideNote() : M.notAFileNote() };
    }
    // a file of another size is changed: no need to read it (it may be huge)
    if (statSync(found.absolute).size !== file.bytes) return { path: file.path, status: 'tampered' as const };
    return { path: file.path, status: sha256(readFileSync(found.absolute)) === file.sha256 ? ('intact' as const) : ('tampered' as const) };
  });
}

/** Step 2: rebuild from inputs/ and compare with the manifest's output hashes. */
/**
 * Where to rebuild from: inputs/analysis.yaml itself when every input lies inside the analysis
 * folder (inputs/<path>); else (a version made with --allow-outside-data) a scratch copy that puts
 * each input back at its original place relative to the spec, so "../shared/data.csv" resolves.
 */
function rebuildLayout(directory: string, manifest: Manifest, scratch: string): { specPath: string; outside: boolean } {
  const specPath = join(directory, 'inputs', 'analysis.yaml');
  const originals = manifest.inputs.filter((input) => input.role !== 'spec').map((input) => ({ original: String(input.original), copy: input.path }));
  const depth = Math.max(0, ...originals.map(({ original }) => original.split('/').filter((part) => part === '..').length));
  if (depth === 0) return { specPath, outside: false };
  const specDir = join(scratch, 'layout', ...Array.from({ length: depth }, (_, i) => `d${i}`));
  mkdirSync(specDir, { recursive: true });
  copyFileSync(specPath, join(specDir, 'analysis.yaml'));
  for (const { original, copy } of originals) {
    const target = resolve(specDir, original);
    if (!within(join(scratch, 'layout'), target)) continue; // an absolute original: not reconstructable
    const source = confinedPath(directory, copy);
    if (!source.ok) continue;
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(source.absolute, target);
  }
  return { specPath: join(specDir, 'analysis.yaml'), outside: true };
}

export async function rebuild(directory: string, manifest: Manifest, io: CliIo, options: { limits?: Limits; onProgress?: OnProgress } = {}): Promise<Pick<VerifyReport, 'rebuilt' | 'notes'>> {
  const { loadAnalysis, buildReport } = await import('../run.ts');
  const scratch = mkdtempSync(join(tmpdir(), 'metadx-verify-'));
  try {
    const { specPath, outside } = rebuildLayout(directory, manifest, scratch);
    const previous = manifest.previous ? previousRef(join(directory, 'inputs', 'previous'), manifest.previous.version) : null;
    const limits = options.limits ?? DEFAULT_LIMITS;
    const outRoot = join(scratch, 'out');
    const plan = planVersion(specPath, { outRoot, env: io.env, name: manifest.analysis, date: manifest.date, previous, allowOutsideData: outside, limits });
    if (!plan) throw new UserError([{ severity: 'error', code: 'verify.inputs', message: M.noManifest(relative(io.cwd, directory) || directory), hint: M.noManifestHint() }]);
    const notes: string[] = [];
    const differences = keyDifferences(manifest, plan);
    if (differences.some((d) => d.part === 'build')) notes.push(M.build());
    const environment = differences.find((d) => d.part === 'environment');
    if (environment && environment.part === 'environment') notes.push(M.environment(environment.details));
    const onProgress = options.onProgress;
    const loaded = await loadAnalysis(specPath, io.cwd, { name: manifest.analysis, allowOutsideData: outside, limits, ...(onProgress ? { onProgress } : {}) });
    const pdfRecorded = manifest.outputs.some((file) => file.path === 'supplement.pdf');
    const outcome = await buildReport(loaded, { outRoot, pdf: pdfRecorded, env: io.env, cwd: io.cwd, log: () => undefined, cache: false, plan, limits, ...(onProgress ? { onProgress } : {}) });
    if (manifest.software.chromium && outcome.manifest.software.chromium && manifest.software.chromium !== outcome.manifest.software.chromium) {
      notes.push(M.environment([`Chromium ${manifest.software.chromium} → ${outcome.manifest.software.chromium}`]));
    }
    const produced = new Map(outcome.manifest.outputs.map((file) => [file.path, file.sha256]));
    const rebuilt: VerifyReport['rebuilt'] = manifest.outputs.map((file) => {
      const hash = produced.get(file.path);
      if (hash === undefined) {
        const note = file.path === 'supplement.pdf' && outcome.pdfError ? outcome.pdfError.message : undefined;
        return { path: file.path, status: note ? ('not rebuilt' as const) : ('missing' as const), ...(note ? { note } : {}) };
      }
      return { path: file.path, status: hash === file.sha256 ? ('reproduced' as const) : ('differs' as const) };
    });
    const recorded = new Set(manifest.outputs.map((file) => file.path));
    for (const path of produced.keys()) if (!recorded.has(path)) rebuilt.push({ path, status: 'extra' });
    return { rebuilt, notes };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export async function commandVerify(targets: string[], cliIo: CliIo, options: { limits?: Limits; quiet?: boolean } = {}): Promise<number> {
  const progress = startProgress(cliIo, { quiet: options.quiet ?? false });
  const { io, onProgress } = progress;
  if (targets.length !== 1) {
    io.err('error: give exactly one version folder\nusage: metadx verify out/<analysis>/<version>');
    return 2;
  }
  const directory = resolve(io.cwd, targets[0]!);
  const shown = relative(io.cwd, directory) || directory;
  const manifest = readManifest(directory);
  if (!manifest) {
    printDiagnostics([{ severity: 'error', code: 'verify.no-manifest', message: M.noManifest(shown), hint: M.noManifestHint() }], io);
    return 1;
  }
  io.out(M.header(shown, manifest.analysis, manifest.version, manifest.software.metadx, manifest.date.value));
  const stored = checkStored(directory, manifest);
  const damaged = stored.filter((file) => file.status !== 'intact');
  io.out(M.section(`files against manifest.json (${stored.length - damaged.length} of ${stored.length} intact)`));
  for (const file of damaged) io.out(M.file(file.status, file.path, file.note ?? (file.status === 'tampered' ? M.tamperedNote() : M.missingNote())));

  let rebuilt: VerifyReport['rebuilt'] = [];
  let notes: string[] = [];
  // rebuild only from inputs that are all intact (and a manifest that names only confined paths)
  const inputsDamaged = damaged.some((file) => file.path.startsWith('inputs/') || file.status === 'refused');
  if (!inputsDamaged) {
    progress.setPrefix('rebuilding: ');
    try {
      ({ rebuilt, notes } = await rebuild(directory, manifest, io, { ...(options.limits ? { limits: options.limits } : {}), ...(onProgress ? { onProgress } : {}) }));
    } finally {
      progress.clear(); // before any message, also an error's
    }
    io.out(M.section('rebuilt from inputs/'));
    for (const file of rebuilt) io.out(M.file(file.status, file.path, file.note));
    for (const note of notes) io.out(note);
  }
  const reproduced = rebuilt.filter((file) => file.status === 'reproduced').length;
  const problems = damaged.length + rebuilt.filter((file) => file.status !== 'reproduced').length + (inputsDamaged ? 1 : 0);
  io.out(M.summary(reproduced, manifest.outputs.length, problems));
  return problems > 0 ? 1 : 0;
}
