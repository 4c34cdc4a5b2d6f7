// The single-stage Dockerfile (--dockerfile standard): the dependencies, then the code, in one
// image (./templates/Dockerfile.ejs). The installer's layer supplies its install steps
// (standard.dockerfile); the base image, user, CMD and HEALTHCHECK come from the render context.

import type { Feature } from '../types.js';

export const dockerfileStandard: Feature = {
  layer: 'dockerfile-standard',
  chosen: ({ options }) => options.dockerfile === 'standard',
};
