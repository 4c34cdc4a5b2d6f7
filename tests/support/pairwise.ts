// The projects the stack tests run for real: a covering array of `create`'s option table, in
// which every PAIR of option values (framework x Python, Redis x package manager, ...) that a
// project can have appears in at least one project, instead of every combination. Static checks
// (render, lint, schema, snapshot) stay exhaustive; a real build and run costs a minute or more,
// so their count must grow with the largest pair of option domains, not with their product: a
// new option or value adds rows only where pairwise coverage needs them.
//
// The factors and their constraints come from the option table itself (every choice and on/off
// option of `create`, and each `onlyWhen`), so an option another feature adds is covered without
// touching this file. covertable builds the array of the options without a condition (greedy,
// hash-sorted: the same table always gives the same rows, so a failing project is built again
// by the next run). Its `preFilter` is not used: covertable 2.5 counts the pairs of a row the
// filter rejects as covered. Instead each option with an `onlyWhen` (migrations: PostgreSQL;
// the worker: PostgreSQL and Redis) is filled in afterwards, row by row, where its condition
// holds, with the value that covers the most new pairs; the pairs still missing get a row each
// from a row so far, the pair, and the conditions' options set so the row is allowed. (Merging
// such options with the ones their conditions read into one factor, as before the worker, made
// a factor of 8 values and 32 rows.)
import { make } from 'covertable';
import { listText, parseList, PROJECT_OPTIONS, useOf, type ListSpec, type ProjectOptionSpec, type ProjectOptions } from '../../src/options/table.js';

/** What a stack project is made from: every answer of `create` but the free-text ones. */
export type StackProject = Omit<ProjectOptions, 'name' | 'description'>;
type Value = string | boolean;
type Row = Record<string, Value>;

/** The options a covering array ranges over: the choice and on/off rows of `create`, in table order. */
export function pairwiseFactors(specs: readonly ProjectOptionSpec[] = PROJECT_OPTIONS): Record<string, readonly Value[]> {
  const factors: Record<string, readonly Value[]> = {};
  for (const spec of specs) {
    // Files nothing running reads (the CI pipeline, the update bot, lint settings): their
    // static checks walk every combination; a stack run would check nothing more of them.
    if (spec.filesOnly) continue;
    if (spec.kind === 'choice') factors[spec.key] = spec.choices;
    // A list (deploy): none, or every target at once, written as the flag does; each target's
    // files depend on the other options, not on one another, so this covers each target's pairs.
    else if (spec.kind === 'list') factors[spec.key] = [listText(spec, []), listText(spec, spec.choices)];
    else if (spec.kind === 'boolean') factors[spec.key] = [true, false];
  }
  return factors;
}

/** Whether a complete project respects every `onlyWhen` of the table (migrations needs PostgreSQL). */
export function allowedByTable(row: Record<string, unknown>, specs: readonly ProjectOptionSpec[] = PROJECT_OPTIONS): boolean {
  return specs.every((spec) => {
    const onlyWhen = spec.kind === 'text' ? undefined : useOf(spec, 'create').onlyWhen;
    return !onlyWhen || row[spec.key] === onlyWhen.otherwise || onlyWhen.holds(row);
  });
}

/** Other arrays of the free options tried (covertable's seeds) when the first needs rows of its own added. */
const RESTARTS = 8;

/**
 * Every pair of option values the stack tests run at least once, as a covering array. When
 * covertable's array leaves pairs that only rows of their own can hold (beat, set only where the
 * worker is, which is set only where PostgreSQL and Redis are: too few such rows for every pair
 * of beat's), arrays from a few other seeds are tried too (until one needs no row added), and the
 * first of the smallest kept: a greedy array's size depends on its start, and every row is a
 * real build.
 */
export function pairwiseProjects(specs: readonly ProjectOptionSpec[] = PROJECT_OPTIONS): StackProject[] {
  let smallest = coveringArray(specs);
  if (!smallest.grown) return smallest.projects;
  for (let seed = 1; seed <= RESTARTS; seed++) {
    const next = coveringArray(specs, seed);
    if (next.projects.length < smallest.projects.length) smallest = next;
    if (!next.grown) break;
  }
  return smallest.projects;
}

/** The covering array from covertable's array of the free options (its default order, or `seed`'s); `grown` when rows were added to it. */
function coveringArray(specs: readonly ProjectOptionSpec[], seed?: number): { projects: StackProject[]; grown: boolean } {
  const factors = pairwiseFactors(specs);
  const dependent = dependentOptions(factors, specs);
  // 1. covertable's array of the free options (each dependent one left at its first value).
  const free = Object.fromEntries(Object.entries(factors).filter(([key]) => !dependent.includes(key)));
  const rows: Row[] = make(free as Record<string, Value[]>, seed === undefined ? {} : { seed }).map((row) => ({ ...row }));
  const freeRows = rows.length;
  const covered = new Set<string>();
  const cover = (row: Row) => {
    for (const pair of pairsOf(row, factors)) covered.add(pair);
  };
  // 2. Each dependent option, where its condition holds, takes the value whose pairs with the
  // row's other values are the fewest covered yet; elsewhere the value its `onlyWhen` imposes.
  for (const row of rows) {
    for (const key of dependent) {
      const onlyWhen = useOf(specs.find((s) => s.key === key)!, 'create').onlyWhen!;
      const values = onlyWhen.holds(row) ? factors[key]! : [onlyWhen.otherwise as Value];
      row[key] = best(values.map((value) => ({ ...row, [key]: value })), (candidate) => newPairs(candidate, factors, covered, [key]))[key]!;
    }
    cover(row);
  }
  // 3. The pairs still missing (a dependent value with values of options its condition does
  // not read): for the first one, each row so far with that pair set and every setting of the
  // dependent options and those their conditions read; the allowed one that covers the most
  // missing pairs is added. Until none is missing.
  const constrained = [...new Set([...dependent, ...dependent.flatMap((key) => conditionReads(key, factors, specs))])];
  const settings = everyCombination(Object.fromEntries(constrained.map((key) => [key, factors[key]!])));
  const needed = missingPairs([], specs);
  for (let missing = needed.filter((p) => !covered.has(p)); missing.length > 0; missing = missing.filter((p) => !covered.has(p))) {
    const pair = Object.fromEntries(
      missing[0]!.split(' ').map((part) => {
        const [key, text] = part.split('=') as [string, string];
        return [key, factors[key]!.find((value) => String(value) === text)!];
      }),
    );
    const candidates = rows.flatMap((row) => settings.map((setting) => ({ ...row, ...setting, ...pair }))).filter((row) => allowedByTable(row, specs));
    if (candidates.length === 0) throw new Error(`no allowed project holds ${missing[0]}`);
    const next = best(candidates, (row) => newPairs(row, factors, covered));
    rows.push(next);
    cover(next);
  }
  // Back in the table's order, whatever order covertable filled them in.
  const lists = listSpecs(specs);
  const projects = rows.map((row) => Object.fromEntries(Object.keys(factors).map((key) => [key, lists.has(key) ? parseList(lists.get(key)!, row[key]) : row[key]])) as unknown as StackProject);
  return { projects, grown: rows.length > freeRows };
}

/** The first of `candidates` with the highest score. */
function best<T>(candidates: readonly T[], score: (candidate: T) => number): T {
  let chosen: T = candidates[0]!;
  let top = score(chosen);
  for (const candidate of candidates.slice(1)) {
    const value = score(candidate);
    if (value > top) {
      chosen = candidate;
      top = value;
    }
  }
  return chosen;
}

/** A row's pairs of values, each as `key=value key=value`, in factor order. */
function pairsOf(row: Row, factors: Record<string, readonly Value[]>): string[] {
  const keys = Object.keys(factors);
  const out: string[] = [];
  for (let a = 0; a < keys.length; a++) for (let b = a + 1; b < keys.length; b++) out.push(`${keys[a]}=${String(row[keys[a]!])} ${keys[b]}=${String(row[keys[b]!])}`);
  return out;
}

/** How many of the row's pairs are not covered yet (only those naming one of `only`, when given). */
function newPairs(row: Row, factors: Record<string, readonly Value[]>, covered: Set<string>, only?: string[]): number {
  return pairsOf(row, factors).filter((pair) => !covered.has(pair) && (!only || only.some((key) => pair.startsWith(`${key}=`) || pair.includes(` ${key}=`)))).length;
}

/**
 * The options with an `onlyWhen` (migrations: PostgreSQL; the worker: PostgreSQL and Redis; beat:
 * the worker), in table order, which is the order they are filled in. Their conditions (found by
 * evaluating them on projects that differ from one another in one value) may read free options
 * and dependent options filled before them (beat reads the worker, filled first), as the
 * table's own resolution does: a condition on a later one would need the array built in rounds.
 */
function dependentOptions(factors: Record<string, readonly Value[]>, specs: readonly ProjectOptionSpec[]): string[] {
  const dependent = specs.filter((spec) => spec.kind !== 'text' && spec.key in factors && useOf(spec, 'create').onlyWhen).map((spec) => spec.key as string);
  for (const [index, key] of dependent.entries()) {
    const later = conditionReads(key, factors, specs).find((read) => dependent.indexOf(read) >= index);
    if (later) throw new Error(`--${key}'s condition reads ${later}, an option with a condition filled after it: pairwise.ts cannot cover that yet`);
  }
  return dependent;
}

/** The options the condition of `key`'s `onlyWhen` reads. */
function conditionReads(key: string, factors: Record<string, readonly Value[]>, specs: readonly ProjectOptionSpec[]): string[] {
  const onlyWhen = useOf(specs.find((s) => s.key === key)!, 'create').onlyWhen!;
  const reads = new Set<string>();
  for (const project of oneValueApart(factors)) {
    const reading = new Proxy(project, {
      get(target, read) {
        if (typeof read === 'string' && read in factors) reads.add(read);
        return Reflect.get(target, read);
      },
    });
    onlyWhen.holds(reading);
  }
  return [...reads];
}

/** A project with each option's first value. */
function someProject(factors: Record<string, readonly Value[]>): Row {
  return Object.fromEntries(Object.entries(factors).map(([key, values]) => [key, values[0]!]));
}

/** someProject, and every project that differs from it in exactly one option. */
function oneValueApart(factors: Record<string, readonly Value[]>): Row[] {
  const base = someProject(factors);
  return [base, ...Object.entries(factors).flatMap(([key, values]) => values.slice(1).map((value) => ({ ...base, [key]: value })))];
}

/**
 * The pairs of option values that some allowed project holds (migrations without PostgreSQL
 * does not count), each as `key=value key=value`, less those that `rows` hold.
 */
export function missingPairs(rows: readonly object[], specs: readonly ProjectOptionSpec[] = PROJECT_OPTIONS): string[] {
  let universe = universes.get(specs);
  if (!universe) universes.set(specs, (universe = pairUniverse(specs)));
  const { order, pairsOf, spell } = universe;
  const held = new Set<number>();
  for (const r of rows) for (const pair of pairsOf(r as Record<string, unknown>)) held.add(pair);
  return order.filter((pair) => !held.has(pair)).map(spell);
}

/** pairUniverse's answer for each option table asked about (the covering array asks for every row it adds). */
const universes = new WeakMap<readonly ProjectOptionSpec[], PairUniverse>();

interface PairUniverse {
  /** Every pair some allowed project holds, as a number, in the order first met. */
  order: number[];
  /** A project's pairs, as numbers. */
  pairsOf: (row: Record<string, unknown>) => number[];
  /** A pair's number back into `key=value key=value`. */
  spell: (pair: number) => string;
}

/** The pairs of option values that some allowed project of `specs` holds, walking every combination once. */
function pairUniverse(specs: readonly ProjectOptionSpec[]): PairUniverse {
  const factors = pairwiseFactors(specs);
  const keys = Object.keys(factors);
  const domains = keys.map((k) => factors[k]!);
  const lists = listSpecs(specs);
  // A pair as one number (option a, its value, option b, its value), so that walking every
  // combination of a grown table stays quick; spelled out only when missing.
  const width = Math.max(...domains.map((values) => values.length));
  const id = (a: number, va: number, b: number, vb: number) => ((a * keys.length + b) * width + va) * width + vb;
  const pairsOf = (row: Record<string, unknown>): number[] => {
    // A project holds a list as a list; its factor, as the flag writes it.
    const at = keys.map((k) => factors[k]!.indexOf((lists.has(k) && Array.isArray(row[k]) ? listText(lists.get(k)!, row[k] as string[]) : row[k]) as Value));
    const out: number[] = [];
    for (let a = 0; a < keys.length; a++) for (let b = a + 1; b < keys.length; b++) out.push(id(a, at[a]!, b, at[b]!));
    return out;
  };
  // Every combination, as everyCombination() orders them (the last option changing fastest),
  // walked in one row that changes in place rather than built as a list: the pairs are noted
  // in the order they are first met, which is the order the covering array fills them in.
  const conditions = specs.flatMap((spec) => {
    const onlyWhen = spec.kind === 'text' ? undefined : useOf(spec, 'create').onlyWhen;
    return onlyWhen ? [{ key: spec.key as string, onlyWhen }] : [];
  });
  const allowed = (row: Row) => conditions.every(({ key, onlyWhen }) => row[key] === onlyWhen.otherwise || onlyWhen.holds(row as never));
  // A value listed twice in a domain is one value: its first place, as pairsOf finds it.
  const first = domains.map((values) => values.map((value) => values.indexOf(value)));
  const seen = new Uint8Array(id(keys.length - 1, width - 1, keys.length - 1, width - 1) + 1);
  const order: number[] = [];
  const at = keys.map(() => 0);
  const row: Row = Object.fromEntries(keys.map((k, i) => [k, domains[i]![0]!]));
  for (let done = keys.length === 0; !done; ) {
    if (allowed(row))
      for (let a = 0; a < keys.length; a++)
        for (let b = a + 1; b < keys.length; b++) {
          const pair = id(a, first[a]![at[a]!]!, b, first[b]![at[b]!]!);
          if (!seen[pair]) {
            seen[pair] = 1;
            order.push(pair);
          }
        }
    // The next combination: the last option's next value, carrying into the ones before it.
    let k = keys.length - 1;
    for (; k >= 0 && at[k] === domains[k]!.length - 1; k--) {
      at[k] = 0;
      row[keys[k]!] = domains[k]![0]!;
    }
    if (k < 0) done = true;
    else row[keys[k]!] = domains[k]![++at[k]!]!;
  }
  // Spelled out: a pair's number back into its options and values.
  const spell = (pair: number): string => {
    const vb = pair % width;
    const va = Math.floor(pair / width) % width;
    const ab = Math.floor(pair / (width * width));
    const [a, b] = [Math.floor(ab / keys.length), ab % keys.length];
    return `${keys[a]}=${String(domains[a]![va])} ${keys[b]}=${String(domains[b]![vb])}`;
  };
  return { order, pairsOf, spell };
}

/** Every combination of the factors' values (the exhaustive set the static checks walk). */
export function everyCombination(factors: Record<string, readonly Value[]>): Row[] {
  let out: Row[] = [{}];
  for (const [key, values] of Object.entries(factors)) out = out.flatMap((row) => values.map((value) => ({ ...row, [key]: value })));
  return out;
}

/** A short, valid project name for row `index` (a name may not hold the dots of `3.13`). */
export function projectName(index: number): string {
  return `pair-${index + 1}`;
}

/** What a row is, for test titles: `fastapi 3.13 postgres redis multi-stage uv kubernetes ci no-dependabot lint migrations`. */
export function projectLabel(project: StackProject): string {
  const row = project as unknown as Row;
  return Object.keys(pairwiseFactors())
    .map((key) => (typeof row[key] === 'boolean' ? (row[key] ? key : `no-${key}`) : Array.isArray(row[key]) ? `deploy ${(row[key] as string[]).join(',') || 'none'}` : String(row[key])))
    .join(' ');
}

/**
 * For a check that needs one project per value of `key` (one per framework: the server's CMD),
 * the first of `rows` with each value among those `where` allows, fewest services first (the
 * quickest stack). Pairwise coverage guarantees one per value when `where` fixes one other option.
 */
export function onePer<K extends keyof StackProject>(rows: readonly StackProject[], key: K, where: (row: StackProject) => boolean = () => true): Set<StackProject> {
  const services = (row: StackProject) => Number(row.postgres) + Number(row.redis);
  const picked = new Map<StackProject[K], StackProject>();
  for (const row of [...rows].filter(where).sort((a, b) => services(a) - services(b))) if (!picked.has(row[key])) picked.set(row[key], row);
  return new Set(picked.values());
}

/** The `create` flags that give a project these answers (`--framework flask --no-redis ...`), from the table's flags. */
export function createFlags(project: StackProject): string[] {
  const row = project as unknown as Row;
  return PROJECT_OPTIONS.filter((spec) => spec.key in row).flatMap((spec) => {
    const value = row[spec.key]!;
    if (typeof value === 'boolean') return [value ? `--${spec.flag}` : `--no-${spec.flag}`];
    if (spec.kind === 'list') return [`--${spec.flag}`, listText(spec, value as unknown as string[])];
    return [`--${spec.flag}`, value];
  });
}

/** The list options (deploy), by key. */
function listSpecs(specs: readonly ProjectOptionSpec[]): Map<string, ListSpec> {
  return new Map(specs.flatMap((spec) => (spec.kind === 'list' ? [[spec.key as string, spec as ListSpec] as const] : [])));
}

/**
 * The fewest rows (greedily) of `rows` in which every pair of values of `keys` that some row
 * holds appears at least once: a covering array drawn from a set that is already constrained
 * (the locks: migrations only with PostgreSQL, a worker only with PostgreSQL and Redis).
 */
export function coverPairsOf<T extends object>(rows: readonly T[], keys: readonly (keyof T)[]): T[] {
  const pairsOf = (row: T): string[] => {
    const out: string[] = [];
    for (let a = 0; a < keys.length; a++) for (let b = a + 1; b < keys.length; b++) out.push(`${String(keys[a])}=${String(row[keys[a]!])} ${String(keys[b])}=${String(row[keys[b]!])}`);
    return out;
  };
  const missing = new Set(rows.flatMap(pairsOf));
  const picked: T[] = [];
  while (missing.size > 0) {
    const gain = (row: T) => pairsOf(row).filter((p) => missing.has(p)).length;
    const best = rows.reduce((a, b) => (gain(b) > gain(a) ? b : a));
    picked.push(best);
    for (const p of pairsOf(best)) missing.delete(p);
  }
  return picked;
}

/**
 * Roughly how long a project's stack run keeps its engine, in seconds, from what it runs
 * (stack-compose.test.ts's steps and the images it builds): what the engines are balanced by
 * (projectEngines). Calibrated on a cold run (docs/testing.md, "Where a cold run goes"); only
 * how the projects compare matters, not the figures themselves.
 */
export function stackSeconds(project: StackProject): number {
  let seconds = 120; // the production image's build, `up`, the production and development steps
  // The builder stage installs build-essential from Debian's mirror.
  if (project.dockerfile === 'multi-stage') seconds += 60;
  // The development image, the debugger's stack and `devcontainer up` (the debugged projects).
  if (project.devcontainer) seconds += 60;
  // The worker's and beat's journeys, and two more services to start and stop at every step.
  if (project.worker === 'celery') seconds += 60;
  if (project.postgres) seconds += 20;
  // `migrate` at every `up`; the failing migration's rebuild (one project per framework).
  if (project.migrations) seconds += 30;
  return seconds;
}

/**
 * What a project's build saves on an engine that already built `other`: the same Python is the
 * same base image and the same wheels of compiled packages in the engine's pip and uv caches;
 * two builder stages on the same base share the build-essential layer outright.
 */
export function sharedSeconds(project: StackProject, other: StackProject): number {
  if (project.python !== other.python) return 0;
  return project.dockerfile === 'multi-stage' && other.dockerfile === 'multi-stage' ? 60 : 15;
}

/**
 * The engine (0 to count - 1) each project runs on: the longest first, each on the engine where
 * it ends soonest (the work there so far, plus the project less what it shares with the
 * projects already there: sharedSeconds), so that the engines finish at about the same time
 * instead of one engine's line of stacks ending long after the others, and a cold engine
 * downloads and builds what its projects share once. The same projects always get the same
 * engines, so every test file that builds a project builds it where its image and downloads
 * are cached (engineForProject).
 */
export function projectEngines(projects: readonly StackProject[], count: number, seconds: (project: StackProject) => number = stackSeconds): number[] {
  const load = Array.from({ length: count }, () => 0);
  const placed: StackProject[][] = Array.from({ length: count }, () => []);
  const engines: number[] = [];
  const longestFirst = projects.map((project, index) => ({ index, project, cost: seconds(project) })).sort((a, b) => b.cost - a.cost || a.index - b.index);
  for (const { index, project, cost } of longestFirst) {
    const costOn = (engine: number) => Math.max(0, cost - Math.max(0, ...placed[engine]!.map((other) => sharedSeconds(project, other))));
    let best = 0;
    for (let engine = 1; engine < count; engine++) if (load[engine]! + costOn(engine) < load[best]! + costOn(best)) best = engine;
    engines[index] = best;
    load[best]! += costOn(best);
    placed[best]!.push(project);
  }
  return engines;
}

let assigned: { count: number; engines: number[] } | undefined;
/** The engine that covering-array project `index` (pairwiseProjects' order) runs on, in every test file. */
export function engineForProject<E>(engines: readonly E[], index: number): E {
  if (assigned?.count !== engines.length) assigned = { count: engines.length, engines: projectEngines(pairwiseProjects(), engines.length) };
  const engine = engines[assigned.engines[index] ?? index % engines.length];
  if (engine === undefined) throw new Error('no engines');
  return engine;
}
