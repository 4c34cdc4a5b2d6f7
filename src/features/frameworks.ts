// The web frameworks by key; each is a folder (src/features/flask/, src/features/fastapi/)
// whose index.ts says what it installs and how its server starts.

import type { Framework } from '../options/values.js';
import { fastapi } from './fastapi/index.js';
import { flask } from './flask/index.js';
import type { FrameworkFeature, ServerSpec } from './types.js';

export const FRAMEWORK_FEATURES: Record<Framework, FrameworkFeature> = { flask, fastapi };

/** How the framework's server starts for an app target on a port (`add docker` passes what it detected). */
export function serverFor(framework: Framework, target: string, port: number): ServerSpec {
  return FRAMEWORK_FEATURES[framework].serverFor(target, port);
}
