// Where the Celery worker meets Kubernetes: its Deployment and PodDisruptionBudget (./templates/,
// ./slots/). A folder named for both features, so its templates may print both features' data.

import type { Feature } from '../types.js';

export const kubernetesWorker: Feature = {
  layer: 'kubernetes-worker',
  chosen: ({ options }) => options.deploy.includes('kubernetes') && options.worker === 'celery',
};
