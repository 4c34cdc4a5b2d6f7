// The projects the stack tests build and run for real (tests/support/pairwise.ts): every pair of
// option values in at least one of them, computed from the option table, so that a feature that
// adds an option or a value adds stack runs only as pairwise coverage needs.

import { describe, expect, it } from 'vitest';
import { PROJECT_OPTIONS, type ProjectOptionSpec } from '../../src/options/table.js';
import { allowedByTable, everyCombination, missingPairs, pairwiseFactors, pairwiseProjects, projectEngines, sharedSeconds, stackSeconds } from '../support/pairwise.js';

const rows = pairwiseProjects();

/** The fewest rows any covering array can have: every pair of the two largest domains needs its own. */
function leastPossible(specs: readonly ProjectOptionSpec[]): number {
  const sizes = Object.values(pairwiseFactors(specs))
    .map((values) => values.length)
    .sort((a, b) => b - a);
  return sizes[0]! * sizes[1]!;
}

/** A new on/off option of `create`, as another feature would add it to the table. */
function newSwitch(key: string): ProjectOptionSpec {
  return { key, flag: key, kind: 'boolean', message: key, help: key, default: false, commands: { create: { default: false } } } as unknown as ProjectOptionSpec;
}

describe('the stack projects cover every pair of option values', () => {
  it('ranges over every choice and on/off option of create, free text and files-only options left out', () => {
    const keys = Object.keys(pairwiseFactors());
    expect(keys).toEqual(PROJECT_OPTIONS.filter((s) => s.kind !== 'text' && !s.filesOnly).map((s) => s.key));
    // The pipeline, the update bot and lint settings: static checks only.
    expect(keys).not.toEqual(expect.arrayContaining(['ci']));
    expect(keys).not.toEqual(expect.arrayContaining(['lint']));
    expect(keys).toEqual(expect.arrayContaining(['framework', 'python', 'postgres', 'redis', 'dockerfile', 'packageManager', 'deploy', 'migrations']));
  });

  it('holds every pair of values that a project can have', () => {
    expect(missingPairs(rows)).toEqual([]);
  });

  it('the pair check sees a missing pair: leave out the projects holding Flask with Python 3.12, and it names that pair', () => {
    const without = rows.filter((r) => !(r.framework === 'flask' && r.python === '3.12'));
    expect(without.length).toBeLessThan(rows.length);
    expect(missingPairs(without)).toContain('framework=flask python=3.12');
  });

  it('has PostgreSQL without migrations, but never migrations without PostgreSQL (the table’s onlyWhen)', () => {
    for (const row of rows) expect(allowedByTable(row as unknown as Record<string, unknown>), JSON.stringify(row)).toBe(true);
    expect(missingPairs([])).not.toContain('postgres=false migrations=true');
    expect(rows.some((r) => r.postgres && !r.migrations)).toBe(true);
  });

  it('runs beat only beside the Celery worker, and the worker both with and without it (beat’s condition reads the worker, filled first)', () => {
    expect(rows.filter((r) => r.beat).every((r) => r.worker === 'celery')).toBe(true);
    expect(rows.some((r) => r.worker === 'celery' && r.beat)).toBe(true);
    expect(rows.some((r) => r.worker === 'celery' && !r.beat)).toBe(true);
    expect(missingPairs([])).not.toContain('worker=none beat=true');
  });

  it('beat, an option on an option with a condition, costs at most one real build more than the table without it', () => {
    const withoutBeat = pairwiseProjects(PROJECT_OPTIONS.filter((s) => s.key !== 'beat'));
    expect(rows.length).toBeLessThanOrEqual(withoutBeat.length + 1);
  });

  it('is the same list on every run, so a failing project is built again next time', () => {
    expect(pairwiseProjects()).toEqual(rows);
  });

  it('is far smaller than every combination, and within twice the least possible', () => {
    const combinations = everyCombination(pairwiseFactors()).filter((r) => allowedByTable(r)).length;
    expect(rows.length).toBeLessThanOrEqual(2 * leastPossible(PROJECT_OPTIONS));
    expect(rows.length * 10).toBeLessThan(combinations);
  });

  it('grows with pairs, not combinations, as features add options and values', () => {
    const withSwitches = [...PROJECT_OPTIONS, newSwitch('queue'), newSwitch('search'), newSwitch('sentry'), newSwitch('otel')];
    const python = PROJECT_OPTIONS.find((s) => s.key === 'python')!;
    const withPython = PROJECT_OPTIONS.map((s) => (s === python ? { ...s, choices: [...(s as unknown as { choices: string[] }).choices, '3.15'] } : s)) as ProjectOptionSpec[];
    const grownRows = new Map([withSwitches, withPython].map((specs) => [specs, pairwiseProjects(specs)]));
    for (const [specs, grown] of grownRows) {
      expect(missingPairs(grown as unknown as Record<string, unknown>[], specs)).toEqual([]);
      expect(grown.length).toBeLessThanOrEqual(2 * leastPossible(specs));
    }
    // Four more switches multiply the combinations by 16; the pairs need at most a few rows more.
    expect(grownRows.get(withSwitches)!.length).toBeLessThanOrEqual(rows.length + 4);
  });
});

describe('the stack projects are spread over the engines by their expected time', () => {
  const totals = (engines: number[], count: number) => {
    const load = Array.from({ length: count }, () => 0);
    rows.forEach((row, index) => (load[engines[index]!]! += stackSeconds(row)));
    return load;
  };

  it('gives every project an engine and every engine a project, the same on every run', () => {
    const again = pairwiseProjects();
    for (const count of [1, 2, 3, 4]) {
      const engines = projectEngines(rows, count);
      expect(engines).toHaveLength(rows.length);
      expect(new Set(engines)).toEqual(new Set(Array.from({ length: count }, (_, i) => i)));
      expect(projectEngines(again, count)).toEqual(engines);
    }
  });

  it('ends no engine more than one project after another (longest first, each on the least loaded)', () => {
    for (const count of [2, 3, 4]) {
      const load = totals(projectEngines(rows, count), count);
      expect(Math.max(...load) - Math.min(...load)).toBeLessThanOrEqual(Math.max(...rows.map(stackSeconds)));
    }
  });

  it('puts the three longest projects on three different engines', () => {
    const order = rows.map((row, index) => ({ index, seconds: stackSeconds(row) })).sort((a, b) => b.seconds - a.seconds || a.index - b.index);
    const engines = projectEngines(rows, 3);
    expect(new Set(order.slice(0, 3).map(({ index }) => engines[index]))).toEqual(new Set([0, 1, 2]));
  });

  it('puts a project beside one it shares a builder stage with (same Python, both multi-stage), which a cold engine then builds once', () => {
    const base = rows[0]!;
    const other = { ...base, python: '3.13', dockerfile: 'standard' } as const;
    const builder = { ...base, python: '3.12', dockerfile: 'multi-stage' } as const;
    const same = () => 100;
    expect(projectEngines([other, builder, { ...builder, packageManager: 'uv' }], 2, same)).toEqual([0, 1, 1]);
    expect(sharedSeconds(builder, other)).toBe(0);
  });

  it('counts what makes a stack run longer: a builder stage, the dev container, a worker, PostgreSQL, migrations', () => {
    const plain = rows.find((r) => r.dockerfile === 'standard' && !r.devcontainer && r.worker === 'none' && !r.postgres)!;
    expect(plain, 'a project with none of them').toBeDefined();
    for (const more of [{ dockerfile: 'multi-stage' }, { devcontainer: true }, { postgres: true }, { postgres: true, redis: true, worker: 'celery' }, { postgres: true, migrations: true }] as const)
      expect(stackSeconds({ ...plain, ...more }), JSON.stringify(more)).toBeGreaterThan(stackSeconds(plain));
  });
});
