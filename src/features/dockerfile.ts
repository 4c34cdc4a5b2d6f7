// The two Dockerfile variants. Both share the base image, user, CMD and HEALTHCHECK, which
// come from the render context; each variant is one template in its own layer.

import type { DockerfileVariant } from '../options.js';
import type { Feature } from './types.js';

export const DOCKERFILE_FEATURES: Record<DockerfileVariant, Feature> = {
  standard: { layer: 'dockerfile-standard' },
  'multi-stage': { layer: 'dockerfile-multi-stage' },
};

/** Fixed UID/GID of the non-root user, above the range distributions hand out. */
export const APP_UID = 10001;
