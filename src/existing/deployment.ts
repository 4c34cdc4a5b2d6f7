// Detection for `add kubernetes`: how the image of an existing repository runs, read from what
// the repository already says about it. Reads only. Every value is a suggestion the option
// table offers (a flag or an answer overrides it):
//  - our answers file (.create-python-docker-app.json): the project name, its services, and
//    for a project we generated, its port, UID and health route, and its Celery worker;
//  - the Dockerfile's last stage (parsed with dockerfile-ast): EXPOSE, the final USER (a name
//    is resolved through the useradd/adduser line that created it), the HEALTHCHECK's URL,
//    and which server the CMD/ENTRYPOINT starts;
//  - compose.yaml (parsed with yaml): the app's image name and the postgres/redis services;
//  - alembic.ini at the root: the app has migrations.

import { lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser, JSONInstruction, type Instruction } from 'dockerfile-ast';
import { parse as parseYaml } from 'yaml';
import { READY_PATH } from '../engine/context.js';
import { APP_PORT, APP_UID } from '../features/app-server.js';
import type { ServerKind } from '../features/kubernetes/index.js';
import type { DeploymentDetected } from './detected.js';
import { ANSWERS_FILE } from '../options/answers-file.js';
import { readAnswers } from './recorded-answers.js';
import { imageNameProblem, normalizeName } from '../options/names.js';


export function detectDeployment(dir: string): DeploymentDetected {
  const root = path.resolve(dir);
  const notes: string[] = [];
  const warnings: string[] = [];
  const answers = readAnswers(root);
  const name = answers?.name ?? normalizeName(path.basename(root));
  if (answers) notes.push(`project ${name}: from ${ANSWERS_FILE}`);

  const dockerfileText = readIfFile(path.join(root, 'Dockerfile'));
  const image = dockerfileText === undefined ? undefined : readDockerfile(dockerfileText, notes, warnings);
  const compose = readCompose(root, notes, warnings);

  let port = image?.port;
  let uid = image?.uid;
  let healthPath = image?.healthPath;
  let server = image?.server ?? 'unknown';
  // A project we generated: its Dockerfile may have been edited, but what it lacks comes from
  // what we generated it with.
  if (answers) {
    port ??= APP_PORT;
    uid ??= image?.runsAsRoot ? undefined : APP_UID;
    healthPath ??= '/health';
    if (server === 'unknown' && answers.framework) server = answers.framework === 'flask' ? 'gunicorn' : 'uvicorn';
  }
  const hasAlembic = readIfFile(path.join(root, 'alembic.ini')) !== undefined;
  if (hasAlembic) notes.push('migrations: alembic.ini (`alembic upgrade head` runs before each release)');
  return {
    name,
    image: compose.image ?? name,
    ...(port !== undefined ? { port } : {}),
    ...(port === undefined && image?.unreadableExpose !== undefined ? { unreadableExpose: image.unreadableExpose } : {}),
    ...(uid !== undefined ? { uid } : {}),
    ...(healthPath !== undefined ? { healthPath } : {}),
    ...(answers ? { readyPath: READY_PATH } : {}),
    server,
    ...(image?.command ? { command: image.command } : {}),
    ...(hasAlembic || answers?.migrations ? { migrations: true } : {}),
    // A service compose.yaml runs is there, whatever the answers say (the plop service
    // generator adds one to compose.yaml alone).
    ...(answers?.postgres !== undefined || compose.postgres ? { postgres: (answers?.postgres ?? false) || compose.postgres === true } : {}),
    ...(answers?.redis !== undefined || compose.redis ? { redis: (answers?.redis ?? false) || compose.redis === true } : {}),
    ...(compose.secretsAsFiles ? { secretsAsFiles: true } : {}),
    ...(answers?.worker === 'celery' ? { worker: { beat: answers.beat === true } } : {}),
    hasDockerfile: dockerfileText !== undefined,
    notes,
    warnings,
  };
}

// --- the Dockerfile ---------------------------------------------------------------------

interface ImageFacts {
  port?: number;
  /** An EXPOSE whose port is not a number (`${PORT}/tcp`, a range): what it says. */
  unreadableExpose?: string;
  uid?: number;
  runsAsRoot: boolean;
  healthPath?: string;
  /** A project we generated answers GET /ready (database and Redis checked); another app: its health path. */
  readyPath?: string;
  server: ServerKind;
  command?: string[];
}

function readDockerfile(text: string, notes: string[], warnings: string[]): ImageFacts {
  const instructions = DockerfileParser.parse(text).getInstructions();
  // The image is its last stage: what an earlier stage sets does not carry over.
  const lastFrom = instructions.map((i) => i.getKeyword()).lastIndexOf('FROM');
  const stage = instructions.slice(lastFrom + 1);
  const args = (i: Instruction) => i.getArguments().map((a) => a.getValue());
  const last = (keyword: string) => stage.filter((i) => i.getKeyword() === keyword).at(-1);

  const facts: ImageFacts = { runsAsRoot: false, server: 'unknown' };
  const run = [last('ENTRYPOINT'), last('CMD')].filter((i): i is Instruction => i !== undefined).map((i) => args(i).join(' ')).join(' ');
  facts.server = /\bgunicorn\b/.test(run) ? 'gunicorn' : /\b(uvicorn|fastapi)\b/.test(run) ? 'uvicorn' : 'unknown';
  if (facts.server !== 'unknown') notes.push(`server ${facts.server}: the Dockerfile's CMD`);
  // The exec-form CMD as the runtime gets it (a JSON array), only without an ENTRYPOINT: a
  // platform's `command` replaces the ENTRYPOINT, so it can stand for the CMD alone.
  const cmd = last('CMD');
  if (cmd && !last('ENTRYPOINT') && cmd instanceof JSONInstruction && cmd.getJSONStrings().length > 0) facts.command = cmd.getJSONStrings().map((a) => a.getJSONValue());

  const expose = stage.find((i) => i.getKeyword() === 'EXPOSE');
  const exposed = expose ? Number(/^(\d{1,5})(\/tcp)?$/.exec(args(expose)[0] ?? '')?.[1]) : NaN;
  if (exposed >= 1 && exposed <= 65535) {
    facts.port = exposed;
    notes.push(`port ${exposed}: the Dockerfile's EXPOSE`);
  } else if (expose) facts.unreadableExpose = args(expose).join(' ');

  const user = last('USER');
  const spec = user ? (args(user)[0] ?? '') : 'root';
  const userPart = spec.split(':')[0]!;
  if (userPart === 'root' || userPart === '0') {
    facts.runsAsRoot = true;
    warnings.push("the Dockerfile runs the server as root (no non-root USER): pass --uid for runAsUser, and add a USER with that UID to the Dockerfile");
  } else if (/^\d+$/.test(userPart)) {
    facts.uid = Number(userPart);
    notes.push(`UID ${facts.uid}: the Dockerfile's USER`);
  } else {
    // A user name: the UID its useradd/adduser line gave it, in any stage of the file.
    const uid = createdUid(userPart, instructions, args);
    if (uid !== undefined) {
      facts.uid = uid;
      notes.push(`UID ${uid}: the Dockerfile creates USER ${userPart} with it`);
    }
  }

  const health = last('HEALTHCHECK');
  const url = health ? /https?:\/\/[^/\s'"]+(\/[^\s'",)]*)/.exec(args(health).join(' ')) : null;
  if (url) {
    facts.healthPath = url[1];
    notes.push(`health path ${url[1]}: the Dockerfile's HEALTHCHECK`);
  }
  return facts;
}

/** `useradd --uid 1000 app`, `adduser -u 1000 app`, `--uid "${UID}"` with `ARG UID=10001`. */
function createdUid(user: string, instructions: Instruction[], args: (i: Instruction) => string[]): number | undefined {
  const argDefaults = new Map<string, string>();
  for (const i of instructions)
    if (i.getKeyword() === 'ARG') for (const a of args(i)) if (a.includes('=')) argDefaults.set(a.split('=')[0]!, a.split('=').slice(1).join('='));
  for (const i of instructions) {
    if (i.getKeyword() !== 'RUN') continue;
    for (const command of args(i).join(' ').split(/&&|;|\|\|/)) {
      const words = command.trim().split(/\s+/);
      if (!/^(useradd|adduser)$/.test(words[0] ?? '') || words.at(-1) !== user) continue;
      const flag = /(?:--uid|-u)[ =]"?(?:\$\{?(\w+)\}?|(\d+))"?/.exec(command);
      const value = flag?.[2] ?? (flag?.[1] ? argDefaults.get(flag[1])?.replace(/^"|"$/g, '') : undefined);
      if (value && /^\d+$/.test(value) && value !== '0') return Number(value);
    }
  }
  return undefined;
}

// --- compose.yaml -----------------------------------------------------------------------

function readCompose(root: string, notes: string[], warnings: string[]): { image?: string; postgres?: boolean; redis?: boolean; secretsAsFiles?: boolean } {
  const file = readIfFile(path.join(root, 'compose.yaml')) !== undefined ? 'compose.yaml' : 'compose.yml';
  const text = readIfFile(path.join(root, file));
  if (text === undefined) return {};
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    // Said, not refused: the manifests need none of it, but what it would have told is missing.
    const why = (error instanceof Error ? error.message.split('\n')[0]! : String(error)).replace(/:\s*$/, '');
    warnings.push(`${file} is not valid YAML (${why}), so its image name, services and password file were not read: the image is taken to be the project's name, and PostgreSQL and Redis come from the flags`);
    return {};
  }
  const services = (doc as { services?: unknown } | null)?.services;
  if (typeof services !== 'object' || services === null) return {};
  const entries = Object.entries(services as Record<string, { image?: unknown; build?: unknown }>);
  const images = entries.map(([, s]) => (typeof s?.image === 'string' ? s.image : ''));
  const uses = (name: string) => images.some((i) => new RegExp(`(^|/)${name}(:|@|$)`).test(i)) || undefined;
  // The app: the service built from this repository.
  const app = entries.find(([, s]) => s?.build !== undefined)?.[1];
  const image = typeof app?.image === 'string' ? app.image.replace(/@.*$/, '').replace(/:[^/:]*$/, '') : undefined;
  // Our convention (issue 23): the password is the file secret postgres_password, which the app reads.
  const secrets = (doc as { secrets?: unknown }).secrets;
  const secretsAsFiles = typeof secrets === 'object' && secrets !== null && 'postgres_password' in secrets ? true : undefined;
  if (secretsAsFiles) notes.push('the database password: the secret file postgres_password of compose.yaml (mounted from a Secret)');
  const out = { postgres: uses('postgres'), redis: uses('redis'), ...(secretsAsFiles ? { secretsAsFiles } : {}) };
  if (image && !imageNameProblem(image)) {
    notes.push(`image ${image}: compose.yaml`);
    return { image, ...out };
  }
  return out;
}

function readIfFile(file: string): string | undefined {
  try {
    return lstatSync(file).isFile() ? readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}
