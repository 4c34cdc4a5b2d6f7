// Dependency updates (--dependabot, on by default): .github/dependabot.yml (templates/dependabot/)
// covers the Python packages (the package manager's own ecosystem), the Dockerfile's base image,
// compose.yaml's images, the GitHub Actions of the workflow (with --ci) and the images of the
// Kubernetes dev overlay (with --deploy kubernetes). Weekly, one grouped pull request per
// ecosystem, and a cooldown so a release has a few days to be yanked before it is proposed.

export interface DependabotUpdate {
  ecosystem: string;
  directories: string[];
  /** The group name: one pull request for all of this ecosystem's updates. */
  group: string;
  /** What it updates, as the comment above it says. */
  what: string;
}

export const COOLDOWN_DAYS = 7;

export function dependabotUpdates(o: { ci: boolean; kubernetesImages: boolean }): DependabotUpdate[] {
  return [
    { ecosystem: 'pip', directories: ['/'], group: 'python-packages', what: 'Python packages: requirements.txt and requirements-dev.txt' },
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
