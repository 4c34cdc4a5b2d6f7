// What the Cloud Run and ACI READMEs' commands do with the credentials they make, and the
// steps a real account needs that an offline parse cannot see. Each README's shell is run by
// bash as the user would paste it (tests/support/readme-shell.ts), with `gcloud` or `az` a
// function that records its arguments (and the environment it was given) and prints a
// stand-in answer chosen per command, so a value can be followed from the command that prints
// it to the command that receives it. Nothing talks to an account.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { RenderedFile } from '../../src/engine/rendered-file.js';
import { README_SECTION_COMBOS, renderPlatform, type Platform, type PlatformCombo } from '../support/platforms.js';
import { withRecordedReadme } from '../support/readme-shell.js';

const WITH_POSTGRES = README_SECTION_COMBOS.filter((c) => c.postgres);
const WITH_REDIS = README_SECTION_COMBOS.filter((c) => c.redis);
/** The ACI README writes a Key Vault secret for the database password and for the Redis URL. */
const WITH_VAULT_SECRET = README_SECTION_COMBOS.filter((c) => c.postgres || c.redis);

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

/** An Azure Cache access key as Azure makes them, base64: it can hold / + and =. */
const REDIS_KEY = 'Ab/Cd+Ef0123456789abcdefGHIJKLmnopQRSTuv/+x=';

/**
 * `az` records its arguments and prints, per command, what Azure would (a stand-in); asked for
 * an id, it names the command it was asked with, so the test sees which object an id is of.
 */
const AZ_PRELUDE = `set -u
az() {
  printf '%s\\0' "$@" > "$(mktemp "$CALLS/$(date +%s%N)-XXXX")"
  case "$*" in
    'redis list-keys'*) echo '${REDIS_KEY}' ;;
    *currentState.state*) echo Terminated ;;
    *'--query id '*) echo "id-of: $*" ;;
    *) echo stub-value ;;
  esac
}
docker() { :; }
openssl() { echo 0123456789abcdef; }
sleep() { :; }
`;

async function azCalls(combo: PlatformCombo): Promise<string[][]> {
  const files = filesOf('aci', combo);
  const env = (base: string) => ({ PATH: process.env.PATH, HOME: base, TMPDIR: base });
  return withRecordedReadme('az', readmeOf(files), files, AZ_PRELUDE, env, async ({ shell, argLists, written }) => {
    expect(shell).toEqual({ code: 0, stderr: '' });
    expect(argLists).toHaveLength(written);
    return argLists;
  });
}

/** An option's value in a recorded call (`--name value`). */
const optionOf = (args: readonly string[], name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

/** The URL's parts as Python reads them (redis-py's parse_url: urlparse, then unquote the password). */
function pythonUrlParts(url: string): { host: string; port: number; password: string } {
  const script = 'import json, sys, urllib.parse as u; p = u.urlsplit(sys.stdin.read()); print(json.dumps({"host": p.hostname, "port": p.port, "password": u.unquote(p.password)}))';
  const result = spawnSync('python3', ['-c', script], { input: url, encoding: 'utf8' });
  expect(result.stderr, url).toBe('');
  return JSON.parse(result.stdout) as { host: string; port: number; password: string };
}

describe('deploy/aci/README.md', () => {
  it.each(WITH_REDIS.map((c) => [JSON.stringify(c), c] as const))(
    '%s: the Redis URL put in Key Vault keeps an access key holding / + = whole: its host, port and password parse back',
    async (_id, combo) => {
      const urls = (await azCalls(combo)).map((args) => optionOf(args, '--value')).filter((v) => v?.startsWith('rediss://'));
      expect(urls).toHaveLength(1);
      const name = filesOf('aci', combo).find((f) => f.path.endsWith('/container-group.yaml'))!.contents.match(/^name: (.*)$/m)![1];
      expect(pythonUrlParts(urls[0]!)).toEqual({ host: `${name}-cache.redis.cache.windows.net`, port: 6380, password: REDIS_KEY });
    },
  );

  // `az keyvault create` makes a vault authorised by Azure roles (azure-cli 2.61 and later):
  // its creator may not write a secret until given a data-plane role on it.
  it.each(WITH_VAULT_SECRET.map((c) => [JSON.stringify(c), c] as const))(
    '%s: the user is made Key Vault Secrets Officer on the vault before the first secret is written',
    async (_id, combo) => {
      const calls = (await azCalls(combo)).map((args) => ({ args, line: args.join(' ') }));
      const keyVault = filesOf('aci', combo).find((f) => f.path.endsWith('/settings.env'))!.contents.match(/^KEY_VAULT=(.*)$/m)![1];
      const created = calls.findIndex((c) => c.line.startsWith('keyvault create'));
      const firstSecret = calls.findIndex((c) => c.line.startsWith('keyvault secret set'));
      const granted = calls.findIndex((c) => c.line.startsWith('role assignment create') && optionOf(c.args, '--role') === 'Key Vault Secrets Officer');
      expect([created, granted, firstSecret].every((i) => i >= 0)).toBe(true);
      expect(created).toBeLessThan(granted);
      expect(granted).toBeLessThan(firstSecret);
      const grant = calls[granted]!.args;
      expect(optionOf(grant, '--assignee')).toBe('id-of: ad signed-in-user show --query id -o tsv');
      expect(optionOf(grant, '--scope')).toBe(`id-of: keyvault show --name ${keyVault} --query id -o tsv`);
    },
  );
});
