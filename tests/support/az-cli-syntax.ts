// The Azure CLI commands of a README, parsed by the Azure CLI itself, offline: the README's own
// ```sh blocks (and the `az ...` commands quoted in its prose) run by bash as the user would
// paste them, with `az` a function that records its arguments (tests/support/readme-shell.ts);
// then each recorded command goes through the real Azure CLI (azure-cli from PyPI, pinned, in a
// venv of its own installed with uv: pip took 169 s for it, uv 8 s), which loads the command's module,
// builds the command's arguments and parses them, and is stopped right after parsing
// (tests/support/az-cli-syntax.py): no validator, login or request runs. A command it accepts
// is `parsed`; an unknown option, a missing required argument, a value outside an option's
// choices or a bad --query end in the parser's error (exit 2). The function prints a stand-in
// value, so `X=$(az ...)` gives the next commands a non-empty argument, as a real account would,
// and the migration's wait loop sees the state it waits for. docker, openssl and sleep are
// stand-ins: only the az commands are under test.

import path from 'node:path';
import { installUv } from '../../scripts/lock/uv-tool.js';
import type { RenderedFile } from '../../src/engine/rendered-file.js';
import { ACI_CLI_VERSION } from '../../src/features/deploy-aci/index.js';
import { REPO } from './cli-run.js';
import { installPinnedVenv, type VenvInstall } from './pinned-venv.js';
import { withRecordedReadme } from './readme-shell.js';
import { run } from './run.js';

/** The whole Azure CLI as `pip install azure-cli` gives it, every SDK at the version it pins; the README names the version. */
export const AZURE_CLI_PIN = `azure-cli==${ACI_CLI_VERSION}`;

export async function installAzureCli(): Promise<VenvInstall> {
  const uv = installUv();
  if (!uv.ok) return uv;
  return installPinnedVenv('azure-cli', [AZURE_CLI_PIN], { uv: uv.tool });
}

export interface AzCall {
  args: string[];
  code: number;
  /** The parser accepted the command. */
  parsed: boolean;
  stderr: string;
}

export interface ReadmeRun {
  /** bash's own exit and stderr: an unset variable (`set -u`) or a shell error ends up here. */
  shell: { code: number; stderr: string };
  calls: AzCall[];
  /** How many `az <word>` the shell text holds: every one must have run. */
  written: number;
}

/**
 * `az` records its arguments (in the order they ran: the file names start with the time, as a
 * counter would not survive the subshell of `$(az ...)`) and prints a stand-in value; a query
 * for a container's state gets the state the README's loop waits for.
 */
const PRELUDE = `set -u
az() {
  printf '%s\\0' "$@" > "$(mktemp "$CALLS/$(date +%s%N)-XXXX")"
  case "$*" in
    *currentState.state*) echo Terminated ;;
    *) echo stub-0123456789abcdef ;;
  esac
}
docker() { :; }
openssl() { echo 0123456789abcdef; }
sleep() { :; }
`;

/** Runs the README's az commands in a project folder holding `files` (what the README reads). */
export function runAzReadme(python: string, markdown: string, files: readonly RenderedFile[]): Promise<ReadmeRun> {
  const env = (base: string) => ({ PATH: process.env.PATH, HOME: base, TMPDIR: base });
  return withRecordedReadme('az', markdown, files, PRELUDE, env, async ({ project, base, shell, argLists, written }) => {
    // No configuration or login of the user's, no telemetry: a fresh configuration folder.
    const cliEnv = { ...env(base), AZURE_CONFIG_DIR: path.join(base, 'azure'), AZURE_CORE_COLLECT_TELEMETRY: 'false', AZURE_CORE_NO_COLOR: 'true' };
    const cli = await run(python, [path.join(REPO, 'tests/support/az-cli-syntax.py')], { cwd: project, env: cliEnv, input: JSON.stringify(argLists), timeoutMs: 240_000 });
    if (cli.code !== 0) throw new Error(`az-cli-syntax.py: ${cli.stderr}`);
    const outcomes = JSON.parse(cli.stdout) as { code: number; parsed: boolean; stderr: string }[];
    return { shell, calls: argLists.map((args, i) => ({ args, ...outcomes[i]! })), written };
  });
}
