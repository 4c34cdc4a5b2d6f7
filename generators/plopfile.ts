// The plop pack: `await plop.load('create-python-docker-app')` in a project's own plopfile adds
//   python-app  a new project in a sub-folder (the same files as the CLI);
//   docker      Docker files for an existing Flask/FastAPI app (the same as `add docker`);
//   service     Postgres or Redis added to a compose.yaml we generated.
// Every file comes from our one engine and our EJS templates through the `cpda:write` action
// type; nothing passes through Handlebars. Prompts are plain question objects built from the
// option table, none conditional (`when`), so each can be bypassed by name:
//   npx plop docker -- --dir . --framework fastapi --app app.main:app --port 8000 \
//     --python 3.13 --postgres yes --redis no --dockerfile standard
// Defaults of the docker prompts come from detection, so a person at a terminal mostly
// presses Enter. Loaded only by plop: the CLI never imports this file or plop itself.

import path from 'node:path';
import type { ActionConfig, NodePlopAPI, PromptQuestion } from 'node-plop';
import { addServiceFiles, SERVICES, ServiceError, type ServiceName } from '../src/compose-service.js';
import {
  DOCKER_DEFAULTS,
  dockerWarnings,
  renderDockerFiles,
  resolveDockerOptions,
  type DockerAppOptions,
} from '../src/docker-files.js';
import { packageVersion } from '../src/package-version.js';
import { CliError } from '../src/errors.js';
import { detectApp, portProblem, targetProblem, type Detected } from '../src/existing-app.js';
import { DEFAULT_TARGETS } from '../src/features/frameworks.js';
import { descriptionProblem, nameProblem } from '../src/names.js';
import { DEFAULT_NAME, FRAMEWORKS, OPTION_SPECS, specFor, type AnswerKey, type Framework, type ProjectOptions } from '../src/options.js';
import { renderProject, type RenderedFile } from '../src/render.js';
import { applyWrites, assertSafeTarget, existingEntries, planWrites, type PlannedWrite } from '../src/write.js';

type Answers = Record<string, unknown>;
type GeneratorKind = 'python-app' | 'docker' | 'service';

export const ACTION_TYPE = 'cpda:write';

export default function plopfile(plop: NodePlopAPI, config: { force?: boolean } = {}): void {
  // A consumer's plop.load gets the generators and the action type they use.
  plop.setDefaultInclude({ generators: true, actionTypes: true });
  // plop hands its --force to its own generators but not to loaded ones (it reaches a pack only
  // through plop.load's config), so the pack also reads it from plop's command line.
  const force = config.force === true || plopCliForce(process.argv);
  plop.setActionType(ACTION_TYPE, async (answers, action, api) =>
    writeAction(action.generator as GeneratorKind, answers, api.getDestBasePath(), action.force === true || force),
  );

  plop.setGenerator('python-app', {
    description: 'a new Flask or FastAPI project with Docker, in a sub-folder',
    prompts: [
      { type: 'input', name: 'name', message: 'Project name (the folder)', default: DEFAULT_NAME, validate: (v: string) => nameProblem(v) ?? true },
      ...OPTION_SPECS.map((spec) => question(spec.key)),
    ],
    actions: [writeStep('python-app')],
  });

  // Detection runs once per folder, when the first default that needs it is computed.
  const detections = new Map<string, Detected>();
  const detect = (answers: Answers): Detected => {
    const dir = path.resolve(plop.getDestBasePath(), String(answers.dir ?? '.'));
    let d = detections.get(dir);
    if (!d) detections.set(dir, (d = detectApp(dir)));
    return d;
  };
  plop.setGenerator('docker', {
    description: 'Dockerfile, .dockerignore, compose.yaml, compose.override.yaml, .env.example for an existing Flask/FastAPI app',
    prompts: [
      dirQuestion(),
      question('framework', (a) => detect(a).framework),
      {
        type: 'input',
        name: 'app',
        message: 'App to serve (module:attr or module:factory())',
        default: (a: Answers) => {
          const d = detect(a);
          return a.framework === d.framework && d.target ? d.target : (d.targetCandidates[0] ?? DEFAULT_TARGETS[a.framework as Framework]);
        },
        validate: (v: string) => targetProblem(String(v)) ?? true,
      },
      {
        type: 'input',
        name: 'port',
        message: 'Port the server listens on',
        default: (a: Answers) => String(detect(a).port ?? DOCKER_DEFAULTS.port),
        validate: (v: string) => portProblem(String(v)) ?? true,
      },
      question('python', (a) => detect(a).python),
      question('postgres', (a) => detect(a).postgres),
      question('redis', (a) => detect(a).redis),
      question('dockerfile'),
    ],
    actions: [writeStep('docker')],
  });

  plop.setGenerator('service', {
    description: 'add Postgres or Redis to a compose.yaml made by create-python-docker-app',
    prompts: [dirQuestion(), { type: 'list', name: 'service', message: 'Service to add', choices: [...SERVICES] }],
    actions: [writeStep('service')],
  });
}

/** One prompt from the option table; `detected` supplies a default from the repository. */
function question(key: AnswerKey, detected?: (answers: Answers) => unknown): PromptQuestion {
  const spec = specFor(key);
  const fallback = spec.default;
  const def = detected ? (answers: Answers) => detected(answers) ?? fallback : fallback;
  if (spec.kind === 'choice') return { type: 'list', name: spec.flag, message: spec.message, choices: [...spec.choices], default: def };
  if (spec.kind === 'boolean') return { type: 'confirm', name: spec.flag, message: spec.message, default: def };
  return { type: 'input', name: spec.flag, message: spec.message, default: def, validate: (v: string) => descriptionProblem(v) ?? true };
}

/** The one action of each generator; `force` comes from plop.load's config or the action. */
function writeStep(generator: GeneratorKind): ActionConfig {
  const step = { type: ACTION_TYPE, generator };
  return step;
}

function dirQuestion(): PromptQuestion {
  return { type: 'input', name: 'dir', message: 'Folder of the app (relative to here)', default: '.' };
}

/** `plop --force ...` / `plop -f ...`: the flag before any `--` of a plop process. */
export function plopCliForce(argv: readonly string[]): boolean {
  if (!/(^|[\\/])plop(\.js)?$/.test(argv[1] ?? '')) return false;
  const end = argv.indexOf('--');
  return argv.slice(2, end < 0 ? undefined : end).some((a) => a === '--force' || a === '-f');
}

/** The `cpda:write` action: render with the engine, plan, refuse conflicts unless forced, write. */
export async function writeAction(kind: GeneratorKind, answers: Answers, base: string, force: boolean): Promise<string> {
  try {
    const version = packageVersion();
    if (kind === 'python-app') {
      const options = projectOptions(answers);
      const target = path.resolve(base, options.name);
      assertSafeTarget(target);
      const existing = existingEntries(target);
      if (existing.length > 0 && !force) throw new Error(`${options.name} is not empty (${existing.slice(0, 5).join(', ')}); use --force to write into it`);
      return await write(renderProject(options, version), target, true, []);
    }
    const dir = insideBase(base, String(answers.dir ?? '.'));
    assertSafeTarget(dir);
    if (kind === 'docker') {
      const detected = detectApp(dir);
      const { options } = resolveDockerOptions(dir, dockerAnswers(answers), detected);
      if (!options) throw new Error('the framework and the app are required');
      return await write(renderDockerFiles(options, version), dir, force, dockerWarnings(options, detected));
    }
    const service = String(answers.service) as ServiceName;
    if (!SERVICES.includes(service)) throw new Error(`service must be one of ${SERVICES.join(', ')}`);
    const plan = addServiceFiles(dir, service, version, { force });
    // The service generator edits our own files on purpose: overwrite is its job.
    return await write(plan.files, dir, true, plan.warnings);
  } catch (error) {
    // plop prints the message of a rejected action; keep the listed files in it.
    if (error instanceof CliError) {
      const message = error.code === 'conflict' ? error.message.replace(/pass --force/, 'run `plop --force ...`') : error.message;
      throw new Error([message, ...error.details].join('\n  '));
    }
    if (error instanceof ServiceError) throw new Error(error.message);
    throw error;
  }
}

async function write(files: RenderedFile[], dir: string, overwrite: boolean, warnings: string[]): Promise<string> {
  const plan = planWrites(files, dir, { overwrite });
  await applyWrites(files, plan, dir);
  return summary(plan, dir, warnings);
}

function summary(plan: PlannedWrite[], dir: string, warnings: string[]): string {
  const by = (action: PlannedWrite['action']) => plan.filter((p) => p.action === action).map((p) => p.path);
  const parts = (['create', 'overwrite', 'unchanged'] as const)
    .map((a) => [a, by(a)] as const)
    .filter(([, list]) => list.length > 0)
    .map(([a, list]) => `${a}: ${list.join(', ')}`);
  return [`${dir} (${parts.join('; ')})`, ...warnings.map((w) => `warning: ${w}`)].join('\n  ');
}

function projectOptions(answers: Answers): ProjectOptions {
  const options: Record<string, unknown> = { name: String(answers.name ?? DEFAULT_NAME) };
  for (const spec of OPTION_SPECS) options[spec.key] = answers[spec.flag] ?? spec.default;
  const problem = nameProblem(options.name as string);
  if (problem) throw new Error(problem);
  if (!FRAMEWORKS.includes(options.framework as Framework)) throw new Error(`framework must be one of ${FRAMEWORKS.join(', ')}`);
  return options as unknown as ProjectOptions;
}

function dockerAnswers(answers: Answers): Partial<DockerAppOptions> {
  const given: Partial<DockerAppOptions> = {};
  if (answers.framework !== undefined) given.framework = answers.framework as Framework;
  if (answers.app !== undefined) {
    const problem = targetProblem(String(answers.app));
    if (problem) throw new Error(problem);
    given.app = String(answers.app);
  }
  if (answers.port !== undefined) {
    const problem = portProblem(String(answers.port));
    if (problem) throw new Error(problem);
    given.port = Number(answers.port);
  }
  if (answers.python !== undefined) given.python = answers.python as DockerAppOptions['python'];
  if (answers.postgres !== undefined) given.postgres = answers.postgres === true;
  if (answers.redis !== undefined) given.redis = answers.redis === true;
  if (answers.dockerfile !== undefined) given.dockerfile = answers.dockerfile as DockerAppOptions['dockerfile'];
  return given;
}

/** The app folder, which must be the destination or inside it: we never write elsewhere. */
function insideBase(base: string, dir: string): string {
  const root = path.resolve(base);
  const resolved = path.resolve(root, dir);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) throw new Error(`dir ${JSON.stringify(dir)} is outside ${root}`);
  return resolved;
}

