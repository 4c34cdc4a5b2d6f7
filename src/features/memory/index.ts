// Without PostgreSQL, the `memory` layer supplies an in-process item store with the same
// interface as the PostgreSQL one. Each server process has its own, so the server runs one.

import type { Feature } from '../types.js';

export const memoryStore: Feature = {
  layer: 'memory',
  chosen: ({ options }) => !options.postgres,
  workers: {
    max: 1,
    why: 'each worker process keeps its own items, so with more, ids collide and requests miss items',
  },
};
