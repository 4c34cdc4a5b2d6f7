// Where the Celery worker meets the dev container: the worker's service under debugpy on a port
// of its own, and a second attach configuration (./slots/). A folder named for both features,
// so its slots may print both features' data.

import type { Feature } from '../types.js';

export const devcontainerWorker: Feature = {
  layer: 'devcontainer-worker',
  chosen: ({ options }) => options.devcontainer && options.worker === 'celery',
};
