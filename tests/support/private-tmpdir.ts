// Each test file gets a temp directory of its own (TMPDIR, which os.tmpdir() and mktemp read),
// deleted with everything in it when the file is done: what a test or a program it spawned
// leaves behind never reaches the system's temp directory. .ci/run checks that a whole run
// leaves its temp directory empty.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'cpda-vitest-'));
process.env.TMPDIR = dir;

// Registered before the file's own hooks, so it runs after all of them.
afterAll(() => rmSync(dir, { recursive: true, force: true }));
