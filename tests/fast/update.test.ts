// `create-python-docker-app update` (issue 13). Projects are generated from an OLDER copy of the
// templates (templates/ copied to a temp dir and changed in a few places), edited by a "user" in
// each way the issue lists, updated by the CLI in-process, and checked file by file against what
// this version renders.

import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { ANSWERS_FILE } from '../../src/options/answers-file.js';
import { BASE_FILE, readBaseRecord, sha256, stampBaseRecord } from '../../src/engine/base-record.js';
import { comboId, type ProjectOptions } from '../../src/options/table.js';
import { combinationsUnderTest, propertyRuns } from '../support/combinations.js';
import { isLockFile } from '../../src/features/locks.js';
import { renderProject, copyLayers } from '../../src/engine/render.js';
import { mergeThreeWay } from '../../src/update/three-way.js';
import { lintDockerfile } from '../support/dockerfile-lint.js';
import { assertBuilt, listFiles, PACKAGE_VERSION, pythonSyntaxErrors, removeTempDirs, runBin, runMain, scriptedPrompter, tempDir, treeSnapshot } from '../support/cli-run.js';
import { optionsFor, writeFiles } from '../support/generate.js';

afterAll(removeTempDirs);

const OLD_VERSION = '0.0.1';
const OPTIONS: ProjectOptions = optionsFor({ name: 'shop', packageManager: 'pip' }); // FastAPI, Postgres, Redis, standard Dockerfile, pip
const THEIRS = `>>>>>>> create-python-docker-app ${PACKAGE_VERSION}`;

// ---------------------------------------------------------------------------------------------
// An older template set: edits that turn a current template into the old one (null: the old set
// did not have it), plus templates only the old set had.

type TemplateEdit = (text: string) => string | null;

const prependLine = (line: string): TemplateEdit => (t) => `${line}\n${t}`;
const appendLine = (line: string): TemplateEdit => (t) => `${t.endsWith('\n') ? t : `${t}\n`}${line}\n`;
const replaceFirstLine = (line: string): TemplateEdit => (t) => {
  const [first, ...rest] = t.split('\n');
  if (/<%|%>/.test(first!)) throw new Error(`the first line of this template is not plain text any more: ${first}`);
  return [line, ...rest].join('\n');
};
const absent: TemplateEdit = () => null;

function oldTemplates(edits: Record<string, TemplateEdit>, onlyOld: Record<string, string> = {}): string {
  const dir = tempDir('cpda-old-templates-');
  copyLayers(dir);
  for (const [rel, edit] of Object.entries(edits)) {
    const file = path.join(dir, rel);
    const current = readFileSync(file, 'utf8');
    const old = edit(current);
    if (old === null) rmSync(file);
    else writeFileSync(file, old);
  }
  for (const [rel, text] of Object.entries(onlyOld)) writeFileSync(path.join(dir, rel), text);
  return dir;
}

/** The older template set of most tests: each change is used by one kind of user edit below. */
const OLD = oldTemplates(
  {
    'common/_dockerignore.ejs': prependLine('# (old) build context rules'), // changed by the templates only
    'dockerfile-standard/Dockerfile.ejs': appendLine('# (old) trailing comment'), // + the user: a clean merge
    'common/compose.yaml.ejs': replaceFirstLine('# The whole stack (old wording).'), // + the user: a conflict
    'fastapi/tests/test_health.py.ejs': appendLine('# (old) trailing comment'), // deleted by the user
    'pip/requirements-dev.txt.ejs': absent, // new in the templates
    'common/pyproject.toml.ejs': absent, // new in the templates, but the user has one
  },
  {
    // Paths an earlier version emitted (on the released list) that this one does not, for FastAPI.
    'common/gunicorn.conf.py.ejs': '# Notes from the old template.\n', // no longer generated
    'common/app/openapi.py.ejs': '# Changes: none yet.\n', // no longer generated, edited by the user
  },
);

/** Each older project as rendered from its template set, once: most tests start from the same one. */
const oldRenders = new Map<string, ReturnType<typeof renderProject>>();

/** Writes a project rendered from `templatesDir` (with its record) into a new directory. */
function generateOld(templatesDir = OLD, options: ProjectOptions = OPTIONS): string {
  const dir = path.join(tempDir('cpda-update-'), options.name);
  const key = `${templatesDir}\0${JSON.stringify(options)}`;
  if (!oldRenders.has(key)) oldRenders.set(key, renderProject(options, OLD_VERSION, templatesDir));
  writeFiles(dir, oldRenders.get(key)!);
  return dir;
}


/** What this version renders for OPTIONS, by path. */
function current(options: ProjectOptions = OPTIONS): Map<string, string> {
  return new Map(renderProject(options, PACKAGE_VERSION).map((f) => [f.path, f.contents]));
}

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');
const edit = (dir: string, file: string, change: (lines: string[]) => void) => {
  const lines = read(dir, file).split('\n');
  change(lines);
  writeFileSync(path.join(dir, file), lines.join('\n'));
};

const USER = {
  healthNote: '# shop: our own health note',
  dockerNote: '# shop: built by our CI',
  composeFirstLine: '# Our stack.',
  pyproject: '[tool.black]\nline-length = 100\n',
  changes: '# Changes: v1 shipped.\n',
  extra: 'X = 1\n',
};

/** The user's edits, one per kind the issue lists; `conflict: false` edits compose.yaml elsewhere. */
function userEdits(dir: string, { conflict = true } = {}): void {
  edit(dir, 'app/health.py', (l) => l.splice(l.length - 1, 0, USER.healthNote)); // only the user
  edit(dir, 'Dockerfile', (l) => l.splice(1, 0, USER.dockerNote)); // both, apart
  if (conflict) edit(dir, 'compose.yaml', (l) => l.splice(0, 1, USER.composeFirstLine)); // both, same line
  else edit(dir, 'compose.yaml', (l) => l.splice(l.length - 1, 0, '# shop: our note at the end'));
  rmSync(path.join(dir, 'tests/test_health.py')); // deleted
  writeFileSync(path.join(dir, 'pyproject.toml'), USER.pyproject); // the user's own, at a new template path
  writeFileSync(path.join(dir, 'app/openapi.py'), USER.changes); // no longer generated, edited
  writeFileSync(path.join(dir, 'app/extra.py'), USER.extra); // the user's own file
}

function json(stdout: string): any {
  return JSON.parse(stdout);
}

function actions(doc: any): Record<string, string> {
  return Object.fromEntries((doc.files as { path: string; action: string; reason: string }[]).map((f) => [f.path, `${f.action}/${f.reason}`]));
}

function hasGit(): boolean {
  return spawnSync('git', ['--version']).status === 0;
}

function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function commitAll(dir: string, message: string): void {
  if (!existsSync(path.join(dir, '.git'))) git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', message);
}

// ---------------------------------------------------------------------------------------------

describe('update, file by file', () => {
  it('replaces, keeps, merges, conflicts, creates and deletes each file as the issue says', async () => {
    const dir = generateOld();
    userEdits(dir);
    const now = current();

    const run = await runMain(['update', dir, '--yes', '--json'], { cwd: path.dirname(dir) });
    expect(run.code, run.stderr).toBe(1); // a conflict was written
    const doc = json(run.stdout);

    const expected: Record<string, string> = {
      '.dockerignore': 'overwrite/template-changed',
      'README.md': 'overwrite/template-changed', // it names the generator version
      'app/health.py': 'keep/edited',
      Dockerfile: 'merge/merged',
      'compose.yaml': 'conflict/conflict',
      'tests/test_health.py': 'keep/deleted',
      'requirements-dev.txt': 'create/new',
      'pyproject.toml': 'keep/yours',
      'gunicorn.conf.py': 'delete/removed',
      'app/openapi.py': 'keep/kept-removed',
      [ANSWERS_FILE]: 'overwrite/record',
      [BASE_FILE]: 'overwrite/record',
    };
    const got = actions(doc);
    for (const [file, action] of Object.entries(expected)) expect(got[file], file).toBe(action);
    // Every other file of this version was not changed by anyone: already up to date.
    for (const file of now.keys()) if (!(file in expected)) expect(got[file], file).toBe('unchanged/up-to-date');
    expect(Object.keys(got).sort()).toEqual([...new Set([...now.keys(), ...Object.keys(expected)])].sort());
    expect(got['app/extra.py']).toBeUndefined(); // the user's own files are not even looked at

    // On disk, file by file.
    expect(read(dir, '.dockerignore')).toBe(now.get('.dockerignore'));
    expect(read(dir, 'README.md')).toBe(now.get('README.md'));
    const health = now.get('app/health.py')!.split('\n');
    health.splice(health.length - 1, 0, USER.healthNote);
    expect(read(dir, 'app/health.py')).toBe(health.join('\n'));
    const dockerfile = now.get('Dockerfile')!.split('\n');
    dockerfile.splice(1, 0, USER.dockerNote);
    expect(read(dir, 'Dockerfile')).toBe(dockerfile.join('\n'));
    expect(read(dir, 'compose.yaml').startsWith('<<<<<<< your version\n')).toBe(true);
    expect(existsSync(path.join(dir, 'tests/test_health.py'))).toBe(false);
    expect(read(dir, 'requirements-dev.txt')).toBe(now.get('requirements-dev.txt'));
    expect(read(dir, 'pyproject.toml')).toBe(USER.pyproject);
    expect(existsSync(path.join(dir, 'gunicorn.conf.py'))).toBe(false);
    expect(read(dir, 'app/openapi.py')).toBe(USER.changes);
    expect(read(dir, 'app/extra.py')).toBe(USER.extra);
    for (const [file, contents] of now) if (got[file] === 'unchanged/up-to-date') expect(read(dir, file), file).toBe(contents);

    // The record now describes this version, except the user's own pyproject.toml.
    const stamped = stampBaseRecord(renderProject(OPTIONS, PACKAGE_VERSION), (p) => p !== 'pyproject.toml');
    for (const file of [ANSWERS_FILE, BASE_FILE]) expect(read(dir, file), file).toBe(stamped.find((f) => f.path === file)!.contents);
    const answers = json(read(dir, ANSWERS_FILE));
    expect(answers.version).toBe(PACKAGE_VERSION);
    expect(answers.answers).toEqual(OPTIONS);

    expect(doc).toMatchObject({ schemaVersion: 1, ok: false, command: 'update', dryRun: false, fromVersion: OLD_VERSION, toVersion: PACKAGE_VERSION, baseRecord: true, conflicts: ['compose.yaml'] });
    expect(doc.error).toMatchObject({ code: 'conflict', exitCode: 1, details: ['compose.yaml'] });
    expect(readdirSync(path.dirname(dir))).toEqual(['shop']); // no staging directory left behind
    expect(run.stderr).toBe('error: 1 file(s) have conflicts (compose.yaml): resolve the <<<<<<< ======= >>>>>>> sections; the rest of the update was applied\n');
  });

  it('writes a conflict with git-style markers, names it and exits 1', async () => {
    const dir = generateOld();
    userEdits(dir);
    const theirsFirst = current().get('compose.yaml')!.split('\n');

    const run = await runMain(['update', '--yes'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(read(dir, 'compose.yaml')).toBe(['<<<<<<< your version', USER.composeFirstLine, '=======', theirsFirst[0], THEIRS, ...theirsFirst.slice(1)].join('\n'));
    expect(run.stderr).toMatch(/^ {2}conflict +compose\.yaml +you and the templates changed the same lines/m);
    expect(run.stderr).toContain('error: 1 file(s) have conflicts (compose.yaml): resolve the <<<<<<< ======= >>>>>>> sections; the rest of the update was applied');
    expect(run.stderr).toContain('resolve the conflict markers in compose.yaml');
  });

  it('a second update while conflict markers are still in a file is refused, naming the file; once resolved, it changes nothing', async () => {
    const dir = generateOld();
    userEdits(dir);
    expect((await runMain(['update', '--yes'], { cwd: dir })).code).toBe(1);
    const after = treeSnapshot(dir);

    for (const argv of [['update', '--yes'], ['update', '--dry-run']]) {
      const again = await runMain(argv, { cwd: dir });
      expect(again.code, argv.join(' ')).toBe(1);
      expect(again.stderr).toContain('error: compose.yaml (line 1) still has conflict markers (<<<<<<< ======= >>>>>>>) from an earlier update: resolve them (and commit), then run update again; nothing was changed');
      expect(treeSnapshot(dir)).toEqual(after);
    }
    const asJson = json((await runMain(['update', '--yes', '--json'], { cwd: dir })).stdout);
    expect(asJson.error).toMatchObject({ code: 'conflict', exitCode: 1, details: ['compose.yaml (line 1)'] });

    // Resolved (the user keeps their line): the next update changes nothing.
    const lines = read(dir, 'compose.yaml').split('\n');
    const middle = lines.indexOf('=======');
    const end = lines.findIndex((l) => l.startsWith('>>>>>>> '));
    writeFileSync(path.join(dir, 'compose.yaml'), [...lines.slice(1, middle), ...lines.slice(end + 1)].join('\n'));
    const resolved = treeSnapshot(dir);
    const run = await runMain(['update', '--yes', '--json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const doc = json(run.stdout);
    expect(doc.files.filter((f: { action: string }) => !['unchanged', 'keep'].includes(f.action))).toEqual([]);
    expect(actions(doc)['compose.yaml']).toBe('keep/edited');
    expect(treeSnapshot(dir)).toEqual(resolved);
  });

  it('the updated project still passes its own checks: YAML parses, Python compiles, the Dockerfile lints clean', async () => {
    const dir = generateOld();
    userEdits(dir, { conflict: false });
    const run = await runMain(['update', '--yes'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);

    const files = listFiles(dir);
    for (const file of files.filter((f) => /\.ya?ml$/.test(f))) expect(parseDocument(read(dir, file), { uniqueKeys: true }).errors, file).toEqual([]);
    expect(read(dir, 'compose.yaml')).toContain('# shop: our note at the end');
    const python = files.filter((f) => f.endsWith('.py')).map((f) => ({ path: f, contents: read(dir, f) }));
    expect(python.length).toBeGreaterThan(5);
    expect(pythonSyntaxErrors(python)).toEqual([]);
    expect(lintDockerfile(read(dir, 'Dockerfile'), { readFile: (p) => (files.includes(p) ? read(dir, p) : undefined) })).toEqual([]);
    for (const file of files) expect(read(dir, file), file).not.toMatch(/^(<<<<<<<|=======|>>>>>>>)/m);
  });

  it('a changed answer in the answers file is applied by the update (dockerfile: standard -> multi-stage)', async () => {
    const dir = generateOld();
    const answers = json(read(dir, ANSWERS_FILE));
    answers.answers.dockerfile = 'multi-stage';
    writeFileSync(path.join(dir, ANSWERS_FILE), `${JSON.stringify(answers, null, 2)}\n`);

    const run = await runMain(['update', '--yes'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const multi = current({ ...OPTIONS, dockerfile: 'multi-stage' });
    for (const file of ['Dockerfile', 'README.md']) expect(read(dir, file), file).toBe(multi.get(file));
    expect(json(read(dir, ANSWERS_FILE)).answers.dockerfile).toBe('multi-stage');
  });


  it('turning redis off in the answers file removes its files and its parts of the others', async () => {
    const dir = generateOld();
    const answers = json(read(dir, ANSWERS_FILE));
    answers.answers.redis = false;
    writeFileSync(path.join(dir, ANSWERS_FILE), `${JSON.stringify(answers, null, 2)}\n`);

    const run = await runMain(['update', '--yes', '--json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(actions(json(run.stdout))).toMatchObject({ 'app/visits.py': 'delete/removed', 'app/counter.py': 'delete/removed', 'tests/test_visits.py': 'delete/removed' });
    const noRedis = current({ ...OPTIONS, redis: false });
    for (const file of listFiles(dir).filter((f) => f !== 'gunicorn.conf.py' && f !== 'app/openapi.py')) expect(read(dir, file), file).toBe(noRedis.get(file));
    expect(listFiles(dir).filter((f) => f !== 'gunicorn.conf.py' && f !== 'app/openapi.py').sort()).toEqual([...noRedis.keys()].sort());
  });
});

describe('nothing is written unless asked', () => {
  it('--dry-run prints the plan and writes nothing', async () => {
    const dir = generateOld();
    userEdits(dir);
    const before = treeSnapshot(path.dirname(dir));
    const run = await runMain(['update', '--dry-run'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(treeSnapshot(path.dirname(dir))).toEqual(before);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^Dry run: nothing was written\. Update .*shop from 0\.0\.1 to /);
    expect(run.stderr).toMatch(/^ {2}merge +Dockerfile +your changes and the template's, merged$/m);
    expect(run.stderr).toMatch(/^ {2}delete +gunicorn\.conf\.py/m);
    expect(run.stderr).toContain('warning: a real run would write conflict markers into compose.yaml and exit 1');
  });

  it('--dry-run --json writes nothing and prints one document with every file', async () => {
    const dir = generateOld();
    userEdits(dir);
    const before = treeSnapshot(path.dirname(dir));
    const run = await runMain(['update', '--dry-run', '--json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(treeSnapshot(path.dirname(dir))).toEqual(before);
    const doc = json(run.stdout);
    expect(doc).toMatchObject({ ok: true, command: 'update', dryRun: true, conflicts: ['compose.yaml'] });
    expect(actions(doc)).toMatchObject({ Dockerfile: 'merge/merged', 'compose.yaml': 'conflict/conflict', 'gunicorn.conf.py': 'delete/removed' });
  });

  it('--json without --yes and without a terminal: exit 2 naming --yes, nothing written', async () => {
    const dir = generateOld();
    const before = treeSnapshot(dir);
    const run = await runMain(['update', '--json'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(json(run.stdout).error).toMatchObject({ code: 'missing-answers', exitCode: 2 });
    expect(run.stderr).toContain('pass --yes to apply the update');
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it('on a terminal it shows the plan and asks: no cancels (exit 130, nothing written), yes applies', async () => {
    const dir = generateOld();
    const before = treeSnapshot(dir);
    const declined = scriptedPrompter({ '?Apply this update?': false });
    const no = await runMain(['update'], { cwd: dir, tty: true, prompter: declined });
    expect(no.code).toBe(130);
    expect(declined.asked.map((q) => q.message)).toEqual(['Apply this update?']);
    expect(no.stderr).toMatch(/^ {2}overwrite +\.dockerignore/m);
    expect(treeSnapshot(dir)).toEqual(before);

    const yes = await runMain(['update'], { cwd: dir, tty: true, prompter: scriptedPrompter({ '?Apply this update?': true }) });
    expect(yes.code, yes.stderr).toBe(0);
    expect(read(dir, '.dockerignore')).toBe(current().get('.dockerignore'));
  });

  it('refuses, writing nothing, when a file changed while it waited for the answer', async () => {
    const dir = generateOld();
    const before = { ...treeSnapshot(dir) };
    const meddler = scriptedPrompter({ '?Apply this update?': true });
    const confirm = meddler.confirm.bind(meddler);
    meddler.confirm = async (q) => {
      writeFileSync(path.join(dir, '.dockerignore'), 'edited meanwhile\n');
      return confirm(q);
    };
    const run = await runMain(['update'], { cwd: dir, tty: true, prompter: meddler });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('1 file(s) changed while update was planning; nothing was written');
    expect(read(dir, '.dockerignore')).toBe('edited meanwhile\n');
    const after = treeSnapshot(dir);
    delete before['.dockerignore'];
    delete after['.dockerignore'];
    expect(after).toEqual(before);
  });
});

describe.skipIf(!hasGit())('git', () => {
  it('refuses a work tree with uncommitted changes (exit 1, nothing written) and lists them', async () => {
    const dir = generateOld();
    commitAll(dir, 'generated');
    userEdits(dir);
    const before = treeSnapshot(dir);
    const run = await runMain(['update', '--yes', '--json'], { cwd: dir });
    expect(run.code).toBe(1);
    const error = json(run.stdout).error;
    expect(error).toMatchObject({ code: 'dirty-tree', exitCode: 1 });
    expect(error.message).toContain('has uncommitted changes (git status); commit or stash them first, or pass --allow-dirty');
    expect(error.details).toEqual(expect.arrayContaining([' M Dockerfile', ' D tests/test_health.py', '?? app/extra.py']));
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it('--allow-dirty updates anyway', async () => {
    const dir = generateOld();
    commitAll(dir, 'generated');
    userEdits(dir, { conflict: false });
    const run = await runMain(['update', '--yes', '--allow-dirty'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(read(dir, '.dockerignore')).toBe(current().get('.dockerignore'));
  });

  it('a clean tree is updated, and `git diff` shows exactly the update', async () => {
    const dir = generateOld();
    userEdits(dir, { conflict: false });
    commitAll(dir, 'generated and edited');
    const run = await runMain(['update', '--yes'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('git diff    # review the update, then commit it');
    const changed = git(dir, 'status', '--porcelain').split('\n').filter(Boolean).sort();
    expect(changed).toEqual(
      [' D gunicorn.conf.py', ' M .create-python-docker-app.base.json', ' M .create-python-docker-app.json', ' M .dockerignore', ' M Dockerfile', ' M README.md', ' M compose.yaml', '?? requirements-dev.txt'].sort(),
    );
    expect(git(dir, 'diff', '--', 'Dockerfile')).toMatch(/^-# \(old\) trailing comment$/m);
  });

  it('a project in a sub-folder of a repository is judged by its own files only', async () => {
    const dir = generateOld();
    const repo = path.dirname(dir);
    commitAll(repo, 'monorepo');
    writeFileSync(path.join(repo, 'elsewhere.txt'), 'uncommitted, outside the project\n');
    const run = await runMain(['update', 'shop', '--yes'], { cwd: repo });
    expect(run.code, run.stderr).toBe(0);
  });
});

describe('projects without a (usable) record', () => {
  /** A project as 0.1.0 wrote it: answers and version only, no hashes, no base file. */
  function as010(dir: string): void {
    rmSync(path.join(dir, BASE_FILE));
    const { generator, answers } = json(read(dir, ANSWERS_FILE));
    writeFileSync(path.join(dir, ANSWERS_FILE), `${JSON.stringify({ generator, version: '0.1.0', answers }, null, 2)}\n`);
  }

  it('a 0.1.0 project: every file that differs is kept as the user\'s, missing files are created, and the output says so', async () => {
    const dir = generateOld();
    as010(dir);
    edit(dir, 'app/health.py', (l) => l.splice(l.length - 1, 0, USER.healthNote));
    const oldDockerignore = read(dir, '.dockerignore');
    const now = current();

    const human = await runMain(['update', '--dry-run'], { cwd: dir });
    expect(human.stderr).toContain('warning: .create-python-docker-app.json has no record of the files 0.1.0 generated');
    expect(human.stderr).toMatch(/^ {2}keep +app\/health\.py +differs from this version's template and there is no record to merge against: kept as yours$/m);

    const run = await runMain(['update', '--yes', '--json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const doc = json(run.stdout);
    expect(doc.baseRecord).toBe(false);
    expect(doc.fromVersion).toBe('0.1.0');
    expect(doc.warnings.join('\n')).toMatch(/has no record of the files 0\.1\.0 generated \(projects from 0\.1\.0 have none\): every file that differs from this version's template is treated as your change and kept/);
    const got = actions(doc);
    expect(got).toMatchObject({
      '.dockerignore': 'keep/no-base', // changed by the templates only, but nothing says so
      'app/health.py': 'keep/no-base',
      Dockerfile: 'keep/no-base',
      'app/items.py': 'unchanged/up-to-date',
      'requirements-dev.txt': 'create/missing',
      [ANSWERS_FILE]: 'overwrite/record',
      [BASE_FILE]: 'create/record',
    });
    expect(got['gunicorn.conf.py']).toBeUndefined(); // not known to be ours: left alone
    expect(read(dir, '.dockerignore')).toBe(oldDockerignore);
    expect(read(dir, 'requirements-dev.txt')).toBe(now.get('requirements-dev.txt'));
    expect(read(dir, 'gunicorn.conf.py')).toBe('# Notes from the old template.\n');

    // The record is there now: the next update judges against this version's files.
    const record = readBaseRecord(dir, json(read(dir, ANSWERS_FILE)));
    expect(record.problems).toEqual([]);
    expect(record.record!.texts.get('Dockerfile')).toBe(now.get('Dockerfile'));
  });

  it('with the base file missing, unchanged files are still updated and files changed by both are kept, with a warning', async () => {
    const dir = generateOld();
    rmSync(path.join(dir, BASE_FILE));
    edit(dir, 'Dockerfile', (l) => l.splice(1, 0, USER.dockerNote));
    const run = await runMain(['update', '--yes', '--json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const doc = json(run.stdout);
    expect(actions(doc)).toMatchObject({ '.dockerignore': 'overwrite/template-changed', Dockerfile: 'keep/no-base', 'gunicorn.conf.py': 'delete/removed' });
    expect(doc.warnings).toContain(`${BASE_FILE} is missing`);
    expect(doc.warnings.join('\n')).toContain('kept as yours (no-base), not merged');
    expect(read(dir, 'Dockerfile')).toContain(USER.dockerNote);
  });

  it('a base copy edited by hand (a search-and-replace over the repository) is not trusted', async () => {
    const dir = generateOld();
    const base = read(dir, BASE_FILE).replace('# (old) trailing comment', '# (sed) trailing comment');
    writeFileSync(path.join(dir, BASE_FILE), base);
    edit(dir, 'Dockerfile', (l) => l.splice(1, 0, USER.dockerNote));
    const doc = json((await runMain(['update', '--yes', '--json'], { cwd: dir })).stdout);
    expect(actions(doc).Dockerfile).toBe('keep/no-base');
    expect(doc.warnings.join('\n')).toMatch(/the copy of .*Dockerfile.* does not match its recorded hash/);
  });
});

describe('refusals', () => {
  it('a directory that was not generated by us: exit 1, nothing written', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'app.py'), 'x = 1\n');
    const run = await runMain(['update', '--yes', '--json'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(json(run.stdout).error.code).toBe('not-a-project');
    expect(run.stderr).toContain(`has no ${ANSWERS_FILE}`);
    expect(Object.keys(treeSnapshot(dir))).toEqual(['app.py']);
  });

  it('a generated path that leads through a symbolic link: exit 1, nothing written', async () => {
    const dir = generateOld();
    const outside = tempDir('cpda-outside-');
    cpSync(path.join(dir, 'tests'), outside, { recursive: true });
    rmSync(path.join(dir, 'tests'), { recursive: true });
    symlinkSync(outside, path.join(dir, 'tests'));
    const before = { project: treeSnapshot(dir), outside: treeSnapshot(outside) };
    const run = await runMain(['update', '--yes'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('tests in');
    expect(run.stderr).toContain('is a symbolic link; refusing to write through it');
    expect({ project: treeSnapshot(dir), outside: treeSnapshot(outside) }).toEqual(before);
  });

  it('a project generated by a newer version: exit 1, nothing written', async () => {
    const dir = generateOld();
    const answers = json(read(dir, ANSWERS_FILE));
    writeFileSync(path.join(dir, ANSWERS_FILE), JSON.stringify({ ...answers, version: '99.0.0' }));
    const before = treeSnapshot(dir);
    const run = await runMain(['update', '--yes'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/was generated by create-python-docker-app 99\.0\.0, newer than this/);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it.each([
    [['update', '--frobnicate'], /^error: unknown flag --frobnicate; see update --help$/m],
    [['update', '--dry-rn'], /^error: unknown flag --dry-rn \(did you mean --dry-run\?\); see update --help$/m],
    [['update', '--no-yes'], /^error: --no-yes is not a flag; leave --yes out instead$/m],
    [['update', 'a', 'b'], /at most one directory, got 2: a b/],
  ])('usage error %j: exit 2', async (argv, message) => {
    const run = await runMain(argv, { cwd: tempDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('an answers file that lacks an answer: exit 2 naming it', async () => {
    const dir = generateOld();
    const doc = json(read(dir, ANSWERS_FILE));
    delete doc.answers.redis;
    writeFileSync(path.join(dir, ANSWERS_FILE), JSON.stringify(doc));
    const run = await runMain(['update', '--yes'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${ANSWERS_FILE} lacks "redis"`);
  });
});

describe('an option turned off in the answers', () => {
  it("a deploy target removed: its files go, and so do the folders they leave empty; a user's file keeps its folder", async () => {
    const cwd = tempDir();
    expect(runBin(['svc', '--yes', '--deploy', 'kubernetes,cloud-run'], { cwd }).status).toBe(0);
    const dir = path.join(cwd, 'svc');
    writeFileSync(path.join(dir, 'deploy', 'cloud-run', 'NOTES.md'), 'mine\n');
    const doc = json(read(dir, ANSWERS_FILE));
    doc.answers.deploy = [];
    writeFileSync(path.join(dir, ANSWERS_FILE), JSON.stringify(doc));
    const run = await runMain(['update', '--yes'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(path.join(dir, 'deploy'))).toEqual(['cloud-run']);
    expect(readdirSync(path.join(dir, 'deploy', 'cloud-run'))).toEqual(['NOTES.md']);
  });
});

describe('an ignore file that still hides files of the user\'s', () => {
  /** A Kubernetes project whose root .gitignore no longer ignores secret.env files, with deploy turned off in its answers. */
  async function withoutKubernetes(secretEnv: boolean): Promise<string> {
    const cwd = tempDir();
    expect((await runMain(['svc', '--yes', '--deploy', 'kubernetes'], { cwd })).code).toBe(0);
    const dir = path.join(cwd, 'svc');
    writeFileSync(path.join(dir, '.gitignore'), read(dir, '.gitignore').replace(/^\*secret\*\.env\n/m, ''));
    // As deploy/kubernetes/README.md says: the Secret's values, from secret.example.
    if (secretEnv) writeFileSync(path.join(dir, 'deploy/kubernetes/overlays/prod/secret.env'), 'POSTGRES_HOST=db.internal\n');
    const doc = json(read(dir, ANSWERS_FILE));
    doc.answers.deploy = [];
    writeFileSync(path.join(dir, ANSWERS_FILE), JSON.stringify(doc));
    spawnSync('git', ['init', '-q'], { cwd: dir });
    return dir;
  }
  const ignored = (dir: string, file: string) => spawnSync('git', ['check-ignore', '-q', file], { cwd: dir }).status === 0;

  it('a deploy target removed while its folder holds your secret.env: its .gitignore is kept (still-ignoring), so git still ignores the file', async () => {
    const dir = await withoutKubernetes(true);
    expect(ignored(dir, 'deploy/kubernetes/overlays/prod/secret.env')).toBe(true);
    const run = await runMain(['update', '--yes', '--json', '--allow-dirty'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(json(run.stdout).files.find((f: { path: string }) => f.path === 'deploy/kubernetes/.gitignore')).toMatchObject({ action: 'keep', reason: 'still-ignoring' });
    expect(existsSync(path.join(dir, 'deploy/kubernetes/.gitignore'))).toBe(true);
    expect(ignored(dir, 'deploy/kubernetes/overlays/prod/secret.env')).toBe(true);
    // Every generated manifest went; only the ignore file and the user's file are left.
    expect(listFiles(path.join(dir, 'deploy'))).toEqual(['kubernetes/.gitignore', 'kubernetes/overlays/prod/secret.env']);
  });

  it('with nothing of yours left in its folder, it goes with the rest', async () => {
    const dir = await withoutKubernetes(false);
    const run = await runMain(['update', '--yes', '--allow-dirty'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'deploy'))).toBe(false);
  });
});

describe('answers edited by hand against the rules between options', () => {
  it.each([
    ['postgres turned off, migrations left on', { postgres: false }, '"migrations": true, which needs --postgres'],
    ['beat on without the worker', { worker: 'none', beat: true }, '"beat": true, which needs --worker celery'],
    ['redis turned off under the Celery worker', { redis: false, worker: 'celery' }, '"worker": "celery", which needs --postgres and --redis'],
  ])('%s: exit 2 naming the rule, nothing written', async (_what, change, message) => {
    const dir = generateOld();
    const doc = json(read(dir, ANSWERS_FILE));
    Object.assign(doc.answers, change);
    writeFileSync(path.join(dir, ANSWERS_FILE), JSON.stringify(doc));
    const before = treeSnapshot(dir);
    const run = await runMain(['update', '--yes'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^error: ${ANSWERS_FILE.replace(/\./g, '\\.')} records ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(treeSnapshot(dir)).toEqual(before);
  });
});

describe('line ends and modes', () => {
  it('a checkout with CRLF line ends: line ends alone are no edit, and rewritten files keep CRLF', async () => {
    const dir = generateOld();
    for (const file of ['.dockerignore', 'Dockerfile', 'app/items.py'])
      writeFileSync(path.join(dir, file), read(dir, file).replace(/\n/g, '\r\n'));
    edit(dir, 'Dockerfile', (l) => l.splice(1, 0, `${USER.dockerNote}\r`));
    const run = await runMain(['update', '--yes', '--json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(actions(json(run.stdout))).toMatchObject({ '.dockerignore': 'overwrite/template-changed', Dockerfile: 'merge/merged', 'app/items.py': 'unchanged/up-to-date' });
    const now = current();
    expect(read(dir, '.dockerignore')).toBe(now.get('.dockerignore')!.replace(/\n/g, '\r\n'));
    expect(read(dir, 'Dockerfile').replace(/\r\n/g, '\n').split('\n')[1]).toBe(USER.dockerNote);
    expect(read(dir, 'Dockerfile')).not.toMatch(/[^\r]\n/);
    expect(read(dir, 'app/items.py')).toBe(now.get('app/items.py')!.replace(/\n/g, '\r\n'));
  });

  it('a project from before --package-manager (no packageManager answer) stays a pip project', async () => {
    const dir = generateOld();
    const answers = json(read(dir, ANSWERS_FILE));
    delete answers.answers.packageManager;
    writeFileSync(path.join(dir, ANSWERS_FILE), `${JSON.stringify(answers, null, 2)}\n`);

    const run = await runMain(['update', dir, '--yes', '--json'], { cwd: path.dirname(dir) });
    expect(run.code, run.stderr).toBe(0);
    const got = actions(json(run.stdout));
    expect(got['uv.lock']).toBeUndefined();
    expect(got['requirements.txt']).toBe('unchanged/up-to-date');
    expect(existsSync(path.join(dir, 'uv.lock'))).toBe(false);
    expect(read(dir, 'Dockerfile')).toContain('pip install --require-hashes -r /tmp/requirements.txt');
    expect(json(read(dir, ANSWERS_FILE)).answers.packageManager).toBe('pip');
  });

  // Every option added since (each with files of its own): a project whose answers file has
  // none of them is updated as it was generated, without them; turned on in the answers file,
  // the next update adds their files.
  const LATER_OPTIONS = {
    ci: ['.github/workflows/ci.yml'],
    dependabot: ['.github/dependabot.yml'],
    lint: ['.pre-commit-config.yaml', 'scripts/lint'],
    migrations: ['alembic.ini', 'migrations/env.py', 'migrations/versions/0001_create_items.py'],
  } as const;
  it.each(Object.entries(LATER_OPTIONS))('a project from before --%s (no such answer) is updated without its files; set to true, the next update adds them', async (key, files) => {
    const dir = generateOld(OLD, { ...OPTIONS, ci: 'none', dependabot: false, lint: false, migrations: false });
    const answers = json(read(dir, ANSWERS_FILE));
    for (const later of Object.keys(LATER_OPTIONS)) delete answers.answers[later];
    writeFileSync(path.join(dir, ANSWERS_FILE), `${JSON.stringify(answers, null, 2)}\n`);

    const run = await runMain(['update', dir, '--yes', '--json'], { cwd: path.dirname(dir) });
    expect(run.code, run.stderr).toBe(0);
    const got = actions(json(run.stdout));
    for (const file of files) {
      expect(got[file], file).toBeUndefined();
      expect(existsSync(path.join(dir, file)), file).toBe(false);
    }
    // --ci became a choice: its "off" is none; a recorded true (below) still means github.
    expect(json(read(dir, ANSWERS_FILE)).answers[key]).toBe(key === 'ci' ? 'none' : false);

    const turnedOn = json(read(dir, ANSWERS_FILE));
    turnedOn.answers[key] = true;
    writeFileSync(path.join(dir, ANSWERS_FILE), `${JSON.stringify(turnedOn, null, 2)}\n`);
    const again = await runMain(['update', dir, '--yes', '--json'], { cwd: path.dirname(dir) });
    expect(again.code, again.stderr).toBe(0);
    const added = actions(json(again.stdout));
    for (const file of files) {
      expect(added[file], file).toBe('create/new');
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
  });

  it('a file made executable by the user stays executable when it is rewritten', async () => {
    const dir = generateOld();
    chmodSync(path.join(dir, '.dockerignore'), 0o755);
    expect((await runMain(['update', '--yes'], { cwd: dir })).code).toBe(0);
    expect(statSync(path.join(dir, '.dockerignore')).mode & 0o111).not.toBe(0);
  });
});

describe('the record of what was generated', () => {
  it.each(combinationsUnderTest().map((c) => [comboId(c), c] as const))('%s: the sha256 and the text of every other file', (_id, combo) => {
    const files = renderProject({ ...OPTIONS, ...combo }, PACKAGE_VERSION);
    const dir = tempDir();
    writeFiles(dir, files);
    const { record, problems } = readBaseRecord(dir, json(read(dir, ANSWERS_FILE)));
    expect(problems).toEqual([]);
    const content = files.filter((f) => f.path !== ANSWERS_FILE && f.path !== BASE_FILE);
    expect(Object.fromEntries(record!.hashes)).toEqual(Object.fromEntries(content.map((f) => [f.path, sha256(f.contents)])));
    // Locks are recorded by their hash only (regenerated by their tool, never merged).
    expect(Object.fromEntries(record!.texts)).toEqual(Object.fromEntries(content.filter((f) => !isLockFile(f.path)).map((f) => [f.path, f.contents])));
  });

  it('a lock changed by you and by the templates is kept as yours (re-lock it with its tool), not merged', async () => {
    const dir = generateOld(OLD, optionsFor({ name: 'shop', packageManager: 'uv' }));
    const lock = path.join(dir, 'uv.lock');
    writeFileSync(lock, read(dir, 'uv.lock').replace(/^revision = \d+$/m, '$&\n# the user relocked'));
    // This version's lock differs from the one the project was generated with.
    const record = json(read(dir, ANSWERS_FILE));
    record.files['uv.lock'] = sha256('the uv.lock an older version shipped\n');
    writeFileSync(path.join(dir, ANSWERS_FILE), `${JSON.stringify(record, null, 2)}\n`);
    const mine = read(dir, 'uv.lock');

    const run = await runMain(['update', dir, '--yes', '--json'], { cwd: path.dirname(dir) });
    expect(run.code, run.stderr).toBe(0);
    expect(actions(json(run.stdout))['uv.lock']).toBe('keep/no-base');
    expect(read(dir, 'uv.lock')).toBe(mine);
    expect(json(run.stdout).warnings.join('\n')).not.toMatch(/no copy of uv\.lock/);
  });
});

describe('the built CLI', () => {
  it('runs update from dist/ (node-diff3 and semver are bundled): the conflict is named, exit 1', () => {
    assertBuilt();
    const dir = generateOld();
    userEdits(dir);
    const run = runBin(['update', '--yes'], { cwd: dir });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('error: 1 file(s) have conflicts (compose.yaml)');
    expect(read(dir, 'compose.yaml')).toContain(THEIRS);
  });

  it.skipIf(!hasGit())('names the current directory in words when it has uncommitted changes', async () => {
    const dir = generateOld();
    git(dir, 'init', '-q');
    const run = await runMain(['update', '--yes'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: the current directory has uncommitted changes/);
  });
});

describe('the record files in a project', () => {
  it('stay out of the image: .dockerignore lists both', () => {
    const dockerignore = current().get('.dockerignore')!.split('\n');
    expect(dockerignore).toEqual(expect.arrayContaining([ANSWERS_FILE, BASE_FILE]));
  });
});

describe('help', () => {
  it('update --help lists its flags; the main --help names the command', async () => {
    const cwd = tempDir();
    const help = await runMain(['update', '--help'], { cwd });
    expect(help.code).toBe(0);
    for (const flag of ['--dry-run', '--json', '-y, --yes', '--allow-dirty', '-h, --help']) expect(help.stdout).toContain(flag);
    expect((await runMain(['--help'], { cwd })).stdout).toContain('create-python-docker-app update [directory] [flags]');
    expect(treeSnapshot(cwd)).toEqual({});
  });
});

describe('three-way merge of one file', () => {
  const labels = { ours: 'your version', theirs: 'create-python-docker-app 9.9.9' };

  it('changes in different places merge cleanly', () => {
    expect(mergeThreeWay('a\nB\nc\nd\ne\n', 'a\nb\nc\nd\ne\n', 'a\nb\nc\nd\nE\n', labels)).toEqual({ text: 'a\nB\nc\nd\nE\n', conflicts: 0 });
  });

  it('the same change on both sides is not a conflict', () => {
    expect(mergeThreeWay('a\nX\nc\n', 'a\nb\nc\n', 'a\nX\nc\n', labels)).toEqual({ text: 'a\nX\nc\n', conflicts: 0 });
  });

  it('changes to the same lines give exact git-style markers', () => {
    expect(mergeThreeWay('a\nmine\nc\n', 'a\nb\nc\n', 'a\ntheirs\nc\n', labels)).toEqual({
      text: 'a\n<<<<<<< your version\nmine\n=======\ntheirs\n>>>>>>> create-python-docker-app 9.9.9\nc\n',
      conflicts: 1,
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The property: random edits to random files never lose a line the user wrote.

describe('random user edits (property)', () => {
  const PROP_OLD = oldTemplates(
    {
      'common/_dockerignore.ejs': prependLine('# (old) header'),
      'dockerfile-standard/Dockerfile.ejs': appendLine('# (old) trailing comment'),
      'common/compose.yaml.ejs': replaceFirstLine('# (old) first line'),
      'common/_env.example.ejs': replaceFirstLine('# (old) copy to .env'),
      'fastapi/app/items.py.ejs': prependLine('# (old) header'),
      'common/tests/test_items.py.ejs': appendLine('# (old) trailer'),
      'pip/requirements-dev.txt.ejs': absent,
    },
    { 'common/gunicorn.conf.py.ejs': 'Old notes.\nSecond line.\n' },
  );
  const fixture = generateOld(PROP_OLD);
  const fixtureFiles = listFiles(fixture).filter((f) => f !== ANSWERS_FILE && f !== BASE_FILE);
  const base = new Map(fixtureFiles.map((f) => [f, read(fixture, f)]));
  const now = current();
  // Edits land often on the files and lines the templates changed, so that merges and
  // conflicts are common, not rare: a file index from the changed ones, a line near either end.
  const changedFiles = fixtureFiles.flatMap((f, i) => (base.get(f) !== now.get(f) ? [i] : []));
  const fileIndex = fc.oneof(fc.nat(), fc.constantFrom(...changedFiles));
  const lineIndex = fc.oneof(fc.nat(), fc.constantFrom(0, 1, -1, -2, -3));

  type Op =
    | { kind: 'insert' | 'replace' | 'delete-line'; file: number; at: number }
    | { kind: 'delete-file'; file: number }
    | { kind: 'create'; at: 'own' | 'new-template-path' };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constantFrom('insert', 'replace', 'delete-line'), file: fileIndex, at: lineIndex }) as fc.Arbitrary<Op>,
    fc.record({ kind: fc.constant('delete-file'), file: fileIndex }) as fc.Arbitrary<Op>,
    fc.record({ kind: fc.constant('create'), at: fc.constantFrom('own', 'new-template-path') }) as fc.Arbitrary<Op>,
  );

  it('never lose a user line; untouched files follow the templates; deleted files stay deleted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const dir = path.join(tempDir('cpda-prop-'), 'shop');
        cpSync(fixture, dir, { recursive: true });
        // The user's version of each file they touched (null: deleted), and the lines they wrote.
        const mine = new Map<string, string | null>();
        let token = 0;
        for (const o of ops) {
          if (o.kind === 'create') {
            const file = o.at === 'own' ? `user/notes-${token}.txt` : 'requirements-dev.txt';
            mine.set(file, `USER-LINE-${token++}\n`);
            continue;
          }
          const file = fixtureFiles[o.file % fixtureFiles.length]!;
          const text = mine.has(file) ? mine.get(file) : base.get(file)!;
          if (text === null || text === undefined) continue;
          if (o.kind === 'delete-file') {
            mine.set(file, null);
            continue;
          }
          const lines = text.split('\n');
          const at = (((o.at % lines.length) + lines.length) % lines.length);
          if (o.kind === 'insert') lines.splice(at, 0, `USER-LINE-${token++}`);
          else if (o.kind === 'replace') lines.splice(at, 1, `USER-LINE-${token++}`);
          else lines.splice(at, 1);
          mine.set(file, lines.join('\n'));
        }
        // Edits that cancel out (a line inserted, then deleted) leave the file untouched.
        for (const [file, text] of mine) if (text === base.get(file)) mine.delete(file);
        for (const [file, text] of mine) {
          if (text === null) rmSync(path.join(dir, file));
          else {
            mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
            writeFileSync(path.join(dir, file), text);
          }
        }

        const run = await runMain(['update', '--yes', '--json'], { cwd: dir });
        const doc = json(run.stdout);
        expect(run.code, run.stderr).toBe(doc.conflicts.length > 0 ? 1 : 0);
        const conflicted = new Set<string>(doc.conflicts);

        for (const [file, text] of mine) {
          const full = path.join(dir, file);
          if (text === null) {
            expect(existsSync(full), `${file} was deleted by the user`).toBe(false);
            continue;
          }
          const result = readFileSync(full, 'utf8');
          // Every line the user wrote is still there, once.
          for (const line of text.split('\n').filter((l) => l.startsWith('USER-LINE-')))
            expect(result.split('\n').filter((l) => l === line), `${line} in ${file}`).toHaveLength(1);
          // A file the templates did not change is exactly the user's.
          if (!base.has(file) || base.get(file) === now.get(file)) expect(result, file).toBe(text);
          if (!conflicted.has(file)) expect(result, file).not.toMatch(/^<<<<<<< /m);
        }
        // Files nobody touched follow the templates: updated, or deleted when no longer generated.
        for (const file of fixtureFiles.filter((f) => !mine.has(f))) {
          const wanted = now.get(file);
          if (wanted === undefined) expect(existsSync(path.join(dir, file)), file).toBe(false);
          else expect(read(dir, file), file).toBe(wanted);
        }
        expect(readdirSync(path.dirname(dir))).toEqual(['shop']);
        rmSync(path.dirname(dir), { recursive: true, force: true });
      }),
      { numRuns: propertyRuns(100) },
    );
  });
});
