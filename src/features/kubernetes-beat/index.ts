// Where Celery beat meets Kubernetes: its Deployment of one pod, replaced with Recreate
// (./templates/, ./slots/). A folder named for both features, so it may print both features' data.

import type { Feature } from '../types.js';

export const kubernetesBeat: Feature = {
  layer: 'kubernetes-beat',
  chosen: ({ options }) => options.deploy.includes('kubernetes') && options.beat,
};
