// vitest's file order (vitest.config.ts, `sequence.sequencer`). vitest's own orders the groups
// by name (fast, pack, stack, tools) and, within a group, files it has no timings for (always,
// in CI's fresh clone) by size, which says nothing about how long a stack file runs. So:
//  - the whole run's longest file, tests/stack/stack-compose.test.ts (1,045 s of vitest's
//    1,433 s in a cold .ci/run, 1,001 of 1,191 in a warm one), is queued first: it waits in its
//    worker for the stand-in images (tests/support/stack-file-setup.ts) while the other two
//    workers run the fast group;
//  - the other long stack files follow the fast and pack groups longest first, so that the short
//    ones fill the end of the run: in a cold run (load 7-30) in vitest's order, locked-images
//    (177 s) and stack-images (172 s) only started after 1,480 s and ended the run, while
//    three files of about a minute each had run before them.
// Everything else keeps vitest's order.

import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Relative to the root, longest first: what a cold run took of each, rounded (load 7-30). */
export const LONGEST_FIRST = [
  'tests/stack/stack-compose.test.ts', // 1,480 s
  'tests/stack/kubernetes-docker.test.ts', // 750 s
  'tests/stack/app-runtime.test.ts', // 690 s
  'tests/stack/stack-journey-smoke.test.ts', // 440 s
  'tests/stack/locked-venv.test.ts', // 370 s
  'tests/stack/stack-journey-outage.test.ts', // 310 s
  'tests/stack/locked-images.test.ts', // 180 s
  'tests/stack/stack-images.test.ts', // 170 s
];

/** What the order needs of a file: vitest's TestSpecification has these. */
export interface QueuedFile {
  moduleId: string;
  project: { name: string; config: { root: string } };
}

/**
 * `files` in vitest's order, reordered: the first of LONGEST_FIRST before everything, then each
 * group in vitest's order of groups, the files of LONGEST_FIRST first within their group.
 */
export function criticalPathOrder<T extends QueuedFile>(files: T[]): T[] {
  const groups = [...new Set(files.map((file) => file.project.name))];
  const rank = (file: T): [number, number] => {
    const long = LONGEST_FIRST.indexOf(path.relative(file.project.config.root, file.moduleId));
    if (long === 0) return [-1, 0];
    return [groups.indexOf(file.project.name), long < 0 ? LONGEST_FIRST.length : long];
  };
  // Array.prototype.sort is stable: files of equal rank keep vitest's order.
  return [...files].sort((a, b) => {
    const [groupA, longA] = rank(a);
    const [groupB, longB] = rank(b);
    return groupA - groupB || longA - longB;
  });
}

export class CriticalPathSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return criticalPathOrder(await super.sort(files));
  }
}
