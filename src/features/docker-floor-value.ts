// The oldest Docker Engine and Compose a generated project needs: the highest version of each
// that a feature in docker-floor.ts's VERSIONED_FEATURES names. Run from source (the tests), it
// is worked out here with semver; the build (tsup.config.ts) works it out the same way and
// replaces this module with its result, so the bundled CLI never loads semver.

import { dockerFloorOf } from './docker-floor-compare.js';
import { VERSIONED_FEATURES, type DockerFloor } from './docker-floor.js';

export const DOCKER_FLOOR: DockerFloor = dockerFloorOf(VERSIONED_FEATURES);
