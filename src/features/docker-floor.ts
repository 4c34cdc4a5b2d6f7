// The oldest Docker Engine and Docker Compose that can run a generated project. It follows from
// the newest versioned feature the emitted files use: each entry below names one, with the
// first release that has it (Docker Engine and Compose release notes). The generated README
// states the floor and scripts/check-docker enforces it before the first `docker compose up`.

// The floor itself (DOCKER_FLOOR, docker-floor-value.ts) is worked out from the list below by
// semver (docker-floor-compare.ts); the build works it out once, so a scaffold never loads semver.

/** The project's POSIX shell script that checks the floor (templates/common/scripts/check-docker). */
export const CHECK_SCRIPT = 'scripts/check-docker';

/**
 * The first start of a project's stack, in the CLI's next steps and the README: the check,
 * then Compose, so an older Docker fails with words rather than "unknown flag: --build".
 */
export const START_COMMAND = `sh ${CHECK_SCRIPT} && docker compose up --build`;

/** A Docker feature the generated files rely on, and the first release that supports it. */
export interface VersionedFeature {
  /** What it is and where it is used, as the README lists it. */
  feature: string;
  /** First Docker Engine release with it (`major.minor`). */
  engine?: string;
  /** First Docker Compose v2 release with it (`major.minor.patch`). */
  compose?: string;
}

export const VERSIONED_FEATURES: readonly VersionedFeature[] = [
  { feature: '`RUN --mount` caches in the Dockerfile (BuildKit, the default builder)', engine: '23.0' },
  {
    feature: 'health probes every second while a container starts (`start_interval`, `HEALTHCHECK --start-interval`)',
    engine: '25.0',
  },
  { feature: 'restarting the app when a service it depends on restarts (`depends_on: restart`)', compose: '2.17.0' },
  { feature: 'rebuilding on dependency changes (`develop: watch`)', compose: '2.22.0' },
  { feature: 'replacing the app\'s published port in development (`!override`)', compose: '2.24.4' },
  { feature: '`docker compose up --watch`', compose: '2.25.0' },
];

export interface DockerFloor {
  engine: string;
  compose: string;
}
