// The project's own CI (--ci, on by default): .github/workflows/ci.yml (templates/ci/), with a
// lint job (with --lint), the pytest suite against PostgreSQL and Redis service containers, and
// the image built with a BuildKit cache then started with `docker compose up --wait`.
//
// Every command a step runs is one of PROJECT_COMMANDS: scripts the project ships, which its
// README documents and our tests run (tests/ci-workflow.test.ts holds the workflow to that
// list). GitHub itself never runs here; what the workflow does is tested through them.

import { ACTIONS, CI_RUNNER, type ActionPin } from '../engine/versions.js';

/** The commands the workflow's steps run, by what they do. */
export const PROJECT_COMMANDS = {
  /** ruff check and ruff format --check (with --lint). */
  lint: 'sh scripts/lint',
  /** The pytest suite; DATABASE_URL and REDIS_URL say where the services are. */
  test: 'sh scripts/test',
  /** The .env Compose needs, from the example (README: Quick start). */
  env: 'cp .env.example .env',
  /** The production stack, up and healthy, answering /health; then down. */
  smoke: 'sh scripts/smoke-test',
} as const;

/** How the workflow installs the project's dependencies and test tools (README: Tests). */
export const INSTALL_COMMAND = 'pip install -r requirements-dev.txt';

export type ProjectCommand = (typeof PROJECT_COMMANDS)[keyof typeof PROJECT_COMMANDS] | typeof INSTALL_COMMAND;

/** Every command the workflow may run, for the test that holds it to them. */
export const WORKFLOW_COMMANDS: readonly ProjectCommand[] = [...Object.values(PROJECT_COMMANDS), INSTALL_COMMAND];

/** `uses:` of a pinned action: its full commit SHA, and the release in a comment for people and Dependabot. */
export function usesLine(pin: ActionPin): string {
  return `${pin.action}@${pin.sha} # ${pin.version}`;
}

/** What the workflow template prints. */
export interface CiFacts {
  runner: string;
  uses: Record<keyof typeof ACTIONS, string>;
  commands: typeof PROJECT_COMMANDS;
  install: string;
  /** The tag the image job gives the image it builds: compose.yaml's app image, so Compose starts it as built. */
  image: string;
  /** Minutes after which a job is cancelled (GitHub's default is six hours). */
  timeoutMinutes: number;
}

export function ciFacts(image: string): CiFacts {
  const uses = Object.fromEntries(Object.entries(ACTIONS).map(([key, pin]) => [key, usesLine(pin)])) as CiFacts['uses'];
  return { runner: CI_RUNNER, uses, commands: PROJECT_COMMANDS, install: INSTALL_COMMAND, image, timeoutMinutes: 15 };
}
