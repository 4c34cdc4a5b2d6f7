// What a deployment target is made of (src/features/deploy-targets.ts registers them), apart from
// the registry so that a target's own module can name these types without importing the list
// that imports it.

import type { DeployTarget, ServiceKey } from '../options/values.js';
import type { Migrations } from './types.js';

/** The server a container runs, as far as its writable paths and worker count go. */
export type ServerKind = 'gunicorn' | 'uvicorn' | 'unknown';

/** What every target's files are built from: the image and how it runs. */
export interface DeployInput {
  /** The project name: the service, task family and log group are named after it. */
  name: string;
  /** The image name, without registry or tag (the target's files name where it is pushed, once). */
  image: string;
  port: number;
  uid: number;
  /** GET answers 200 with no I/O: the liveness/health check. */
  healthPath: string;
  /** GET checks the database and Redis (a generated app's /ready), else healthPath. */
  readyPath: string;
  server: ServerKind;
  services: ServiceKey[];
  migrations?: Migrations;
  /**
   * The image's CMD, exec form, when known (a new project's server command; `add deploy` reads
   * the Dockerfile's exec-form CMD when it has no ENTRYPOINT): Cloud Run and ACI give it again
   * with a shorter graceful stop.
   */
  command?: readonly string[];
}

/** A deployment target: its facts, its template layers, and what `add deploy` says after writing them. */
export interface DeployTargetFeature<F = unknown> {
  key: Exclude<DeployTarget, 'kubernetes'>;
  /** Where its files go in the project: deploy/<target>. */
  dir: string;
  /** The render context's entry its templates print (`ecs`); only its own folder's templates read it. */
  contextKey: string;
  /** One line for `add deploy --help`. */
  summary: string;
  facts: (input: DeployInput) => F;
  layers: (facts: F) => string[];
  /** What the user should know about these files (a constrained combination, and why). */
  warnings: (facts: F) => string[];
  /** The commands to run next (the target's README has them all). */
  nextSteps: (facts: F) => string[];
}

