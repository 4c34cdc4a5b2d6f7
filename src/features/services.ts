// The backing services a project can have, in the order they appear in every generated file.
// A new service is a feature folder beside postgres/ and redis/, listed here, plus its key in
// SERVICE_KEYS (src/options/rows.ts; its option row is made from its `question`).

import type { ProjectOptions, ServiceKey } from '../options/values.js';
import { postgres } from './postgres/index.js';
import { redis } from './redis/index.js';
import type { ServiceFeature } from './types.js';

// A tuple, not ServiceFeature[]: the registry derives the render context's `postgres` and `redis` from each one's own type.
export const SERVICE_FEATURES = [postgres, redis] as const satisfies readonly ServiceFeature[];

/**
 * The service keys as the option rows declare them (one list; tests/fast/feature-registry.test.ts
 * checks that SERVICE_FEATURES has a feature for each, in the same order).
 */
export { SERVICE_KEYS } from '../options/values.js';

export function serviceFeature(key: ServiceKey): ServiceFeature {
  const feature = SERVICE_FEATURES.find((s) => s.key === key);
  if (!feature) throw new Error(`no service feature ${key}`);
  return feature;
}

/** The services the options turn on, in file order. */
export function chosenServices(options: Pick<ProjectOptions, ServiceKey>): ServiceFeature[] {
  return SERVICE_FEATURES.filter((s) => options[s.key]);
}
