// GitLab CI (--ci gitlab): .gitlab-ci.yml (./templates/), the same stages as the GitHub flavour
// (../ci/): lint (with --lint), the pytest suite against PostgreSQL and Redis service containers,
// the image built with a BuildKit cache kept in GitLab's job cache and started with
// `docker compose up --wait` (scripts/smoke-test, against the Docker-in-Docker service); and on
// a version tag the release: the image for both platforms built once into an OCI layout, the
// lock and each platform scanned (the same threshold as ../ci/release.ts), then that layout
// pushed unchanged to the project's container registry and signed with cosign.
//
// Its steps run the commands of ../ci/index.ts's projectCommands(), as the README documents
// them; tests/fast/gitlab-pipeline.test.ts holds the pipeline to GitLab's schema and to the
// release rules (tests/support/gitlab-release-policy.ts). GitLab itself never runs here.

import { GITLAB_CI_IMAGES, PYTHON_IMAGES, UV_VERSION } from '../../engine/versions.js';
import type { PackageManager, PythonVersion } from '../../options/values.js';
import { ciServices, projectCommands, type CiService, type ProjectCommands } from '../ci/index.js';
import { releaseFacts, type ReleaseFacts } from '../ci/release.js';
import type { Feature } from '../types.js';

/** --ci gitlab: .gitlab-ci.yml, its README sections and its schema hook (./slots/). */
export const gitlabCiFeature: Feature<GitlabData, 'gitlab'> = {
  layer: 'ci-gitlab',
  chosen: ({ options }) => options.ci === 'gitlab',
  contextKey: 'gitlab',
  data: ({ options, services }) => ({
    ...gitlabFacts(options.name, options.packageManager, options.python),
    services: ciServices(services).map((s) => ({ ...s, gitlabEnv: gitlabJobEnv(s.ci.jobEnv, s.compose.service) })),
  }),
};

/** What .gitlab-ci.yml prints, as the render context's `gitlab`: its facts and the test job's services, reached by their aliases. */
export type GitlabData = GitlabFacts & { services: (CiService & { gitlabEnv: Record<string, string> })[] };

/** What .gitlab-ci.yml prints. */
export interface GitlabFacts {
  images: typeof GITLAB_CI_IMAGES & { python: string };
  /** How the Python jobs get the package manager (uv from PyPI at the pinned release; pip is the image's). */
  setup: string[];
  commands: ProjectCommands;
  /** The tag the image job gives its build: compose.yaml's app image, so the smoke test starts it. */
  image: string;
  /** Minutes after which a job is cancelled. */
  timeoutMinutes: number;
  release: ReleaseFacts & {
    /** The OCI image layout (a directory) the release-image job builds and the release job pushes. */
    layout: string;
    /** Version tags a release runs on: v1.2.3. */
    tagRule: string;
  };
}

export function gitlabFacts(image: string, packageManager: PackageManager, python: PythonVersion): GitlabFacts {
  return {
    images: { ...GITLAB_CI_IMAGES, python: PYTHON_IMAGES[python] },
    setup: packageManager === 'uv' ? [`pip install --no-cache-dir uv==${UV_VERSION}`] : [],
    commands: projectCommands(packageManager),
    image,
    timeoutMinutes: 15,
    release: { ...releaseFacts(packageManager), layout: 'release/image', tagRule: '$CI_COMMIT_TAG =~ /^v\\d+\\.\\d+\\.\\d+$/' },
  };
}

/**
 * The GitHub Actions expressions a service's CI settings may hold (they are written for the
 * GitHub workflow), as the GitLab predefined variables that stand for the same thing: GitLab
 * leaves `${{ ... }}` as literal text.
 */
const GITLAB_VARIABLE_FOR: Record<string, string> = { '${{ github.run_id }}': '$CI_PIPELINE_ID' };

/**
 * A CI service's settings as a GitLab job reaches it: by the service's alias, not 127.0.0.1,
 * and with GitLab's variables for GitHub's expressions (one without an equivalent here is an
 * error, not a literal in the pipeline).
 */
export function gitlabJobEnv(jobEnv: Record<string, string>, alias: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(jobEnv).map(([name, value]) => {
      let gitlab = value.replace('127.0.0.1', alias);
      for (const [github, variable] of Object.entries(GITLAB_VARIABLE_FOR)) gitlab = gitlab.replaceAll(github, variable);
      if (gitlab.includes('${{')) throw new Error(`${name}'s CI value ${value} holds a GitHub Actions expression with no GitLab variable in GITLAB_VARIABLE_FOR`);
      return [name, gitlab];
    }),
  );
}
