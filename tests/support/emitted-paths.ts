// Every path the generator can emit today, computed from the templates and the option table
// (not from a list kept by hand): each combination of a new project's answers, and each `add`
// command's files. tests/fast/released-paths.test.ts compares it with src/update/released-paths.json.

import { spawnSync } from 'node:child_process';
import { BASE_FILE } from '../../src/engine/base-record.js';
import { chosenLayers } from '../../src/engine/context.js';
import { outputPath, renderLayers } from '../../src/engine/render.js';
import { dockerFilePaths } from '../../src/existing/docker-app.js';
import { kubernetesLayers } from '../../src/features/kubernetes/index.js';
import { FRAMEWORKS, PROJECT_OPTIONS, type ProjectOptions } from '../../src/options/table.js';
import { REPO } from './cli-run.js';
import { allowedByTable } from './pairwise.js';

/** Every combination of the options that take a fixed set of values (text options held fixed). */
export function everyAnswerCombination(): ProjectOptions[] {
  let combos: Record<string, unknown>[] = [{ name: 'shop', description: 'A Python web service' }];
  for (const spec of PROJECT_OPTIONS) {
    if (spec.kind === 'text') continue;
    // A list: none, and every target at once (each target's files do not depend on the others).
    const values: readonly unknown[] = spec.kind === 'boolean' ? [true, false] : spec.kind === 'list' ? [[], [...spec.choices]] : spec.choices;
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [spec.key]: v })));
  }
  // Only what the option table allows (its onlyWhen: migrations need PostgreSQL, a worker PostgreSQL and Redis).
  return combos.filter((c) => allowedByTable(c)) as unknown as ProjectOptions[];
}

/** The paths the layers emit, without rendering a template (renderLayers' filter sees each path first). */
function layerPaths(context: object, layers: readonly string[], templatesDir: string | undefined): string[] {
  const seen: string[] = [];
  renderLayers(
    context,
    layers,
    (p) => {
      seen.push(p);
      return false;
    },
    templatesDir,
  );
  return seen;
}

let everyLayer: string[] | undefined;

/** Every template layer some answer combination chooses (15,360 combinations: listed once per run). */
function everyChosenLayer(): string[] {
  everyLayer ??= [...new Set(everyAnswerCombination().flatMap((options) => chosenLayers(options)))];
  return everyLayer;
}

/** `templatesDir`: a seam for the test that shows a new template is caught (one folder per layer, see copyLayers). */
export function currentEmittablePaths(templatesDir?: string): string[] {
  const paths = new Set<string>([BASE_FILE]);
  // A layer emits the same paths whichever layers come with it (the filter sees each path before
  // anything renders), so each layer any combination chooses is listed once.
  for (const layer of everyChosenLayer()) for (const p of layerPaths({}, [layer], templatesDir)) paths.add(p);
  // add docker: the Docker files of either framework.
  for (const framework of FRAMEWORKS) for (const p of dockerFilePaths(framework)) paths.add(p);
  // add kubernetes: the kubernetes layers for every set of facts that chooses them.
  for (const migrations of [true, false])
    for (const devServices of [[], ['postgres']])
      for (const p of layerPaths({}, kubernetesLayers({ migrations, devServices } as never), templatesDir)) paths.add(p);
  // add service (the plop generator) edits compose.yaml, compose.override.yaml and .env.example.
  for (const p of ['compose.yaml', 'compose.override.yaml', '.env.example']) paths.add(p);
  return [...paths].sort();
}

/**
 * The paths the templates emitted in every commit of this repository's history (removed and
 * renamed templates included), by the rule render.ts applies: templates/<layer>/<path>.ejs
 * (every layer, before features became folders) and src/features/<feature>/templates/<path>.ejs,
 * parts aside. Undefined when there is no full history to read (not a git checkout, or a shallow clone).
 */
export function historicalEmittedPaths(): string[] | undefined {
  const shallow = spawnSync('git', ['rev-parse', '--is-shallow-repository'], { cwd: REPO, encoding: 'utf8' });
  if (shallow.status !== 0 || shallow.stdout.trim() !== 'false') return undefined;
  const log = spawnSync('git', ['log', '--no-renames', '--name-only', '--format=', '--', 'templates/', 'src/features/'], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (log.status !== 0) return undefined;
  const paths = new Set<string>();
  for (const file of log.stdout.split('\n')) {
    const match = /^(?:templates\/(?!locks\/)[^/]+|src\/features\/[^/]+\/templates)\/(.+\.ejs)$/.exec(file);
    if (match && !match[1]!.endsWith('.part.ejs')) paths.add(outputPath(match[1]!));
  }
  return [...paths].sort();
}
