/**
 * Golden-file comparison: the expected text lives in a committed file; on mismatch the actual
 * output is written beside it as `<name>-changed<ext>` (git-ignored) and the test fails with a diff
 * hint. `UPDATE_GOLDEN=1 npx vitest run` rewrites goldens (review the git diff before committing).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { expect } from 'vitest';

export function expectGolden(goldenPath: string, actual: string): void {
  const extension = extname(goldenPath);
  const changedPath = `${goldenPath.slice(0, goldenPath.length - extension.length)}-changed${extension}`;
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(goldenPath), { recursive: true });
    writeFileSync(goldenPath, actual);
    rmSync(changedPath, { force: true });
    return;
  }
  if (!existsSync(goldenPath)) {
    writeFileSync(changedPath, actual);
    expect.fail(`golden file ${goldenPath} is missing; the actual output is in ${changedPath} (review it, then run with UPDATE_GOLDEN=1)`);
  }
  const expected = readFileSync(goldenPath, 'utf8');
  if (expected !== actual) writeFileSync(changedPath, actual);
  else rmSync(changedPath, { force: true });
  expect(actual, `output differs from ${goldenPath}; actual written to ${changedPath}`).toBe(expected);
}
