// `create-python-docker-app add devcontainer [--dir PATH] [flags]`: .devcontainer/ and
// .vscode/launch.json (the --devcontainer feature's own files) for a project we generated
// without them. Its answers file says what they depend on (the framework's server command, the
// Python image, the package manager's install), so they are rendered exactly as `create
// --devcontainer` would have; the files every project shares (.gitignore, .dockerignore, the
// README) are the user's by now, so what they lack is named in a warning, not rewritten.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from '../driver/command.js';
import { controlRows, optionRows } from '../driver/help.js';
import { existingProject } from '../driver/locate.js';
import { displayDir } from '../driver/report.js';
import { buildContext } from '../engine/context.js';
import { renderLayers } from '../engine/render.js';
import { PINS } from '../engine/versions.js';
import { CliError } from '../errors.js';
import { devcontainerFeature } from '../features/devcontainer/index.js';
import { ANSWERS_FILE, assertCompleteAnswers, readAnswersFile } from '../options/answers-file.js';
import type { ProjectOptions } from '../options/values.js';
import { recordAdded } from '../update/record-added.js';

export const addDevcontainer: Command = {
  name: 'add devcontainer',
  // --yes as every command takes it, for scripts: it has nothing to ask.
  controls: ['yes', 'force', 'dry-run', 'json', 'help'],
  controlHelp: { 'dry-run': 'print the plan (create/overwrite/unchanged/conflict), write nothing', yes: 'accepted as by every command; nothing is asked' },
  maxPositionals: 0,
  help: addDevcontainerHelp,
  helpHint: 'see add devcontainer --help',
  defaultsNeedYes: false,
  forceHint: 'pass --force',

  async locate(args, step) {
    const { dir, recovered } = existingProject(args.answers.dir ?? '.', step, 'run add devcontainer inside a project made by create-python-docker-app, or pass --dir', args);
    if (!existsSync(path.join(dir, ANSWERS_FILE)))
      throw new CliError(
        'detect-failed',
        `${displayDir(dir, step.cwd)} has no ${ANSWERS_FILE}: add devcontainer renders the files for a project create-python-docker-app made, from the answers it recorded`,
      );
    return { dir, missing: [], recovered };
  },

  missingError: () => new CliError('missing-answers', 'nothing to ask: add devcontainer reads the project’s answers file'),

  render(_answers, site, { version }) {
    const recorded = readAnswersFile(path.join(site.dir, ANSWERS_FILE), ANSWERS_FILE, { noFollow: true });
    // What the files are rendered from must be whole: a key missing would render a broken file.
    assertCompleteAnswers(recorded);
    const options = { name: path.basename(site.dir), ...recorded.options, devcontainer: true } as ProjectOptions;
    const context = buildContext(options, version);
    // Its own layer, and where it meets another feature the project has (devcontainer-worker).
    const files = renderLayers(context, context.layers.filter((layer) => layer === devcontainerFeature.layer || layer.startsWith(`${devcontainerFeature.layer}-`)));
    // Its record says it has the dev container now (recordAdded).
    const record = recordAdded(site.dir, version, (o) => (o.devcontainer ? undefined : { devcontainer: true }), files);
    return {
      files: [...files, ...record.files],
      options: { dir: site.dir, framework: options.framework, python: options.python, packageManager: options.packageManager },
      warnings: [...sharedFileWarnings(site.dir, options), ...record.warnings],
      notes: [],
      nextSteps: () => [`docker compose -f compose.yaml -f compose.override.yaml -f .devcontainer/compose.yaml up --build`],
    };
  },

  overwrites: (args) => args.force,
};

/** What the project's own files lack for the new ones to work: named, not edited. */
function sharedFileWarnings(dir: string, options: ProjectOptions): string[] {
  const read = (file: string) => (existsSync(path.join(dir, file)) ? readFileSync(path.join(dir, file), 'utf8') : '');
  const lines = (file: string) => read(file).split('\n').map((l) => l.trim());
  const warnings: string[] = [];
  const lock = options.packageManager === 'uv' ? 'uv.lock' : 'requirements-dev.txt';
  if (!/^(name = "debugpy"|debugpy==)/m.test(read(lock)))
    warnings.push(
      options.packageManager === 'uv'
        ? `${lock} has no debugpy, which the development image runs the app under: \`uv add --dev ${PINS.debugpy.name}==${PINS.debugpy.version}\``
        : `${lock} has no debugpy, which the development image runs the app under: add ${PINS.debugpy.name}==${PINS.debugpy.version} to requirements-dev.in and compile requirements-dev.txt again`,
    );
  const gitignore = lines('.gitignore').map((l) => l.replace(/^\//, ''));
  if (gitignore.includes('.vscode/') || gitignore.includes('.vscode'))
    warnings.push('.gitignore ignores the whole .vscode/ folder, so git never sees .vscode/launch.json: replace that line with `.vscode/*` and `!.vscode/launch.json`');
  // What a project made without --devcontainer has: every file of .vscode/ but none let back in.
  else if ((gitignore.includes('.vscode/*') || gitignore.includes('.vscode/**')) && !gitignore.includes('!.vscode/launch.json'))
    warnings.push('.gitignore ignores every file in .vscode/, .vscode/launch.json too, so it would never be committed: add a line `!.vscode/launch.json` after `.vscode/*`');
  if (!lines('.dockerignore').some((l) => l.replace(/^\/+|\/+$/g, '') === '.devcontainer'))
    warnings.push('.dockerignore does not leave out .devcontainer/: add a line `.devcontainer`, so `COPY . .` keeps it out of the image');
  return warnings;
}

function addDevcontainerHelp(): string {
  return `Usage: create-python-docker-app add devcontainer [--dir <path>] [flags]

Adds .devcontainer/ (a development image with the dev dependencies, a Compose
file that runs the app under debugpy on 127.0.0.1:5678, devcontainer.json) and
.vscode/launch.json (attach with path mappings) to a project that
create-python-docker-app made, rendered from its answers file as
\`create --devcontainer\` would. What .gitignore, .dockerignore or the lock lack
for them is named in a warning, not edited.

${optionRows('add devcontainer').join('\n')}
${controlRows(addDevcontainer).join('\n')}

Exit codes: 0 done, 1 refused (conflict, no answers file, unsafe target;
nothing was changed), 2 usage error, 130 cancelled, 143 terminated before the
files were complete (nothing was left behind).
`;
}
