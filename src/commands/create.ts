// `create-python-docker-app [directory] [flags]`: a new project in a new (or empty) folder.

import path from 'node:path';
import type { Command, Site } from '../driver/command.js';
import { optionRows, row } from '../driver/help.js';
import { askForName } from '../driver/prompts.js';
import { dockerNextSteps, displayDir } from '../driver/report.js';
import { flagName } from '../driver/resolve.js';
import { renderProject } from '../engine/render.js';
import { assertSafeTarget, existingEntries } from '../engine/write.js';
import { CliError } from '../errors.js';
import { APP_PORT } from '../features/frameworks.js';
import { KUBERNETES_DIR } from '../features/kubernetes.js';
import { nameProblem } from '../options/names.js';
import { DEFAULT_NAME, PROJECT_OPTIONS, specFor, type OptionKey, type ProjectOptions } from '../options/table.js';

export const create: Command = {
  name: 'create',
  controls: ['yes', 'overwrite', 'dry-run', 'json', 'help', 'version', 'interactive', 'answers'],
  maxPositionals: 1,
  help: createHelp,
  helpHint: 'see --help',
  defaultsNeedYes: true,
  forceHint: 'pass --overwrite',

  async locate(args, { cwd, prompter }) {
    const directory = args.positionals[0];
    if (directory === '.') {
      const name = path.basename(cwd);
      const problem = nameProblem(name);
      if (!problem) return { dir: cwd, name, missing: [] };
      if (!prompter) throw new CliError('invalid-name', `${problem}; rename the directory or give a name instead of "."`);
      return { dir: cwd, name: await askForName(prompter, name, problem), missing: [] };
    }
    let name = directory;
    if (name === undefined) {
      // Reported with the other missing answers, so one error names everything to pass.
      if (!prompter && !args.yes) return { dir: '', missing: ['[directory]'] };
      name = prompter ? await askForName(prompter, DEFAULT_NAME) : DEFAULT_NAME;
    }
    const problem = nameProblem(name);
    if (problem) {
      if (!prompter) throw new CliError('invalid-name', problem);
      name = await askForName(prompter, name, problem);
    }
    return { dir: path.resolve(cwd, name), name, missing: [] };
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
    const options = projectOptions(site, answers);
    return {
      files: renderProject(options, version),
      options,
      warnings: [],
      notes: [],
      nextSteps: (cwd) => [
        ...dockerNextSteps({ dir: site.dir, cwd }, { postgres: options.postgres, port: APP_PORT, healthPath: '/health' }),
        ...(options.deploy === 'kubernetes' ? [`# Kubernetes: ${KUBERNETES_DIR}/README.md`] : []),
      ],
    };
  },

  // A non-empty folder was refused in `check` unless --overwrite: every project file may be replaced.
  overwrites: () => true,
};

/**
 * The options with their keys in one fixed order (name, then the option table's), whatever order
 * the answers arrived in: the stamped answers file must not depend on which were flags and
 * which were prompts, or `--answers` could not reproduce a project byte for byte.
 */
function projectOptions(site: Site, answers: Record<string, unknown>): ProjectOptions {
  const ordered: Record<string, unknown> = { name: site.name };
  for (const spec of PROJECT_OPTIONS) ordered[spec.key] = answers[spec.key];
  return ordered as unknown as ProjectOptions;
}

function createHelp(version: string): string {
  return `create-python-docker-app ${version}
Scaffold a Flask or FastAPI project with a Dockerfile, compose.yaml, PostgreSQL and Redis.

Usage:
  npm create python-docker-app@latest [directory] -- [flags]
  create-python-docker-app [directory] [flags]
  create-python-docker-app add docker [--dir <path>] [flags]   add Docker files to an existing app
  create-python-docker-app add kubernetes [--dir <path>] [flags]   add Kubernetes manifests for its image

The directory is also the project name (default: ${DEFAULT_NAME}): lower-case letters, digits,
and single '-' or '_' between them, starting with a letter. Use "." for the current directory.

Project options:
${optionRows('create').join('\n')}

Behaviour:
${row('-y, --yes', 'use the defaults above for every option not given; never prompt')}
${row('--overwrite', 'write into a non-empty directory, replacing files the project contains')}
${row('--dry-run', 'print what would be created or overwritten, write nothing')}
${row('--json', 'print one JSON document on stdout (human output goes to stderr)')}
${row('--answers <file>', "take options from a project's .create-python-docker-app.json")}
${row('--interactive, --no-interactive', 'force prompts on or off (default: on with a terminal)')}
${row('-h, --help', 'show this help')}
${row('-v, --version', 'show the version')}

Without a terminal (CI, pipes) nothing is asked: pass --yes, or every option as a flag.

Exit codes: 0 done, 1 refused (non-empty directory, conflict), 2 usage error, 130 cancelled.

Examples:
  npm create python-docker-app@latest my-api -- --framework fastapi
  npm create python-docker-app@latest my-api -- --yes --framework flask --no-redis
  create-python-docker-app orders --yes --dockerfile multi-stage --json
`;
}
