// `create-python-docker-app add kubernetes [--dir PATH] [flags]`: deploy/kubernetes/ (a
// kustomize base with dev and prod overlays) for a repository whose Dockerfile builds the app's
// image: one we generated, or any other. The manifests must agree with the image, so what they
// need is read from it (src/existing/deployment.ts): the port, the UID, the health path, the
// server, the services and whether there are migrations; what cannot be read is asked, or,
// without a terminal, named as a flag to pass.

import { lstatSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from '../driver/command.js';
import { controlRows, optionRows } from '../driver/help.js';
import { cdStep, displayDir } from '../driver/report.js';
import { flagName } from '../driver/resolve.js';
import { GENERATOR_NAME, QUOTERS, type Quoters } from '../engine/context.js';
import { recoverInterruptedWrites } from '../engine/interrupted-write.js';
import { renderLayers } from '../engine/render.js';
import { assertSafeTarget } from '../engine/write.js';
import { CliError } from '../errors.js';
import { detectApp } from '../existing/detect.js';
import type { Detected, DeploymentDetected } from '../existing/detected.js';
import { detectDeployment } from '../existing/deployment.js';
import { ALEMBIC_MIGRATIONS, KUBERNETES_DIR, SECRET_FILE_NAME, SINGLE_REPLICA_WHY, kubernetesFacts, kubernetesLayers, type KubernetesFacts } from '../features/kubernetes/index.js';
import type { DeployInput } from '../features/types.js';
import { SERVICE_KEYS } from '../features/services.js';
import { recordAdded, withDeployTarget } from '../update/record-added.js';
import { beatData, type BeatData } from '../features/celery-beat/index.js';
import { kubernetesBeat } from '../features/kubernetes-beat/index.js';
import { kubernetesWorker } from '../features/kubernetes-worker/index.js';
import { redis } from '../features/redis/index.js';
import { workerData, type WorkerData } from '../features/worker-celery/index.js';
import { specFor, type OptionKey, type OptionValues } from '../options/table.js';

/** What the kubernetes layers' templates see (a new project's RenderContext has the same names). */
export interface KubernetesContext {
  generator: { name: string; version: string };
  kubernetes: KubernetesFacts;
  q: Quoters;
  /** A project we generated with the Celery worker (and beat): what their Deployments run. */
  worker?: WorkerData;
  beat?: BeatData;
}

/** Everything `add kubernetes` reads in a repository: add docker's detection plus the image's facts. */
export function detectForKubernetes(dir: string): Detected {
  return { ...detectApp(dir), deployment: detectDeployment(dir) };
}

export const addKubernetes: Command = {
  name: 'add kubernetes',
  controls: ['force', 'dry-run', 'json', 'yes', 'interactive', 'help'],
  // Where its flags mean something more specific than the shared wording (add deploy's too).
  controlHelp: {
    'dry-run': 'print the plan (create/overwrite/unchanged/conflict), write nothing',
    yes: 'never prompt: detected values, then the defaults',
  },
  maxPositionals: 0,
  help: addKubernetesHelp,
  helpHint: 'see add kubernetes --help',
  // What could not be detected has no default to fall back on (a guessed port or UID would
  // deploy pods that never become ready), so --yes does not guess it either.
  defaultsNeedYes: false,
  forceHint: 'pass --force',

  async locate(args, { cwd }) {
    const given = args.answers.dir ?? '.';
    const dir = path.resolve(cwd, given);
    assertSafeTarget(dir);
    if (!isDirectory(dir)) throw new CliError('detect-failed', `${given} does not exist; run add kubernetes inside your repository or pass --dir`);
    // Before detection reads it: what a killed run left half-moved there is put back.
    const recovered = recoverInterruptedWrites(dir, displayDir(dir, cwd), { dryRun: args.dryRun });
    const detected = detectForKubernetes(dir);
    if (!detected.deployment!.hasDockerfile) {
      // A Dockerfile that is a symbolic link (or a folder, a FIFO) is never read: say so, rather than "no Dockerfile".
      const there = lstatSync(path.join(dir, 'Dockerfile'), { throwIfNoEntry: false });
      throw new CliError(
        'detect-failed',
        there
          ? `the Dockerfile in ${displayDir(dir, cwd)} is ${there.isSymbolicLink() ? 'a symbolic link' : there.isDirectory() ? 'a directory' : 'not a regular file'}, which add kubernetes does not read; make it a regular file, then run it again`
          : `${displayDir(dir, cwd)} has no Dockerfile: the manifests run the image it builds; add one first (\`create-python-docker-app add docker\`)`,
      );
    }
    return { dir, detected, missing: [], recovered };
  },

  missingError(missing, site) {
    const expose = site?.detected?.deployment?.unreadableExpose;
    const why: Partial<Record<OptionKey, string>> = {
      port: expose === undefined ? 'the Dockerfile has no EXPOSE' : `the Dockerfile's EXPOSE ${expose} names no port number`,
      uid: 'the Dockerfile has no non-root USER with a known UID',
      healthPath: 'no HEALTHCHECK URL or /health route found',
    };
    const parts = missing.map((key) => `${flagName(specFor(key as OptionKey))}${why[key as OptionKey] ? ` (${why[key as OptionKey]})` : ''}`);
    return new CliError('missing-answers', `could not detect everything and there is no terminal to ask on; pass ${parts.join(' and ')}`);
  },

  render(answers, site, { version }) {
    const a = answers as OptionValues;
    const deployment = site.detected!.deployment!;
    const input = deployInputOf(a, deployment);
    const facts = kubernetesFacts({
      ...input,
      // A project whose compose.yaml mounts the password as a file: its app reads it there.
      ...(deployment.secretsAsFiles ? { secretsAsFiles: true } : {}),
    });
    // The worker and beat of a project we generated (its answers file says so): their
    // Deployments, where each feature meets Kubernetes, as create --deploy kubernetes has them.
    const worker = input.worker;
    const context: KubernetesContext = {
      generator: { name: GENERATOR_NAME, version },
      kubernetes: facts,
      q: QUOTERS,
      ...(worker ? { worker: workerData() } : {}),
      ...(worker?.beat ? { beat: beatData(workerData(), redis.compose.service) } : {}),
    };
    const layers = [...kubernetesLayers(facts), ...(worker ? [kubernetesWorker.layer] : []), ...(worker?.beat ? [kubernetesBeat.layer] : [])];
    const warnings = [...deployment.warnings, ...overriddenImageFacts(a, deployment)];
    if (deployment.server === 'unknown')
      warnings.push("could not tell which server the Dockerfile's CMD starts: /tmp and /dev/shm are both writable emptyDirs; remove what it does not need");
    if (!leavesOutSecretFiles(site.dir))
      warnings.push(
        `.dockerignore does not leave out ${KUBERNETES_DIR}/ (or **/${SECRET_FILE_NAME}): \`COPY . .\` would put each overlay's filled-in ${SECRET_FILE_NAME} into the image; add a line \`**/${SECRET_FILE_NAME}\``,
      );
    if (facts.singleReplica)
      warnings.push(`no PostgreSQL: one pod and no autoscaler (${SINGLE_REPLICA_WHY}); an app that keeps no data in its process can add base/hpa.yaml back (deploy/kubernetes/README.md)`);
    warnings.push(...migrationWarnings(a, deployment, 'the Job', 'base/migration-job.yaml'));
    const files = renderLayers(context, layers);
    // In a project we generated, its record says it has Kubernetes now (recordAdded).
    const recorded = recordAdded(site.dir, version, withDeployTarget('kubernetes'), files);
    warnings.push(...recorded.warnings);
    return {
      files: [...files, ...recorded.files],
      options: {
        dir: site.dir,
        name: facts.name,
        image: facts.image,
        port: facts.port,
        uid: facts.uid,
        healthPath: facts.healthPath,
        server: facts.server,
        postgres: a.postgres,
        redis: a.redis,
        migrations: a.migrations,
        detected: [...site.detected!.notes, ...deployment.notes],
      },
      warnings,
      notes: deployment.notes,
      nextSteps: (cwd) => kubernetesNextSteps({ dir: site.dir, cwd }, facts),
    };
  },

  overwrites: (args) => args.force,
};

/** The documented deploy flow of the prod overlay (deployFlow: the same as deploy/kubernetes/README.md). */
export function kubernetesNextSteps(where: { dir: string; cwd: string }, facts: Pick<KubernetesFacts, 'deploy'>): string[] {
  const steps: string[] = [...cdStep(where)];
  const flow = facts.deploy.prod;
  steps.push(...[...flow.once, ...flow.release].map((s) => s.line));
  return steps;
}

function addKubernetesHelp(): string {
  return `Usage: create-python-docker-app add kubernetes [--dir <path>] [flags]

Adds ${KUBERNETES_DIR}/ to a repository whose Dockerfile builds the app: a
kustomize base (Deployment, Service, PodDisruptionBudget,
HorizontalPodAutoscaler, ConfigMap, a migration Job when there is an
alembic.ini) and dev and prod overlays (dev: PostgreSQL/Redis StatefulSets;
prod: an Ingress example). The port, the UID, the health path and the server
come from the Dockerfile (EXPOSE, USER, HEALTHCHECK, CMD), the image name and
the services from compose.yaml, and, in a project create-python-docker-app
made, from its answers file. Flags override what was detected; only what could
not be detected is asked.

${optionRows('add kubernetes').join('\n')}
${controlRows(addKubernetes).join('\n')}

Existing files that differ are never overwritten without --force: they are
listed as conflicts and nothing is written. Without a terminal, a port, UID or
health path that could not be detected must be given (exit 2 names the flag).
Exit codes: 0 done, 1 refused (conflict, no Dockerfile, unsafe target; nothing
was changed), 2 usage error, 130 cancelled, 143 terminated before the files
were complete (nothing was left behind).
`;
}

/**
 * Whether the repository's .dockerignore has a line that leaves the overlays' secret files out
 * of the build context in one of the plain forms (deploy/, deploy/kubernetes/, **\/secret.env);
 * anything else gets the warning, which names the line to add.
 */
function leavesOutSecretFiles(dir: string): boolean {
  let text: string;
  try {
    text = readFileSync(path.join(dir, '.dockerignore'), 'utf8');
  } catch {
    return false;
  }
  const plain = new Set(['deploy', KUBERNETES_DIR, `**/${SECRET_FILE_NAME}`, `${KUBERNETES_DIR}/overlays/*/${SECRET_FILE_NAME}`]);
  return text.split('\n').some((line) => plain.has(line.trim().replace(/^\/+|\/+$/g, '')));
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/**
 * --migrations where the repository shows none (no alembic.ini): the files run `alembic upgrade
 * head`, which is said with where to change it; and without PostgreSQL, nothing of ours gives
 * them a database to migrate.
 */
export function migrationWarnings(a: OptionValues, deployment: DeploymentDetected, what: string, where: string): string[] {
  if (!a.migrations) return [];
  return [
    ...(deployment.migrations ? [] : [`--migrations without an alembic.ini: ${what} runs \`alembic upgrade head\`; change its command in ${where} if yours differs`]),
    ...(a.postgres ? [] : [`--migrations without PostgreSQL: ${what} migrates the database the app's own settings name, which these files do not provide`]),
  ];
}

/**
 * A flag that gives the manifests another port, UID or health path than the image's own
 * (EXPOSE, USER, HEALTHCHECK): the files follow the flag, so the pods would probe a port the
 * server does not listen on, or run as another user than the image was made for. Said, not refused.
 */
export function overriddenImageFacts(a: OptionValues, deployment: DeploymentDetected): string[] {
  const facts = [
    ['port', '--port', 'EXPOSE', a.port, deployment.port, 'the probes and the Service use it: the server in the image must listen there'],
    ['uid', '--uid', 'USER', a.uid, deployment.uid, 'the pods run as it: the files the image gives its user may not be readable or writable by it'],
    ['healthPath', '--health-path', 'HEALTHCHECK', a.healthPath, deployment.healthPath, 'the probes ask it: the app must answer there'],
  ] as const;
  return facts
    .filter(([, , , given, found]) => found !== undefined && given !== undefined && given !== found)
    .map(([, flag, instruction, given, found, why]) => `${flag} ${given} is not the Dockerfile's ${instruction} (${found}); ${why}`);
}

/**
 * What any deployment target's files are built from, for an existing repository: the answers
 * (flags, detection) and what detection found in its Dockerfile and compose.yaml. `add
 * kubernetes` and `add deploy <target>` both start from it.
 */
export function deployInputOf(a: OptionValues, deployment: DeploymentDetected): DeployInput {
  return {
    name: deployment.name,
    image: a.image,
    port: a.port,
    uid: a.uid,
    healthPath: a.healthPath,
    readyPath: deployment.readyPath ?? a.healthPath,
    server: deployment.server,
    services: SERVICE_KEYS.filter((key) => a[key]),
    ...(a.migrations ? { migrations: ALEMBIC_MIGRATIONS } : {}),
    ...(deployment.command ? { command: deployment.command } : {}),
    ...(deployment.worker ? { worker: deployment.worker } : {}),
  };
}
