/**
 * `metadx diff <versionA> <versionB> [--json]`: what changed from version A to version B, as the
 * report's "What changed" section shows it (2x2 tables added, removed or with changed counts;
 * pooled estimates before and after; figures that changed), as text or as one JSON object
 * (src/output/compare.ts VersionComparison).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { figureLines, estimateText } from '../document/sections/changes.ts';
import { formatCount, formatLevel } from '../format/numbers.ts';
import { changeMessages as M } from '../messages.ts';
import { compareVersions, type ComparableResults, type ComparisonSide, type VersionComparison } from '../output/compare.ts';
import { readManifest } from '../output/versions.ts';
import type { CliIo } from './common.ts';

function readSide(directory: string): ComparisonSide | undefined {
  const path = join(directory, 'results.json');
  // a regular file only (not a named pipe or a device), and one that parses: else not a version folder
  if (!existsSync(path) || !statSync(path).isFile()) return undefined;
  let results: ComparableResults;
  try {
    results = JSON.parse(readFileSync(path, 'utf8')) as ComparableResults;
  } catch {
    return undefined;
  }
  if (results === null || typeof results !== 'object') return undefined;
  const manifest = readManifest(directory);
  return { results, date: manifest?.date.value ?? null, figures: manifest?.figures ?? [] };
}

/** The comparison as lines of text (the same content as the report section). */
export function comparisonText(changes: VersionComparison): string[] {
  const { before, after } = changes;
  const { added, removed, changed, unchanged } = changes.studies;
  const lines = [M.header(changes.analysis, M.versionLabel(before.version, before.date), M.versionLabel(after.version, after.date)), ''];
  lines.push(M.summary({ before, after, added: added.length, removed: removed.length, changed: changed.length, unchanged }));
  if (before.model !== after.model) lines.push(M.modelChanged(before.model, after.model));
  const tag = (provenance?: string) => (provenance ? `  [${provenance}]` : '');
  for (const [kind, list, mark] of [['added', added, '+'], ['removed', removed, '-'], ['changed', changed, '~']] as const) {
    if (list.length === 0) continue;
    lines.push('', `${M.kind(kind)} (${list.length}):`);
    for (const study of list) {
      const counts = kind === 'changed' ? M.countChange(study.before!, study.after!) : M.counts((kind === 'added' ? study.after : study.before)!);
      lines.push(`  ${mark} ${study.label}: ${counts}${tag(study.provenance)}`);
    }
  }
  if (added.length + removed.length + changed.length === 0) lines.push(M.noStudyChanges());
  const rows: [string, string, string][] = [
    ...changes.estimates.map((change): [string, string, string] => [M.measure(change.measure), estimateText(change, 'before'), estimateText(change, 'after')]),
    [M.measure('k'), formatCount(before.k), formatCount(after.k)],
    [M.measure('studies'), formatCount(before.studies), formatCount(after.studies)],
    [M.measure('participants'), formatCount(before.participants), formatCount(after.participants)],
  ];
  const header: [string, string, string] = [`Pooled (${formatLevel(changes.level)} CI)`, `version ${before.version}`, `version ${after.version}`];
  const widths = [0, 1, 2].map((c) => Math.max(...[header, ...rows].map((row) => row[c]!.length)));
  lines.push('', ...[header, ...rows].map((row) => `  ${row.map((text, c) => text.padEnd(widths[c]!)).join('   ')}`.trimEnd()));
  lines.push('', ...figureLines(changes));
  return lines;
}

export async function commandDiff(targets: string[], options: { json: boolean }, io: CliIo): Promise<number> {
  if (targets.length !== 2) {
    io.err('error: give two version folders\nusage: metadx diff out/<analysis>/<versionA> out/<analysis>/<versionB> [--json]');
    return 2;
  }
  const [a, b] = targets.map((target) => resolve(io.cwd, target)) as [string, string];
  const sides = [readSide(a), readSide(b)];
  for (const [index, side] of sides.entries()) {
    if (!side) {
      const dir = index === 0 ? a : b;
      io.err(`error: ${relative(io.cwd, dir) || dir} has no readable results.json\n    give version folders written by \`metadx report\`, e.g. out/<analysis>/1 out/<analysis>/2`);
      return 1;
    }
  }
  const changes = compareVersions(sides[0]!, sides[1]!);
  io.out(options.json ? JSON.stringify(changes, null, 2) : comparisonText(changes).join('\n'));
  return 0;
}
