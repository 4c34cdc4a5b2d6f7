// The release workflow (.github/workflows/release.yml, with --ci): on a version tag or on demand,
// ci.yml first (called as a reusable workflow), then one job that builds the image for both
// platforms into an OCI archive and scans it, and only then one that pushes that archive,
// unchanged, to GitHub's registry and signs it. These are the facts the template prints and
// tests/fast/release-workflow.test.ts holds it to.

import type { PackageManager } from '../../options/values.js';

/** What fails a release: a HIGH or CRITICAL vulnerability that has a fixed version to move to. */
export const RELEASE_SCAN = {
  severity: 'HIGH,CRITICAL',
  /** Findings without a fix are reported but cannot be acted on, so they do not block. */
  ignoreUnfixed: true,
  /** trivy's exit code when it finds one (its default, 0, would only print it). */
  exitCode: '1',
} as const;

/** The image's platforms: the locks cover both (their wheels include aarch64). */
export const RELEASE_PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;

/** The lock the scan reads, per package manager (the file the image installs from). */
const LOCK_FILE: Record<PackageManager, string> = { uv: 'uv.lock', pip: 'requirements.txt' };

export interface ReleaseFacts {
  scan: typeof RELEASE_SCAN;
  platforms: readonly string[];
  lockFile: string;
  /** The OCI archive the scan job builds and the release job pushes, under the runner's temp folder. */
  archive: string;
  timeoutMinutes: number;
}

export function releaseFacts(packageManager: PackageManager): ReleaseFacts {
  return { scan: RELEASE_SCAN, platforms: RELEASE_PLATFORMS, lockFile: LOCK_FILE[packageManager], archive: 'image.tar', timeoutMinutes: 45 };
}
