// The Docker files for an existing Flask/FastAPI app (`add docker`, the plop `docker`
// generator). They come from the same templates as a new project's: the render context is
// built from the detected (or answered) app target and port, and `renderLayers` is told to
// emit only the Docker files.

import { lstatSync } from 'node:fs';
import path from 'node:path';
import { buildContext, type InstallFrom, type RenderContext } from '../engine/context.js';
import { renderLayers } from '../engine/render.js';
import type { RenderedFile } from '../engine/rendered-file.js';
import { PINS, requirementLine, type Requirement } from '../engine/versions.js';
import { FRAMEWORK_FEATURES } from '../features/frameworks.js';
import { installerFor } from '../features/package-managers.js';
import { chosenServices } from '../features/services.js';
import { fileLine, normalizeName } from '../options/names.js';
import type { DockerfileVariant, Framework, OptionValues, ProjectOptions, PythonVersion } from '../options/values.js';
import { normalizeDist } from './detect.js';
import type { Detected } from './detected.js';

/** Everything that decides the Docker files of an existing app. */
export interface DockerAppOptions {
  /** Compose project name; defaults to the repository's directory name. */
  name: string;
  framework: Framework;
  /** `module:attr` or `module:factory()`. */
  app: string;
  port: number;
  python: PythonVersion;
  postgres: boolean;
  redis: boolean;
  dockerfile: DockerfileVariant;
  /** 'http' when the app has a /health route, else a TCP probe of the port. */
  healthcheck: 'http' | 'tcp';
  /** The file the Dockerfile installs the dependencies from (and compose.override.yaml watches). */
  installFrom: InstallFrom;
  /** installFrom and the files requirements.txt includes (-r, -c), all mounted for the install; installFrom alone when absent. */
  installFiles?: string[];
  /** Top-level directories and modules of the code, which compose.override.yaml mounts for auto-reload. */
  sourcePaths: string[];
  /**
   * A src layout's import root ('src'), relative to the repository: the image puts it on
   * PYTHONPATH and `app` is relative to it. Absent: modules are imported from the root.
   */
  importRoot?: string;
  /** A dependency is fetched with git: only a builder stage gets git, so the Dockerfile is multi-stage. */
  needsGit?: boolean;
  /** Folders of the code named `secrets`, kept in the image past .dockerignore's `**\/secrets/`. */
  codeInSecretsFolders?: string[];
}

/** The files `add docker` writes, and those of the framework's layer its image needs (Flask's gunicorn.conf.py). */
export const DOCKER_FILES = ['Dockerfile', '.dockerignore', 'compose.yaml', 'compose.override.yaml', '.env.example', 'scripts/check-docker'] as const;

export function dockerFilePaths(framework: Framework): string[] {
  return [...DOCKER_FILES, ...FRAMEWORK_FEATURES[framework].imageFiles];
}

export function existingAppContext(options: DockerAppOptions, generatorVersion: string): RenderContext {
  const project: ProjectOptions = {
    name: options.name,
    description: '',
    framework: options.framework,
    python: options.python,
    worker: 'none',
    beat: false,
    postgres: options.postgres,
    redis: options.redis,
    dockerfile: options.dockerfile,
    // Only a new project's own files follow it; the Docker files install with the tool of
    // the lock file detection found (installFrom).
    packageManager: options.installFrom === 'uv.lock' ? 'uv' : 'pip',
    // add docker writes the Docker files only: no migrate service (add kubernetes reads an
    // app's alembic.ini for its Job), no workflow, no lint settings; add kubernetes writes
    // deploy/kubernetes/.
    migrations: false,
    deploy: [],
    ci: 'none',
    dependabot: false,
    lint: false,
    devcontainer: false,
  };
  return buildContext(project, generatorVersion, {
    target: options.app,
    port: options.port,
    healthcheck: options.healthcheck,
    installFrom: options.installFrom,
    installFiles: options.installFiles,
    sourcePaths: options.sourcePaths,
    importRoot: options.importRoot,
    needsGit: options.needsGit,
    codeInSecretsFolders: options.codeInSecretsFolders,
  });
}

/** Renders the Docker files of an existing app from the project templates. */
export function renderDockerFiles(options: DockerAppOptions, generatorVersion: string): RenderedFile[] {
  const context = existingAppContext(options, generatorVersion);
  const wanted = new Set(dockerFilePaths(options.framework));
  const files = renderLayers(context, context.layers, (p) => wanted.has(p));
  const missing = [...wanted].filter((p) => !files.some((f) => f.path === p));
  if (missing.length > 0) throw new Error(`the templates do not produce ${missing.join(', ')}`);
  return files;
}

/** A Compose project name from a directory name (`My App` → `my-app`). */
export function projectNameFor(dir: string): string {
  return normalizeName(path.basename(path.resolve(dir)));
}

/**
 * What the user must fix by hand for the image to run: we never edit their requirements or
 * code, so a missing server package, driver or requirements.txt is reported instead.
 */
export function dockerWarnings(options: DockerAppOptions, detected: Detected): string[] {
  const warnings: string[] = [];
  const has = (name: string) => detected.dependencies.has(normalizeDist(name));
  if (options.installFrom === 'requirements.txt' && !detected.hasRequirementsTxt) {
    warnings.push(
      'there is no requirements.txt, which the Dockerfile installs from; export one from your project ' +
        '(e.g. `uv export --no-hashes -o requirements.txt` or `pip-compile -o requirements.txt pyproject.toml`)',
    );
  }
  const server = FRAMEWORK_FEATURES[options.framework].serverRequirement;
  if (!has(server.name)) warnings.push(`${server.name} is not in your dependencies but the image runs it; ${howToAdd(options.installFrom, server)}`);
  for (const service of chosenServices(options))
    if (!service.drivers.some(has)) warnings.push(`nothing in your dependencies talks to ${service.label}; ${howToAdd(options.installFrom, service.driver)}`);
  const git = detected.gitRequirements[0];
  if (git)
    warnings.push(
      `${git.where} (${fileLine(git.text)}) is fetched with git, which the slim image does not have: the Dockerfile is multi-stage, with git in the builder stage only${detected.gitRequirements.length > 1 ? ` (${detected.gitRequirements.length} such dependencies)` : ''}`,
    );
  if (options.healthcheck === 'tcp')
    warnings.push('no /health route found: the HEALTHCHECK only checks that the port accepts connections');
  // Only where nothing pins the install: a requirements.txt beside it may be the lock's export.
  if (options.installFrom === 'pyproject.toml')
    for (const unused of detected.unusedLocks)
      warnings.push(
        `${unused.lock} is not used: the image has no ${unused.tool} and installs pyproject.toml's [project].dependencies, unpinned; to build from the lock, write a requirements.txt from it (\`${unused.exportCommand}\`) and run add docker again`,
      );
  for (const folder of options.codeInSecretsFolders ?? [])
    warnings.push(`${folder}/ holds Python code, so .dockerignore keeps it in the image (\`!${folder}/\`, after the \`**/secrets/\` that leaves other secrets/ folders out): keep no secret in it`);
  for (const legacy of detected.legacyComposeFiles)
    warnings.push(`${legacy} exists: Compose now reads compose.yaml instead; merge what you still need from it and delete it`);
  return warnings;
}

/** `add `uvicorn[standard]==0.54.0` to requirements.txt`, or the lock's own tool: `uv add '...'`. */
export function howToAdd(installFrom: InstallFrom, requirement: Requirement): string {
  const line = requirementLine(requirement);
  const add = installerFor(installFrom).addCommand;
  if (add) return `add it with \`${add} '${line}'\`, which updates ${installFrom} too`;
  return `add \`${line}\` to ${installFrom === 'pyproject.toml' ? "pyproject.toml's [project] dependencies" : 'requirements.txt'}`;
}

/**
 * The Docker options of an existing app from its resolved answers (flags, detection, prompts and
 * defaults: see the option table) and what detection found about how it runs.
 */
export function dockerAppOptions(dir: string, answers: Omit<OptionValues, 'description'>, detected: Detected): DockerAppOptions {
  // In a src layout `src.shop.main:app` names shop.main through a `src` namespace package,
  // where `from shop import x` fails: the image serves it relative to the import root.
  const importRoot = detected.importRoot;
  const prefix = importRoot ? `${importRoot.replace(/\//g, '.')}.` : undefined;
  const app = prefix && answers.app.startsWith(prefix) ? answers.app.slice(prefix.length) : answers.app;
  // git must not be in the runtime image: git dependencies are installed in a builder stage.
  const needsGit = detected.gitRequirements.length > 0;
  return {
    name: projectNameFor(dir),
    framework: answers.framework,
    app,
    port: answers.port,
    python: answers.python,
    postgres: answers.postgres,
    redis: answers.redis,
    dockerfile: needsGit ? 'multi-stage' : answers.dockerfile,
    ...(needsGit ? { needsGit } : {}),
    healthcheck: detected.hasHealthRoute ? 'http' : 'tcp',
    installFrom: detected.installFrom,
    installFiles: detected.installFiles,
    sourcePaths: sourcePathsFor(dir, detected, app, importRoot),
    ...(importRoot ? { importRoot } : {}),
    ...(detected.codeInSecretsFolders.length > 0 ? { codeInSecretsFolders: detected.codeInSecretsFolders } : {}),
  };
}

/**
 * What compose.override.yaml mounts for auto-reload: the detected top-level source roots plus
 * the served module's own (in case the walk missed it; in a src layout, the import root that
 * holds it), only those with importable names (`blog`, `main.py`, `src`): the server can only
 * load code from those, and such a name is a plain YAML scalar and a valid Compose volume path.
 */
export function sourcePathsFor(dir: string, detected: Pick<Detected, 'sourceRoots'>, app: string, importRoot?: string): string[] {
  const paths = new Set(detected.sourceRoots);
  const top = app.split(':')[0]!.split('.')[0]!;
  if (isEntry(path.join(dir, top), 'directory')) paths.add(top);
  if (isEntry(path.join(dir, `${top}.py`), 'file')) paths.add(`${top}.py`);
  if (importRoot && (isEntry(path.join(dir, importRoot, top), 'directory') || isEntry(path.join(dir, importRoot, `${top}.py`), 'file')))
    paths.add(importRoot.split('/')[0]!);
  return [...paths].filter((p) => /^[A-Za-z_]\w*(\.py)?$/.test(p)).sort();
}

/** Not a symlink, like the files detection reads. */
function isEntry(file: string, kind: 'directory' | 'file'): boolean {
  try {
    const stat = lstatSync(file);
    return kind === 'directory' ? stat.isDirectory() : stat.isFile();
  } catch {
    return false;
  }
}
