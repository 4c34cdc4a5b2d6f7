// The bundled CLI renders from the templates as the build compiled them
// (scripts/precompile-templates.ts) and lists each layer's templates from that build; run from
// source, as the other tests run it, every template is read and compiled as it is rendered.
// Both ways must write the same project, byte for byte, for every layer the package has.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt, listFiles, removeTempDirs, runBin, runMain, tempDir } from '../support/cli-run.js';
import { copyFixture, removeCopies } from '../support/existing-app.js';

afterAll(() => {
  removeTempDirs();
  removeCopies();
});

/** Between them, every layer under templates/ but those only `add docker` uses (below). */
const PROJECTS: string[][] = [
  ['--deploy', 'kubernetes'],
  ['--framework', 'flask', '--no-postgres', '--no-redis', '--package-manager', 'pip', '--dockerfile', 'multi-stage', '--no-lint', '--no-ci', '--no-dependabot'],
  ['--framework', 'fastapi', '--python', '3.12', '--no-redis', '--no-migrations', '--package-manager', 'pip', '--deploy', 'kubernetes'],
  ['--framework', 'flask', '--redis', '--no-postgres', '--dockerfile', 'multi-stage', '--deploy', 'kubernetes'],
];

/** `add docker` on an existing app: the Poetry and Pipenv layers are only used there. */
const EXISTING_APPS = ['poetry-project', 'pipenv-project'] as const;

/** Every file but .env and secrets/, whose values are random on each run. */
function projectFiles(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).filter((f) => f !== '.env' && !f.startsWith('secrets/')).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

describe('the built CLI renders the templates as compiled by the build', () => {
  it.each(PROJECTS.map((flags) => [flags.join(' ')]))('writes the same project as the source: %s', async (flags) => {
    assertBuilt();
    const argv = ['my-app', '--yes', ...flags.split(' ')];
    const [built, source] = [tempDir(), tempDir()];
    const bin = runBin(argv, { cwd: built });
    expect(bin.status, bin.stderr).toBe(0);
    const run = await runMain(argv, { cwd: source });
    expect(run.code, run.stderr).toBe(0);
    expect(projectFiles(path.join(built, 'my-app'))).toEqual(projectFiles(path.join(source, 'my-app')));
  });

  it.each(EXISTING_APPS.map((fixture) => [fixture]))('adds the same Docker files to an existing app as the source: %s', async (fixture) => {
    assertBuilt();
    const [built, source] = [copyFixture(fixture), copyFixture(fixture)];
    const bin = runBin(['add', 'docker', '--dir', built, '--yes'], { cwd: built });
    expect(bin.status, bin.stderr).toBe(0);
    const run = await runMain(['add', 'docker', '--dir', source, '--yes'], { cwd: source });
    expect(run.code, run.stderr).toBe(0);
    expect(projectFiles(built)).toEqual(projectFiles(source));
  });

});
