// The deployment targets besides Kubernetes (`--deploy ecs`, `add deploy ecs`): each a feature
// folder, src/features/deploy-<target>/, whose index.ts exports a DeployTargetFeature and whose
// templates/ write deploy/<target>/. The registry (src/features/registry.ts) lists them among the
// features, each chosen by `--deploy`; this module offers them by key, for `--deploy`'s values and
// `add deploy <target>`. A new project and `add deploy <target>` build a target's files from the
// same DeployInput (the image and how it runs), as Kubernetes does from its KubernetesInput (same
// fields), so `add deploy` on a generated project writes what `--deploy` would have. Kubernetes
// keeps its own module and command (`add kubernetes`, which `add deploy kubernetes` runs): it
// came first and has more to say (overlays, dev services).
//
// A target is offered (`--deploy`'s values, the answers file's) only once it is registered here:
// a listed target without files would be a promise the generator does not keep.

import type { DeployTarget } from '../options/values.js';
import { aciTarget } from './deploy-aci/index.js';
import { cloudRunTarget } from './deploy-cloud-run/index.js';
import { ecsTarget } from './deploy-ecs/index.js';
import type { DeployTargetFeature } from './types.js';

export type { DeployInput, DeployTargetFeature } from './types.js';

/** The registered targets besides Kubernetes, by key. */
export const DEPLOY_TARGET_FEATURES: Partial<Record<DeployTarget, DeployTargetFeature<any>>> = {
  'cloud-run': cloudRunTarget,
  ecs: ecsTarget,
  aci: aciTarget,
};

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
