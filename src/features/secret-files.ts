// The project's secrets as files (issue 23), one convention everywhere:
//  - on the host, `secrets/<name>` (git-ignored, out of the build context): `create` and `add
//    docker` write it with a random value when it is missing, never replace one, and never write
//    into a folder of the user's that others can open (write.ts refuses it);
//  - in a container, `/run/secrets/<name>`: compose.yaml's top-level `secrets:` bind-mounts the
//    host file there for the services that list it (a Kubernetes Secret is mounted the same way);
//  - the app reads it from that folder (pydantic-settings' `secrets_dir`; Flask's settings by
//    hand), or from the variable `FileSecret.env` where a platform can only inject variables.
// Modes: Compose outside Swarm bind-mounts a file secret with the host file's owner and mode
// (the long syntax's uid/gid/mode are ignored: docker/compose#9648), so the app's non-root user
// reads it through the "other" bit: the file is 0644, and its 0700 folder keeps the host's
// other users out. Under rootless Docker the same holds (the engine runs as the file's owner).

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RenderedFile } from '../engine/rendered-file.js';
import { SERVICE_FEATURES } from './services.js';
import type { FileSecret } from './types.js';

/** The host folder of the secret files, relative to the project. */
export const SECRETS_DIR = 'secrets';
/** Where Compose (and the Kubernetes manifests) mount them in a container. */
export const CONTAINER_SECRETS_DIR = '/run/secrets';
export const SECRET_FILE_MODE = 0o644;
export const SECRETS_DIR_MODE = 0o700;

/** Every file secret of every service, in service order. */
export const FILE_SECRETS: readonly FileSecret[] = SERVICE_FEATURES.flatMap((s) => s.secrets ?? []);

export function hostSecretPath(secret: FileSecret): string {
  return `${SECRETS_DIR}/${secret.name}`;
}

export function containerSecretPath(secret: FileSecret): string {
  return `${CONTAINER_SECRETS_DIR}/${secret.name}`;
}

/** 32 random bytes, URL-safe base64 (letters, digits, "-" and "_"): safe in a URL, a file and a shell. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The secret files to write for a new project: each secret its services use, with a random
 * value and a trailing newline (which the app and the official images strip), unless the folder
 * already has that file.
 */
export function secretFiles(secrets: readonly FileSecret[], targetDir: string, secret: () => string = randomSecret): RenderedFile[] {
  return secrets
    .filter((s) => !existsSync(path.join(targetDir, hostSecretPath(s))))
    .map((s) => ({ path: hostSecretPath(s), contents: `${secret()}\n`, mode: SECRET_FILE_MODE, dirMode: SECRETS_DIR_MODE }));
}

/**
 * The shell line that makes a secret's file in a fresh clone, where git brought none: a random
 * value, 0644 whatever the umask (the container's user reads it through the "other" bit), never
 * over one that is there. The README's quick start and the folder's own .gitignore print it.
 */
export function makeSecretCommand(secret: FileSecret): string {
  const file = hostSecretPath(secret);
  return `[ -e ${file} ] || (umask 022 && printf '%s\\n' "$(od -An -N24 -tx1 /dev/urandom | tr -d ' \\n')" > ${file})`;
}

/**
 * What the folder's own .gitignore says: everything in it stays out of git, but this file is
 * committed, so a fresh clone keeps the rule, and it says how to make the secrets again there.
 */
export function secretsGitignore(secrets: readonly FileSecret[]): string {
  return [
    '# Written by create-python-docker-app: the files here are the secrets compose.yaml',
    '# mounts, and none is ever committed (this file is, so a fresh clone keeps the rule).',
    '# In a fresh clone, make them again (0644 in this 0700 folder):',
    `#   mkdir -p ${SECRETS_DIR} && chmod 0700 ${SECRETS_DIR}`,
    ...secrets.map((s) => `#   ${makeSecretCommand(s)}`),
    '*',
    '!.gitignore',
    '',
  ].join('\n');
}

/**
 * The secret files to write beside Docker files added to an existing repository (add docker):
 * those of secretFiles, and a .gitignore of the folder's own, since the repository's .gitignore
 * is the user's and may not ignore secrets/. Each only when the folder does not have it yet.
 */
export function repositorySecretFiles(secrets: readonly FileSecret[], targetDir: string, secret: () => string = randomSecret): RenderedFile[] {
  const files = secretFiles(secrets, targetDir, secret);
  const ignore = `${SECRETS_DIR}/.gitignore`;
  if (secrets.length === 0 || existsSync(path.join(targetDir, ignore))) return files;
  return [...files, { path: ignore, contents: secretsGitignore(secrets), mode: SECRET_FILE_MODE, dirMode: SECRETS_DIR_MODE }];
}

/**
 * What would put a secret of `secrets` into git in an existing repository, as warnings: asked
 * of git itself, as it will judge the files (no git, or no repository around `targetDir`:
 * nothing to say). A tracked secret file is in the history already; an untracked one must be
 * ignored. Their rules stay the user's to change. Before a write (`when: 'planned'`), a folder
 * without a .gitignore of its own will get repositorySecretFiles' (which ignores every secret),
 * so only one of the user's is asked about; after a write (`'written'`), the rules on disk are
 * the ones that count, the project's .gitignore included.
 */
export function secretsGitWarnings(targetDir: string, secrets: readonly FileSecret[], when: 'planned' | 'written' = 'planned'): string[] {
  if (secrets.length === 0) return [];
  const paths = secrets.map(hostSecretPath);
  const git = (args: string[], input?: string) =>
    spawnSync('git', args, { cwd: targetDir, input, encoding: 'utf8', timeout: 10_000, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
  const tracked = git(['ls-files', '-z', '--', ...paths]);
  // No git, no repository around the folder, or one git will not read here: nothing to ask.
  if (tracked.error || tracked.status !== 0) return [];
  const warnings: string[] = [];
  const isTracked = new Set(tracked.stdout.split('\0').filter(Boolean));
  for (const p of paths.filter((p) => isTracked.has(p)))
    warnings.push(`${p} is tracked by git here, so its secret is in the repository's history: run \`git rm --cached ${p}\`, commit, and change that password`);
  const ownIgnore = existsSync(path.join(targetDir, SECRETS_DIR, '.gitignore'));
  if (when === 'planned' && !ownIgnore) return warnings;
  // --no-index: judged by the ignore rules alone, as for a file not yet added.
  const ignored = git(['check-ignore', '--no-index', '-z', '--stdin'], paths.map((p) => `${p}\0`).join(''));
  if (ignored.error || (ignored.status !== 0 && ignored.status !== 1)) return warnings;
  const isIgnored = new Set(ignored.stdout.split('\0').filter(Boolean));
  const why = ownIgnore ? ` (${SECRETS_DIR}/.gitignore is yours, and kept)` : '';
  const fix = ownIgnore ? `add the lines \`*\` and \`!.gitignore\` to ${SECRETS_DIR}/.gitignore` : `add the line \`${SECRETS_DIR}/\` to .gitignore`;
  for (const p of paths.filter((p) => !isIgnored.has(p) && !isTracked.has(p))) warnings.push(`${p} is not ignored by git here${why}, so \`git add\` would commit it: ${fix}`);
  return warnings;
}
