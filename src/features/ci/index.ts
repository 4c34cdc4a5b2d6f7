// The project's own CI (--ci, on by default): .github/workflows/ci.yml (./templates/), with a
// lint job (with --lint), the pytest suite against PostgreSQL and Redis service containers, and
// the image built with a BuildKit cache then started with `docker compose up --wait`; and
// .github/workflows/release.yml, which calls ci.yml then scans, publishes and signs the image
// (./release.ts: its facts; tests/fast/release-workflow.test.ts: its rules).
//
// Every command a step runs is one of projectCommands(): the package manager's install command
// and scripts the project ships, which its README documents and our tests run
// (tests/fast/ci-workflow.test.ts holds the workflow to that list). GitHub itself never runs here;
// what the workflow does is tested through them.

import { ACTIONS, CI_RUNNER, type ActionPin } from '../../engine/versions.js';
import type { PackageManager } from '../../options/values.js';
import { releaseFacts, type ReleaseFacts } from './release.js';
import type { Feature, ReachedService, ServiceCi, ServiceFeature } from '../types.js';

/** --ci: the workflow (./templates/); its schema hook in lint's pre-commit config (./slots/). */
export const ciFeature: Feature<CiData, 'ci'> = {
  layer: 'ci',
  chosen: ({ options }) => options.ci === 'github',
  contextKey: 'ci',
  // The image is compose.yaml's app image, named for the project.
  data: ({ options, services }) => ({ ...ciFacts(options.name, options.packageManager), services: ciServices(services) }),
};

/** A service container of the CI workflow's test job: one the tests reach, from a pinned image, on its dev port. */
export type CiService = ReachedService & { ci: ServiceCi; compose: { image: string; devPort: number } };

/** The chosen services the test job runs beside it (GitHub's and GitLab's alike). */
export function ciServices(services: readonly ServiceFeature[]): CiService[] {
  return services.filter((s): s is CiService => s.url !== undefined && s.ci !== undefined && s.compose.image !== undefined && s.compose.devPort !== undefined);
}

/** What the workflow templates print, as the render context's `ci`. */
export type CiData = CiFacts & { services: CiService[] };

/** The commands the workflow's steps run, by what they do; each is in the README as it is here. */
export interface ProjectCommands {
  /** The lock installed, the test and lint tools included (README: Tests). */
  install: string;
  /** ruff check and ruff format --check (with --lint; README: Lint and format). */
  lint: string;
  /** The pytest suite; POSTGRES_HOST (with the other POSTGRES_* and the password) and REDIS_URL say where the services are (README: Tests). */
  test: string;
  /**
   * The production stack, up and healthy, answering /health; then down (README: CI). It runs as a
   * Compose project of its own with its own env file, so it needs no .env and never touches one.
   */
  smoke: string;
}

/**
 * uv runs the scripts in the project's .venv (`uv run`); pip installs into the runner's Python
 * (setup-python), where a developer has activated .venv instead.
 */
export function projectCommands(packageManager: PackageManager): ProjectCommands {
  const inEnv = packageManager === 'uv' ? 'uv run ' : '';
  return {
    install: packageManager === 'uv' ? 'uv sync --locked' : 'pip install --require-hashes -r requirements.txt -r requirements-dev.txt',
    lint: `${inEnv}sh scripts/lint`,
    test: `${inEnv}sh scripts/test`,
    smoke: 'sh scripts/smoke-test',
  };
}

/** `uses:` of a pinned action: its full commit SHA, and the release in a comment for people and Dependabot. */
export function usesLine(pin: ActionPin): string {
  // Two spaces before the comment, as YAML style (yamllint) wants.
  return `${pin.action}@${pin.sha}  # ${pin.version}`;
}

/** What the workflow template prints. */
export interface CiFacts {
  runner: string;
  uses: Record<keyof typeof ACTIONS, string>;
  commands: ProjectCommands;
  /** The tag the image job gives the image it builds: compose.yaml's app image, so Compose starts it as built. */
  image: string;
  /** Minutes after which a job is cancelled (GitHub's default is six hours). */
  timeoutMinutes: number;
  /** The release workflow (release.yml), which calls this one before it builds, scans and publishes. */
  release: ReleaseFacts;
}

export function ciFacts(image: string, packageManager: PackageManager): CiFacts {
  const uses = Object.fromEntries(Object.entries(ACTIONS).map(([key, pin]) => [key, usesLine(pin)])) as CiFacts['uses'];
  return { runner: CI_RUNNER, uses, commands: projectCommands(packageManager), image, timeoutMinutes: 15, release: releaseFacts(packageManager) };
}
