// `update` moves a project from before issue 23 (the database password as POSTGRES_PASSWORD in
// `.env`) to the secret file secrets/postgres_password, keeping the user's password: their data
// was initialised with it. It reads `.env` for that value only and never changes it; an existing
// secret file is never replaced; without a value it writes nothing and names the one command.

import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderProject } from '../../src/engine/render.js';
import type { ProjectOptions } from '../../src/options/table.js';
import { removeTempDirs, runMain, tempDir, treeSnapshot } from '../support/cli-run.js';
import { optionsFor, writeFiles } from '../support/generate.js';

afterAll(removeTempDirs);

const OPTIONS: ProjectOptions = optionsFor({ name: 'shop', packageManager: 'pip' }); // with PostgreSQL
const SECRET = 'secrets/postgres_password';
/** What a project generated before the change kept in its .env (the generator wrote a random one). */
const OLD_ENV = 'POSTGRES_USER=app\nPOSTGRES_PASSWORD=Kept-by_the.user-42\nPOSTGRES_DB=app\nDATABASE_URL=postgresql+psycopg://app:${POSTGRES_PASSWORD}@127.0.0.1:5432/app\n';

/** A generated project without its secret file (as every project from before the change), with `env` as its .env. */
function oldProject(env: string | undefined, options: ProjectOptions = OPTIONS): string {
  const dir = path.join(tempDir('cpda-update-secret-'), options.name);
  writeFiles(dir, renderProject(options, '0.0.1'));
  if (env !== undefined) writeFileSync(path.join(dir, '.env'), env);
  return dir;
}

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');
const mode = (file: string) => statSync(file).mode & 0o777;

describe('update moves the database password from .env to its secret file', () => {
  it("writes secrets/postgres_password with the password of .env, 0644 in a 0700 folder, and says so in one line; .env is left as it was", async () => {
    const dir = oldProject(OLD_ENV);
    const run = await runMain(['update', '--yes'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(read(dir, SECRET)).toBe('Kept-by_the.user-42\n');
    expect(mode(path.join(dir, SECRET))).toBe(0o644);
    expect(mode(path.join(dir, 'secrets'))).toBe(0o700);
    expect(read(dir, '.env')).toBe(OLD_ENV);
    expect(run.stderr).toMatch(/^secrets\/postgres_password written with the POSTGRES_PASSWORD of \.env, so your database keeps its password; \.env was left as it was: .*$/m);
    expect(run.stderr).not.toContain('Kept-by_the.user-42');
  });

  it('reads the value as Compose does: quotes, `export` and comments around it', async () => {
    const dir = oldProject('# our settings\nexport POSTGRES_PASSWORD="with spaces # and a hash"  # a comment\n');
    expect((await runMain(['update', '--yes'], { cwd: dir })).code).toBe(0);
    expect(read(dir, SECRET)).toBe('with spaces # and a hash\n');
  });

  it('never replaces an existing secret file, and does not need .env then', async () => {
    const dir = oldProject(OLD_ENV);
    mkdirSync(path.join(dir, 'secrets'), { mode: 0o700 });
    writeFileSync(path.join(dir, SECRET), 'the-one-in-use\n');
    const run = await runMain(['update', '--yes'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(read(dir, SECRET)).toBe('the-one-in-use\n');
    expect(run.stderr).not.toContain(SECRET);
  });

  it('into a secrets/ folder others can read: refused in one line naming the chmod, nothing written, the dry run too', async () => {
    const dir = oldProject(OLD_ENV);
    mkdirSync(path.join(dir, 'secrets'));
    chmodSync(path.join(dir, 'secrets'), 0o755);
    const before = treeSnapshot(dir);
    for (const argv of [['update', '--yes'], ['update', '--dry-run']]) {
      const run = await runMain(argv, { cwd: dir });
      expect(run.code, argv.join(' ')).toBe(1);
      expect(run.stderr.trim()).toBe('error: secrets/ is open to other users (mode 0755) and would hold secrets/postgres_password: run `chmod 0700 secrets`, then run again; nothing was written');
      expect(treeSnapshot(dir)).toEqual(before);
    }
    chmodSync(path.join(dir, 'secrets'), 0o700);
    expect((await runMain(['update', '--yes'], { cwd: dir })).code).toBe(0);
    expect(read(dir, SECRET)).toBe('Kept-by_the.user-42\n');
  });

  it('without a .env: writes no secret file and names the one command that writes it', async () => {
    const dir = oldProject(undefined);
    const run = await runMain(['update', '--yes'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'secrets'))).toBe(false);
    expect(run.stderr).toMatch(
      /^warning: no \.env to take POSTGRES_PASSWORD from, so secrets\/postgres_password was not written and the stack cannot start without it; .*: mkdir -p -m 700 secrets && \(umask 022 && printf '%s\\n' 'YOUR-PASSWORD' > secrets\/postgres_password\)$/m,
    );
  });

  it('with a .env that has no password, or one Compose interpolated (${...}): nothing written, the command named', async () => {
    for (const [env, why] of [
      ['POSTGRES_USER=app\n', '.env has no value for POSTGRES_PASSWORD'],
      ['POSTGRES_PASSWORD=\n', '.env has no value for POSTGRES_PASSWORD'],
      ['POSTGRES_PASSWORD=${VAULT_PASSWORD}\n', 'POSTGRES_PASSWORD in .env uses ${...}, which Compose filled in'],
    ] as const) {
      const dir = oldProject(env);
      const run = await runMain(['update', '--yes'], { cwd: dir });
      expect(run.code, run.stderr).toBe(0);
      expect(existsSync(path.join(dir, SECRET)), env).toBe(false);
      expect(run.stderr).toContain(`warning: ${why}, so ${SECRET} was not written`);
      expect(run.stderr).toContain(`> ${SECRET})`);
    }
  });

  it('--dry-run writes nothing and says the file would be written', async () => {
    const dir = oldProject(OLD_ENV);
    const before = treeSnapshot(path.dirname(dir));
    const run = await runMain(['update', '--dry-run'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(treeSnapshot(path.dirname(dir))).toEqual(before);
    expect(run.stderr).toMatch(/^ {2}create +secrets\/postgres_password +your secret, now a file/m);
    expect(run.stderr).toContain(`${SECRET} would be written with the POSTGRES_PASSWORD of .env`);
  });

  it('a project without PostgreSQL gets no secret file and no message', async () => {
    const dir = oldProject('REDIS_URL=redis://127.0.0.1:6379/0\n', { ...OPTIONS, postgres: false, migrations: false });
    const run = await runMain(['update', '--yes'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'secrets'))).toBe(false);
    expect(run.stderr).not.toContain('POSTGRES_PASSWORD');
  });
});

describe('the password file update writes, as git sees it afterwards', () => {
  const git = (dir: string, ...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });

  /** The old project committed in git, its .gitignore as `gitignore` turns it; then update. */
  async function updatedInGit(gitignore: (text: string) => string) {
    const dir = oldProject(OLD_ENV);
    writeFileSync(path.join(dir, '.gitignore'), gitignore(read(dir, '.gitignore')));
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'old');
    const run = await runMain(['update', '--yes'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    return { dir, stderr: run.stderr };
  }

  it('a .gitignore that no longer ignores secrets/: a warning that `git add` would commit it, with the line to add', async () => {
    const { dir, stderr } = await updatedInGit((text) => text.replace(/^secrets\/\n/m, ''));
    expect(git(dir, 'status', '--porcelain').stdout).toContain('?? secrets/');
    expect(stderr).toContain('secrets/postgres_password is not ignored by git here, so `git add` would commit it: add the line `secrets/` to .gitignore');
  });

  it('the .gitignore as generated: ignored, and no warning', async () => {
    const { dir, stderr } = await updatedInGit((text) => text);
    expect(git(dir, 'status', '--porcelain', '--ignored').stdout).toContain('!! secrets/');
    expect(stderr).not.toContain('is not ignored by git');
  });
});
