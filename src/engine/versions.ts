// Every version the generated project pins, in one place so that a bump is one edit.
// Python packages: newest releases on PyPI as of 2026-11 (see README "Pinned versions").
// Images: newest official-image tags; each is pinned to patch level and Debian release.

import type { PythonVersion } from '../options/values.js';

/** The newest patch release of each Python version the generator offers. */
export const PYTHON_RELEASES: Record<PythonVersion, string> = {
  '3.12': '3.12.14',
  '3.13': '3.13.15',
  '3.14': '3.14.7',
  '3.15': '3.15.2',
};

/** The official image's variant: slim, on Debian 13 (trixie). */
export const PYTHON_IMAGE_VARIANT = 'slim-trixie';

export const PYTHON_IMAGES = Object.fromEntries(
  Object.entries(PYTHON_RELEASES).map(([version, release]) => [version, `python:${release}-${PYTHON_IMAGE_VARIANT}`]),
) as Record<PythonVersion, string>;

export const SERVICE_IMAGES = {
  postgres: 'postgres:18.6-trixie',
  redis: 'redis:8.10.1-trixie',
} as const;

/**
 * The tools the images install with. uv is copied from its own image (the same static binary
 * as the uv wheel on PyPI); `npm run lock` computes the shipped locks with this same uv.
 * poetry and pipenv (add docker, for a repository locked with them) are installed from PyPI
 * in the build and never ship.
 */
export const UV_VERSION = '0.13.9';
export const UV_IMAGE = `ghcr.io/astral-sh/uv:${UV_VERSION}`;
export const POETRY_VERSION = '2.5.1';
export const PIPENV_VERSION = '2026.10.3';

export interface Requirement {
  /** The distribution name as pip knows it, e.g. `psycopg`. */
  name: string;
  /** Extras, e.g. `['binary']` for `psycopg[binary]`. */
  extras?: string[];
  version: string;
  /** A PEP 508 environment marker: where the requirement applies, e.g. not on Windows. */
  marker?: string;
}

const UVICORN_VERSION = '0.54.0';

export const PINS = {
  flask: { name: 'flask', version: '3.1.3' },
  gunicorn: { name: 'gunicorn', version: '27.0.1' },
  fastapi: { name: 'fastapi', version: '0.163.2' },
  // `add docker` adds uvicorn[standard] to an app that has no server (it may use WebSockets).
  uvicorn: { name: 'uvicorn', extras: ['standard'], version: UVICORN_VERSION },
  // A new FastAPI project takes uvicorn[standard] less what its app never imports: websockets
  // (no WebSocket route) and PyYAML (a YAML log configuration), 2.4 MB of the image measured
  // file by file (README, "Image sizes"). The rest is the same extra, marker included: uvloop
  // (the event loop), httptools (the HTTP parser) and watchfiles (the development server's
  // --reload); python-dotenv comes with pydantic-settings.
  uvicornServer: { name: 'uvicorn', version: UVICORN_VERSION },
  uvloop: { name: 'uvloop', version: '0.23.0', marker: "platform_python_implementation != 'PyPy' and sys_platform != 'cygwin' and sys_platform != 'win32'" },
  httptools: { name: 'httptools', version: '0.9.0' },
  watchfiles: { name: 'watchfiles', version: '1.3.0' },
  pydanticSettings: { name: 'pydantic-settings', version: '2.16.3' },
  sqlalchemy: { name: 'sqlalchemy', version: '2.1.9' },
  alembic: { name: 'alembic', version: '1.20.1' },
  psycopg: { name: 'psycopg', extras: ['binary'], version: '3.3.9' },
  redis: { name: 'redis', version: '8.1.0' },
  // --worker celery: the worker and its task queue (kombu's Redis transport uses redis-py above;
  // not `celery[redis]`, whose extra caps redis-py below the pin we ship).
  celery: { name: 'celery', version: '5.7.0' },
  // kombu's Redis transport imports packaging, which kombu declares only in its `redis` extra.
  packaging: { name: 'packaging', version: '26.4' },
  pytest: { name: 'pytest', version: '9.2.0' },
  httpx: { name: 'httpx', version: '0.28.1' },
  // The tests check each response against the OpenAPI document's schemas.
  jsonschema: { name: 'jsonschema', version: '4.26.0' },
  // Lint and format (scripts/lint, .pre-commit-config.yaml); the same release as the
  // ruff-pre-commit rev below and the ruff our own checks run (tests/support/field-checkers.ts).
  ruff: { name: 'ruff', version: '0.17.5' },
  // The debugger the development image starts the app under (.devcontainer/, --devcontainer);
  // a development dependency only: never in the production image. One py2.py3-none-any wheel
  // serves every Python we offer (3.12-3.15).
  debugpy: { name: 'debugpy', version: '1.8.22' },
} as const satisfies Record<string, Requirement>;

/**
 * A GitHub Action pinned to a full commit SHA, with the release it is, as the workflow's
 * comment states it (the form Dependabot keeps up to date). SHAs read from each action's
 * repository at the tag (2026-11 snapshots: the newest release each had).
 */
export interface ActionPin {
  /** owner/name */
  action: string;
  sha: string;
  version: string;
}

export const ACTIONS = {
  checkout: { action: 'actions/checkout', sha: '3d3c42e5aac5ba805825da76410c181273ba90b1', version: 'v7.0.1' },
  setupPython: { action: 'actions/setup-python', sha: '5fda3b95a4ea91299a34e894583c3862153e4b97', version: 'v7.0.0' },
  setupUv: { action: 'astral-sh/setup-uv', sha: '20cfd1bf945f4377ade1205e4dbc17946fc9a30d', version: 'v10.0.1' },
  setupBuildx: { action: 'docker/setup-buildx-action', sha: '37fe631027851001ddb9b187196cc803df7f5f0e', version: 'v4.3.0' },
  buildPush: { action: 'docker/build-push-action', sha: '53b7df96c91f9c12dcc8a07bcb9ccacbed38856a', version: 'v7.3.0' },
  // The release workflow's (release.yml); SHAs read from each repository's tag, 2026-12 snapshots.
  setupQemu: { action: 'docker/setup-qemu-action', sha: '96fe6ef7f33517b61c61be40b68a1882f3264fb8', version: 'v4.2.0' },
  metadata: { action: 'docker/metadata-action', sha: 'dc802804100637a589fabce1cb79ff13a1411302', version: 'v6.2.0' },
  login: { action: 'docker/login-action', sha: '4907a6ddec9925e35a0a9e82d7399ccc52663121', version: 'v4.1.0' },
  // v0.36.0: a signed tag made after the March 2026 compromise of this repository's older tags.
  trivy: { action: 'aquasecurity/trivy-action', sha: 'ed142fd0673e97e23eac54620cfb913e5ce36c25', version: 'v0.36.0' },
  cosignInstaller: { action: 'sigstore/cosign-installer', sha: '6f9f17788090df1f26f669e9d70d6ae9567deba6', version: 'v4.1.2' },
  uploadArtifact: { action: 'actions/upload-artifact', sha: 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f', version: 'v7.0.0' },
  downloadArtifact: { action: 'actions/download-artifact', sha: '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c', version: 'v8.0.1' },
} as const satisfies Record<string, ActionPin>;

/**
 * The images .gitlab-ci.yml's jobs run in (--ci gitlab), each at a fixed release; Renovate
 * (renovate.json) proposes new ones and pins their digests. Docker's is this suite's engine
 * release; cosign and crane come from the release job's Alpine release branch.
 */
export const GITLAB_CI_IMAGES = {
  docker: 'docker:28.5.2-cli',
  dind: 'docker:28.5.2-dind',
  trivy: 'aquasec/trivy:0.74.0',
  binfmt: 'tonistiigi/binfmt:qemu-v9.2.2',
  release: 'alpine:3.23.0',
} as const;

/** The GitHub-hosted runner image the workflow runs on (a fixed Ubuntu release, not -latest). */
export const CI_RUNNER = 'ubuntu-24.04';

/**
 * pre-commit hook repositories at the tags of the releases the project pins: ruff-pre-commit
 * tags every ruff release (v<ruff version>), check-jsonschema tags its own releases.
 */
export const PRE_COMMIT_HOOKS = {
  ruff: { repo: 'https://github.com/astral-sh/ruff-pre-commit', rev: `v${PINS.ruff.version}` },
  checkJsonschema: { repo: 'https://github.com/python-jsonschema/check-jsonschema', rev: '0.39.0' },
} as const;

export function requirementLine(r: Requirement): string {
  const extras = r.extras && r.extras.length > 0 ? `[${r.extras.join(',')}]` : '';
  return `${r.name}${extras}==${r.version}${r.marker ? `; ${r.marker}` : ''}`;
}
