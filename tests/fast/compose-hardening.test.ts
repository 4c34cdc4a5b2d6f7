// compose.yaml runs every service hardened, as the Kubernetes manifests run their pods (read-only
// root, no capabilities beyond an official image's entry point's, no new privileges, memory and
// pids limits, rotated logs), in every combination and in `add docker`'s files; the development
// override changes only what reload needs. The real-engine proof that stacks stay healthy and
// keep their data under it is in tests/stack/stack-compose.test.ts.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { comboId } from '../../src/options/table.js';
import { combinationsUnderTest } from '../support/combinations.js';
import { removeTempDirs, runMain } from '../support/cli-run.js';
import { ENTRYPOINT_CAPS, hardeningProblems, overrideProblems } from '../support/compose-hardening.js';
import { copyFixture, removeCopies, type FixtureName } from '../support/existing-app.js';
import { render } from '../support/generate.js';
import { mutate } from '../support/mutate.js';

afterAll(() => {
  removeCopies();
  removeTempDirs();
});

const file = (files: { path: string; contents: string }[], p: string) => files.find((f) => f.path === p)!.contents;

describe('create: every service of compose.yaml is hardened; the override loosens nothing', () => {
  it.each(combinationsUnderTest().map((c) => [comboId(c), c] as const))('%s', (_id, combo) => {
    const files = render(combo);
    const compose = file(files, 'compose.yaml');
    expect(hardeningProblems(compose)).toEqual([]);
    expect(overrideProblems(file(files, 'compose.override.yaml'))).toEqual([]);
    // Every service is there to be checked: the app, migrate, the worker, beat, db and redis as chosen.
    const names = Object.keys((parseYaml(compose) as { services: object }).services);
    expect(names).toEqual(['app', ...(combo.migrations ? ['migrate'] : []), ...(combo.worker === 'celery' ? ['worker'] : []), ...(combo.beat ? ['beat'] : []), ...(combo.postgres ? ['db'] : []), ...(combo.redis ? ['redis'] : [])]);
  });
});

describe('add docker: the same hardening in every fixture’s compose.yaml', () => {
  const fixtures: FixtureName[] = ['flask-factory', 'fastapi-main', 'pyproject-app', 'src-layout', 'requirements-includes', 'uv-project', 'poetry-project', 'pipenv-project'];
  it.each(fixtures)('%s', async (fixture) => {
    const dir = copyFixture(fixture);
    const run = await runMain(['add', 'docker', '--dir', dir], { cwd: path.dirname(dir) });
    expect(run.code, run.stderr).toBe(0);
    expect(hardeningProblems(readFileSync(path.join(dir, 'compose.yaml'), 'utf8'))).toEqual([]);
    expect(overrideProblems(readFileSync(path.join(dir, 'compose.override.yaml'), 'utf8'))).toEqual([]);
  });
});

describe('the check fails on each fault it guards', () => {
  const files = render({ framework: 'flask', postgres: true, redis: true });
  const compose = file(files, 'compose.yaml');
  const override = file(files, 'compose.override.yaml');
  // Faults are planted in the db service's block (up to the blank line that ends it).
  const inDb = (from: RegExp, to: string) => {
    const start = compose.indexOf('\n  db:\n');
    const end = compose.indexOf('\n\n', start + 1);
    return compose.slice(0, start) + mutate(compose.slice(start, end), from, to) + compose.slice(end);
  };

  it('the generated files pass as they are', () => {
    expect(hardeningProblems(compose)).toEqual([]);
    expect(overrideProblems(override)).toEqual([]);
  });

  it.each([
    ['cap_drop removed', inDb(/^ {4}cap_drop: \[ALL\]\n/m, ''), 'db: cap_drop is undefined, not [ALL]'],
    ['read_only false', inDb(/^ {4}read_only: true$/m, '    read_only: false'), 'db: read_only is not true'],
    ['a capability beyond the entry point’s', inDb(/^ {4}cap_add: \[(.*)\]$/m, '    cap_add: [$1, NET_ADMIN]'), 'db: cap_add NET_ADMIN is not allowed here'],
    ['no-new-privileges removed', inDb(/^ {6}- no-new-privileges:true\n/m, '      - seccomp:unconfined\n'), 'db: no no-new-privileges:true'],
    ['no memory limit', inDb(/^ {4}mem_limit: .*\n/m, ''), 'db: mem_limit is undefined'],
    ['no pids limit', inDb(/^ {4}pids_limit: .*\n/m, ''), 'db: pids_limit is undefined'],
    ['logs that never rotate', inDb(/^ {8}max-size: .*\n/m, ''), 'db: logging does not rotate'],
    ['a tmpfs without a size', inDb(/^ {6}- \/tmp:size=\S+$/m, '      - /tmp'), 'db: tmpfs /tmp has no size'],
  ])('%s', (_what, text, expected) => {
    expect(hardeningProblems(text).join('\n')).toContain(expected);
  });

  it('the app may not take a capability back: its image runs as its own user from the start', () => {
    const text = mutate(compose, /^( {4}stop_grace_period: .*)$/m, `$1\n    cap_add: [${ENTRYPOINT_CAPS[0]}]`);
    expect(hardeningProblems(text)).toEqual([`app: cap_add ${ENTRYPOINT_CAPS[0]} is not allowed here`]);
  });

  const beforeDevelop = (line: string) => mutate(override, /^( {4}develop:)$/m, `${line}\n$1`);
  it.each([
    ['read_only: false', beforeDevelop('    read_only: false'), 'app: the override sets read_only'],
    ['a capability', beforeDevelop('    cap_add: [SYS_ADMIN]'), 'app: the override sets cap_add'],
    ['a writable code mount', mutate(override, './app:/app/app:ro', './app:/app/app'), 'app: volume "./app:/app/app" is not a read-only bind mount of the code'],
  ])('the override loosening production: %s', (_what, text, expected) => {
    expect(overrideProblems(text)).toEqual([expected]);
  });
});
