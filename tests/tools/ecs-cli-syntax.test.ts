// The AWS CLI commands in deploy/ecs/README.md (issue 25), checked for their syntax offline by
// the AWS CLI itself: each of the README's shell blocks and each `aws ...` of its prose is run
// by bash as written, against a closed local endpoint (tests/support/aws-cli-syntax.ts). Every
// command must get as far as connecting, which the CLI does only once it has accepted the
// command's options, their shorthand values and the --cli-input-json files (rendered next to
// the README, as a project has them). A misspelt option and a wrong value type are shown to be
// refused before that, and a step left out to stop the run (bash runs with `set -u`). What this cannot show: that the commands work against a real account.

import { beforeAll, describe, expect, test } from 'vitest';
import { ACCEPTED, installAwsCli, runAwsReadme, type ReadmeRun } from '../support/aws-cli-syntax.js';
import type { VenvInstall } from '../support/pinned-venv.js';
import { render } from '../support/generate.js';
import { README_SECTION_COMBOS, type PlatformCombo } from '../support/platforms.js';

let install: VenvInstall = { ok: false, reason: 'beforeAll did not run' };
beforeAll(async () => {
  install = await installAwsCli();
  if (install.ok) console.log(`awscli venv: ${install.seconds === 'cached' ? 'cached' : `installed in ${install.seconds} s`}`);
}, 600_000);

const COMBOS = README_SECTION_COMBOS;

const ecsFiles = (combo: PlatformCombo) => render({ ...combo, deploy: ['ecs'] }).filter((f) => f.path.startsWith('deploy/ecs/'));
const readmeOf = (combo: PlatformCombo) => ecsFiles(combo).find((f) => f.path === 'deploy/ecs/README.md')!.contents;

/** The commands the CLI did not accept, with what it said. */
const refused = (result: ReadmeRun) => result.calls.filter((c) => !ACCEPTED.test(c.stderr)).map((c) => `aws ${c.args.join(' ')}\n  -> exit ${c.code}: ${c.stderr}`);

describe('deploy/ecs/README.md, its AWS CLI commands by the AWS CLI', () => {
  for (const combo of COMBOS) {
    test(`${JSON.stringify(combo)}: every command is accepted`, async (context) => {
      if (!install.ok) return context.skip(install.reason);
      const result = await runAwsReadme(install.python, readmeOf(combo), ecsFiles(combo));
      console.log(`${JSON.stringify(combo)}: ${result.calls.length} aws commands`);
      expect(result.shell).toEqual({ code: 0, stderr: '' });
      expect(result.calls.length).toBe(result.written);
      expect(refused(result)).toEqual([]);
    });
  }

  test('a misspelt option and a value of the wrong type are refused', async (context) => {
    if (!install.ok) return context.skip(install.reason);
    const combo = COMBOS[0]!;
    const broken = readmeOf(combo)
      .replace('aws ecs update-service --cluster', 'aws ecs update-service --task-definitonn x --cluster')
      .replace(/--min-capacity \d+/, '--min-capacity two');
    const result = await runAwsReadme(install.python, broken, ecsFiles(combo));
    expect(result.calls.length).toBe(result.written);
    const messages = refused(result);
    expect(messages).toHaveLength(2);
    expect(messages.join('\n')).toMatch(/Unknown options: --task-definitonn/);
    expect(messages.join('\n')).toMatch(/--min-capacity.*two/);
  });

  test('a variable the steps never set stops the run', async (context) => {
    if (!install.ok) return context.skip(install.reason);
    const combo = COMBOS[0]!;
    const broken = readmeOf(combo).replace(/^DATA_SG=.*\n/m, '');
    expect(broken).not.toBe(readmeOf(combo));
    const result = await runAwsReadme(install.python, broken, ecsFiles(combo));
    expect(result.shell.code).not.toBe(0);
    expect(result.shell.stderr).toMatch(/DATA_SG: unbound variable/);
  });
});
