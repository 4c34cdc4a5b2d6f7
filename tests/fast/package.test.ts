// What `npm create python-docker-app` downloads: one package with no runtime dependencies,
// holding only the bundle (with the templates compiled into it), the stored locks, README, LICENSE and
// package.json, and a bin that runs.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertBuilt, cleanEnv, REPO } from '../support/cli-run.js';

const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  main: string;
  dependencies?: Record<string, string>;
};

/** What `npm pack` would put in the tarball: asked once for this file's tests (npm takes a second or more to start). */
let packed: string[] | undefined;
function packedFiles(): string[] {
  if (!packed) {
    // --ignore-scripts: pack what tsup already built instead of building again.
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, env: cleanEnv({}), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    packed = (JSON.parse(r.stdout) as [{ files: { path: string }[] }])[0].files.map((f) => f.path);
  }
  return [...packed];
}

describe('the published package', () => {
  it('has no runtime dependencies: everything the CLI needs is bundled into dist/', () => {
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('packs only dist/, templates/, the features\' templates and slots, README.md, LICENSE and package.json', () => {
    assertBuilt();
    const files = packedFiles();
    const outside = files.filter((f) => !/^(dist|templates|src\/features\/[^/]+\/(templates|slots))\//.test(f) && !['README.md', 'LICENSE', 'package.json'].includes(f));
    expect(outside).toEqual([]);
    expect(files).toContain(pkg.bin['create-python-docker-app']);
    expect(files).toContain(pkg.main);
  });

  it('ships the templates compiled into dist/templates.txt and the stored locks, not the .ejs files', () => {
    assertBuilt();
    const files = packedFiles();
    expect(files).toContain('dist/templates.txt');
    expect(files.filter((f) => f.endsWith('.ejs'))).toEqual([]);
    expect(files.some((f) => f.startsWith('templates/locks/'))).toBe(true);
  });

  it('its bin is an executable script in dist/ that answers --version', () => {
    assertBuilt();
    const bin = path.join(REPO, pkg.bin['create-python-docker-app']!);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const r = spawnSync(process.execPath, [bin, '--version'], { env: cleanEnv({}), encoding: 'utf8', input: '' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
