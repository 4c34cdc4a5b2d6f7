// add docker chooses from everything the repository says (issue 21, item 4): the Python its
// constraints allow (or a refusal naming them), dependencies in files included with -r/-c,
// and the framework the app in the code is built with when several sources disagree.

import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { poetryToPep440 } from '../../src/existing/python-version.js';
import { PYTHON_RELEASES } from '../../src/engine/versions.js';
import { removeTempDirs, runMain, tempDir } from '../support/cli-run.js';

afterAll(removeTempDirs);

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');

interface Report {
  ok: boolean;
  options: Record<string, unknown> & { detected: string[] };
  files: { path: string; action: string }[];
  warnings: string[];
  error?: { code: string; message: string };
}

/** A repository with these files (relative path -> text) and a minimal FastAPI app. */
function repoWith(files: Record<string, string>, { app = true } = {}): string {
  const dir = path.join(tempDir('cpda-choice-'), 'svc');
  mkdirSync(dir, { recursive: true });
  if (app) writeFileSync(path.join(dir, 'main.py'), 'from fastapi import FastAPI\n\napp = FastAPI()\n');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

function fixture(name: string): string {
  const dir = path.join(tempDir('cpda-choice-'), name);
  cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

async function addDocker(dir: string, ...flags: string[]): Promise<{ code: number; report: Report; stderr: string }> {
  const run = await runMain(['add', 'docker', '--dir', dir, '--json', ...flags], { cwd: path.dirname(dir) });
  return { code: run.code, report: JSON.parse(run.stdout) as Report, stderr: run.stderr };
}

const REQS = 'fastapi==0.163.2\nuvicorn[standard]==0.54.0\n';

describe('the Python version: the one the repository allows', () => {
  it.each([
    ['requires-python ">=3.10,<3.13"', { 'requirements.txt': REQS, 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.10,<3.13"\n' }, '3.12'],
    ['requires-python "~=3.12.0"', { 'requirements.txt': REQS, 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\nrequires-python = "~=3.12.0"\n' }, '3.12'],
    ['requires-python ">=3.14"', { 'requirements.txt': REQS, 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.14"\n' }, '3.15'],
    ['requires-python ">=3.12,!=3.13.*" (the default excluded: the newest that fits)', { 'requirements.txt': REQS, 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.12,!=3.13.*"\n' }, '3.15'],
    ['requires-python ">=3.9" (a lower bound only: the newest offered)', { 'requirements.txt': REQS, 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.9"\n' }, '3.15'],
    ["a Pipfile's python_version = \"3.12\"", { 'requirements.txt': REQS, Pipfile: '[packages]\nfastapi = "==0.163.2"\n\n[requires]\npython_version = "3.12"\n' }, '3.12'],
    ['Poetry\'s python = "~3.12"', { 'requirements.txt': REQS, 'pyproject.toml': '[tool.poetry.dependencies]\npython = "~3.12"\nfastapi = "0.163.2"\n' }, '3.12'],
    ['Poetry\'s python = "^3.12"', { 'requirements.txt': REQS, 'pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.12"\nfastapi = "0.163.2"\n' }, '3.15'],
    ['.python-version "3.12.3"', { 'requirements.txt': REQS, '.python-version': '3.12.3\n' }, '3.12'],
    ['.python-version "3.14" and requires-python ">=3.12"', { 'requirements.txt': REQS, '.python-version': '3.14\n', 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.12"\n' }, '3.14'],
  ].map(([label, files, python]) => ({ label: label as string, files: files as Record<string, string>, python: python as string })))('$label -> Python $python in the image', async ({ files, python }) => {
    const { code, report } = await addDocker(repoWith(files), '--yes');
    expect(code).toBe(0);
    expect(report.options.python).toBe(python);
    expect(report.options.detected.some((n) => n.startsWith(`Python ${python}: the newest offered that fits`))).toBe(true);
  });

  it('the Dockerfile is built FROM the chosen Python', async () => {
    const dir = repoWith({ 'requirements.txt': REQS, 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.10,<3.13"\n' });
    expect((await addDocker(dir, '--yes')).code).toBe(0);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toMatch(new RegExp(`^FROM python:${PYTHON_RELEASES['3.12'].replaceAll('.', '\\.')}-slim-trixie\\b`, 'm'));
  });

  it.each([
    ['requires-python "<3.12"', { 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\nrequires-python = "<3.12"\ndependencies = ["fastapi"]\n' }, 'requires-python in pyproject.toml (<3.12)'],
    ["a Pipfile's python_full_version = \"3.12.3\" (the image has another patch release)", { 'requirements.txt': REQS, Pipfile: '[requires]\npython_full_version = "3.12.3"\n' }, "python_full_version in the Pipfile's [requires] (3.12.3)"],
    ['Poetry\'s python = ">=3.8,<3.11"', { 'requirements.txt': REQS, 'pyproject.toml': '[tool.poetry.dependencies]\npython = ">=3.8,<3.11"\n' }, 'python in [tool.poetry.dependencies] (>=3.8,<3.11)'],
  ].map(([label, files, named]) => ({ label: label as string, files: files as Record<string, string>, named: named as string })))('$label: none fits, refused naming the range, nothing written', async ({ files, named }) => {
    const dir = repoWith(files);
    const { code, report } = await addDocker(dir, '--yes');
    expect(code).toBe(1);
    expect(report.error?.message).toBe(
      `no Python offered (${Object.values(PYTHON_RELEASES).join(', ')}) fits ${named}; widen that range, or build the image yourself on a Python it allows`,
    );
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(false);
  });

  it('--python outside the range is refused, naming the range and the Python that fits', async () => {
    const dir = repoWith({ 'requirements.txt': REQS, 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.10,<3.13"\n' });
    const { code, report } = await addDocker(dir, '--yes', '--python', '3.13');
    expect(code).toBe(1);
    expect(report.error?.message).toBe(
      `Python 3.13 (${PYTHON_RELEASES['3.13']} in the image) does not fit requires-python in pyproject.toml (>=3.10,<3.13); pass a --python it allows (3.12 fits)`,
    );
  });

  it("Poetry's shorthands read as Poetry defines them", () => {
    expect(poetryToPep440('^3.12')).toEqual(['>=3.12.0,<4.0.0']);
    expect(poetryToPep440('^0.3')).toEqual(['>=0.3.0,<0.4.0']);
    expect(poetryToPep440('~3.12')).toEqual(['>=3.12.0,<3.13.0']);
    expect(poetryToPep440('3.12')).toEqual(['==3.12.*']);
    expect(poetryToPep440('>= 3.9 <3.12')).toEqual(['>=3.9,<3.12']);
    expect(poetryToPep440('>=3.9, <3.12')).toEqual(['>=3.9,<3.12']);
    expect(poetryToPep440('^3.10 || ^3.12')).toEqual(['>=3.10.0,<4.0.0', '>=3.12.0,<4.0.0']);
  });
});

describe('in a project create-python-docker-app generated', () => {
  it('the Python is the one its answers file records, not the newest its constraints allow', async () => {
    const cwd = tempDir('cpda-choice-');
    expect((await runMain(['svc', '--yes', '--python', '3.13'], { cwd })).code).toBe(0);
    const { code, report } = await addDocker(path.join(cwd, 'svc'), '--yes', '--dry-run');
    expect(code).toBe(0);
    expect(report.options).toMatchObject({ python: '3.13' });
    expect(report.options.detected).toContain('Python 3.13: from .create-python-docker-app.json');
  });
});

describe('a lock of a tool the image does not run (PDM)', () => {
  const pyproject = '[project]\nname = "svc"\nversion = "0.1.0"\ndependencies = ["fastapi==0.163.2", "uvicorn[standard]==0.54.0"]\n';

  it('without a requirements.txt: the unpinned install from pyproject.toml is said, with the export that pins it', async () => {
    const { code, report } = await addDocker(repoWith({ 'pyproject.toml': pyproject, 'pdm.lock': '# a PDM lock\n' }), '--yes', '--dry-run');
    expect(code).toBe(0);
    expect(report.warnings).toContain(
      "pdm.lock is not used: the image has no PDM and installs pyproject.toml's [project].dependencies, unpinned; to build from the lock, write a requirements.txt from it (`pdm export -o requirements.txt`) and run add docker again",
    );
  });

  it('beside a requirements.txt (its export, maybe), the image installs that, and nothing is said', async () => {
    const { code, report } = await addDocker(repoWith({ 'pyproject.toml': pyproject, 'pdm.lock': '# a PDM lock\n', 'requirements.txt': REQS }), '--yes', '--dry-run');
    expect(code).toBe(0);
    expect(report.warnings.filter((w) => w.includes('pdm.lock'))).toEqual([]);
  });
});

describe('dependencies from every source', () => {
  it('Flask in requirements.txt, FastAPI in pyproject.toml, a Flask app in app.py: Flask, with Redis from a -r include', async () => {
    const { code, report } = await addDocker(fixture('mixed-sources'), '--yes');
    expect(code).toBe(0);
    expect(report.options).toMatchObject({ framework: 'flask', app: 'app:app', redis: true, python: '3.12' });
    expect(report.options.detected).toContain('framework flask: the app in the code is a flask app (fastapi is listed in pyproject.toml too)');
    expect(report.warnings.join('\n')).not.toMatch(/redis/i);
  });

  it('a Flask app and a FastAPI app, each framework declared: a true ambiguity, the message names both', async () => {
    const dir = fixture('mixed-sources');
    writeFileSync(path.join(dir, 'admin.py'), 'from fastapi import FastAPI\n\napi = FastAPI()\n');
    const { code, report } = await addDocker(dir, '--yes');
    expect(code).toBe(2);
    expect(report.error?.message).toContain(
      '--framework fastapi|flask (found both fastapi (listed in pyproject.toml) and flask (listed in requirements.txt), and an app of each in the code) and --app module:attr unless --framework picks one (admin:api for fastapi, app:app for flask)',
    );
  });

  it('the same with --framework: the app of that framework is served', async () => {
    const dir = fixture('mixed-sources');
    writeFileSync(path.join(dir, 'admin.py'), 'from fastapi import FastAPI\n\napi = FastAPI()\n');
    for (const [framework, app] of [['fastapi', 'admin:api'], ['flask', 'app:app']] as const) {
      const { code, report } = await addDocker(dir, '--yes', '--framework', framework, '--dry-run');
      expect(code).toBe(0);
      expect(report.options).toMatchObject({ framework, app });
    }
  });

  it('a driver only in a file included with -r, nested and cyclic, is found; one only in a -c constraints file is not installed, so not found', async () => {
    const dir = repoWith({
      'requirements.txt': `${REQS}-r reqs/a.txt\n`,
      'reqs/a.txt': '-r b.txt\n',
      'reqs/b.txt': '-r a.txt\n-c ../constraints.txt\npsycopg[binary]==3.3.9\n',
      'constraints.txt': 'redis==5.2.1\n',
    });
    const { code, report } = await addDocker(dir, '--yes');
    expect(code).toBe(0);
    expect(report.options).toMatchObject({ postgres: true, redis: false });
  });

  it('a file reached both through -c and -r counts as installed, with what it includes', async () => {
    const dir = repoWith({
      'requirements.txt': `${REQS}-c shared.txt\n-r shared.txt\n`,
      'shared.txt': '-r more.txt\n',
      'more.txt': 'redis==5.2.1\n',
    });
    const { code, report } = await addDocker(dir, '--yes');
    expect(code).toBe(0);
    expect(report.options).toMatchObject({ redis: true });
    expect(report.options.installFiles).toEqual(['requirements.txt', 'shared.txt', 'more.txt']);
  });

  it('an include through a symlink that leaves the repository is not read and is refused, naming the line', async () => {
    const outside = tempDir('cpda-outside-');
    writeFileSync(path.join(outside, 'secret.txt'), 'redis==5.2.1\n');
    const dir = repoWith({ 'requirements.txt': `${REQS}-r linked.txt\n` });
    symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'linked.txt'));
    const { code, report } = await addDocker(dir, '--yes');
    expect(code).toBe(1);
    expect(report.error?.message).toMatch(/^requirements\.txt line 3 \(-r linked\.txt\): linked\.txt is not a file in the repository/);
  });

  it('an include chain deeper than 16 files is refused at the line that goes too deep', async () => {
    const files: Record<string, string> = { 'requirements.txt': `${REQS}-r r1.txt\n` };
    for (let i = 1; i <= 20; i++) files[`r${i}.txt`] = `-r r${i + 1}.txt\n`;
    files['r21.txt'] = 'redis==5\n';
    const { code, report } = await addDocker(repoWith(files), '--yes');
    expect(code).toBe(1);
    expect(report.error?.message).toContain('includes nest deeper than 16 files');
  });
});

describe('a uv workspace', () => {
  it("mounts every member's pyproject.toml (globs and exclude resolved), installs all members, and finds the member's server", async () => {
    const dir = fixture('uv-workspace');
    const { code, report } = await addDocker(dir, '--yes');
    expect(code).toBe(0);
    expect(report.options.installFiles).toEqual(['pyproject.toml', 'uv.lock', 'packages/server/pyproject.toml']);
    expect(report.warnings.join('\n')).not.toMatch(/uvicorn/);
    const { readFileSync } = await import('node:fs');
    const dockerfile = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(
      '    --mount=type=bind,source=packages/server/pyproject.toml,target=packages/server/pyproject.toml \\\n    uv sync --locked --no-dev --all-packages --no-install-workspace\n',
    );
    expect(dockerfile).toContain('uv sync --locked --no-dev --all-packages\n');
    expect(readFileSync(path.join(dir, 'compose.override.yaml'), 'utf8')).toContain('packages/server/pyproject.toml');
  });

  it.each([
    ['a member directory without pyproject.toml', (dir: string) => mkdirSync(path.join(dir, 'packages', 'empty')), 'uv workspace member packages/empty has no pyproject.toml, and uv refuses such a workspace'],
    [
      'a member with dynamic metadata',
      (dir: string) => {
        mkdirSync(path.join(dir, 'packages', 'dyn'));
        writeFileSync(path.join(dir, 'packages', 'dyn', 'pyproject.toml'), '[project]\nname = "dyn"\ndynamic = ["version"]\n');
      },
      'uv workspace member packages/dyn declares dynamic version, which uv can only read by building it from its source',
    ],
    [
      'a member outside the repository',
      (dir: string) => writeFileSync(path.join(dir, 'pyproject.toml'), '[project]\nname = "shop"\nversion = "0.1.0"\ndependencies = ["fastapi"]\n\n[tool.uv.workspace]\nmembers = ["../shared/*"]\n'),
      'uv workspace member ../shared/* is outside the repository, which the image is built from',
    ],
    [
      'a member reached through a symbolic link',
      (dir: string) => symlinkSync(path.join(dir, 'packages', 'server'), path.join(dir, 'packages', 'linked')),
      'uv workspace member packages/linked is a symbolic link, which the image build does not follow',
    ],
  ] as const)('%s is refused, saying why, nothing written', async (_label, change, message) => {
    const dir = fixture('uv-workspace');
    change(dir);
    const { code, report } = await addDocker(dir, '--yes');
    expect(code).toBe(1);
    expect(report.error?.message).toContain(message);
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(false);
  });

  it('members listed by path (no glob) are mounted the same way', async () => {
    const dir = fixture('uv-workspace');
    const { readFileSync } = await import('node:fs');
    const manifest = path.join(dir, 'pyproject.toml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('members = ["packages/*"]', 'members = ["./packages/server/"]'));
    const { code, report } = await addDocker(dir, '--yes', '--dry-run');
    expect(code).toBe(0);
    expect(report.options.installFiles).toEqual(['pyproject.toml', 'uv.lock', 'packages/server/pyproject.toml']);
  });

  it('the excluded directory (packages/scratch, no pyproject.toml) is not a member', async () => {
    const { report } = await addDocker(fixture('uv-workspace'), '--yes', '--dry-run');
    expect(report.options.installFiles).not.toContain('packages/scratch/pyproject.toml');
    expect(report.ok).toBe(true);
  });
});

describe('dependencies fetched with git', () => {
  it('git+https in requirements.txt: multi-stage even when standard was asked for, git in the builder stage only, with a warning', async () => {
    const dir = fixture('git-requirements');
    const { code, report } = await addDocker(dir, '--yes', '--dockerfile', 'standard');
    expect(code).toBe(0);
    expect(report.options.dockerfile).toBe('multi-stage');
    expect(report.warnings).toContain(
      'requirements.txt line 4 (shop-tools @ git+https://github.com/example/shop-tools.git@v1.0.0) is fetched with git, which the slim image does not have: the Dockerfile is multi-stage, with git in the builder stage only',
    );
    const { readFileSync } = await import('node:fs');
    const [builder, runtime] = readFileSync(path.join(dir, 'Dockerfile'), 'utf8').split(/^FROM .* AS runtime$/m);
    expect(builder).toContain('apt-get install -y --no-install-recommends build-essential git\n');
    expect(runtime).not.toMatch(/\bgit\b/);
  });

  it.each([
    ['pyproject.toml (uv)', { 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\ndependencies = ["fastapi", "uvicorn", "lib"]\n\n[tool.uv.sources]\nlib = { git = "https://github.com/example/lib", tag = "v1" }\n', 'uv.lock': 'version = 1\n' }],
    ['pyproject.toml [project] dependencies', { 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\ndependencies = ["fastapi", "uvicorn", "lib @ git+https://github.com/example/lib@v1"]\n' }],
    ['a Pipfile', { Pipfile: '[packages]\nfastapi = "*"\nuvicorn = "*"\nlib = {git = "https://github.com/example/lib.git", ref = "v1"}\n', 'Pipfile.lock': '{}\n' }],
    ['Poetry', { 'pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.12"\nfastapi = "*"\nuvicorn = "*"\nlib = { git = "https://github.com/example/lib.git", tag = "v1" }\n', 'poetry.lock': '\n' }],
  ] as const)('a git https dependency in %s gets git in the builder stage', async (_label, files) => {
    const { code, report } = await addDocker(repoWith(files), '--yes');
    expect(code).toBe(0);
    expect(report.options.dockerfile).toBe('multi-stage');
    expect(report.warnings.some((w) => w.includes('is fetched with git'))).toBe(true);
  });

  it.each([
    ['git+ssh in requirements.txt', { 'requirements.txt': `${REQS}lib @ git+ssh://git@github.com/example/lib.git@v1\n` }, 'requirements.txt line 3 (lib @ git+ssh://git@github.com/example/lib.git@v1): an SSH URL needs a key the image build does not have'],
    ['an scp-like git URL in a Pipfile', { Pipfile: '[packages]\nfastapi = "*"\nlib = {git = "git@github.com:example/lib.git"}\n', 'Pipfile.lock': '{}\n' }, 'Pipfile [packages] lib (lib = { git = "git@github.com:example/lib.git" }): an SSH URL needs a key'],
    ['-e git+https in requirements.txt', { 'requirements.txt': `${REQS}-e git+https://github.com/example/lib.git#egg=lib\n` }, 'requirements.txt line 3 (-e git+https://github.com/example/lib.git#egg=lib): an editable install from git is cloned into the working folder'],
    ['git+file in requirements.txt', { 'requirements.txt': `${REQS}git+file:///srv/lib.git#egg=lib\n` }, 'requirements.txt line 3 (git+file:///srv/lib.git#egg=lib): a local repository is not in the image build'],
  ] as const)('%s cannot be fetched in the build: refused naming the line, nothing written', async (_label, files, message) => {
    const dir = repoWith(files);
    const { code, report } = await addDocker(dir, '--yes');
    expect(code).toBe(1);
    expect(report.error?.message).toContain(message);
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(false);
  });

  it('a git line in requirements.txt that the image does not install from (a uv.lock wins) changes nothing', async () => {
    const { code, report } = await addDocker(
      repoWith({ 'requirements.txt': `${REQS}lib @ git+ssh://git@github.com/example/lib.git\n`, 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\ndependencies = ["fastapi", "uvicorn"]\n', 'uv.lock': 'version = 1\n' }),
      '--yes',
    );
    expect(code).toBe(0);
    expect(report.options.dockerfile).toBe('standard');
  });
});
