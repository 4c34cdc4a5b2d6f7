// `--deploy ecs`: deploy/ecs/ for every combination of what changes it (the framework's server,
// PostgreSQL, Redis, migrations), read from the rendered files: the same guarantees as the
// Kubernetes Deployment, in the ECS API's terms (src/features/deploy-ecs/index.ts), the
// connection budget, the one-task constraint without PostgreSQL, the image named once, no
// secret value in any file (by value: the random password `create` put in secrets/), and `add
// deploy ecs` writing what `--deploy ecs` writes. The ECS API's own model checks the same files
// in tests/tools/ecs-model.test.ts; the container runs as Fargate would in tests/stack.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RenderedFile } from '../../src/engine/rendered-file.js';
import { FARGATE_MAX_STOP_TIMEOUT_SECONDS, POSTGRES_CONNECTIONS } from '../../src/features/deploy-ecs/index.js';
import { SERVER_GRACEFUL_TIMEOUT_SECONDS } from '../../src/features/kubernetes/index.js';
import { combinationId, FRAMEWORKS, type ProjectOptions } from '../../src/options/table.js';
import { listFiles, removeTempDirs, runMain, tempDir } from '../support/cli-run.js';
import { fargateRunArgs, missingTaskConstraints } from '../support/fargate-run.js';
import { render } from '../support/generate.js';

afterAll(removeTempDirs);

const ECS = 'deploy/ecs';
/** Fargate's valid cpu/memory pairs for the sizes we use (the ECS developer guide's table). */
const FARGATE_MEMORY: Record<string, number[]> = { '256': [512, 1024, 2048], '512': [1024, 2048, 3072, 4096], '1024': [2048, 3072, 4096, 5120, 6144, 7168, 8192] };

interface Combo {
  framework: ProjectOptions['framework'];
  postgres: boolean;
  redis: boolean;
  migrations: boolean;
}
const COMBOS: Combo[] = FRAMEWORKS.flatMap((framework) =>
  [true, false].flatMap((postgres) =>
    [true, false].flatMap((redis) => (postgres ? [true, false] : [false]).map((migrations) => ({ framework, postgres, redis, migrations }))),
  ),
);
const idOf = (c: Combo) => combinationId(c, ['framework', 'postgres', 'redis', 'migrations']);

type Json = Record<string, any>;
const jsonOf = (files: RenderedFile[], name: string): Json => JSON.parse(files.find((f) => f.path === `${ECS}/${name}`)!.contents) as Json;

/** A default of settings.py: `name: int = 2` (Flask) or `name: int = Field(default=2, ...)` (FastAPI). */
function settingDefault(files: RenderedFile[], field: string): number {
  const text = files.find((f) => f.path === 'app/settings.py')!.contents;
  const match = new RegExp(`^\\s+${field}: (?:int|float) = (?:Field\\(default=)?([0-9.]+)`, 'm').exec(text);
  if (!match) throw new Error(`no default for ${field} in app/settings.py`);
  return Number(match[1]);
}

/** What is wrong with a task definition's hardening; empty when nothing is. */
export function hardeningFindings(task: Json): string[] {
  const out: string[] = [];
  const [app] = task.containerDefinitions as Json[];
  if (!app) return ['no container'];
  if (!/^[1-9][0-9]*(:[0-9]+)?$/.test(String(app.user ?? ''))) out.push(`user ${JSON.stringify(app.user)} is not a non-root UID`);
  if (app.readonlyRootFilesystem !== true) out.push('the root filesystem is writable');
  if (!(app.portMappings ?? []).some((p: Json) => typeof p.containerPort === 'number')) out.push('no port mapping');
  const tmp = (app.mountPoints ?? []).find((m: Json) => m.containerPath === '/tmp');
  if (!tmp || !(task.volumes ?? []).some((v: Json) => v.name === tmp.sourceVolume)) out.push('no writable /tmp volume');
  if (!(app.linuxParameters?.capabilities?.drop ?? []).includes('ALL')) out.push('capabilities not dropped');
  if (!String((app.healthCheck?.command ?? []).join(' ')).includes('/health')) out.push('no health check on /health');
  const stop = app.stopTimeout as number;
  if (!(stop > SERVER_GRACEFUL_TIMEOUT_SECONDS && stop <= FARGATE_MAX_STOP_TIMEOUT_SECONDS)) out.push(`stopTimeout ${stop} not in (${SERVER_GRACEFUL_TIMEOUT_SECONDS}, ${FARGATE_MAX_STOP_TIMEOUT_SECONDS}]`);
  return out;
}

describe.each(COMBOS.map((c) => [idOf(c), c] as const))('%s --deploy ecs', (_, combo) => {
  const files = render({ ...combo, deploy: ['ecs'] });
  const task = jsonOf(files, 'task-definition.json');
  const service = jsonOf(files, 'service.json');
  const [app] = task.containerDefinitions as Json[];
  const env = Object.fromEntries((app!.environment as Json[]).map((e) => [e.name, e.value]));
  const readme = files.find((f) => f.path === `${ECS}/README.md`)!.contents;

  it('writes the task definition, the service, the README, and the migration task exactly when there are migrations', () => {
    const paths = files.filter((f) => f.path.startsWith(`${ECS}/`)).map((f) => f.path.slice(ECS.length + 1)).sort();
    expect(paths).toEqual(['README.md', ...(combo.migrations ? ['migrate-task.json'] : []), 'service.json', 'task-definition.json']);
  });

  it('runs the image hardened as the Kubernetes Deployment is: non-root, read-only root, /tmp volume, health check, stop timeout', () => {
    expect(hardeningFindings(task)).toEqual([]);
    expect(app!.user).toBe('10001');
    expect(app!.healthCheck.command.join(' ')).toContain("'http://127.0.0.1:8000/health'");
  });

  it('names the image once, in the task definition; the service and the migration use the task definition', () => {
    const all = files.filter((f) => f.path.startsWith(`${ECS}/`) && f.path.endsWith('.json')).map((f) => f.contents).join('\n');
    expect(all.match(/\$\{IMAGE\}/g)).toHaveLength(1);
    expect(app!.image).toBe('${IMAGE}');
    expect(service.taskDefinition).toBe(task.family);
    if (combo.migrations) {
      const migrate = jsonOf(files, 'migrate-task.json');
      expect(migrate.taskDefinition).toBe(task.family);
      expect(migrate.overrides.containerOverrides[0]).toEqual({ name: app!.name, command: ['alembic', 'upgrade', 'head'] });
    }
  });

  it('sizes the task for its workers with one of Fargate\'s cpu/memory pairs', () => {
    const workers = Number(env.WEB_CONCURRENCY);
    expect(FARGATE_MEMORY[task.cpu]).toContain(Number(task.memory));
    expect(Number(task.cpu)).toBeGreaterThanOrEqual(256 * workers);
    expect(Number(task.memory)).toBeGreaterThanOrEqual(512 * workers);
  });

  it.runIf(combo.postgres)('keeps the most tasks a deployment runs within PostgreSQL\'s connections, and the README scales to that most', () => {
    const maxCapacity = Number(/--max-capacity (\d+)/.exec(readme)?.[1]);
    const during = Math.ceil((maxCapacity * service.deploymentConfiguration.maximumPercent) / 100);
    const perWorker = settingDefault(files, 'database_pool_size') + settingDefault(files, 'database_max_overflow');
    const connections = during * Number(env.WEB_CONCURRENCY) * perWorker + (combo.migrations ? 1 : 0);
    expect(connections).toBeLessThanOrEqual(POSTGRES_CONNECTIONS);
    expect(service.desiredCount).toBeLessThanOrEqual(maxCapacity);
    expect(service.desiredCount).toBeGreaterThanOrEqual(2);
  });

  it(combo.postgres ? 'says that RDS rotates the password by itself (every 7 days), which running tasks only see when a new deployment starts them' : 'without PostgreSQL says nothing of a rotated password', () => {
    const rotation = "RDS rotates it by itself, every 7 days unless you change the secret's rotation schedule in Secrets Manager";
    expect(readme.replace(/\s+/g, ' ').includes(rotation)).toBe(combo.postgres);
  });

  it.runIf(!combo.postgres)('without PostgreSQL runs one task, never two at once, one worker, and says why', () => {
    expect(service.desiredCount).toBe(1);
    expect(service.deploymentConfiguration).toMatchObject({ maximumPercent: 100, minimumHealthyPercent: 0 });
    expect(env.WEB_CONCURRENCY).toBe('1');
    expect(readme).not.toContain('register-scalable-target');
    expect(readme).toMatch(/One task, never two at once.*a second task/s);
  });

  it('gives the app the database and Redis by the secrets convention: POSTGRES_* variables, the password only through secrets/valueFrom', () => {
    expect(Object.keys(env).filter((k) => /PASSWORD|SECRET|TOKEN|KEY/.test(k))).toEqual([]);
    if (combo.postgres) {
      expect(env).toMatchObject({ POSTGRES_HOST: '${DB_HOST}', POSTGRES_PORT: '5432', POSTGRES_USER: 'app', POSTGRES_DB: 'app' });
      expect(app!.secrets).toEqual([{ name: 'POSTGRES_PASSWORD', valueFrom: '${DB_SECRET_ARN}:password::' }]);
      expect(readme).toContain('only as environment variables');
    } else expect(app!.secrets).toBeUndefined();
    if (combo.redis) expect(env.REDIS_URL).toBe('redis://${REDIS_HOST}:6379/0');
    else expect(env.REDIS_URL).toBeUndefined();
  });

  it('has every placeholder of its JSON filled by the README\'s envsubst list, and no other', () => {
    const json = files.filter((f) => f.path.startsWith(`${ECS}/`) && f.path.endsWith('.json')).map((f) => f.contents).join('\n');
    const used = [...new Set([...json.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]!))].sort();
    const listed = /^VARS='([^']*)'$/m.exec(readme)![1]!.split(' ').map((v) => v.replace(/^\$/, '')).sort();
    expect(listed).toEqual(used);
    for (const name of used) expect(readme).toMatch(new RegExp(`export ${name}=`));
  });
});

describe('no secret value in deploy/ecs', () => {
  /** The files of deploy/ecs that contain `value`. */
  const holding = (dir: string, value: string) => listFiles(path.join(dir, ECS)).filter((f) => readFileSync(path.join(dir, ECS, f), 'utf8').includes(value));

  it('holds none of the new project\'s secret values (its random password in secrets/); a planted one is found', async () => {
    const cwd = tempDir();
    expect((await runMain(['shop', '--yes', '--deploy', 'ecs'], { cwd })).code).toBe(0);
    const dir = path.join(cwd, 'shop');
    const secrets = listFiles(path.join(dir, 'secrets')).map((f) => readFileSync(path.join(dir, 'secrets', f), 'utf8').trim()).filter((v) => v.length >= 8);
    expect(secrets.length).toBeGreaterThan(0);
    for (const value of secrets) expect(holding(dir, value)).toEqual([]);
    // The check finds a password written into the task definition.
    const task = path.join(dir, ECS, 'task-definition.json');
    const text = readFileSync(task, 'utf8').replace('"name": "POSTGRES_PORT"', `"name": "POSTGRES_PASSWORD", "value": "${secrets[0]}" }, { "name": "POSTGRES_PORT"`);
    writeFileSync(task, text);
    expect(holding(dir, secrets[0]!)).toEqual(['task-definition.json']);
  });
});

describe('broken task definitions fail the hardening check', () => {
  const task = jsonOf(render({ deploy: ['ecs'] }), 'task-definition.json');
  const broken = (change: (app: Json) => void): Json => {
    const copy = structuredClone(task);
    change(copy.containerDefinitions[0]);
    return copy;
  };
  it.each([
    ['a root user', (app: Json): void => void (app.user = '0'), 'is not a non-root UID'],
    ['no user', (app: Json): void => void delete app.user, 'is not a non-root UID'],
    ['a writable root', (app: Json): void => void (app.readonlyRootFilesystem = false), 'writable'],
    ['no port mapping', (app: Json): void => void delete app.portMappings, 'no port mapping'],
    ['a stop timeout over Fargate\'s limit', (app: Json): void => void (app.stopTimeout = 180), 'stopTimeout'],
    ['a stop timeout under the graceful stop', (app: Json): void => void (app.stopTimeout = 10), 'stopTimeout'],
  ] as const)('%s', (_, change, finding) => {
    expect(hardeningFindings(broken(change)).join('\n')).toContain(finding);
  });
});

describe('add deploy ecs', () => {
  it('on a generated project writes what --deploy ecs writes', async () => {
    const cwd = tempDir();
    expect((await runMain(['xyzzy', '--yes', '--framework', 'flask', '--no-redis'], { cwd })).code).toBe(0);
    expect((await runMain(['plugh', '--yes', '--framework', 'flask', '--no-redis', '--deploy', 'ecs'], { cwd })).code).toBe(0);
    const added = await runMain(['add', 'deploy', 'ecs', '--dir', 'xyzzy', '--yes'], { cwd });
    expect(added.code, added.stderr).toBe(0);
    const read = (name: string): Record<string, string> => Object.fromEntries(listFiles(path.join(cwd, name, ECS)).map((f) => [f, readFileSync(path.join(cwd, name, ECS, f), 'utf8').replaceAll(name, 'NAME')]));
    expect(Object.keys(read('xyzzy')).length).toBeGreaterThan(0);
    expect(read('xyzzy')).toEqual(read('plugh'));
  });
});

describe('the container run derives its arguments from the task definition (tests/support/fargate-run.ts)', () => {
  const task = jsonOf(render({ deploy: ['ecs'] }), 'task-definition.json');
  const values = { POSTGRES_HOST: '/run/test-services', POSTGRES_PASSWORD: 'p', REDIS_URL: 'unix:///run/test-services/redis.sock' };

  it('as generated, the run carries every required constraint', () => {
    const args = fargateRunArgs(task, values);
    expect(missingTaskConstraints(args)).toEqual([]);
    expect(args).toEqual(expect.arrayContaining(['--user', '10001', '--read-only', '--stop-timeout', '45', '-e', 'POSTGRES_PASSWORD=p']));
  });

  it.each([
    ['a root user', (app: Json): void => void (app.user = '0'), 'non-root user'],
    ['a writable root', (app: Json): void => void (app.readonlyRootFilesystem = false), 'read-only root'],
    ['capabilities kept', (app: Json): void => void delete app.linuxParameters.capabilities, 'every capability dropped'],
  ] as const)('with %s, the run is missing that constraint and fails', (_, change, finding) => {
    const copy = structuredClone(task);
    change(copy.containerDefinitions[0]);
    expect(missingTaskConstraints(fargateRunArgs(copy, values)).join('\n')).toContain(finding);
  });

  it('a secret without a value for the run is an error, not an empty variable', () => {
    expect(() => fargateRunArgs(task, { POSTGRES_HOST: 'x', REDIS_URL: 'y' })).toThrow(/no value for the secret POSTGRES_PASSWORD/);
  });
});
