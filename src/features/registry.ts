// Every feature, listed once, in the one order a project's features take: their templates
// render, and their slot contributions print, in this order. Each feature's index.ts says when
// a project has it (Feature.chosen); src/engine/context.ts asks them rather than listing any by hand.

import { celeryBeat } from './celery-beat/index.js';
import { ciFeature } from './ci/index.js';
import { gitlabCiFeature } from './ci-gitlab/index.js';
import { dependabotFeature } from './dependabot/index.js';
import { devcontainerFeature } from './devcontainer/index.js';
import { devcontainerWorker } from './devcontainer-worker/index.js';
import { dockerfileMultiStage } from './dockerfile-multi-stage/index.js';
import { dockerfileStandard } from './dockerfile-standard/index.js';
import { fastapi } from './fastapi/index.js';
import { flask } from './flask/index.js';
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
import type { Feature, FeatureChoice } from './types.js';
import { uv } from './uv/index.js';
import { workerCelery } from './worker-celery/index.js';

/** The layer every project renders first: the shared skeleton (templates/common/), whose files expose the slots. */
export const SKELETON_LAYER = 'common';

const skeleton: Feature = { layer: SKELETON_LAYER, chosen: () => true };

/**
 * The project's own features: what its code, packages and image are made of. Their packages,
 * environment and limits (Feature.requirements, env, workers, migrations) are the project's.
 */
export const PROJECT_FEATURES: readonly Feature[] = [
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
];

/**
 * Where the chosen deployments' layers go among the features built around the project. Their
 * facts pick them (kubernetesLayers, DeployTargetFeature.layers), so the context passes them in.
 */
export const DEPLOYMENTS = 'deployments';

/** What is built around the project: CI, dependency updates, the dev container, the deployments. */
export const SURROUNDING_FEATURES: readonly (Feature | typeof DEPLOYMENTS)[] = [
  ciFeature,
  gitlabCiFeature,
  dependabotFeature,
  renovateFeature,
  devcontainerFeature,
  // Where the worker meets the debugger: its service under debugpy, a second attach configuration.
  devcontainerWorker,
  DEPLOYMENTS,
  // Where the worker meets Kubernetes: its Deployment and PodDisruptionBudget.
  kubernetesWorker,
  // Where beat meets Kubernetes: its Deployment of one pod, replaced with Recreate.
  kubernetesBeat,
];

/** The project's own features it has, in order. */
export function chosenProjectFeatures(choice: FeatureChoice): Feature[] {
  return PROJECT_FEATURES.filter((feature) => feature.chosen(choice));
}

/** The layers of every chosen feature, in order: the project's own, then what is built around it. */
export function chosenLayers(choice: FeatureChoice, deploymentLayers: readonly string[]): string[] {
  return [
    ...chosenProjectFeatures(choice).map((feature) => feature.layer),
    ...SURROUNDING_FEATURES.flatMap((entry) => (entry === DEPLOYMENTS ? deploymentLayers : entry.chosen(choice) ? [entry.layer] : [])),
  ];
}
