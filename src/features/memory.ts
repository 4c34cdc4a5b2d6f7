// Without PostgreSQL, the `memory` layer supplies an in-process item store with the same
// interface as the PostgreSQL one.

import type { Feature } from './types.js';

export const memoryStore: Feature = { layer: 'memory' };
