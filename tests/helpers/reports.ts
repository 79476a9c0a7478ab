/**
 * The reports the document tests read — the two shipped analyses and a 200-study simulated one,
 * each with its PDF — built once per version of the code and shared by every test file that asks.
 *
 * They live in <tmp>/metadx-test-reports/<build>/, where <build> is metadx's build fingerprint
 * (every file under src/ and templates/) and the installed dependencies: a later test run on the
 * same code reuses them, any change to the code builds them anew. The first worker to ask builds a
 * report (under a lock folder); the others wait for it. Only the three newest builds are kept.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type ReportKey = 'flagship' | 'scheidler' | 'k200';

const root = join(import.meta.dirname, '..', '..');
const cacheRoot = join(tmpdir(), 'metadx-test-reports');
/** a build abandoned by a killed worker is taken over after this long */
const STALE_MS = 20 * 60_000;

let outRootPromise: Promise<string> | undefined;
async function outRoot(): Promise<string> {
  outRootPromise ??= (async () => {
    const { buildFingerprint, currentEnvironment } = await import('../../src/output/fingerprint.ts');
    const { hashJson } = await import('../../src/output/hash.ts');
    const folder = join(cacheRoot, hashJson({ build: buildFingerprint(), environment: currentEnvironment() }).slice(0, 16));
    mkdirSync(folder, { recursive: true });
    const others = readdirSync(cacheRoot).map((name) => join(cacheRoot, name)).filter((path) => path !== folder);
    for (const old of others.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs).slice(2)) rmSync(old, { recursive: true, force: true });
    return folder;
  })();
  return outRootPromise;
}

async function build(key: ReportKey, out: string): Promise<string> {
  const { buildReport, loadAnalysis } = await import('../../src/run.ts');
  let folder: string;
  let cwd = root;
  if (key === 'k200') {
    const { writeScaleAnalysis } = await import('../../bench/scale.ts');
    cwd = join(out, 'analyses');
    if (!existsSync(join(cwd, 'scale-200'))) writeScaleAnalysis(200, { year: false, into: cwd });
    folder = join(cwd, 'scale-200');
  } else {
    folder = join(root, 'analyses', key === 'flagship' ? 'osteoporosis-dl' : 'scheidler-lymphangiography');
  }
  const outcome = await buildReport(await loadAnalysis(folder, cwd), { outRoot: out, pdf: true, env: process.env, log: () => undefined, cwd });
  if (outcome.pdfError) throw new Error(`${key}: ${outcome.pdfError.message}`);
  return outcome.directory;
}

/** The version folder of a built report (built now, or by another worker, or by an earlier run). */
export async function builtReport(key: ReportKey): Promise<string> {
  const out = await outRoot();
  const marker = join(out, `${key}.built.json`);
  const lock = join(out, `${key}.lock`);
  const deadline = Date.now() + 2 * STALE_MS;
  for (;;) {
    if (existsSync(marker)) {
      const done = JSON.parse(readFileSync(marker, 'utf8')) as { directory: string };
      if (existsSync(join(done.directory, 'supplement.pdf'))) return done.directory;
      rmSync(marker, { force: true });
      continue;
    }
    try {
      mkdirSync(lock);
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > STALE_MS) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited too long for the ${key} report`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    try {
      const directory = await build(key, out);
      writeFileSync(marker, JSON.stringify({ directory }));
      return directory;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
