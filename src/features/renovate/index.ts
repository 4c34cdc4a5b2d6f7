// Dependency updates on GitLab (--dependabot with --ci gitlab): Dependabot runs only on GitHub,
// so the same updates come from Renovate, configured by renovate.json (./templates/): the
// Python packages (the package manager's own files), the Dockerfile's base image,
// compose.yaml's images, the pipeline's images (pinned to digests) and the Kubernetes dev
// overlay's images (with --deploy kubernetes). Weekly, one grouped merge request per kind, and
// the same cooldown as Dependabot's (../dependabot/). The JSON is written by JSON.stringify.

import type { PackageManager } from '../../options/values.js';
import { COOLDOWN_DAYS } from '../dependabot/index.js';
import { devOverlayRunsImages } from '../kubernetes/index.js';
import type { Feature } from '../types.js';

/** What renovate.json and its README section print, as the render context's `renovate`. */
export interface RenovateData {
  config: object;
  groups: RenovateGroup[];
  cooldownDays: number;
}

/** renovate.json, its README section and its pre-commit schema hook (./slots/). */
export const renovateFeature: Feature<RenovateData, 'renovate'> = {
  layer: 'renovate',
  chosen: ({ options }) => options.dependabot && options.ci === 'gitlab',
  contextKey: 'renovate',
  data: (input) => {
    const o = { packageManager: input.options.packageManager, kubernetesImages: devOverlayRunsImages(input) };
    return { config: renovateConfig(o), groups: renovateGroups(o), cooldownDays: COOLDOWN_DAYS };
  },
};

export interface RenovateGroup {
  /** Renovate's managers whose updates this group holds. */
  managers: string[];
  group: string;
  /** What it updates, as the README says. */
  what: string;
  /** Pin the images to digests as well (the pipeline's, which nothing else pins). */
  pinDigests?: boolean;
}

/** Renovate's manager for each package manager's files. */
const PYTHON_MANAGERS: Record<PackageManager, { managers: string[]; what: string }> = {
  uv: { managers: ['pep621'], what: 'Python packages: pyproject.toml and uv.lock' },
  // requirements*.txt are compiled with hashes: pip-compile recompiles them from the .in files,
  // where the plain requirements manager would edit a lock by hand.
  pip: { managers: ['pip-compile'], what: 'Python packages: requirements.in, requirements-dev.in and their locks' },
};

export function renovateGroups(o: { packageManager: PackageManager; kubernetesImages: boolean }): RenovateGroup[] {
  return [
    { ...PYTHON_MANAGERS[o.packageManager], group: 'python-packages' },
    {
      managers: ['dockerfile', ...(o.kubernetesImages ? ['kubernetes'] : [])],
      group: 'docker-images',
      what: o.kubernetesImages ? "the Dockerfile's base image and the dev overlay's images" : "the Dockerfile's base image",
    },
    { managers: ['docker-compose'], group: 'compose-images', what: "compose.yaml's images" },
    { managers: ['gitlabci'], group: 'gitlab-ci-images', what: 'the images of .gitlab-ci.yml, pinned to their digests', pinDigests: true },
  ];
}

/** renovate.json's document. */
export function renovateConfig(o: { packageManager: PackageManager; kubernetesImages: boolean }): object {
  return {
    $schema: 'https://docs.renovatebot.com/renovate-schema.json',
    extends: ['config:recommended'],
    // Early on Monday: once a week.
    schedule: ['* 0-5 * * 1'],
    minimumReleaseAge: `${COOLDOWN_DAYS} days`,
    ...(o.packageManager === 'pip'
      ? { pip_requirements: { enabled: false }, 'pip-compile': { managerFilePatterns: ['/(^|/)requirements(-dev)?\\.txt$/'] } }
      : {}),
    ...(o.kubernetesImages ? { kubernetes: { managerFilePatterns: ['/^deploy/kubernetes/overlays/dev/[^/]+\\.yaml$/'] } } : {}),
    packageRules: renovateGroups(o).map((g) => ({
      description: g.what,
      matchManagers: g.managers,
      groupName: g.group,
      ...(g.pinDigests ? { pinDigests: true } : {}),
    })),
  };
}
