// How a stack file learns that the stand-in images are in the engines (tests/support/
// standins-ready.ts): the stack setup builds them while the tests already run and writes the
// outcome to a file; each stack file waits for that file before it loads.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { announceStandins, waitForStandins } from '../support/standins-ready.js';

const statusFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'standins-')), 'status.json');

describe('a stack file waiting for the stand-in images', () => {
  test('loads only once their build has ended', async () => {
    const file = statusFile();
    let built = false;
    const building = sleep(300).then(() => (built = true));
    void announceStandins(building, file);
    await waitForStandins({ statusFile: file });
    expect(built).toBe(true);
  });

  test("fails with their build's error, so every stack file says why none of it ran", async () => {
    const file = statusFile();
    await announceStandins(Promise.reject(new Error('could not build the stand-in postgres:18.6-trixie')), file);
    await expect(waitForStandins({ statusFile: file })).rejects.toThrow(
      /the stand-in images could not be built, so no stack test can run:\n.*could not build the stand-in postgres:18\.6-trixie/,
    );
  });

  test('gives up after its timeout, naming where the build says how far it got', async () => {
    const file = statusFile();
    await expect(waitForStandins({ statusFile: file }, 600)).rejects.toThrow(/not in the engines after 0\.6 s .*\[stack setup\]/);
    expect(existsSync(file)).toBe(false);
  });

  test('without engines (not root) there is nothing to wait for', async () => {
    await expect(waitForStandins({ statusFile: null }, 0)).resolves.toBeUndefined();
  });
});
