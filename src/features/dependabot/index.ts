// Dependency updates (--dependabot, on by default): .github/dependabot.yml (./templates/)
// covers the Python packages (the package manager's own ecosystem), the Dockerfile's base image,
// compose.yaml's images, the GitHub Actions of the workflow (with --ci) and the images of the
// Kubernetes dev overlay (with --deploy kubernetes). Weekly, one grouped pull request per
// ecosystem, and a cooldown so a release has a few days to be yanked before it is proposed.

import type { PackageManager } from '../../options/values.js';
import { devOverlayRunsImages } from '../kubernetes/index.js';
import type { Feature } from '../types.js';

/** What .github/dependabot.yml prints, as the render context's `dependabot`. */
export interface DependabotData {
  updates: DependabotUpdate[];
  cooldownDays: number;
}

/** --dependabot: .github/dependabot.yml, and its pre-commit schema hook (./slots/). */
export const dependabotFeature: Feature<DependabotData, 'dependabot'> = {
  layer: 'dependabot',
  // Dependabot runs only on GitHub: on GitLab, --dependabot is Renovate's.
  chosen: ({ options }) => options.dependabot && options.ci !== 'gitlab',
  contextKey: 'dependabot',
  data: (input) => ({
    updates: dependabotUpdates({ packageManager: input.options.packageManager, ci: input.options.ci === 'github', kubernetesImages: devOverlayRunsImages(input) }),
    cooldownDays: COOLDOWN_DAYS,
  }),
};

export interface DependabotUpdate {
  ecosystem: string;
  directories: string[];
  /** The group name: one pull request for all of this ecosystem's updates. */
  group: string;
  /** What it updates, as the comment above it says. */
  what: string;
}

export const COOLDOWN_DAYS = 7;

/** Dependabot's ecosystem for each package manager, and the files it updates. */
const PYTHON_UPDATES: Record<PackageManager, { ecosystem: string; what: string }> = {
  uv: { ecosystem: 'uv', what: 'Python packages: pyproject.toml and uv.lock' },
  pip: { ecosystem: 'pip', what: 'Python packages: requirements.in, requirements-dev.in and their locks' },
};

export function dependabotUpdates(o: { packageManager: PackageManager; ci: boolean; kubernetesImages: boolean }): DependabotUpdate[] {
  return [
    { ...PYTHON_UPDATES[o.packageManager], directories: ['/'], group: 'python-packages' },
    {
      ecosystem: 'docker',
      directories: ['/', ...(o.kubernetesImages ? ['/deploy/kubernetes/overlays/dev'] : [])],
      group: 'docker-images',
      what: o.kubernetesImages ? "the Dockerfile's base image and the dev overlay's images" : "the Dockerfile's base image",
    },
    { ecosystem: 'docker-compose', directories: ['/'], group: 'compose-images', what: "compose.yaml's images" },
    ...(o.ci ? [{ ecosystem: 'github-actions', directories: ['/'], group: 'github-actions', what: 'the actions of .github/workflows/' }] : []),
  ];
}
