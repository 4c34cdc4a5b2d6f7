// scripts/smoke-test asks /health where the engine published the app: on this machine, or on
// the host a tcp:// DOCKER_HOST names (GitLab CI's Docker-in-Docker service, `docker`). The
// stack tests run it against real engines on unix sockets; here `docker` and `curl` are stand-ins
// on PATH (no engine, no network), so only which address it asks is tested.

import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { renderProject } from '../../src/engine/render.js';
import { removeTempDirs, tempDir } from '../support/cli-run.js';
import { optionsFor, TEST_VERSION } from '../support/generate.js';
import { run } from '../support/run.js';

afterAll(removeTempDirs);

function project(): { dir: string; bin: string } {
  const dir = tempDir();
  for (const file of renderProject(optionsFor({ ci: 'gitlab' }), TEST_VERSION).filter((f) => f.path === 'scripts/smoke-test' || f.path === '.env.example')) {
    mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
    writeFileSync(path.join(dir, file.path), file.contents);
  }
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  // `docker compose ... port app 8000` answers as Compose does; everything else succeeds silently.
  writeFileSync(path.join(bin, 'docker'), '#!/bin/sh\ncase "$*" in *" port app "*) echo 0.0.0.0:49153 ;; esac\n');
  writeFileSync(path.join(bin, 'curl'), '#!/bin/sh\necho "asked $4"\n');
  chmodSync(path.join(bin, 'docker'), 0o755);
  chmodSync(path.join(bin, 'curl'), 0o755);
  return { dir, bin };
}

test.each([
  [undefined, 'http://127.0.0.1:49153/health'],
  ['unix:///run/user/1000/docker.sock', 'http://127.0.0.1:49153/health'],
  ['tcp://docker:2376', 'http://docker:49153/health'],
])('with DOCKER_HOST=%s the smoke test asks %s', async (dockerHost, url) => {
  const { dir, bin } = project();
  const env: Record<string, string> = { PATH: `${bin}:/usr/bin:/bin` };
  if (dockerHost) env.DOCKER_HOST = dockerHost;
  const result = await run('sh', ['scripts/smoke-test'], { cwd: dir, env });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain(`asked ${url}`);
});

test.each([
  ['a plain TMPDIR', ''],
  ['a TMPDIR holding a quote, a backslash, a space and a #', 'we"ird \\s \'#x'],
])("in a fresh checkout (no secrets/, as CI has) it gives compose.yaml's secret a random file of its own, 0644, and removes it after (%s); the project is left as it was", async (_what, tmpName) => {
  const { dir, bin } = project();
  const log = path.join(dir, 'log');
  const tmp = path.join(tempDir(), tmpName);
  mkdirSync(tmp, { recursive: true });
  // A docker that, at `up`, keeps the extra Compose file, the folder Compose is told of and the
  // mode and size of the file there.
  writeFileSync(
    path.join(bin, 'docker'),
    `#!/bin/sh\ncase "$*" in *" up "*) for a in "$@"; do case "$a" in */secrets.yaml) cat "$a" >>${log}.yaml ;; esac; done; printf '%s' "$SMOKE_SECRETS_DIR" >${log}.dir; stat -c '%a %s' "$SMOKE_SECRETS_DIR/postgres_password" >>${log}.mode ;; esac\ncase "$*" in *" port app "*) echo 0.0.0.0:49153 ;; esac\n`,
  );
  const before = readdirSync(dir).sort();
  const result = await run('sh', ['scripts/smoke-test'], { cwd: dir, env: { PATH: `${bin}:/usr/bin:/bin`, TMPDIR: tmp } });
  expect(result.code, result.stderr).toBe(0);
  expect(readFileSync(`${log}.mode`, 'utf8').trim()).toBe('644 48');
  // The path reaches Compose as a variable, which it fills in: no YAML quoting to break.
  expect(readFileSync(`${log}.yaml`, 'utf8')).toBe('secrets:\n  postgres_password:\n    file: ${SMOKE_SECRETS_DIR}/postgres_password\n');
  const folder = readFileSync(`${log}.dir`, 'utf8');
  expect(path.dirname(folder)).toBe(tmp);
  expect(existsSync(folder)).toBe(false);
  expect(readdirSync(dir).filter((f) => !f.startsWith('log')).sort()).toEqual(before);
});
