// The combinations a static check walks. `npm test` (and so .ci/run) walks every one of
// allCombinations(); `npm run test:fast`, the quick loop a developer runs on every change, sets
// CPDA_PAIRS=1 and walks a covering array of them instead: every PAIR of values of the options
// the combinations vary (framework x package manager, PostgreSQL x Dockerfile variant, ...)
// appears in at least one, about an eighth of the whole set. A fault that needs three options
// to meet is then found by the full run, never missed by it.

import { make } from 'covertable';
import { allCombinations, COMBINATION_AXES, combinationId, comboId, type Combination, type DeployTarget, type PythonVersion } from '../../src/options/table.js';
import { coverPairsOf } from './pairwise.js';

/** Whether this run walks pairs (test:fast) rather than every combination. */
export const PAIRS_ONLY = process.env.CPDA_PAIRS === '1';

/**
 * How many random cases a property test draws: `full` in the whole run (`npm test`, .ci/run),
 * a quarter of it in the quick loop (test:fast), where the property still runs on every change.
 */
export function propertyRuns(full: number): number {
  return PAIRS_ONLY ? Math.ceil(full / 4) : full;
}

/** The options allCombinations() varies in every combination (not the worker's, which only some have), each with the values it takes there. */
function varied(all: readonly Combination[]): Record<string, unknown[]> {
  const axes = COMBINATION_AXES.filter((axis) => typeof axis === 'string');
  return Object.fromEntries(axes.map((axis) => [axis, [...new Set(all.map((c) => c[axis]))]]));
}

export interface UnderTest {
  python?: PythonVersion;
  deploy?: DeployTarget[];
  /** Only these (e.g. one package manager, for files that do not depend on it); pairs are then taken among them. */
  where?: (c: Combination) => boolean;
  /** comboIds a test names on its own (a fixture, a planted fault): always in the set. */
  keep?: readonly string[];
}

/** allCombinations(python, deploy) (or those `where` allows), or in a test:fast run a covering array of their pairs. */
export function combinationsUnderTest({ python, deploy, where = () => true, keep = [] }: UnderTest = {}): Combination[] {
  const all = allCombinations(python, deploy).filter(where);
  if (!PAIRS_ONLY) return all;
  const factors = varied(all);
  const keys = Object.keys(factors) as (keyof Combination)[];
  const same = (c: Combination, row: Record<string, unknown>) => keys.every((k) => c[k] === row[k]);
  // covertable is deterministic for a given table (hash-sorted), so each run checks the same rows.
  const rows = make(factors).map((row) => {
    const found = all.find((c) => same(c, row));
    if (!found) throw new Error(`the covering array holds a combination allCombinations() does not: ${JSON.stringify(row)}`);
    return found;
  });
  for (const id of keep) {
    const named = all.find((c) => comboId(c) === id);
    if (!named) throw new Error(`no combination is named ${id}`);
    if (!rows.includes(named)) rows.push(named);
  }
  return rows;
}

/**
 * A test's own table of combinations (`all`), or in a test:fast run the fewest of them (greedily)
 * in which every pair of values of `keys` that some row holds appears: pairwise.ts's coverPairsOf.
 */
export function pairsUnderTest<T extends object>(all: readonly T[], keys: readonly (keyof T)[]): T[] {
  return PAIRS_ONLY ? coverPairsOf(all, keys) : [...all];
}

/**
 * comboId without the package manager (`flask-pg-redis-standard`), for files that do not depend
 * on it (the Kubernetes manifests: one package manager stands for both); also the project's name.
 */
export function idWithoutPackageManager(c: Pick<Combination, 'framework' | 'postgres' | 'redis' | 'dockerfile' | 'worker' | 'beat'>): string {
  return combinationId(c, COMBINATION_AXES.filter((axis) => axis !== 'packageManager'));
}
