// Compose file checks for the generated projects, with two independent tools:
//  - the Compose Specification JSON schema (the copy shipped in the dclint npm package), with
//    ajv: catches misspelt keys and wrong types, but no cross-references;
//  - Docker Compose v2 itself (`docker-compose config --quiet`: Debian sid's plugin binary, which
//    scripts/setup-test-env.sh caches with the engine; it runs standalone and needs no daemon):
//    interpolation (${VAR:?}), undefined services/volumes, and the merge of compose.yaml with
//    compose.override.yaml.

import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse, YAMLMap, YAMLSeq, type CollectionTag } from 'yaml';
import { fillSecrets } from '../../src/features/local-env.js';
import { FILE_SECRETS, hostSecretPath, secretFiles } from '../../src/features/secret-files.js';
import { ENGINE_PLUGINS } from './cache.js';
import { goRunEnv, run, type RunResult } from './run.js';

export const COMPOSE_BIN = path.join(ENGINE_PLUGINS, 'docker-compose');

let validator: ValidateFunction | undefined;

/**
 * Compose's merge tags on a sequence or mapping (`ports: !override [...]`, Compose 2.24.4+),
 * so that `yaml` reads them as the collection they tag instead of warning about them.
 */
export const COMPOSE_YAML_TAGS: CollectionTag[] = ['!override', '!reset'].flatMap((tag) => [
  { tag, collection: 'seq' as const, nodeClass: YAMLSeq },
  { tag, collection: 'map' as const, nodeClass: YAMLMap },
]);

/** Schema errors of one Compose file's text, as `<json pointer> <message>` lines; empty when valid. */
export function composeSchemaErrors(yamlText: string): string[] {
  validator ??= compileSchema();
  const doc: unknown = parse(yamlText, { customTags: COMPOSE_YAML_TAGS });
  if (validator(doc)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

function compileSchema(): ValidateFunction {
  const require = createRequire(import.meta.url);
  const schemaPath = path.join(path.dirname(require.resolve('dclint/package.json')), 'schemas/compose.schema.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  // Its $schema URL is not ajv's id for draft-07, and ajv would try to fetch it.
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  // ajv-formats is CommonJS; under ESM its function is the default export's default.
  const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
    addFormatsModule) as unknown as (a: Ajv) => Ajv;
  addFormats(ajv);
  return ajv.compile(schema);
}

/**
 * Writes the .env and the secret files `create` gives a new project (src/features/local-env.ts,
 * secret-files.ts): .env.example with a random value for each secret it leaves empty, and
 * secrets/<name> with a random value (its modes too) for each secret compose.yaml names. Stacks
 * never run on a value an emitted file holds.
 */
export function createDotEnv(projectDir: string): void {
  const example = path.join(projectDir, '.env.example');
  if (existsSync(example)) writeFileSync(path.join(projectDir, '.env'), fillSecrets(readFileSync(example, 'utf8')));
  const compose = readFileSync(path.join(projectDir, 'compose.yaml'), 'utf8');
  for (const file of secretFiles(FILE_SECRETS.filter((s) => compose.includes(`./${hostSecretPath(s)}`)), projectDir)) {
    const target = path.join(projectDir, file.path);
    mkdirSync(path.dirname(target), { recursive: true, mode: file.dirMode });
    writeFileSync(target, file.contents, { mode: file.mode });
    chmodSync(path.dirname(target), file.dirMode!);
    chmodSync(target, file.mode!);
  }
}

/**
 * `docker-compose -f <files...> config` in projectDir, with a clean environment so nothing from
 * the test process (e.g. POSTGRES_PASSWORD) hides a missing .env value. `--quiet` checks only;
 * `--format json` returns the merged model.
 */
export function composeConfig(projectDir: string, files: string[], mode: 'quiet' | 'json'): Promise<RunResult> {
  const args = [...files.flatMap((f) => ['-f', f]), 'config', ...(mode === 'quiet' ? ['--quiet'] : ['--format', 'json'])];
  return run(COMPOSE_BIN, args, {
    cwd: projectDir,
    env: goRunEnv({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' }),
    timeoutMs: 30_000,
  });
}

interface MergedConfig {
  services?: Record<string, { ports?: { published?: string | number; host_ip?: string; target?: number }[] }>;
}

/** Host ports published twice in a merged config (0.0.0.0 clashes with every address). */
export function publishedPortConflicts(mergedJson: string): string[] {
  const config = JSON.parse(mergedJson) as MergedConfig;
  const seen: { ip: string; port: string; who: string }[] = [];
  const conflicts: string[] = [];
  for (const [name, service] of Object.entries(config.services ?? {})) {
    for (const p of service.ports ?? []) {
      if (p.published === undefined) continue;
      const ip = p.host_ip ?? '0.0.0.0';
      const port = String(p.published);
      const who = `${name} ${ip}:${port}->${p.target ?? '?'}`;
      const clash = seen.find((s) => s.port === port && (s.ip === ip || s.ip === '0.0.0.0' || ip === '0.0.0.0'));
      if (clash) conflicts.push(`${who} clashes with ${clash.who}`);
      seen.push({ ip, port, who });
    }
  }
  return conflicts;
}
