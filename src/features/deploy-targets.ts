// The deployment targets besides Kubernetes (`--deploy ecs`, `add deploy ecs`): each a feature
// folder, src/features/deploy-<target>/, whose index.ts exports a DeployTargetFeature and whose
// templates/ write deploy/<target>/. A new project and `add deploy <target>` build a target's
// files from the same DeployInput (the image and how it runs), as Kubernetes does from its
// KubernetesInput (same fields), so `add deploy` on a generated project writes what `--deploy`
// would have. Kubernetes keeps its own module and command (`add kubernetes`, which `add deploy
// kubernetes` runs): it came first and has more to say (overlays, dev services).
//
// A target is offered (`--deploy`'s values, the answers file's) only once it is registered here:
// a listed target without files would be a promise the generator does not keep.

import type { DeployTarget, ServiceKey } from '../options/values.js';
import type { ServerKind } from './kubernetes/index.js';
import type { Migrations } from './types.js';

/** What every target's files are built from: the image and how it runs. */
export interface DeployInput {
  /** The project name: the service, task family and log group are named after it. */
  name: string;
  /** The image name, without registry or tag (the target's files name where it is pushed, once). */
  image: string;
  port: number;
  uid: number;
  /** GET answers 200 with no I/O: the liveness/health check. */
  healthPath: string;
  /** GET checks the database and Redis (a generated app's /ready), else healthPath. */
  readyPath: string;
  server: ServerKind;
  services: ServiceKey[];
  migrations?: Migrations;
}

/** A deployment target: its facts, its template layers, and what `add deploy` says after writing them. */
export interface DeployTargetFeature<F = unknown> {
  key: Exclude<DeployTarget, 'kubernetes'>;
  /** Where its files go in the project: deploy/<target>. */
  dir: string;
  /** The render context's entry its templates print (`ecs`); only its own folder's templates read it. */
  contextKey: string;
  /** One line for `add deploy --help`. */
  summary: string;
  facts: (input: DeployInput) => F;
  layers: (facts: F) => string[];
  /** What the user should know about these files (a constrained combination, and why). */
  warnings: (facts: F) => string[];
  /** The commands to run next (the target's README has them all). */
  nextSteps: (facts: F) => string[];
}

/** The registered targets besides Kubernetes, by key; the other helpers' targets join here. */
export const DEPLOY_TARGET_FEATURES: Partial<Record<DeployTarget, DeployTargetFeature<any>>> = {};

/** The targets `--deploy` offers: Kubernetes and every registered one, in DEPLOY_TARGETS order. */
export function offeredDeployTargets(all: readonly DeployTarget[]): DeployTarget[] {
  return all.filter((target) => target === 'kubernetes' || DEPLOY_TARGET_FEATURES[target] !== undefined);
}

/** The registered features of a project's chosen targets (Kubernetes is built by its own module). */
export function chosenDeployTargets(deploy: readonly DeployTarget[]): DeployTargetFeature[] {
  return deploy.flatMap((target) => {
    const feature = DEPLOY_TARGET_FEATURES[target];
    return feature ? [feature] : [];
  });
}
