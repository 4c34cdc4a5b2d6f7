// The Azure CLI commands in deploy/aci/README.md (issue 25), parsed offline by the Azure CLI
// itself: each of the README's shell blocks and each `az ...` of its prose is run by bash as
// written (tests/support/az-cli-syntax.ts), and every command it records must get past the
// CLI's own parser (azure-cli from PyPI, the arguments its command modules register, stopped
// right after parsing). A misspelt option, a missing required argument and a value outside an
// option's choices are shown to be refused, and a step left out to stop the run (bash runs
// with `set -u`). What this cannot show: that the commands work against a real account (no
// validator, login or request runs), or what `az container create --file` makes of the file
// (tests/tools/deploy-aci-model.test.ts checks the groups by Azure's model).

import { beforeAll, describe, expect, test } from 'vitest';
import { AZURE_CLI_PIN, installAzureCli, runAzReadme, type ReadmeRun } from '../support/az-cli-syntax.js';
import type { VenvInstall } from '../support/pinned-venv.js';
import { README_SECTION_COMBOS, renderPlatform, type PlatformCombo } from '../support/platforms.js';

let install: VenvInstall = { ok: false, reason: 'beforeAll did not run' };
beforeAll(async () => {
  install = await installAzureCli();
  if (install.ok) console.log(`${AZURE_CLI_PIN} venv: ${install.seconds === 'cached' ? 'cached' : `installed in ${install.seconds} s`}`);
}, 600_000);

const COMBOS = README_SECTION_COMBOS;

const aciFiles = (combo: PlatformCombo) => renderPlatform('aci', combo);
const readmeOf = (combo: PlatformCombo) => aciFiles(combo).find((f) => f.path === 'deploy/aci/README.md')!.contents;

/** The commands the parser did not accept, with what it said. */
const refused = (result: ReadmeRun) => result.calls.filter((c) => !c.parsed).map((c) => `az ${c.args.join(' ')}\n  -> exit ${c.code}: ${c.stderr}`);

describe('deploy/aci/README.md, its Azure CLI commands by the Azure CLI', () => {
  for (const combo of COMBOS) {
    test(`${JSON.stringify(combo)}: every command is parsed`, async (context) => {
      if (!install.ok) return context.skip(install.reason);
      const result = await runAzReadme(install.python, readmeOf(combo), aciFiles(combo));
      console.log(`${JSON.stringify(combo)}: ${result.calls.length} az commands`);
      expect(result.shell).toEqual({ code: 0, stderr: '' });
      expect(result.calls.length).toBe(result.written);
      expect(refused(result)).toEqual([]);
    });
  }

  test('a misspelt option, a missing required argument and a value outside the choices are refused', async (context) => {
    if (!install.ok) return context.skip(install.reason);
    const combo = COMBOS[0]!;
    const readme = readmeOf(combo);
    const broken = readme
      .replace('az container create --resource-group "$RESOURCE_GROUP" --file', 'az container create --resource-group "$RESOURCE_GROUP" --fiel')
      .replace(/(az postgres flexible-server db create .*) --name app/, '$1 --database-name app')
      .replace('--sku Basic --vm-size c0', '--sku Basik --vm-size c0');
    expect(broken.split('\n').filter((line, i) => line !== readme.split('\n')[i])).toHaveLength(3);
    const result = await runAzReadme(install.python, broken, aciFiles(combo));
    expect(result.calls.length).toBe(result.written);
    const messages = refused(result);
    expect(messages).toHaveLength(3);
    expect(messages.find((m) => m.startsWith('az container create'))).toMatch(/exit 2: .*unrecognized arguments: --fiel/);
    expect(messages.find((m) => m.startsWith('az postgres flexible-server db create'))).toMatch(/exit 2: .*the following arguments are required: --name\/-n/);
    expect(messages.find((m) => m.startsWith('az redis create'))).toMatch(/exit 2: .*'Basik' is not a valid value for '--sku'/);
  });

  test('a variable the steps never set stops the run', async (context) => {
    if (!install.ok) return context.skip(install.reason);
    const combo = COMBOS[0]!;
    const broken = readmeOf(combo).replace(/^set -a; \. deploy\/aci\/settings\.env; set \+a$/m, ':');
    expect(broken).not.toBe(readmeOf(combo));
    const result = await runAzReadme(install.python, broken, aciFiles(combo));
    expect(result.shell.code).not.toBe(0);
    expect(result.shell.stderr).toMatch(/RESOURCE_GROUP: unbound variable/);
  });
});
