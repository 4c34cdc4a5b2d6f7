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
//  - in the fast group, the files that mostly wait on their processes (a terminal's answers, a
//    lock's 3 s, signals) are spread out, one every few files: each holds a worker while using
//    little CPU, and vitest's order (longest first) started them together, leaving a fifth of
//    the 2 cores idle for the first 8 s of `npm run test:fast` (vmstat, 1 s samples).
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

/** Fast files that spend most of their time waiting, longest first (wall seconds, CPU seconds alone). */
export const MOSTLY_WAITING = [
  'tests/fast/concurrency.test.ts', // 6.1 s, 3.9
  'tests/fast/prompts.test.ts', // 4.9 s, 3.2
  'tests/fast/signals.test.ts', // 4.5 s, 4.6 with its children
  'tests/fast/private-tmpdir.test.ts', // 2.5 s, 2.2
  'tests/fast/standins-ready.test.ts', // 2.3 s, 0.9
];

/** How many other fast files go between two of MOSTLY_WAITING. */
export const WAITING_STRIDE = 4;

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
  const ordered = [...files].sort((a, b) => {
    const [groupA, longA] = rank(a);
    const [groupB, longB] = rank(b);
    return groupA - groupB || longA - longB;
  });
  return spreadWaiting(ordered, (file) => MOSTLY_WAITING.indexOf(path.relative(file.project.config.root, file.moduleId)));
}

/**
 * `ordered` with the files `waitRank` ranks (>= 0) taken out and put back in that rank's order,
 * the first before the first other file of their group, each next one WAITING_STRIDE of that
 * group's other files later (any left over after the group's last file).
 */
function spreadWaiting<T extends QueuedFile>(ordered: T[], waitRank: (file: T) => number): T[] {
  const waiting = ordered.filter((file) => waitRank(file) >= 0).sort((a, b) => waitRank(a) - waitRank(b));
  if (waiting.length === 0) return ordered;
  const group = waiting[0]!.project.name;
  const others = ordered.filter((file) => waitRank(file) < 0);
  const lastOfGroup = others.map((file) => file.project.name).lastIndexOf(group);
  const out: T[] = [];
  let seen = 0;
  others.forEach((file, index) => {
    if (file.project.name === group && seen++ % WAITING_STRIDE === 0 && waiting.length > 0) out.push(waiting.shift()!);
    out.push(file);
    if (index === lastOfGroup) out.push(...waiting.splice(0));
  });
  return [...out, ...waiting];
}

export class CriticalPathSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return criticalPathOrder(await super.sort(files));
  }
}
