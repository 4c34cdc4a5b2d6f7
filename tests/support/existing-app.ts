// Test helpers for `add docker` and the plop generators: fixture repositories copied into temp
// dirs (the fixtures themselves are never written to), and the checks new projects' Docker
// files pass (tests/support/dockerfile-lint.ts, tests/support/compose-check.ts) applied to an
// existing app's.

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPOSE_BIN, composeConfig, composeSchemaErrors, createDotEnv } from './compose-check.js';
import { lintDockerfile, type LintFinding } from './dockerfile-lint.js';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
export type FixtureName =
  | 'flask-factory'
  | 'fastapi-main'
  | 'pyproject-app'
  | 'src-layout'
  | 'existing-dockerfile'
  | 'requirements-includes'
  | 'uv-project'
  | 'poetry-project'
  | 'pipenv-project'
  | 'kubernetes-app'
  | 'uv-workspace'
  | 'git-requirements'
  | 'mixed-sources';

const made: string[] = [];

/** A fresh copy of tests/fixtures/<name> under a new temp dir; returns the repo's path. */
export function copyFixture(name: FixtureName, parent?: string): string {
  const base = parent ?? mkdtempSync(path.join(tmpdir(), 'cpda-existing-'));
  if (!parent) made.push(base);
  const dir = path.join(base, name);
  cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

export function removeCopies(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function read(dir: string, file: string): string {
  return readFileSync(path.join(dir, file), 'utf8');
}

/** Findings of the Dockerfile lint, reading the build context from the repo. */
export function dockerfileFindings(dir: string): LintFinding[] {
  return lintDockerfile(read(dir, 'Dockerfile'), {
    readFile: (p) => (existsSync(path.join(dir, p)) ? read(dir, p) : undefined),
  });
}

/** Schema errors of compose.yaml and compose.override.yaml (Compose Specification JSON schema). */
export function composeFindings(dir: string): string[] {
  return ['compose.yaml', 'compose.override.yaml'].flatMap((f) => composeSchemaErrors(read(dir, f)).map((e) => `${f}: ${e}`));
}

/** `docker compose config --quiet` over both files, when trixie's compose binary is installed. */
export async function composeConfigProblems(dir: string): Promise<string | undefined> {
  if (!existsSync(COMPOSE_BIN)) return undefined;
  createDotEnv(dir);
  try {
    const result = await composeConfig(dir, ['compose.yaml', 'compose.override.yaml'], 'quiet');
    return result.code === 0 ? '' : `${result.stdout}${result.stderr}`;
  } finally {
    rmSync(path.join(dir, '.env'), { force: true });
  }
}

export const HAS_COMPOSE = existsSync(COMPOSE_BIN);
