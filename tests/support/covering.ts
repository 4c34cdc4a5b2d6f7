// Pairwise covering: a few option combinations in which every pair of values of any two options
// appears at least once. A fault that needs two options to show (Redis with pip, Flask with the
// multi-stage Dockerfile...) shows in one of them, at a cost that grows with the number of
// values, not with the number of combinations. Used where every combination would only repeat
// the same text (the per-file snapshots); the static checks still run over every combination.

/** Every pair of values of two of `keys` in `row`, as `key=value&key=value` strings. */
export function pairsOf<T>(row: T, keys: readonly (keyof T)[]): string[] {
  const pairs: string[] = [];
  for (let i = 0; i < keys.length; i++)
    for (let j = i + 1; j < keys.length; j++)
      pairs.push(`${String(keys[i])}=${String(row[keys[i]!])}&${String(keys[j])}=${String(row[keys[j]!])}`);
  return pairs;
}

/** The pairs of values that some candidate has and no chosen row has. */
export function uncoveredPairs<T>(candidates: readonly T[], chosen: readonly T[], keys: readonly (keyof T)[]): string[] {
  const covered = new Set(chosen.flatMap((row) => pairsOf(row, keys)));
  return [...new Set(candidates.flatMap((row) => pairsOf(row, keys)))].filter((pair) => !covered.has(pair)).sort();
}

/**
 * Rows of `candidates` (every combination) that together cover every pair of values of `keys`:
 * greedily, the candidate that covers the most pairs not yet covered, the first one on a tie, so
 * the choice is the same on every run and changes only when the candidates do.
 */
export function pairwiseCover<T>(candidates: readonly T[], keys: readonly (keyof T)[]): T[] {
  const missing = new Set(candidates.flatMap((row) => pairsOf(row, keys)));
  const chosen: T[] = [];
  while (missing.size > 0) {
    let best = 0;
    let bestGain = -1;
    for (const [i, row] of candidates.entries()) {
      const gain = pairsOf(row, keys).filter((pair) => missing.has(pair)).length;
      if (gain > bestGain) [best, bestGain] = [i, gain];
    }
    chosen.push(candidates[best]!);
    for (const pair of pairsOf(candidates[best]!, keys)) missing.delete(pair);
  }
  return chosen;
}
