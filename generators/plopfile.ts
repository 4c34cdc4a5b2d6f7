// The plop pack: `await plop.load('create-python-docker-app')` in a project's own plopfile adds
//   python-app  a new project in a sub-folder (the CLI's `create`);
//   docker      Docker files for an existing Flask/FastAPI app (the CLI's `add docker`);
//   kubernetes  deploy/kubernetes/ for the image the repo's Dockerfile builds (`add kubernetes`);
//   service     Postgres or Redis added to a compose.yaml we generated.
// Each generator is one of the driver's commands: its questions come from the option table (no
// `when`, so each can be bypassed by name:
//   npx plop docker -- --dir . --framework fastapi --app app.main:app --port 8000 \
//     --python 3.13 --postgres yes --redis no --dockerfile standard),
// and its one action, `cpda:write`, hands the answers to the driver, which renders through our
// engine and EJS templates (nothing passes through Handlebars), plans and writes.
// Defaults of the docker and kubernetes questions come from detection, so a person at a
// terminal mostly presses Enter. Loaded only by plop: the CLI never imports this file or plop itself.

import path from 'node:path';
import type { ActionConfig, NodePlopAPI, PromptQuestion } from 'node-plop';
import { addDocker } from '../src/commands/add-docker.js';
import { addKubernetes, detectForKubernetes } from '../src/commands/add-kubernetes.js';
import { addService } from '../src/commands/add-service.js';
import { create } from '../src/commands/create.js';
import { noArgs, parseValue } from '../src/driver/args.js';
import type { Command } from '../src/driver/command.js';
import { execute } from '../src/driver/run.js';
import { releaseLateSignals, type PlannedWrite } from '../src/engine/write.js';
import { packageVersion } from '../src/engine/package-version.js';
import { CliError } from '../src/errors.js';
import { detectApp } from '../src/existing/detect.js';
import type { Detected } from '../src/existing/detected.js';
import { DEFAULT_NAME, listText, optionsOf, useOf, valueProblem, type Answers, type OptionSpec } from '../src/options/table.js';

type PlopAnswers = Record<string, unknown>;

/** Each generator and the driver command behind it. */
const GENERATORS = {
  'python-app': { command: create, description: 'a new Flask or FastAPI project with Docker, in a sub-folder' },
  docker: {
    command: addDocker,
    description: 'Dockerfile, .dockerignore, compose.yaml, compose.override.yaml, .env.example for an existing Flask/FastAPI app',
    detect: detectApp,
  },
  kubernetes: {
    command: addKubernetes,
    description: "deploy/kubernetes/ (kustomize base, dev and prod overlays) for the image this repo's Dockerfile builds",
    detect: detectForKubernetes,
  },
  service: { command: addService, description: 'add Postgres or Redis to a compose.yaml made by create-python-docker-app' },
} as const satisfies Record<string, { command: Command; description: string; detect?: (dir: string) => Detected }>;
type GeneratorName = keyof typeof GENERATORS;

export const ACTION_TYPE = 'cpda:write';

export default function plopfile(plop: NodePlopAPI, config: { force?: boolean } = {}): void {
  // A consumer's plop.load gets the generators and the action type they use.
  plop.setDefaultInclude({ generators: true, actionTypes: true });
  // plop hands its --force to its own generators but not to loaded ones (it reaches a pack only
  // through plop.load's config), so the pack also reads it from plop's command line.
  const force = config.force === true || plopCliForce(process.argv);
  plop.setActionType(ACTION_TYPE, async (answers, action, api) =>
    writeAction(action.generator as GeneratorName, answers, api.getDestBasePath(), action.force === true || force),
  );

  // Detection runs once per generator and folder, when the first default that needs it is computed.
  const detections = new Map<string, Detected>();
  const detectorFor = (generator: string, detectIn: (dir: string) => Detected) => (answers: PlopAnswers): Detected => {
    const dir = path.resolve(plop.getDestBasePath(), String(answers.dir ?? '.'));
    const key = `${generator}\0${dir}`;
    let d = detections.get(key);
    if (!d) detections.set(key, (d = detectIn(dir)));
    return d;
  };

  for (const [name, generator] of Object.entries(GENERATORS)) {
    const { command, description } = generator;
    const detect = 'detect' in generator ? detectorFor(name, generator.detect) : undefined;
    plop.setGenerator(name, {
      description,
      prompts: optionsOf(command.name).map((spec) => question(command, spec, detect)),
      actions: [{ type: ACTION_TYPE, generator: name } as ActionConfig],
    });
  }
}

/**
 * One question from the option table, named by its flag. Its default is what the CLI would
 * use: detection (for docker), then the suggestion, then the documented default.
 */
function question(command: Command, spec: OptionSpec, detect?: (answers: PlopAnswers) => Detected): PromptQuestion {
  const use = useOf(spec, command.name);
  const offered = (answers: PlopAnswers) => {
    const detected = detect?.(answers);
    const known = toAnswers(command, answers);
    // An option the earlier answers rule out (migrations without PostgreSQL) offers its only value.
    if (use.onlyWhen && !use.onlyWhen.holds(known)) return use.onlyWhen.otherwise;
    return (detected && use.detect?.(detected, known)) ?? use.suggest?.(detected, known) ?? use.default;
  };
  const base = { name: spec.flag, message: spec.message };
  if (spec.kind === 'choice') return { ...base, type: 'list', choices: [...spec.choices], default: offered };
  if (spec.kind === 'boolean') return { ...base, type: 'confirm', default: offered };
  if (spec.kind === 'list')
    return {
      ...base,
      type: 'input',
      default: (answers: PlopAnswers) => listText(spec, (offered(answers) as string[] | undefined) ?? []),
      validate: (value: string) => valueProblem(spec, value) ?? true,
    };
  return {
    ...base,
    type: 'input',
    default: (answers: PlopAnswers) => {
      const value = offered(answers);
      return value === undefined ? undefined : String(value);
    },
    validate: (value: string) => spec.problem(String(value)) ?? true,
  };
}

/** `plop --force ...` / `plop -f ...`: the flag before any `--` of a plop process. */
export function plopCliForce(argv: readonly string[]): boolean {
  if (!/(^|[\\/])plop(\.js)?$/.test(argv[1] ?? '')) return false;
  const end = argv.indexOf('--');
  return argv.slice(2, end < 0 ? undefined : end).some((a) => a === '--force' || a === '-f');
}

/** The `cpda:write` action: the driver renders, plans, refuses conflicts unless forced, writes. */
export async function writeAction(generator: GeneratorName, answers: PlopAnswers, base: string, force: boolean): Promise<string> {
  const { command } = GENERATORS[generator];
  try {
    const typed = toAnswers(command, answers);
    const args = noArgs({
      answers: typed,
      positionals: command === create ? [String(answers.name ?? DEFAULT_NAME)] : [],
      // plop has asked its questions: what it did not ask takes the documented default.
      yes: true,
      overwrite: force,
      force,
    });
    const result = await execute(command, args, { cwd: base, within: base, version: packageVersion(), forceHint: 'run `plop --force ...`' });
    return summary(result.files, result.projectDir, result.warnings);
  } catch (error) {
    // plop prints the message of a rejected action; keep the listed files in it.
    if (error instanceof CliError) throw new Error([error.message, ...error.details].join('\n  '));
    throw error;
  } finally {
    releaseLateSignals();
  }
}

/** Plop's answers as the driver's: validated like flags, by the option table's rules. */
function toAnswers(command: Command, answers: PlopAnswers): Answers {
  const out: Record<string, unknown> = {};
  for (const spec of optionsOf(command.name)) {
    const value = answers[spec.flag];
    if (value === undefined) continue;
    const text = spec.kind === 'text' ? String(value) : value;
    const problem = valueProblem(spec, text);
    if (problem) throw new Error(`${spec.flag}: ${problem}`);
    out[spec.key] = parseValue(spec, text as string | boolean);
  }
  return out as Answers;
}

function summary(plan: PlannedWrite[], dir: string, warnings: string[]): string {
  const by = (action: PlannedWrite['action']) => plan.filter((p) => p.action === action).map((p) => p.path);
  const parts = (['create', 'overwrite', 'unchanged'] as const)
    .map((a) => [a, by(a)] as const)
    .filter(([, list]) => list.length > 0)
    .map(([a, list]) => `${a}: ${list.join(', ')}`);
  return [`${dir} (${parts.join('; ')})`, ...warnings.map((w) => `warning: ${w}`)].join('\n  ');
}
