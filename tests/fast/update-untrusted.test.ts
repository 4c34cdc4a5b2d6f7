// `update` trusts nothing it finds in the user's repository (issue 21, items 1 and 2): the two
// record files are untrusted input, and a file is deleted only when its path is one some
// released version generates, the record names it, and its content still equals the record's.
// Every case runs the CLI's main() in-process on a project it generated, with a record made
// hostile; the cases where the process itself is the check (a FIFO that must not hang it, the
// memory a huge record takes, the question on a terminal) run the built bin.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_FILE } from '../../src/engine/base-record.js';
import { ANSWERS_FILE } from '../../src/options/answers-file.js';
import { inVcsFolder, VCS_FOLDERS } from '../../src/update/released-paths.js';
import { renderProject } from '../../src/engine/render.js';
import { planUpdate } from '../../src/update/plan.js';
import { assertBuilt, hasPython, removeTempDirs, runBin, runMain, runOnPty, tempDir, treeSnapshot } from '../support/cli-run.js';

afterAll(removeTempDirs);
beforeAll(assertBuilt);

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const GIT_HEAD = 'ref: refs/heads/main\n';

/** A FastAPI project generated once; every test gets its own copy. */
let generated: string | undefined;
beforeAll(async () => {
  generated = path.join(tempDir('cpda-untrusted-original-'), 'shop');
  const run = await runMain(['shop', '--yes'], { cwd: path.dirname(generated) });
  if (run.code !== 0) throw new Error(run.stderr);
});
function project(): string {
  if (!generated) throw new Error('the project is generated in beforeAll');
  const dir = path.join(tempDir('cpda-untrusted-'), 'shop');
  cpSync(generated, dir, { recursive: true });
  return dir;
}

const answersOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, ANSWERS_FILE), 'utf8')) as { files: Record<string, unknown>; [k: string]: unknown };
const baseOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, BASE_FILE), 'utf8')) as { files: Record<string, unknown>; [k: string]: unknown };
const writeJson = (file: string, value: unknown) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

/** Adds files to the project and to both records, as an earlier version (or a hostile pull request) would have. */
function recordAlso(dir: string, files: Record<string, string>): void {
  const answers = answersOf(dir);
  const base = baseOf(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
    // defineProperty: `files.__proto__ = ...` would set the prototype, not a key.
    Object.defineProperty(answers.files, file, { value: sha(text), enumerable: true, configurable: true, writable: true });
    Object.defineProperty(base.files, file, { value: text.split('\n'), enumerable: true, configurable: true, writable: true });
  }
  writeJson(path.join(dir, ANSWERS_FILE), answers);
  writeJson(path.join(dir, BASE_FILE), base);
}

/** `update` run in-process, its result in runBin's shape (status, stdout, stderr). */
async function update(dir: string, ...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const run = await runMain(['update', ...args], { cwd: dir });
  return { status: run.code, stdout: run.stdout, stderr: run.stderr };
}

describe('update deletes only files some released version generated, that the record names, unchanged', () => {
  it('a record naming .git/HEAD (and a file in every other VCS folder) deletes none of them, and says it left them alone', async () => {
    const dir = project();
    const vcsFiles = Object.fromEntries(VCS_FOLDERS.map((vcs) => [`${vcs}/HEAD`, GIT_HEAD]));
    recordAlso(dir, { ...vcsFiles, 'app/.git/config': '[core]\n' });
    const before = treeSnapshot(dir);

    const dry = await update(dir, '--dry-run');
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stderr).not.toMatch(/^ {2}delete/m);
    const run = await update(dir, '--yes', '--json');
    expect(run.status, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.files.filter((f: { action: string }) => f.action === 'delete')).toEqual([]);
    expect(doc.warnings.join('\n')).toMatch(/names 9 file\(s\) no version of create-python-docker-app generates, left alone \(never read, never deleted\): "\.git\/HEAD"/);
    for (const file of [...Object.keys(vcsFiles), 'app/.git/config']) expect(existsSync(path.join(dir, file)), file).toBe(true);
    expect(readFileSync(path.join(dir, '.git/HEAD'), 'utf8')).toBe(GIT_HEAD);
    // The new record no longer names them.
    expect(Object.keys(answersOf(dir).files).filter(inVcsFolder)).toEqual([]);
    // Nothing else of the user's was touched: the files differ only in the two records.
    const after = treeSnapshot(dir);
    expect(Object.keys(after).filter((f) => after[f] !== before[f]).sort()).toEqual([ANSWERS_FILE, BASE_FILE].sort());
  });

  it('a recorded, unchanged file at a path no version generates (NOTES.md) is kept, not deleted', async () => {
    const dir = project();
    recordAlso(dir, { 'NOTES.md': 'our notes\n', 'docs/secret.txt': 'keep me\n' });
    const run = await update(dir, '--yes');
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'NOTES.md'), 'utf8')).toBe('our notes\n');
    expect(readFileSync(path.join(dir, 'docs/secret.txt'), 'utf8')).toBe('keep me\n');
    expect(run.stderr).toMatch(/warning: .* names 2 file\(s\) no version .* "NOTES\.md", "docs\/secret\.txt"/);
  });

  it('a path an earlier version generated, recorded and unchanged, is deleted, and listed first: in --dry-run and in the plan before the question', async () => {
    const dir = project();
    // gunicorn.conf.py: generated for Flask; a FastAPI project's record names it as an older version's file.
    recordAlso(dir, { 'gunicorn.conf.py': '# old\n' });
    const dry = await update(dir, '--dry-run');
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/^ {2}delete +gunicorn\.conf\.py +no longer generated, and you had not changed it$/m);
    expect(existsSync(path.join(dir, 'gunicorn.conf.py'))).toBe(true);

    if (hasPython()) {
      const asked = await runOnPty(['update'], [{ expect: 'Apply this update\\?', send: 'n\r' }], { cwd: dir });
      const question = asked.text.indexOf('Apply this update?');
      expect(asked.text.slice(0, question)).toMatch(/delete +gunicorn\.conf\.py +no longer generated/);
      expect(asked.status).toBe(130);
      expect(existsSync(path.join(dir, 'gunicorn.conf.py'))).toBe(true);
    }

    const run = await update(dir, '--yes');
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'gunicorn.conf.py'))).toBe(false);
  });

  it('the same path, changed since it was recorded, is kept', async () => {
    const dir = project();
    recordAlso(dir, { 'gunicorn.conf.py': '# old\n' });
    writeFileSync(path.join(dir, 'gunicorn.conf.py'), '# old\n# ours now\n');
    const run = await update(dir, '--yes', '--json');
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).files.find((f: { path: string }) => f.path === 'gunicorn.conf.py')).toMatchObject({ action: 'keep', reason: 'kept-removed' });
    expect(readFileSync(path.join(dir, 'gunicorn.conf.py'), 'utf8')).toBe('# old\n# ours now\n');
  });

  it('the same path, not in the record (a file of the user\'s), is not even looked at', async () => {
    const dir = project();
    writeFileSync(path.join(dir, 'gunicorn.conf.py'), '# old\n');
    const run = await update(dir, '--yes', '--json');
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).files.map((f: { path: string }) => f.path)).not.toContain('gunicorn.conf.py');
    expect(readFileSync(path.join(dir, 'gunicorn.conf.py'), 'utf8')).toBe('# old\n');
  });
});

describe('the plan itself never deletes outside the released paths (a second line of defence)', () => {
  it('a record handed straight to the planner, naming .git/HEAD unchanged, plans no deletion', () => {
    const dir = project();
    mkdirSync(path.join(dir, '.git'));
    writeFileSync(path.join(dir, '.git/HEAD'), GIT_HEAD);
    writeFileSync(path.join(dir, 'NOTES.md'), 'notes\n');
    const hashes = new Map([['.git/HEAD', sha(GIT_HEAD)], ['NOTES.md', sha('notes\n')], ['gunicorn.conf.py', sha('# old\n')]]);
    writeFileSync(path.join(dir, 'gunicorn.conf.py'), '# old\n');
    const fresh = renderProject(JSON.parse(readFileSync(path.join(dir, ANSWERS_FILE), 'utf8')).answers, '0.1.0');
    const plan = planUpdate({ projectDir: dir, record: { hashes, texts: new Map() }, fresh, theirsLabel: 'x' });
    expect(plan.removals).toEqual(['gunicorn.conf.py']);
  });
});

describe('the record files are untrusted input', () => {
  const SECRET = 'TOP-SECRET-LINE-4711';

  it.each([
    ['the base record', BASE_FILE],
    ['the answers file', ANSWERS_FILE],
  ])('%s as a symbolic link to a file outside the project is refused, left alone, and its text never printed', async (_label, file) => {
    const dir = project();
    const outside = path.join(path.dirname(dir), 'outside.json');
    writeFileSync(outside, `${SECRET}\n`);
    const copy = readFileSync(path.join(dir, file), 'utf8');
    writeFileSync(outside, `${SECRET} ${copy}`);
    rmSync(path.join(dir, file));
    symlinkSync(outside, path.join(dir, file));
    const before = treeSnapshot(path.dirname(dir));
    for (const args of [['--dry-run'], ['--yes'], ['--yes', '--json']]) {
      const run = await update(dir, ...args);
      expect(run.status, run.stderr).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`^error: ${file.replace(/\./g, '\\.')}( in the current directory)? is a symbolic link`, 'm'));
      expect(run.stderr + run.stdout).not.toContain(SECRET);
    }
    expect(treeSnapshot(path.dirname(dir))).toEqual(before);
  });

  const specials: [string, (file: string) => boolean][] = [
    ['a FIFO', (file) => spawnSync('mkfifo', [file]).status === 0],
    ['a link to /dev/zero', (file) => (symlinkSync('/dev/zero', file), true)],
    ['a directory holding a file of the user\'s', (file) => (mkdirSync(file), writeFileSync(path.join(file, 'mine.txt'), 'mine\n'), true)],
  ];
  it.each(specials)('the base record as %s: refused at once with exit 1, left alone, nothing changed', (_label, make) => {
    for (const args of [['--dry-run'], ['--yes']]) {
      const dir = project();
      rmSync(path.join(dir, BASE_FILE));
      expect(make(path.join(dir, BASE_FILE))).toBe(true);
      const before = treeSnapshot(dir);
      const run = runBin(['update', ...args], { cwd: dir, timeoutMs: 10_000 });
      expect(run.signal, 'it must not hang').toBeNull();
      expect(run.status, run.stderr).toBe(1);
      expect(run.ms).toBeLessThan(8_000);
      expect(run.stderr).toMatch(new RegExp(`error: ${BASE_FILE.replace(/\./g, '\\.')} is a (named pipe|symbolic link|directory), not the record update keeps there; it was left alone and nothing was changed`));
      expect(treeSnapshot(dir)).toEqual(before);
    }
  });

  it.each(specials)('the answers file as %s: refused at once with exit 1, left alone, nothing changed', (_label, make) => {
    const dir = project();
    rmSync(path.join(dir, ANSWERS_FILE));
    expect(make(path.join(dir, ANSWERS_FILE))).toBe(true);
    const before = treeSnapshot(dir);
    const run = runBin(['update', '--yes'], { cwd: dir, timeoutMs: 10_000 });
    expect(run.signal, 'it must not hang').toBeNull();
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^error: \.create-python-docker-app\.json in the current directory is (a symbolic link|a directory|not a regular file); update reads it only as a regular file inside the project, and left it alone$/m);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it('a base record larger than 4 MiB is refused without reading it whole, in bounded memory', () => {
    const dir = project();
    const base = baseOf(dir);
    // 60 MB in one line (one string of one file): as large as the record that once took 317 MB, and
    // written in a fraction of the time a pretty-printed one of 60,000 lines took.
    base.files['padding.txt'] = ['x'.repeat(60 * 1024 * 1024)];
    writeFileSync(path.join(dir, BASE_FILE), JSON.stringify(base));
    const before = treeSnapshot(dir);
    const timed = spawnSync('/usr/bin/time', ['-f', 'maxrss-kb=%M', process.execPath, path.resolve('dist/create-python-docker-app.js'), 'update', '--dry-run'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    expect(timed.status, timed.stderr).toBe(2);
    expect(timed.stderr).toMatch(/error: \.create-python-docker-app\.base\.json cannot be used: \d+ bytes is larger than the 4194304 bytes allowed; nothing was changed/);
    const rss = Number(/maxrss-kb=(\d+)/.exec(timed.stderr)![1]);
    expect(rss).toBeLessThan(150 * 1024); // a 60 MB record once took 317 MB
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('a "files" entry named %s is just a path: no crash', async (name) => {
    const dir = project();
    recordAlso(dir, { [name]: 'x\n' });
    // JSON.stringify drops nothing: __proto__ is an own key of the parsed record.
    expect(Object.keys(JSON.parse(readFileSync(path.join(dir, ANSWERS_FILE), 'utf8')).files)).toContain(name);
    for (const args of [['--dry-run'], ['--yes', '--json']]) {
      const run = await update(dir, ...args);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).not.toMatch(/unexpected error|TypeError/);
    }
    expect(readFileSync(path.join(dir, name), 'utf8')).toBe('x\n');
  });

  const damagedFiles: [string, unknown, RegExp][] = [
    ['null', null, /"files" must be an object of file paths to sha256 hashes \(got null\)/],
    ['a list', ['Dockerfile'], /"files" must be an object of file paths to sha256 hashes \(got a list\)/],
    ['a string', 'Dockerfile', /\(got the string "Dockerfile"\)/],
    ['a number', 3, /\(got the number 3\)/],
    ['empty', {}, /"files" records no files/],
    ['a number as a hash', { Dockerfile: 5 }, /"files" gives "Dockerfile" the number 5, not a sha256 hash/],
    ['a short hash', { Dockerfile: 'abc' }, /"files" gives "Dockerfile" the string "abc", not a sha256 hash/],
    ['a path out of the project', { '../outside': sha('x') }, /"files" names "\.\.\/outside", which is not a relative path inside the project/],
    ['an absolute path', { '/etc/passwd': sha('x') }, /"files" names "\/etc\/passwd", which is not a relative path/],
  ];
  it.each(damagedFiles)('a damaged "files" (%s) is an error saying what is wrong (exit 2); nothing is deleted or re-created', async (_label, files, message) => {
    const dir = project();
    rmSync(path.join(dir, 'app/health.py')); // a file the user deleted: must not come back
    const answers = answersOf(dir);
    answers.files = files as Record<string, unknown>;
    writeJson(path.join(dir, ANSWERS_FILE), answers);
    const before = treeSnapshot(dir);
    for (const args of [['--dry-run'], ['--yes'], ['--yes', '--json']]) {
      const run = await update(dir, ...args);
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toContain('nothing was changed');
      expect(treeSnapshot(dir)).toEqual(before);
    }
    expect(JSON.parse((await update(dir, '--yes', '--json')).stdout).error).toMatchObject({ code: 'invalid-value', exitCode: 2 });
  });

  const damagedBase: [string, string, RegExp][] = [
    ['not JSON, with a secret in it', `{"files": ${SECRET}`, /cannot be used: not valid JSON[;( ]/],
    ['no "files"', '{"about": 1}', /has no "files" object \(got nothing\)/],
    ['"files" a list', '{"files": []}', /has no "files" object \(got a list\)/],
    ['an entry that is not lines', '{"files": {"Dockerfile": "FROM x"}}', /gives "Dockerfile" the string "FROM x", not a list of lines/],
  ];
  it.each(damagedBase)('a damaged base record (%s) is an error saying what is wrong (exit 2), echoing none of it', async (_label, text, message) => {
    const dir = project();
    writeFileSync(path.join(dir, BASE_FILE), text);
    const before = treeSnapshot(dir);
    const run = await update(dir, '--yes');
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toContain(SECRET);
    expect(treeSnapshot(dir)).toEqual(before);
  });

  it('an answers file that is not JSON is refused without echoing its text', async () => {
    const dir = project();
    writeFileSync(path.join(dir, ANSWERS_FILE), `root:x:0:0:${SECRET}:/root:/bin/bash\n`);
    const run = await update(dir, '--yes');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: \.create-python-docker-app\.json: not valid JSON/);
    expect(run.stderr).not.toContain(SECRET);
    expect(run.stderr).not.toContain('root:x');
  });

  it('a generated file grown past 4 MiB is kept as it is, unread', async () => {
    const dir = project();
    const big = `# ${'y'.repeat(5 * 1024 * 1024)}\n`;
    writeFileSync(path.join(dir, 'Dockerfile'), big);
    const run = await update(dir, '--yes', '--json');
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).files.find((f: { path: string }) => f.path === 'Dockerfile')).toMatchObject({ action: 'keep', reason: 'not-text' });
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe(big);
  });

  it('a missing base record still works from the hashes, with a warning (the README\'s promise)', async () => {
    const dir = project();
    rmSync(path.join(dir, BASE_FILE));
    const run = await update(dir, '--yes');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(`warning: ${BASE_FILE} is missing`);
    expect(existsSync(path.join(dir, BASE_FILE))).toBe(true);
  });
});
