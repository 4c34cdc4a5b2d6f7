// The order a whole run hands its files to vitest's workers (tests/support/critical-path-sequencer.ts):
// a fresh clone has no timings, so the long stack files are placed by what they are known to take.
import { describe, expect, test } from 'vitest';
import { criticalPathOrder, LONGEST_FIRST } from '../support/critical-path-sequencer.js';

const ROOT = '/repo';
const file = (group: string, relative: string) => ({ moduleId: `${ROOT}/${relative}`, project: { name: group, config: { root: ROOT } } });
const names = (files: ReturnType<typeof file>[]) => files.map((f) => f.moduleId.slice(ROOT.length + 1));

// vitest's own order: groups by name, files by size (smallest first here, as an example).
const VITEST_ORDER = [
  file('fast', 'tests/fast/b.test.ts'),
  file('fast', 'tests/fast/a.test.ts'),
  file('pack', 'tests/pack/plop-load.test.ts'),
  file('stack', 'tests/stack/stack-update.test.ts'),
  file('stack', 'tests/stack/stack-images.test.ts'),
  file('stack', 'tests/stack/stack-rootless.test.ts'),
  file('stack', 'tests/stack/kubernetes-docker.test.ts'),
  file('stack', 'tests/stack/stack-compose.test.ts'),
  file('tools', 'tests/tools/locks.test.ts'),
];

describe('the order of a whole run', () => {
  test('starts with the longest file, stack-compose, before the fast group', () => {
    expect(names(criticalPathOrder(VITEST_ORDER))[0]).toBe('tests/stack/stack-compose.test.ts');
  });

  test('keeps the groups in vitest order after it', () => {
    const groups = criticalPathOrder(VITEST_ORDER).slice(1).map((f) => f.project.name);
    expect(groups).toEqual(['fast', 'fast', 'pack', 'stack', 'stack', 'stack', 'stack', 'tools']);
  });

  test('runs the known long stack files longest first, the others after them in vitest order', () => {
    const stack = names(criticalPathOrder(VITEST_ORDER).filter((f, i) => i > 0 && f.project.name === 'stack'));
    expect(stack).toEqual([
      'tests/stack/kubernetes-docker.test.ts',
      'tests/stack/stack-images.test.ts',
      'tests/stack/stack-update.test.ts',
      'tests/stack/stack-rootless.test.ts',
    ]);
  });

  test('keeps vitest order within the fast group', () => {
    expect(names(criticalPathOrder(VITEST_ORDER).filter((f) => f.project.name === 'fast'))).toEqual(['tests/fast/b.test.ts', 'tests/fast/a.test.ts']);
  });

  test('names only stack files that exist', async () => {
    const { existsSync } = await import('node:fs');
    const missing = LONGEST_FIRST.filter((relative) => !existsSync(new URL(`../../${relative}`, import.meta.url)));
    expect(missing).toEqual([]);
  });
});
