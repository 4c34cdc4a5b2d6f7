// Docker release numbers compared as semver does, and the floor they give (docker-floor.ts).
// Only the build (tsup.config.ts, which writes the floor into docker-floor-value.ts), the
// tests and a run from source load this module: semver builds ~80 regular expressions as it
// loads, a tenth of a scaffold's own start-up work for two numbers that never change at run time.

import type { SemVer } from 'semver';
import semverCoerce from 'semver/functions/coerce.js';
import semverCompare from 'semver/functions/compare.js';
import type { DockerFloor, VersionedFeature } from './docker-floor.js';

/** Compares Docker release numbers (`2.24.4` < `2.25.0`, `23.0` = `23.0.0`) as semver does. */
export function compareVersions(a: string, b: string): number {
  return semverCompare(release(a), release(b));
}

/** The highest version each of Engine and Compose must have for every feature given. */
export function dockerFloorOf(features: readonly VersionedFeature[]): DockerFloor {
  return {
    engine: highest(features.flatMap((f) => (f.engine ? [f.engine] : []))),
    compose: highest(features.flatMap((f) => (f.compose ? [f.compose] : []))),
  };
}

/** A release as semver reads it: Engine's `major.minor` gets its `.0` (semver's coerce). */
function release(version: string): SemVer {
  const parsed = semverCoerce(version);
  if (parsed === null) throw new Error(`not a release number: ${version}`);
  return parsed;
}

function highest(versions: string[]): string {
  const [first, ...rest] = versions;
  if (first === undefined) throw new Error('no versioned feature');
  return rest.reduce((max, v) => (compareVersions(v, max) > 0 ? v : max), first);
}
