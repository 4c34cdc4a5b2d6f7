// `create-python-docker-app [directory] [flags]`: a new project in a new (or empty) folder.

import { chosenDeployTargets, offeredDeployTargets } from '../features/deploy-targets.js';
import { DEPLOY_TARGETS } from '../options/values.js';
import path from 'node:path';
import type { Command } from '../driver/command.js';
import { controlRows, optionRows } from '../driver/help.js';
import { askForName } from '../driver/prompts.js';
import { dockerNextSteps, displayDir } from '../driver/report.js';
import { flagName } from '../driver/resolve.js';
import { renderProject } from '../engine/render.js';
import { assertSafeTarget, existingEntries } from '../engine/write.js';
import { CliError } from '../errors.js';
import { APP_PORT } from '../features/app-server.js';
import { KUBERNETES_DIR } from '../features/kubernetes/index.js';
import { localEnvFile } from '../features/local-env.js';
import { backgroundWorkerOf, undeployedWorkerWarnings } from '../features/managed-platforms.js';
import { secretFiles } from '../features/secret-files.js';
import { chosenServices } from '../features/services.js';
import { NAME_RULE, nameProblem } from '../options/names.js';
import { DEFAULT_NAME, inTableOrder, specFor, type OptionKey } from '../options/table.js';

export const create: Command = {
  name: 'create',
  controls: ['yes', 'overwrite', 'dry-run', 'json', 'help', 'version', 'interactive', 'answers'],
  maxPositionals: 1,
  help: createHelp,
  helpHint: 'see --help',
  defaultsNeedYes: true,
  forceHint: 'pass --overwrite',

  /**
   * The target is a path, as with every create-* tool: `my-api`, `./my-api`, `sub/my-api`,
   * `/abs/my-api`, `.` (missing parents are created). The project name is the folder's name,
   * unless --name gives one; a folder name that is not a valid project name is asked about at
   * a terminal, and is an error naming --name without one. With no directory argument, the
   * name (asked, or my-api with --yes) is also the folder, in the current directory.
   */
  async locate(args, { cwd, prompter }) {
    const directory = args.positionals[0];
    const flagged = args.answers.name;
    if (directory === undefined) {
      const name = flagged ?? (prompter ? await askForName(prompter, DEFAULT_NAME) : args.yes ? DEFAULT_NAME : undefined);
      // Reported with the other missing answers, so one error names everything to pass.
      if (name === undefined) return { dir: '', missing: ['[directory]'] };
      return { dir: path.resolve(cwd, name), answers: { name }, missing: [] };
    }
    if (directory.trim() === '') throw new CliError('invalid-name', `the directory is empty: ${NAME_RULE}`);
    const dir = path.resolve(cwd, directory);
    if (flagged !== undefined) return { dir, answers: { name: flagged }, missing: [] };
    const folderName = path.basename(dir);
    const problem = nameProblem(folderName);
    if (!problem) return { dir, answers: { name: folderName }, missing: [] };
    if (!prompter) throw new CliError('invalid-name', `${problem}; pass --name <name> to name the project${directory === '.' ? ' (or rename the directory)' : ''}`);
    return { dir, answers: { name: await askForName(prompter, folderName, problem) }, missing: [] };
  },

  missingError(missing) {
    const flags = missing.map((key) => (key === '[directory]' ? key : flagName(specFor(key as OptionKey))));
    return new CliError('missing-answers', `no terminal to ask on; pass --yes for the defaults, or give ${flags.join(', ')}`);
  },

  check(site, args, { cwd, forceHint }) {
    // Refuse a target we could lose files in.
    assertSafeTarget(site.dir);
    const existing = existingEntries(site.dir);
    if (existing.length > 0 && !args.overwrite)
      throw new CliError('not-empty', `${displayDir(site.dir, cwd)} is not empty; ${forceHint ?? 'pass --overwrite'} to write into it anyway`, existing);
  },

  render(answers, site, { version }) {
    const options = inTableOrder(answers);
    const files = renderProject(options, version);
    return {
      // .env and the secret files after the base record was stamped: they are the user's,
      // never recorded for `update`.
      files: [...files, ...localEnvFile(files, site.dir), ...secretFiles(chosenServices(options).flatMap((s) => s.secrets ?? []), site.dir)],
      options,
      // Only what the user would not see otherwise: a worker the chosen targets do not run.
      warnings: chosenDeployTargets(options.deploy).flatMap((target) => undeployedWorkerWarnings(backgroundWorkerOf(options), target)),
      notes: [],
      nextSteps: (cwd) => [
        ...dockerNextSteps({ dir: site.dir, cwd }, { port: APP_PORT, healthPath: '/health', hasEnv: true }),
        ...(options.deploy.includes('kubernetes') ? [`# Kubernetes: ${KUBERNETES_DIR}/README.md`] : []),
        ...chosenDeployTargets(options.deploy).map((target) => `# ${target.key}: ${target.dir}/README.md`),
      ],
    };
  },

  // A non-empty folder was refused in `check` unless --overwrite; without it, a file that
  // appears after that check (the user's, another run's) is a conflict, never overwritten.
  overwrites: (args) => args.overwrite,
};

function createHelp(version: string): string {
  return `create-python-docker-app ${version}
Scaffold a Flask or FastAPI project with a Dockerfile, compose.yaml, PostgreSQL
and Redis.

Usage:
  npm create python-docker-app@latest [directory] -- [flags]
  create-python-docker-app [directory] [flags]
  create-python-docker-app add docker [--dir <path>] [flags]
                                   add Docker files to an existing app
  create-python-docker-app update [directory] [flags]
                                   bring a generated project up to this version
  create-python-docker-app add kubernetes [--dir <path>] [flags]
                                   add Kubernetes manifests for its image
  create-python-docker-app add deploy <target> [--dir <path>] [flags]
                                   add a deployment target's files, one of:
                                   ${offeredDeployTargets(DEPLOY_TARGETS).join(', ')}
  create-python-docker-app add worker [--dir <path>] [flags]
                                   add a Celery worker (and beat) to a
                                   generated project
  create-python-docker-app add devcontainer [--dir <path>] [flags]
                                   add a dev container and the debugger's
                                   launch.json to a generated project
  create-python-docker-app add --help
                                   the help of every add command

The directory is where the project goes: a path (missing parents are created),
"." for the current directory; default: ${DEFAULT_NAME}. Its last part is the project
name unless --name gives one. A name uses lower-case letters, digits, and single
'-' or '_' between them, and starts with a letter.

Project options:
${optionRows('create').join('\n')}

Behaviour:
${controlRows(create).join('\n')}

Without a terminal (CI, pipes) nothing is asked: pass --yes, or every option as
a flag. A flag given twice must have the same value both times.

Exit codes: 0 done, 1 refused (non-empty directory, conflict, unsafe target;
nothing was changed), 2 usage error, 130 cancelled (Ctrl-C), 143 terminated
(SIGTERM) before the project was complete (nothing was left behind).

Examples:
  npm create python-docker-app@latest my-api -- --framework fastapi
  npm create python-docker-app@latest my-api -- --yes --framework flask \\
    --no-redis
  create-python-docker-app services/orders --yes --dockerfile multi-stage --json
`;
}
