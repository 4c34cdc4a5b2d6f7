// The per-file temp dir (tests/support/private-tmpdir.ts) is removed when a run is interrupted,
// not only when it finishes, and when its file's tests are all skipped: no `npm run test:fast`
// may leave a cpda-vitest-* folder.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const vitestBin = path.join(path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const work = mkdtempSync(path.join(tmpdir(), 'interrupted-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
// The project's own setup file, as the fast group runs it (one worker process, files one after
// another, not isolated), on a file whose tests are all skipped and then, in the same worker, a
// file that waits to be interrupted: neither file's folder may be left.
const config = path.join(work, 'vitest.config.mjs');
writeFileSync(
  config,
  `export default { test: { include: ['tests/fixtures/interrupted-run/*.spec.ts'], setupFiles: ['tests/support/private-tmpdir.ts'], pool: 'forks', maxWorkers: 1, isolate: false,
  sequence: { sequencer: class { async shard(files) { return files; } async sort(files) { return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId)); } } } } };\n`,
);

describe('an interrupted test run', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    test(`leaves no cpda-vitest-* folder after ${signal}`, async () => {
      const runTmp = mkdtempSync(path.join(work, `${signal}-`));
      const report = path.join(work, `${signal}.where`);
      const child = spawn(process.execPath, [vitestBin, 'run', '--root', root, '--config', config], {
        cwd: root,
        env: { ...process.env, TMPDIR: runTmp, CPDA_REPORT_TMPDIR: report },
        stdio: 'ignore',
      });
      const closed = new Promise((resolve) => child.once('close', resolve));
      // Until the file holds the path: it exists as soon as writeFileSync opens it, before the write.
      const written = () => existsSync(report) && readFileSync(report, 'utf8') !== '';
      for (let i = 0; i < 300 && !written(); i++) await sleep(100);
      const fileTmp = readFileSync(report, 'utf8');
      expect(path.basename(fileTmp)).toMatch(/^cpda-vitest-/);
      expect(existsSync(fileTmp)).toBe(true);
      child.kill(signal);
      await closed;
      // The worker that ran the file goes too (it would otherwise clean up only when its test ends).
      for (let i = 0; i < 50 && existsSync(fileTmp); i++) await sleep(100);
      expect(existsSync(fileTmp), `${fileTmp} is left after ${signal}`).toBe(false);
      expect(readdirSync(runTmp).filter((n) => n.startsWith('cpda-vitest-'))).toEqual([]);
    }, 60_000);
});

