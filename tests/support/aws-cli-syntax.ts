// The AWS CLI commands of a README, run for their syntax only, offline: the README's own ```sh
// blocks (and the `aws ...` commands quoted in its prose), taken out with marked, run by bash as
// the user would paste them, with `aws` a function that records its arguments; then each
// recorded command goes through the real AWS CLI (awscli from PyPI, pinned, in a venv of its
// own; tests/support/aws-cli-syntax.py), pointed at a closed local port. The CLI parses a command's
// arguments, its shorthand and its --cli-input-json against the service's model before it
// sends anything, so a command it accepts ends in "Could not connect to the endpoint URL" and
// one it rejects in a usage or validation error. The function prints a stand-in value, so
// `X=$(aws ...)` gives the next commands a non-empty argument, as a real account would.
// docker and curl are no-ops: only the aws commands are under test.

import path from 'node:path';
import type { RenderedFile } from '../../src/engine/rendered-file.js';
import { installUv } from '../../scripts/lock/uv-tool.js';
import { installPinnedVenv, type VenvInstall } from './pinned-venv.js';
import { REPO } from './cli-run.js';
import { withRecordedReadme } from './readme-shell.js';
import { run } from './run.js';

/** awscli v1 from PyPI: the same botocore service models as the CLI v2 the READMEs name. */
export const AWS_CLI_PIN = 'awscli==1.45.11';

export async function installAwsCli(): Promise<VenvInstall> {
  // With the pinned uv, compiled as pip would: seconds from an empty uv cache.
  const uv = installUv();
  if (!uv.ok) return uv;
  return installPinnedVenv('aws-cli', [AWS_CLI_PIN], { uv: uv.tool, bytecode: true });
}

/** What a command that the CLI accepted says when it cannot reach the (closed) endpoint. */
export const ACCEPTED = /Could not connect to the endpoint URL/;

export interface AwsCall {
  args: string[];
  code: number;
  stderr: string;
}

export interface ReadmeRun {
  /** bash's own exit and stderr: an unset variable (`set -u`) or a shell error ends up here. */
  shell: { code: number; stderr: string };
  calls: AwsCall[];
  /** How many `aws <service> <command>` the shell text holds: every one must have run. */
  written: number;
}

/**
 * `aws` records its arguments (run afterwards, tests/support/aws-cli-syntax.py; the file names
 * start with the time, so they sort in call order) and prints a stand-in value.
 */
const PRELUDE = `set -u
aws() {
  printf '%s\\0' "$@" > "$(mktemp "$CALLS/$(date +%s%N)-XXXX")"
  echo stub-0123456789abcdef0
}
docker() { :; }
curl() { :; }
`;

/**
 * Runs the README's aws commands in a project folder holding `files` (the JSON that
 * --cli-input-json reads through envsubst), with dummy credentials and no configuration.
 */
export function runAwsReadme(python: string, markdown: string, files: readonly RenderedFile[]): Promise<ReadmeRun> {
  const env = (base: string) => ({
    PATH: process.env.PATH,
    HOME: base,
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'not-a-real-secret',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    // One attempt: a refused connection is the answer, not a reason to retry.
    AWS_MAX_ATTEMPTS: '1',
    AWS_RETRY_MODE: 'standard',
  });
  return withRecordedReadme('aws', markdown, files, PRELUDE, env, async ({ project, base, shell, argLists, written }) => {
    // The venv's interpreter, not its bin/aws: that script names the path it was installed at, before the rename.
    const cli = await run(python, [path.join(REPO, 'tests/support/aws-cli-syntax.py')], { cwd: project, env: env(base), input: JSON.stringify(argLists), timeoutMs: 240_000 });
    if (cli.code !== 0) throw new Error(`aws-cli-syntax.py: ${cli.stderr}`);
    const outcomes = JSON.parse(cli.stdout) as { code: number; stderr: string }[];
    return { shell, calls: argLists.map((args, i) => ({ args, ...outcomes[i]! })), written };
  });
}
