/**
 * "Did you mean ...?" suggestions for misspelt keys, columns and covariate levels.
 * Damerau–Levenshtein distance (optimal string alignment), case-insensitive.
 */

export function editDistance(a: string, b: string, max = Infinity): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const n = t.length;
  if (Math.abs(s.length - n) > max) return max + 1;
  // three rolling rows (the one before the previous is needed for transpositions): O(|b|) memory
  let before = new Int32Array(n + 1);
  let previous = Int32Array.from({ length: n + 1 }, (_, j) => j);
  let current = new Int32Array(n + 1);
  for (let i = 1; i <= s.length; i++) {
    current[0] = i;
    let rowMinimum = i;
    for (let j = 1; j <= n; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      current[j] = best;
      if (best < rowMinimum) rowMinimum = best;
    }
    // every later row is at least this row's minimum: stop once it exceeds what the caller needs
    if (rowMinimum > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[n]!;
}

/**
 * The closest candidate to `word`, if it is close enough to be a plausible typo
 * (distance <= max(1, floor(length / 3)), or one is a prefix of the other). Ties keep the first.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    // only whether it beats the best so far matters: the computation stops early otherwise
    const distance = editDistance(word, candidate, bestDistance - 1);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.floor(Math.max(word.length, best.length) / 3));
  const lowerWord = word.toLowerCase();
  const lowerBest = best.toLowerCase();
  const prefix = lowerWord.length >= 3 && (lowerBest.startsWith(lowerWord) || lowerWord.startsWith(lowerBest));
  return bestDistance <= limit || prefix ? best : undefined;
}
