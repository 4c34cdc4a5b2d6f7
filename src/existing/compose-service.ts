// Adding Postgres or Redis to a compose.yaml we generated earlier (the plop `service`
// generator). The new parts are not written by hand here: compose.yaml, compose.override.yaml
// and .env.example are rendered from the project templates with the service turned on, and
// the pieces that service adds (its service, its volume, the app's environment entry and
// depends_on entry, its dev port) are copied into the user's files with `yaml`'s Document API,
// which keeps their comments, order and any edits they made.

import { lstatSync } from 'node:fs';
import path from 'node:path';
import { isAlias, isMap, isScalar, isSeq, parseDocument, YAMLMap, type Document, type Pair } from 'yaml';
import { renderLayers } from '../engine/render.js';
import type { RenderedFile } from '../engine/rendered-file.js';
import { readUserFile, UserFileError } from '../user-files.js';
import { repositorySecretFiles, secretsGitWarnings } from '../features/secret-files.js';
import { SERVICE_FEATURES, serviceFeature } from '../features/services.js';
import type { ServiceKey } from '../options/values.js';
import { detectApp, normalizeDist } from './detect.js';
import type { Detected } from './detected.js';
import { existingAppContext, howToAdd, sourcePathsFor, type DockerAppOptions } from './docker-app.js';

export class ServiceError extends Error {
  override name = 'ServiceError';
}

export interface ServicePlan {
  files: RenderedFile[];
  warnings: string[];
}

/**
 * The new contents of compose.yaml (and compose.override.yaml, .env.example when they are
 * ours) with `service` added. Throws ServiceError when compose.yaml is missing, was not
 * produced by us (unless `force`), or already has the service.
 */
export function addServiceFiles(dir: string, service: ServiceKey, generatorVersion: string, opts: { force?: boolean } = {}): ServicePlan {
  const root = path.resolve(dir);
  const composeText = readIfThere(root, 'compose.yaml');
  if (composeText === undefined) throw new ServiceError(`${path.join(dir, 'compose.yaml')} does not exist; run the docker generator first`);
  const compose = parseYaml(composeText, 'compose.yaml');
  const services = compose.get('services');
  if (!isMap(services) || !services.has('app'))
    throw new ServiceError('compose.yaml has no services.app; it was not produced by create-python-docker-app');

  const detected = detectApp(root);
  const current = currentOptions(compose, root, detected);
  const ours = (file: string, text: string) => firstLine(text) === firstLine(renderOne(current, file, generatorVersion));
  if (!opts.force && !ours('compose.yaml', composeText))
    throw new ServiceError('compose.yaml was not produced by create-python-docker-app (its header differs); use plop --force to add the service anyway');
  const feature = serviceFeature(service);
  const { service: name, volume, devPort, appWaitsForIt } = feature.compose;
  if (services.has(name)) throw new ServiceError(`compose.yaml already has a ${name} service`);

  const wanted: DockerAppOptions = { ...current, [service]: true };
  const files: RenderedFile[] = [];

  // compose.yaml: the service, its volume, and the app's environment and depends_on entries.
  const rendered = parseYaml(renderOne(wanted, 'compose.yaml', generatorVersion), 'rendered compose.yaml');
  copyEntry(rendered, compose, ['services'], name);
  if (volume) {
    ensureMap(compose, rendered, ['volumes']);
    copyEntry(rendered, compose, ['volumes'], volume.name);
  }
  if (feature.url) {
    ensureMap(compose, rendered, ['services', 'app', 'environment']);
    for (const name of Object.keys(feature.url.compose)) copyEntry(rendered, compose, ['services', 'app', 'environment'], name);
  }
  // Its file secrets: the top-level entries, and the app's list (when the app has none yet).
  if (feature.secrets?.length) {
    ensureMap(compose, rendered, ['secrets']);
    for (const secret of feature.secrets) copyEntry(rendered, compose, ['secrets'], secret.name);
    copyEntry(rendered, compose, ['services', 'app'], 'secrets');
  }
  if (appWaitsForIt) {
    ensureMap(compose, rendered, ['services', 'app', 'depends_on']);
    copyEntry(rendered, compose, ['services', 'app', 'depends_on'], name);
  }
  files.push({ path: 'compose.yaml', contents: asWritten(composeText, keepingValues('compose.yaml', composeText, compose.toString(YAML_OUTPUT))) });

  // compose.override.yaml: the dev port of the service.
  // The development override is a convenience: one that cannot be read is left as it is, and said.
  let overrideText: string | undefined;
  const notes: string[] = [];
  try {
    overrideText = readIfThere(root, 'compose.override.yaml');
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    notes.push(`${error.message.replace(/; nothing was written$/, '')}: it was left as it is, so publish ${name}'s port for development yourself`);
  }
  if (devPort !== undefined && overrideText !== undefined && ours('compose.override.yaml', overrideText)) {
    const override = parseYaml(overrideText, 'compose.override.yaml');
    const renderedOverride = parseYaml(renderOne(wanted, 'compose.override.yaml', generatorVersion), 'rendered compose.override.yaml');
    if (!override.hasIn(['services', name])) {
      copyEntry(renderedOverride, override, ['services'], name);
      files.push({ path: 'compose.override.yaml', contents: asWritten(overrideText, keepingValues('compose.override.yaml', overrideText, override.toString(YAML_OUTPUT))) });
    }
  }

  // .env.example: the service's variables with their comments, each after the variable that
  // precedes it in a rendered file, else before the one that follows it, else at the end.
  const envText = readIfThere(root, '.env.example');
  const renderedEnv = envBlocks(renderOne(wanted, '.env.example', generatorVersion));
  const envNames = (feature.env ?? []).map((e) => e.name);
  let env = envText ?? '';
  let changed = false;
  renderedEnv.forEach((block, i) => {
    if (!envNames.includes(block.name) || new RegExp(`^${block.name}=`, 'm').test(env)) return;
    changed = true;
    for (let j = i - 1; j >= 0; j--) {
      const line = new RegExp(`^${renderedEnv[j]!.name}=.*(\\n|$)`, 'm').exec(env);
      if (!line) continue;
      const at = line.index + line[0].length;
      env = `${env.slice(0, at)}${line[1] ? '' : '\n'}\n${block.text}\n${env.slice(at)}`;
      return;
    }
    for (let j = i + 1; j < renderedEnv.length; j++) {
      const at = env.indexOf(`${renderedEnv[j]!.text}\n`);
      if (at < 0 || (at > 0 && env[at - 1] !== '\n')) continue;
      env = `${env.slice(0, at)}${block.text}\n\n${env.slice(at)}`;
      return;
    }
    const sep = env === '' ? '' : env.endsWith('\n\n') ? '' : env.endsWith('\n') ? '\n' : '\n\n';
    env = `${env}${sep}${block.text}\n`;
  });
  if (changed) files.push({ path: '.env.example', contents: asWritten(envText ?? '', env) });

  // The password compose.yaml now mounts, random, as add docker writes it (never one already there).
  files.push(...repositorySecretFiles(feature.secrets ?? [], root));

  const warnings: string[] = [...notes, ...secretsGitWarnings(root, feature.secrets ?? [])];
  if (!feature.drivers.some((d) => detected.dependencies.has(normalizeDist(d))))
    // As add docker says it: in the lock's own tool where there is one (`uv add '...'`).
    warnings.push(`${howToAdd(detected.installFrom, feature.driver)}${feature.url ? `; the app reads ${feature.url.env}` : ''}`);
  return { files, warnings };
}

/**
 * How the edited files are printed: as the templates print them (no line folded by `yaml`, `[a, b]`
 * flow lists). What a template prints long stays whole under yamllint's directive, a comment this
 * keeps (src/engine/yaml-line.ts).
 */
export const YAML_OUTPUT = { lineWidth: 0, flowCollectionPadding: false } as const;

/** The options compose.yaml was rendered with, as far as they matter for its text. */
function currentOptions(compose: Document, root: string, detected: Detected): DockerAppOptions {
  const name = compose.get('name');
  const app = detected.target ?? 'app.main:app';
  return {
    name: typeof name === 'string' ? name : path.basename(root),
    framework: detected.framework ?? 'fastapi',
    app,
    port: appPort(compose) ?? 8000,
    python: '3.13',
    ...(Object.fromEntries(SERVICE_FEATURES.map((s) => [s.key, compose.hasIn(['services', s.compose.service])])) as Record<ServiceKey, boolean>),
    dockerfile: 'standard',
    healthcheck: 'http',
    installFrom: detected.installFrom,
    sourcePaths: sourcePathsFor(root, detected, app, detected.importRoot),
    ...(detected.importRoot ? { importRoot: detected.importRoot } : {}),
  };
}

function appPort(compose: Document): number | undefined {
  const ports = compose.getIn(['services', 'app', 'ports']);
  const first = isMap(ports) ? undefined : (ports as { items?: unknown[] } | undefined)?.items?.[0];
  const value = isScalar(first) ? String(first.value) : undefined;
  const m = value && /:(\d+)$/.exec(value);
  return m ? Number(m[1]) : undefined;
}

function renderOne(options: DockerAppOptions, file: string, generatorVersion: string): string {
  const context = existingAppContext(options, generatorVersion);
  const [rendered] = renderLayers(context, context.layers, (p) => p === file);
  if (!rendered) throw new Error(`the templates do not produce ${file}`);
  return rendered.contents;
}

/**
 * `text` with the line ends and byte order mark `original` was written with: a file of CRLF
 * lines stays CRLF throughout (the printer and the added lines write LF), and a BOM stays.
 */
function asWritten(original: string, text: string): string {
  const bom = original.startsWith('\uFEFF') && !text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const crlf = original.includes('\r\n') && !/(^|[^\r])\n/.test(original);
  return bom + (crlf ? text.replace(/\r?\n/g, '\r\n') : text);
}

/**
 * `after`, the file printed again with the service in, when every value `before` held is still
 * there, the same, as YAML 1.2 and as YAML 1.1 read it (Compose's Go parser reads `0440` as
 * octal, as 1.1 does; the printer, a 1.2 one, would print that 440). Else it is refused, naming
 * the first value that would change: the user's file is not rewritten into something else.
 */
function keepingValues(file: string, before: string, after: string): string {
  for (const options of [{ intAsBigInt: true }, { version: '1.1', intAsBigInt: true }] as const) {
    const was = parseDocument(before, { ...options, logLevel: 'silent' }).toJS({ maxAliasCount: -1 }) as unknown;
    const now = parseDocument(after, { ...options, logLevel: 'silent' }).toJS({ maxAliasCount: -1 }) as unknown;
    const where = firstChange(was, now, []);
    if (where) throw new ServiceError(`${file}: rewriting it would change ${where.join('.')}, written ${sourceAt(before, where)}; nothing was written: add the service by hand, or write that value as the YAML 1.2 it means (0440 as 0o440)`);
  }
  // The same value may still be written otherwise (1e3 as 1e+3, which a YAML 1.1 reader takes
  // for another string; 20 digits of pi cut to 17): every scalar keeps its text, or nothing goes.
  const rewritten = firstRewrite(parseDocument(before, { logLevel: 'silent' }).contents, parseDocument(after, { logLevel: 'silent' }).contents, []);
  if (rewritten)
    throw new ServiceError(`${file}: rewriting it would write ${rewritten.at.join('.')} as ${rewritten.now} instead of ${rewritten.was}; nothing was written: add the service by hand, or write it as ${rewritten.now} first`);
  return after;
}

/** The first scalar of `was` whose text `now` writes otherwise (added entries aside). */
function firstRewrite(was: unknown, now: unknown, at: string[]): { at: string[]; was: string; now: string } | undefined {
  const text = (node: unknown): string => (isScalar(node) ? `${node.tag && !node.tag.startsWith('tag:yaml.org,2002:') ? `${node.tag} ` : ''}${String(node.source ?? node.value)}` : isAlias(node) ? `*${node.source}` : 'a collection');
  if (isScalar(was) || isAlias(was)) return text(was) === text(now) && (isScalar(was) ? isScalar(now) && was.tag === now.tag : true) ? undefined : { at, was: text(was), now: text(now) };
  if (isMap(was)) {
    if (!isMap(now)) return { at, was: 'a mapping', now: text(now) };
    for (const pair of was.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const other = now.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === key);
      const change = firstRewrite(pair.value, other?.value, [...at, key]);
      if (change) return change;
    }
    return undefined;
  }
  if (isSeq(was)) {
    if (!isSeq(now)) return { at, was: 'a sequence', now: text(now) };
    for (const [i, item] of was.items.entries()) {
      const change = firstRewrite(item, now.items[i], [...at, String(i)]);
      if (change) return change;
    }
  }
  return undefined;
}

/** The path of the first value of `was` that `now` does not hold equally (added keys aside). */
function firstChange(was: unknown, now: unknown, at: string[]): string[] | undefined {
  if (was !== null && typeof was === 'object') {
    if (now === null || typeof now !== 'object' || Array.isArray(was) !== Array.isArray(now)) return at;
    if (Array.isArray(was) && was.length !== (now as unknown[]).length) return at;
    for (const [key, value] of Object.entries(was)) {
      const change = firstChange(value, (now as Record<string, unknown>)[key], [...at, key]);
      if (change) return change;
    }
    return undefined;
  }
  return Object.is(was, now) ? undefined : at;
}

/** How `before` writes the value at `at` (its source text), for the message. */
function sourceAt(before: string, at: string[]): string {
  const node = parseDocument(before, { logLevel: 'silent' }).getIn(at, true);
  return isScalar(node) && typeof node.source === 'string' ? node.source : 'there';
}

function parseYaml(text: string, what: string): Document {
  const doc = parseDocument(text);
  const [error] = doc.errors;
  if (!error) return doc;
  // One line: the library's message goes on with a code frame of the user's file.
  if (error.code === 'MULTIPLE_DOCS') throw new ServiceError(`${what} holds more than one YAML document; the generator edits a file of one, so nothing was written`);
  const line = error.linePos?.[0]?.line;
  throw new ServiceError(`${what} is not valid YAML${line ? ` (line ${line})` : ''}: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}; nothing was written`);
}

/** Creates an empty map at `at` in `target` (where the rendered file has one) if missing. */
function ensureMap(target: Document, rendered: Document, at: string[]): void {
  if (target.hasIn(at)) return;
  const parent = at.slice(0, -1);
  const key = at[at.length - 1]!;
  const renderedParent = parent.length ? rendered.getIn(parent) : rendered.contents;
  const targetParent = parent.length ? target.getIn(parent) : target.contents;
  if (!isMap(renderedParent) || !isMap(targetParent)) throw new ServiceError(`compose.yaml has no ${parent.join('.')} mapping`);
  const renderedPair = renderedParent.items.find((p) => isScalar(p.key) && p.key.value === key);
  const pair = target.createPair(key, new YAMLMap()) as Pair;
  if (renderedPair && isScalar(renderedPair.key)) {
    (pair.key as { spaceBefore?: boolean; commentBefore?: string | null }).spaceBefore = renderedPair.key.spaceBefore;
    (pair.key as { commentBefore?: string | null }).commentBefore = renderedPair.key.commentBefore;
  }
  insertAfterPredecessor(targetParent, pair, renderedParent, key);
}

/** Copies rendered[at][key] (with its comments) into target[at], beside the entry it follows there. */
function copyEntry(rendered: Document, target: Document, at: string[], key: string): void {
  const source = rendered.getIn(at);
  const destination = target.getIn(at);
  if (!isMap(source)) throw new Error(`rendered file has no ${[...at, key].join('.')}`);
  if (!isMap(destination)) throw new ServiceError(`${at.join('.')} is not a mapping`);
  const pair = source.items.find((p) => isScalar(p.key) && p.key.value === key);
  if (!pair) throw new Error(`rendered file has no ${[...at, key].join('.')}`);
  if (destination.has(key)) return;
  insertAfterPredecessor(destination, pair, source, key);
}

/** Inserts `pair` after the nearest entry that precedes `key` in `source`, else before the nearest that follows it. */
function insertAfterPredecessor(destination: YAMLMap, pair: Pair, source: YAMLMap, key: string): void {
  const order = source.items.map((p) => (isScalar(p.key) ? String(p.key.value) : ''));
  const index = order.indexOf(key);
  const positionOf = (k: string | undefined) => destination.items.findIndex((p) => isScalar(p.key) && String(p.key.value) === k);
  let at = destination.items.length;
  let found = false;
  for (let i = index - 1; i >= 0 && !found; i--) {
    const p = positionOf(order[i]);
    if (p >= 0) [at, found] = [p + 1, true];
  }
  for (let i = index + 1; i < order.length && !found; i++) {
    const p = positionOf(order[i]);
    if (p >= 0) [at, found] = [p, true];
  }
  destination.items.splice(at, 0, pair);
  fixBlankLines(destination, at);
}

/**
 * `yaml` keeps a blank line either as `spaceBefore` on a key or as a trailing newline of the
 * previous entry's comment. A copied entry brings its own convention; this keeps exactly one
 * blank line between it and its neighbours where the source had one.
 */
function fixBlankLines(map: YAMLMap, at: number): void {
  type Spaced = { spaceBefore?: boolean; comment?: string | null };
  const key = (i: number) => map.items[i]?.key as Spaced | undefined;
  const value = (i: number) => map.items[i]?.value as Spaced | undefined;
  const inserted = value(at);
  const blankAfter = Boolean(inserted?.comment?.endsWith('\n'));
  if (at > 0 && value(at - 1)?.comment?.endsWith('\n') && key(at)) key(at)!.spaceBefore = false;
  if (at < map.items.length - 1 && blankAfter) {
    inserted!.comment = inserted!.comment!.replace(/\n$/, '');
    if (key(at + 1)) key(at + 1)!.spaceBefore = true;
  }
}

/** `.env.example` as blocks of comment lines plus one `NAME=value` line. */
function envBlocks(text: string): Array<{ name: string; text: string }> {
  const out: Array<{ name: string; text: string }> = [];
  let pending: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      pending = [];
      continue;
    }
    pending.push(line);
    const m = /^([A-Z][A-Z0-9_]*)=/.exec(line);
    if (m) {
      out.push({ name: m[1]!, text: pending.join('\n') });
      pending = [];
    }
  }
  return out;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}

/**
 * The file's text, or undefined when nothing is there. A file that is there but cannot be used
 * (a link, not a regular file, over the size limit) is refused, never taken for a missing one:
 * what is written from "missing" would replace it (a large .env.example lost every line).
 */
function readIfThere(root: string, file: string): string | undefined {
  const full = path.join(root, file);
  if (lstatSync(full, { throwIfNoEntry: false }) === undefined) return undefined;
  try {
    return readUserFile(full, { noFollow: true });
  } catch (error) {
    if (error instanceof UserFileError) throw new ServiceError(`${file} cannot be edited: ${error.message}; nothing was written`);
    throw error;
  }
}
