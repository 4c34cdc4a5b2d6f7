// What the Cloud Run and ACI READMEs' commands do with the credentials they make, and the
// steps a real account needs that an offline parse cannot see. Each README's shell is run by
// bash as the user would paste it (tests/support/readme-shell.ts), with `gcloud` or `az` a
// function that records its arguments (and the environment it was given) and prints a
// stand-in answer chosen per command, so a value can be followed from the command that prints
// it to the command that receives it. Nothing talks to an account.

import { describe, expect, it } from 'vitest';
import type { RenderedFile } from '../../src/engine/rendered-file.js';
import { README_SECTION_COMBOS, renderPlatform, type Platform, type PlatformCombo } from '../support/platforms.js';
import { withRecordedReadme } from '../support/readme-shell.js';

const WITH_POSTGRES = README_SECTION_COMBOS.filter((c) => c.postgres);

/** A stand-in secret: what `gcloud secrets versions access` prints. */
const GCLOUD_SECRET = 'stub-secret-0123456789abcdef';

/**
 * `gcloud` records CLOUDSDK_CORE_DISABLE_FILE_LOGGING (bash hands a function the assignments
 * written before it) and then its arguments; it prints the stand-in secret when asked for a
 * secret's value, something else otherwise.
 */
const GCLOUD_PRELUDE = `set -u
gcloud() {
  printf '%s\\0' "\${CLOUDSDK_CORE_DISABLE_FILE_LOGGING:-}" "$@" > "$(mktemp "$CALLS/$(date +%s%N)-XXXX")"
  case "$*" in
    'secrets versions access'*) echo ${GCLOUD_SECRET} ;;
    *) echo stub-value ;;
  esac
}
docker() { :; }
openssl() { echo 0123456789abcdef; }
`;

interface GcloudCall {
  /** CLOUDSDK_CORE_DISABLE_FILE_LOGGING as the command saw it ('' when unset). */
  noFileLog: string;
  args: string[];
}

const filesOf = (platform: Platform, combo: PlatformCombo): RenderedFile[] => renderPlatform(platform, combo);
const readmeOf = (files: readonly RenderedFile[]) => files.find((f) => f.path.endsWith('/README.md'))!.contents;

async function gcloudCalls(combo: PlatformCombo): Promise<GcloudCall[]> {
  const files = filesOf('cloud-run', combo);
  const env = (base: string) => ({ PATH: process.env.PATH, HOME: base, TMPDIR: base });
  return withRecordedReadme('gcloud', readmeOf(files), files, GCLOUD_PRELUDE, env, async ({ shell, argLists, written }) => {
    expect(shell).toEqual({ code: 0, stderr: '' });
    expect(argLists).toHaveLength(written);
    return argLists.map(([noFileLog, ...args]) => ({ noFileLog: noFileLog!, args }));
  });
}

describe('deploy/cloud-run/README.md', () => {
  it.each(WITH_POSTGRES.map((c) => [JSON.stringify(c), c] as const))(
    '%s: a gcloud command given a secret writes no log file (gcloud logs every argument)',
    async (_id, combo) => {
      const calls = await gcloudCalls(combo);
      const givenSecret = calls.filter((c) => c.args.some((a) => a.includes(GCLOUD_SECRET) || a.startsWith('--password')));
      expect(givenSecret.length).toBeGreaterThan(0);
      expect(givenSecret.filter((c) => c.noFileLog !== '1').map((c) => `gcloud ${c.args.join(' ')}`)).toEqual([]);
    },
  );

  // Since PostgreSQL 16 an instance is Enterprise Plus unless told otherwise, and Enterprise
  // Plus refuses the db-custom-* (shared-core and custom) tiers: the create fails.
  it.each(WITH_POSTGRES.map((c) => [JSON.stringify(c), c] as const))(
    '%s: the Cloud SQL instance asks for the Enterprise edition, the one its db-custom tier exists in',
    async (_id, combo) => {
      const creates = (await gcloudCalls(combo)).filter((c) => c.args.slice(0, 3).join(' ') === 'sql instances create');
      expect(creates).toHaveLength(1);
      const [create] = creates;
      expect(create!.args.some((a) => a.startsWith('--tier=db-custom-'))).toBe(true);
      expect(create!.args.map((a) => a.toLowerCase())).toContain('--edition=enterprise');
    },
  );
});
