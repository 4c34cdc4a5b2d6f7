// Every feature, listed once, in the one order a project's features take: their templates
// render, and their slot contributions print, in this order. Each feature's index.ts says when
// a project has it (Feature.chosen), what data its templates print (Feature.data, under
// Feature.contextKey) and, when its data picks them, its layers (Feature.layers);
// src/engine/context.ts asks them rather than naming any feature.

import { celeryBeat } from './celery-beat/index.js';
import { ciFeature } from './ci/index.js';
import { gitlabCiFeature } from './ci-gitlab/index.js';
import { dependabotFeature } from './dependabot/index.js';
import { aciTarget } from './deploy-aci/index.js';
import { cloudRunTarget } from './deploy-cloud-run/index.js';
import { ecsTarget } from './deploy-ecs/index.js';
import { devcontainerFeature } from './devcontainer/index.js';
import { devcontainerWorker } from './devcontainer-worker/index.js';
import { dockerfileMultiStage } from './dockerfile-multi-stage/index.js';
import { dockerfileStandard } from './dockerfile-standard/index.js';
import { fastapi } from './fastapi/index.js';
import { flask } from './flask/index.js';
import { kubernetesFeature } from './kubernetes/index.js';
import { kubernetesBeat } from './kubernetes-beat/index.js';
import { kubernetesWorker } from './kubernetes-worker/index.js';
import { lintFeature } from './lint/index.js';
import { memoryStore } from './memory/index.js';
import { migrationsFeature } from './migrations/index.js';
import { postgresCreateTable } from './postgres-create-table/index.js';
import { pip } from './pip/index.js';
import { pipenv } from './pipenv/index.js';
import { poetry } from './poetry/index.js';
import { renovateFeature } from './renovate/index.js';
import { SERVICE_FEATURES } from './services.js';
import type { Feature, FeatureChoice, FeatureInput } from './types.js';
import { uv } from './uv/index.js';
import { workerCelery } from './worker-celery/index.js';

/** The layer every project renders first: the shared skeleton (templates/common/), whose files expose the slots. */
export const SKELETON_LAYER = 'common';

const skeleton: Feature = { layer: SKELETON_LAYER, chosen: () => true };

// The lists are tuples (`as const`), not Feature[]: FeatureData below is derived from each
// entry's own type, which an array of Feature would forget.

/**
 * The project's own features: what its code, packages and image are made of. Their packages,
 * environment and limits (Feature.requirements, env, workers, migrations) are the project's.
 */
export const PROJECT_FEATURES = [
  skeleton,
  flask,
  fastapi,
  // The item store: the in-memory one, or PostgreSQL's (a service).
  memoryStore,
  ...SERVICE_FEATURES,
  // PostgreSQL's table: made by the migrations, or by the store itself at start-up.
  migrationsFeature,
  postgresCreateTable,
  workerCelery,
  celeryBeat,
  lintFeature,
  uv,
  pip,
  poetry,
  pipenv,
  dockerfileStandard,
  dockerfileMultiStage,
] as const satisfies readonly Feature[];

/** What is built around the project: CI, dependency updates, the dev container, the deployments. */
export const SURROUNDING_FEATURES = [
  ciFeature,
  gitlabCiFeature,
  dependabotFeature,
  renovateFeature,
  devcontainerFeature,
  // Where the worker meets the debugger: its service under debugpy, a second attach configuration.
  devcontainerWorker,
  // The deployment targets (--deploy), in DEPLOY_TARGETS order; each one's facts pick its layers.
  kubernetesFeature,
  cloudRunTarget,
  ecsTarget,
  aciTarget,
  // Where the worker meets Kubernetes: its Deployment and PodDisruptionBudget.
  kubernetesWorker,
  // Where beat meets Kubernetes: its Deployment of one pod, replaced with Recreate.
  kubernetesBeat,
] as const satisfies readonly Feature[];

/** Every feature, in order. */
export const FEATURES = [...PROJECT_FEATURES, ...SURROUNDING_FEATURES] as const;

type Registered = (typeof FEATURES)[number];
/** A feature's context key; none (never) for one whose Feature type leaves it a plain string, i.e. that has no data. */
type ContextKeyOf<F> = F extends Feature<unknown, infer K> ? (string extends K ? never : K) : never;
type DataOf<F> = F extends { data?: (input: FeatureInput) => infer D } ? D : never;

/**
 * The features' own data in the render context, derived from the registry: under each feature's
 * contextKey, the type its `data` returns, or undefined when the project does not have it. A
 * new feature with data adds its entry here by being listed above.
 */
export type FeatureData = { [F in Registered as ContextKeyOf<F>]: DataOf<F> | undefined };

/** The project's own features it has, in order. */
export function chosenProjectFeatures(choice: FeatureChoice): Feature[] {
  return (PROJECT_FEATURES as readonly Feature[]).filter((feature) => feature.chosen(choice));
}

/**
 * Every feature's data under its key (undefined when the project does not have the feature),
 * and the layers of the chosen ones, in order: the project's own, then what is built around it.
 */
export function featureParts(input: FeatureInput): { data: FeatureData; layers: string[] } {
  const data: Record<string, unknown> = {};
  const layers: string[] = [];
  for (const feature of FEATURES as readonly Feature[]) {
    const chosen = feature.chosen(input);
    const own = chosen ? feature.data?.(input) : undefined;
    if (feature.contextKey !== undefined) data[feature.contextKey] = own;
    if (chosen) layers.push(...(feature.layers ? feature.layers(own) : [feature.layer]));
  }
  // Each entry was set from the feature whose contextKey and data type FeatureData pairs, which
  // TypeScript cannot follow through a loop over the registry.
  return { data: data as FeatureData, layers };
}

/**
 * The chosen features' layers alone, as featureParts lists them: a feature's data is worked out
 * only when its layers depend on it (what walks every combination needs no more).
 */
export function featureLayers(input: FeatureInput): string[] {
  return (FEATURES as readonly Feature[]).flatMap((feature) => (!feature.chosen(input) ? [] : feature.layers ? feature.layers(feature.data?.(input)) : [feature.layer]));
}
