// The order a whole run hands its files to vitest's workers (tests/support/critical-path-sequencer.ts):
// a fresh clone has no timings, so the long stack files are placed by what they are known to take.
import { describe, expect, test } from 'vitest';
import { criticalPathOrder, LONGEST_FIRST, MOSTLY_WAITING, WAITING_STRIDE } from '../support/critical-path-sequencer.js';

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

  test('names only files that exist', async () => {
    const { existsSync } = await import('node:fs');
    const missing = [...LONGEST_FIRST, ...MOSTLY_WAITING].filter((relative) => !existsSync(new URL(`../../${relative}`, import.meta.url)));
    expect(missing).toEqual([]);
  });
});

describe('the fast files that mostly wait', () => {
  // vitest's order of the fast group after a run: longest first, so the waiting ones came first.
  const busy = Array.from({ length: 10 }, (_, i) => file('fast', `tests/fast/busy-${i}.test.ts`));
  const waiting = MOSTLY_WAITING.slice(0, 3).map((relative) => file('fast', relative));
  const order = names(criticalPathOrder([waiting[2]!, waiting[0]!, waiting[1]!, ...busy, file('stack', 'tests/stack/stack-compose.test.ts')]));

  test('start one at a time, the longest first, WAITING_STRIDE other fast files apart', () => {
    const at = MOSTLY_WAITING.slice(0, 3).map((relative) => order.indexOf(relative));
    // stack-compose first, then the first waiting file before any other fast file.
    expect(at).toEqual([1, 2 + WAITING_STRIDE, 3 + 2 * WAITING_STRIDE]);
  });

  test('keep every other fast file in vitest order', () => {
    expect(order.filter((relative) => relative.includes('busy-'))).toEqual(names(busy));
  });

  test('go after the last fast file when the group is too short to spread them', () => {
    const short = names(criticalPathOrder([...waiting, busy[0]!, file('pack', 'tests/pack/plop-load.test.ts')]));
    expect(short).toEqual([MOSTLY_WAITING[0], 'tests/fast/busy-0.test.ts', MOSTLY_WAITING[1], MOSTLY_WAITING[2], 'tests/pack/plop-load.test.ts']);
  });
});
