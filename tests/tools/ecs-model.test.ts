// deploy/ecs/ against the ECS API's own definition, offline and strictly: botocore's service
// model for ECS with botocore's ParamValidator (tests/support/ecs-model.py), the check every
// boto3 and AWS CLI call makes before it sends a request. Each JSON file is the input of one
// call: task-definition.json of RegisterTaskDefinition, service.json of CreateService,
// migrate-task.json of RunTask; the `${NAME}` placeholders are filled in first, as the README's
// envsubst does. Every combination of what changes the files (the framework's server,
// PostgreSQL, Redis, migrations). botocore is the one in the field checkers' venv (a dependency
// of checkov, installed by tests/support/field-checkers.ts from PyPI); the test prints its
// version. A misspelt key and a wrong type are shown to be rejected.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderProject } from '../../src/engine/render.js';
import { allCombinations, COMBINATION_AXES, combinationId, type Combination } from '../../src/options/table.js';
import { REPO } from '../support/cli-run.js';
import { installCheckers, type CheckerInstall } from '../support/field-checkers.js';
import { optionsFor, TEST_VERSION } from '../support/generate.js';
import { run } from '../support/run.js';

const ECS = 'deploy/ecs';
const OPERATIONS: Record<string, string> = {
  'task-definition.json': 'RegisterTaskDefinition',
  'service.json': 'CreateService',
  'migrate-task.json': 'RunTask',
};
/** What the README's commands export, in the forms AWS gives them. */
const SAMPLE_VALUES: Record<string, string> = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCOUNT_ID: '123456789012',
  IMAGE: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop@sha256:' + 'a'.repeat(64),
  SUBNET_1: 'subnet-0123456789abcdef0',
  SUBNET_2: 'subnet-0123456789abcdef1',
  APP_SECURITY_GROUP: 'sg-0123456789abcdef0',
  TARGET_GROUP_ARN: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop/0123456789abcdef',
  DB_HOST: 'shop.abcdefghijkl.eu-west-1.rds.amazonaws.com',
  DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0123-AbCdEf',
  REDIS_HOST: 'shop.abc123.0001.euw1.cache.amazonaws.com',
};
const fill = (text: string) => text.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => SAMPLE_VALUES[name] ?? `<unknown ${name}>`);

const workDir = mkdtempSync(path.join(tmpdir(), 'cpda-ecs-model-'));
let install: CheckerInstall = { ok: false, reason: 'beforeAll did not run' };
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
beforeAll(async () => {
  install = await installCheckers();
}, 900_000);

/** Each combination once per thing that changes deploy/ecs: the server, the services, migrations. */
const COMBOS: Combination[] = allCombinations()
  .filter((c) => c.dockerfile === 'standard' && c.packageManager === 'uv')
  .flatMap((c) => (c.postgres ? [c, { ...c, migrations: false }] : [c]));

interface ModelRun {
  botocore: string;
  results: Record<string, string[]>;
}

async function validate(files: { operation: string; file: string }[]): Promise<ModelRun> {
  if (!install.ok) throw new Error(install.reason);
  const result = await run(install.tools.python, [path.join(REPO, 'tests/support/ecs-model.py'), ...files.map((f) => `${f.operation}=${f.file}`)]);
  if (result.code !== 0) throw new Error(`ecs-model.py: ${result.stderr}`);
  return JSON.parse(result.stdout) as ModelRun;
}

function writeInputs(combo: Combination): { operation: string; file: string }[] {
  const id = combinationId(combo, [...COMBINATION_AXES, 'migrations']);
  return renderProject(optionsFor({ ...combo, deploy: ['ecs'] }), TEST_VERSION)
    .filter((f) => f.path.startsWith(`${ECS}/`) && f.path.endsWith('.json'))
    .map((f) => {
      const file = path.join(workDir, id, f.path);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, fill(f.contents));
      return { operation: OPERATIONS[path.basename(f.path)]!, file };
    });
}

describe('deploy/ecs against the ECS API model (botocore ParamValidator)', () => {
  it('every file of every combination is a valid input of its call', async (ctx) => {
    if (!install.ok) return ctx.skip(install.reason);
    const inputs = COMBOS.flatMap(writeInputs);
    expect(inputs.length).toBeGreaterThanOrEqual(COMBOS.length * 2);
    expect(new Set(inputs.map((i) => i.operation))).toEqual(new Set(Object.values(OPERATIONS)));
    const checked = await validate(inputs);
    console.info(`ECS model: botocore ${checked.botocore}, ${inputs.length} files`);
    const failures = Object.entries(checked.results).filter(([, errors]) => errors.length > 0);
    expect(failures).toEqual([]);
    expect(Object.keys(checked.results)).toHaveLength(inputs.length);
  });

  it('rejects a misspelt key, a wrong type and a missing required member', async (ctx) => {
    if (!install.ok) return ctx.skip(install.reason);
    const inputs = writeInputs(COMBOS[0]!);
    const task = inputs.find((i) => i.operation === 'RegisterTaskDefinition');
    const service = inputs.find((i) => i.operation === 'CreateService');
    const broken = (name: string, file: string, from: string, to: string) => {
      const text = readFileSync(file, 'utf8');
      if (!text.includes(from)) throw new Error(`${from} is not in ${file}`);
      const out = path.join(workDir, 'broken', name);
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, text.replace(from, to));
      return out;
    };
    const cases = [
      { operation: 'RegisterTaskDefinition', file: broken('misspelt.json', task!.file, '"readonlyRootFilesystem"', '"readOnlyRootFilesystem"'), expected: 'Unknown parameter in containerDefinitions[0]: "readOnlyRootFilesystem"' },
      { operation: 'RegisterTaskDefinition', file: broken('wrong-type.json', task!.file, '"stopTimeout": 45', '"stopTimeout": "45"'), expected: 'Invalid type for parameter containerDefinitions[0].stopTimeout' },
      { operation: 'CreateService', file: broken('no-name.json', service!.file, '"serviceName"', '"servicename"'), expected: 'Missing required parameter in input: "serviceName"' },
    ];
    const checked = await validate(cases);
    for (const c of cases) expect(checked.results[c.file]!.join('\n'), c.file).toContain(c.expected);
  });
});
