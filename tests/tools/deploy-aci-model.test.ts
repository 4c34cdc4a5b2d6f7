// Azure Container Instances (issue 25): every container group deploy/aci/ emits, for both
// frameworks with and without PostgreSQL, Redis and migrations, is a ContainerGroup by Azure's
// own model of one: the azure-mgmt-containerinstance SDK (API 2023-05-01, generated from
// Azure's published REST specification), which tests/support/aci-model.py deserializes each
// group with and serializes back, so that a key the model does not have (dropped) or a value
// of another type (refused or converted) is an error. Shown to fail on a misspelt key and on a
// wrong type. The SDK is installed from PyPI into a small cached venv (tests/support/aci-model.ts).

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { REPO } from '../support/cli-run.js';
import { installAciModel, type AciModelInstall } from '../support/aci-model.js';
import { documentsOf } from '../support/platform-rules.js';
import { renderPlatform, PLATFORM_COMBOS, type PlatformCombo } from '../support/platforms.js';

let install: AciModelInstall = { ok: false, reason: 'beforeAll did not run' };
beforeAll(async () => {
  install = await installAciModel();
  if (install.ok) console.log(`azure-mgmt-containerinstance venv: ${install.seconds === 'cached' ? 'cached' : `installed in ${install.seconds} s`}`);
}, 600_000);

type Group = Record<string, unknown>;

/** Errors per label, from one Python run over all the groups. */
function modelErrors(groups: { label: string; group: Group }[]): Record<string, string[]> {
  if (!install.ok) throw new Error(install.reason);
  const result = spawnSync(install.python, [path.join(REPO, 'tests/support/aci-model.py')], { input: JSON.stringify(groups), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`aci-model.py: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, string[]>;
}

type Combo = PlatformCombo;
const COMBOS = PLATFORM_COMBOS;

const groupsOf = (combo: Combo) =>
  renderPlatform('aci', combo)
    .filter((f) => f.path.endsWith('.yaml'))
    .map((f) => ({ label: `${JSON.stringify(combo)} ${f.path}`, group: documentsOf(f.contents)[0]! }));

describe('ACI container groups by Azure\'s model', () => {
  test('every group of every combination is a ContainerGroup', (context) => {
    if (!install.ok) return context.skip(install.reason);
    const groups = COMBOS.flatMap(groupsOf);
    expect(groups.length).toBe(COMBOS.length + COMBOS.filter((c) => c.migrations).length);
    const errors = modelErrors(groups);
    expect(Object.entries(errors).filter(([, e]) => e.length > 0)).toEqual([]);
  });

  test('a misspelt key and a wrong type are refused', (context) => {
    if (!install.ok) return context.skip(install.reason);
    const [app] = groupsOf({ framework: 'flask', postgres: true, redis: true, migrations: true });
    const misspelt = structuredClone(app!.group) as { properties: Record<string, unknown> };
    misspelt.properties.restartPolicyy = misspelt.properties.restartPolicy;
    delete misspelt.properties.restartPolicy;
    const wrongType = structuredClone(app!.group) as { properties: { containers: { properties: { ports: { port: unknown }[] } }[] } };
    wrongType.properties.containers[0]!.properties.ports[0]!.port = 'eighty';
    const converted = structuredClone(app!.group) as { properties: { containers: { properties: { resources: { requests: { cpu: unknown } } } }[] } };
    converted.properties.containers[0]!.properties.resources.requests.cpu = '1';
    const errors = modelErrors([
      { label: 'misspelt', group: misspelt as unknown as Group },
      { label: 'wrong type', group: wrongType as unknown as Group },
      { label: 'converted', group: converted as unknown as Group },
    ]);
    expect(errors.misspelt).toEqual(["'.properties.restartPolicyy: not in Azure's model (dropped)'".slice(1, -1)]);
    expect(errors['wrong type']).toEqual(['not a ContainerGroup: eighty is not a int']);
    expect(errors.converted).toEqual(["'.properties.containers[0].properties.resources.requests.cpu: '1' is a str, Azure's model has a float'".slice(1, -1)]);
  });
});
