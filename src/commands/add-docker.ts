// `create-python-docker-app add docker [--dir PATH] [flags]`: Docker files for an existing
// Flask/FastAPI repository, like `docker init` but scriptable. Detection suggests every answer;
// only what it could not find is asked (or, without a terminal, named as a flag to pass).

import type { Command } from '../driver/command.js';
import { controlRows, optionRows } from '../driver/help.js';
import { existingProject } from '../driver/locate.js';
import { dockerNextSteps } from '../driver/report.js';
import { CliError } from '../errors.js';
import { detectApp } from '../existing/detect.js';
import { pythonMisfit } from '../existing/python-version.js';
import { dockerAppOptions, dockerWarnings, renderDockerFiles } from '../existing/docker-app.js';
import { repositorySecretFiles, secretsGitWarnings } from '../features/secret-files.js';
import { chosenServices } from '../features/services.js';
import { FRAMEWORKS, type OptionValues } from '../options/table.js';
import { fileLine } from '../options/names.js';

export const addDocker: Command = {
  name: 'add docker',
  controls: ['yes', 'force', 'dry-run', 'json', 'help', 'interactive'],
  maxPositionals: 0,
  help: addDockerHelp,
  helpHint: 'see add docker --help',
  // Detected values and documented defaults need no --yes: only the framework and the app
  // have no default, and --yes does not guess them either.
  defaultsNeedYes: false,
  forceHint: 'pass --force',

  async locate(args, step) {
    const { dir, recovered } = existingProject(args.answers.dir ?? '.', step, 'run add docker inside your repository or pass --dir', args);
    return { dir, detected: detectApp(dir), missing: [], recovered };
  },

  missingError(missing, site) {
    const other = site.detected?.unsupportedFramework;
    if (missing.includes('framework') && other)
      return new CliError(
        'unsupported',
        `${other.label} is not supported (yet): found it ${other.where}; add docker writes Docker files for Flask and FastAPI apps (pass --framework if this app is one of them after all)`,
      );
    const parts: string[] = [];
    const conflict = site.detected?.frameworkConflict;
    if (missing.includes('framework')) parts.push(`--framework ${FRAMEWORKS.join('|')} (${conflict ?? 'found no flask or fastapi dependency or import'})`);
    if (missing.includes('app')) {
      const candidates = site.detected?.targetCandidates ?? [];
      const each = Object.entries(site.detected?.appFor ?? {}).map(([f, app]) => `${app} for ${f}`);
      parts.push(
        candidates.length > 0
          ? `--app (several candidates: ${candidates.join(', ')})`
          : conflict && each.length > 0
            ? `--app module:attr unless --framework picks one (${each.join(', ')})`
            : '--app module:attr (found no app instance or create_app factory)',
      );
    }
    return new CliError('missing-answers', `could not detect everything and there is no terminal to ask on; pass ${parts.join(' and ')}`);
  },

  check(site) {
    const workspaceProblem = site.detected?.workspaceProblem;
    if (workspaceProblem) throw new CliError('unsupported', `${workspaceProblem}; nothing was written`);
    const [git, ...moreGit] = (site.detected?.gitRequirements ?? []).filter((g) => g.why);
    if (git)
      throw new CliError(
        'unsupported',
        `${git.where} (${fileLine(git.text)}): ${git.why}; nothing was written`,
        moreGit.map((g) => `${g.where} (${fileLine(g.text)}): ${g.why}`),
      );
    const pythonProblem = site.detected?.pythonProblem;
    if (pythonProblem) throw new CliError('unsupported', `${pythonProblem}; widen that range, or build the image yourself on a Python it allows`);
    // Refused rather than written: an image whose install step cannot work is no help.
    const [first, ...more] = site.detected?.installFrom === 'requirements.txt' ? site.detected.unsupportedRequirements : [];
    if (first)
      throw new CliError(
        'unsupported',
        `${first.file} line ${first.line} (${fileLine(first.text)}): ${first.why}; move it out of ${first.file} (the image serves your code from /app without installing it) and run add docker again`,
        more.map((u) => `${u.file} line ${u.line} (${fileLine(u.text)}): ${u.why}`),
      );
  },

  render(answers, site, { version }) {
    const detected = site.detected!;
    // A --python (or a prompt answer) the repository's own constraints exclude fails in the build.
    const misfit = pythonMisfit((answers as OptionValues).python, detected.pythonConstraints);
    if (misfit) throw new CliError('unsupported', `${misfit}; pass a --python it allows${detected.python ? ` (${detected.python} fits)` : ''}`);
    const options = dockerAppOptions(site.dir, answers as OptionValues, detected);
    const secrets = chosenServices(options).flatMap((s) => s.secrets ?? []);
    return {
      // The password Compose mounts, random, as a new project gets it (never one already there).
      files: [...renderDockerFiles(options, version), ...repositorySecretFiles(secrets, site.dir)],
      options: { ...options, detected: detected.notes },
      warnings: [...dockerWarnings(options, detected), ...secretsGitWarnings(site.dir, secrets)],
      notes: detected.notes,
      nextSteps: (cwd) =>
        dockerNextSteps({ dir: site.dir, cwd }, { port: options.port, healthPath: options.healthcheck === 'http' ? '/health' : '/' }),
    };
  },

  overwrites: (args) => args.force,
};

function addDockerHelp(): string {
  return `Usage: create-python-docker-app add docker [--dir <path>] [flags]

Adds a Dockerfile, .dockerignore, compose.yaml, compose.override.yaml and
.env.example (and gunicorn.conf.py for Flask) to an existing Flask or FastAPI
app. The framework, the app (module:app, or a create_app() factory), the port,
the Python version and whether Postgres or Redis are used are detected from
requirements.txt, pyproject.toml and the code; flags override what was
detected, and only what could not be detected is asked. In a src layout
(src/<package>/, no src/__init__.py) the app is relative to src/ (--app
src.shop.main:app means shop.main:app) and the image puts /app/src on
PYTHONPATH.

${optionRows('add docker').join('\n')}
${controlRows(addDocker).join('\n')}

Existing files that differ are never overwritten without --force: they are
listed as conflicts and nothing is written (exit 1). Without a terminal, a
framework or app that could not be detected must be given (exit 2 names the
flag). Exit codes: 0 done, 1 refused, 2 usage error, 130 cancelled, 143
terminated before the files were complete (nothing was left behind).
`;
}
