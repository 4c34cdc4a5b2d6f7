// The guarantees of the Cloud Run and ACI files, read from the rendered texts: each rule returns
// what breaks it, one line a finding (none: kept). tests/fast/deploy-platforms.test.ts runs them
// on every combination and on a planted fault each.

import { parse as parseYaml, parseAllDocuments } from 'yaml';
import type { RenderedFile } from '../../src/engine/rendered-file.js';
import { oncePerText } from './once-per-text.js';

/**
 * The YAML documents of a rendered file (the files start with a comment and `---`). Parsed once
 * per distinct text (deploy-platforms.test.ts asks about 49 texts 155 times).
 */
export const documentsOf = oncePerText((text: string): Record<string, unknown>[] =>
  parseAllDocuments(text)
    .map((d) => d.toJSON() as Record<string, unknown>)
    .filter((d) => d !== null),
);

/** A placeholder envsubst fills at deploy time: the whole value is `${NAME}`. */
const PLACEHOLDER = /^\$\{[A-Z_][A-Z0-9_]*\}$/;
/** A name that says its value is secret. */
// (REDIS_URL is not: the convention keeps it a plain variable, and a URL with a password in it is
// found by value below.)
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|(^|_)(API|ACCESS)?_?KEY$|DATABASE_URL/i;
/** A URL with a password in it: scheme://user:password@ (the password not a placeholder). */
const URL_WITH_PASSWORD = /:\/\/[^/\s:@]*:(?!\$\{)[^@\s/]+@/;

/** Every string in a parsed value, with its path. */
function* strings(value: unknown, at = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [at, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${at}[${i}]`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* strings(v, `${at}.${k}`);
}

/** An environment variable entry of either platform: Knative's `value`, ACI's `value`/`secureValue`. */
interface EnvEntry {
  name: string;
  value?: unknown;
  secureValue?: unknown;
}

function* envEntries(value: unknown): Generator<EnvEntry> {
  if (Array.isArray(value)) for (const v of value) yield* envEntries(v);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if ((k === 'env' || k === 'environmentVariables') && Array.isArray(v)) yield* v as EnvEntry[];
      else yield* envEntries(v);
    }
  }
}

/**
 * No literal secret: no string holds a URL with a password; a secret-named variable has no
 * plain value (Cloud Run: a mounted secret; ACI: a secureValue), and a secureValue or an ACI
 * secret volume's value is only a placeholder filled from Key Vault at deploy time;
 * settings.env assigns nothing secret.
 */
export function literalSecrets(files: readonly RenderedFile[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    if (file.path.endsWith('.env')) {
      for (const line of file.contents.split('\n')) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
        if (m && SECRET_NAME.test(m[1]!) && m[2] !== '') found.push(`${file.path}: ${m[1]} is assigned a value`);
        if (m && URL_WITH_PASSWORD.test(m[2]!)) found.push(`${file.path}: ${m[1]} holds a URL with a password`);
      }
      continue;
    }
    if (!file.path.endsWith('.yaml')) continue;
    for (const doc of documentsOf(file.contents)) {
      for (const [at, value] of strings(doc)) if (URL_WITH_PASSWORD.test(value)) found.push(`${file.path}${at}: a URL with a password`);
      for (const entry of envEntries(doc)) {
        if (SECRET_NAME.test(entry.name) && entry.value !== undefined) found.push(`${file.path}: ${entry.name} has a plain value`);
        if (entry.secureValue !== undefined && !PLACEHOLDER.test(String(entry.secureValue))) found.push(`${file.path}: ${entry.name}'s secureValue is a literal`);
      }
      const volumes = ((doc.properties as { volumes?: { secret?: Record<string, unknown> }[] } | undefined)?.volumes ?? []);
      for (const v of volumes)
        for (const [key, value] of Object.entries(v.secret ?? {}))
          if (!PLACEHOLDER.test(String(value))) found.push(`${file.path}: secret volume entry ${key} is a literal`);
    }
  }
  return found;
}

/** A container of either platform, flattened: Knative's fields, or ACI's `properties`. */
export interface PlatformContainer {
  name: string;
  image: string;
  command?: string[];
  ports: number[];
  runAsUser?: number;
  env: Record<string, string>;
}

export function containersOf(doc: Record<string, unknown>): PlatformContainer[] {
  if (doc.kind === 'Service' || doc.kind === 'Job') {
    type K = { name: string; image: string; command?: string[]; ports?: { containerPort: number }[]; securityContext?: { runAsUser?: number }; env?: { name: string; value?: string }[] };
    const spec = (doc as { spec: { template: { spec: { containers?: K[]; template?: { spec: { containers: K[] } } } } } }).spec.template.spec;
    const list = spec.containers ?? spec.template!.spec.containers;
    return list.map((c) => ({
      name: c.name,
      image: c.image,
      command: c.command,
      ports: (c.ports ?? []).map((p) => p.containerPort),
      runAsUser: c.securityContext?.runAsUser,
      env: Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? ''])),
    }));
  }
  type A = { name: string; properties: { image: string; command?: string[]; ports?: { port: number }[]; securityContext?: { runAsUser?: number }; environmentVariables?: { name: string; value?: string }[] } };
  const props = (doc as { properties: { containers: A[] } }).properties;
  return props.containers.map((c) => ({
    name: c.name,
    image: c.properties.image,
    command: c.properties.command,
    ports: (c.properties.ports ?? []).map((p) => p.port),
    runAsUser: c.properties.securityContext?.runAsUser,
    env: Object.fromEntries((c.properties.environmentVariables ?? []).map((e) => [e.name, e.value ?? ''])),
  }));
}

/**
 * The app container serves the app's port (and ACI's group exposes it), runs as no root
 * user, and takes its image from the one placeholder settings.env fills.
 */
export function appContainerFaults(doc: Record<string, unknown>, port: number): string[] {
  const found: string[] = [];
  for (const c of containersOf(doc)) {
    if (c.image !== '${IMAGE}') found.push(`${c.name}: image ${c.image} is not settings.env's \${IMAGE}`);
    if (c.runAsUser === 0) found.push(`${c.name}: runs as root (runAsUser 0)`);
    if (c.name === 'app' && !c.ports.includes(port)) found.push(`${c.name}: no port ${port}`);
  }
  const group = (doc as { properties?: { ipAddress?: { ports?: { port: number }[] }; containers?: unknown } }).properties;
  if (group?.ipAddress && !(group.ipAddress.ports ?? []).some((p) => p.port === port)) found.push(`group: port ${port} not exposed`);
  return found;
}

/** The server's graceful stop (its command's option) in seconds, as the container is told. */
export function gracefulSeconds(command: readonly string[]): number {
  for (const flag of ['--graceful-timeout', '--timeout-graceful-shutdown']) {
    const at = command.indexOf(flag);
    if (at >= 0) return Number(command[at + 1]);
  }
  throw new Error(`no graceful stop option in ${command.join(' ')}`);
}

export { parseYaml };
