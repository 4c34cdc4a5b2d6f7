// vitest's file order (vitest.config.ts, `sequence.sequencer`). vitest's own orders the groups
// by name (fast, pack, stack, tools) and, within a group, files it has no timings for (always,
// in CI's fresh clone) by size. So the whole run's longest file, tests/stack/stack-compose.test.ts
// (1,045 s of vitest's 1,433 s in a cold .ci/run, 1,001 of 1,191 in a warm one), started only once the
// fast group's 50-odd files and pack's had each been handed to one of the 3 workers, and the
// run's end waited for it. Here it is queued first, and everything else keeps vitest's order; it
// then waits in its worker for the stand-in images (tests/support/stack-file-setup.ts) while the
// other two workers run the fast group.

import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Relative to the root, longest first. */
export const QUEUED_FIRST = ['tests/stack/stack-compose.test.ts'];

export class CriticalPathSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = QUEUED_FIRST.indexOf(path.relative(file.project.config.root, file.moduleId));
      return index < 0 ? QUEUED_FIRST.length : index;
    };
    // Array.prototype.sort is stable: the rest stays in vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
