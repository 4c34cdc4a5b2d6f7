// The multi-stage Dockerfile (--dockerfile multi-stage): a builder stage fills a virtual
// environment, which the runtime stage copies, so no build tool ships (./templates/Dockerfile.ejs).
// The installer's layer supplies the builder's steps (builder.dockerfile); the base image,
// user, CMD and HEALTHCHECK come from the render context.

import type { Feature } from '../types.js';

export const dockerfileMultiStage: Feature = {
  layer: 'dockerfile-multi-stage',
  chosen: ({ options }) => options.dockerfile === 'multi-stage',
};
