import type { Requirement } from '../versions.js';

/** An environment variable the app or Compose reads; it is listed in `.env.example`. */
export interface EnvVar {
  name: string;
  /** The value written into `.env.example` (never a real secret). */
  example: string;
  /** Why the variable exists, written as a comment above it. */
  comment: string;
}

/**
 * What one feature (a framework, Postgres, Redis, a Dockerfile variant) adds to a project.
 * Each feature lives in one module under `src/features/` plus one template layer
 * `templates/<layer>/`, whose files are copied into the project at the same relative path.
 */
export interface Feature {
  /** Directory under `templates/` holding this feature's files. */
  layer: string;
  requirements?: Requirement[];
  devRequirements?: Requirement[];
  env?: EnvVar[];
}

/** How the production and development servers are started. */
export interface ServerSpec {
  /** The package that provides the server binary; it must be in requirements.txt. */
  package: string;
  /** Exec-form CMD of the image. */
  command: string[];
  /** Exec-form command of the development override (auto-reload). */
  devCommand: string[];
  /** The ASGI/WSGI target, e.g. `app.main:app`. */
  target: string;
}
