// Test helper: render a project with the real engine into a fresh temp directory.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultAnswers, type ProjectOptions } from '../../src/options/table.js';
import { renderProject } from '../../src/engine/render.js';
import type { RenderedFile } from '../../src/engine/rendered-file.js';

export const TEST_VERSION = '0.0.0-test';

export function optionsFor(overrides: Partial<ProjectOptions> = {}): ProjectOptions {
  return { name: 'demo-api', ...defaultAnswers(), ...overrides };
}

/**
 * Rendered projects by their options, kept for the worker's life: many test files render the
 * same combinations, and the fast group's files share a worker (vitest.config.ts). Frozen, so a
 * test that changed one in place would fail instead of changing what the next one reads.
 */
const rendered = new Map<string, readonly RenderedFile[]>();

export function render(overrides: Partial<ProjectOptions> = {}): RenderedFile[] {
  const options = optionsFor(overrides);
  const key = JSON.stringify(Object.entries(options).sort(([a], [b]) => a.localeCompare(b)));
  let files = rendered.get(key);
  if (!files) {
    files = Object.freeze(renderProject(options, TEST_VERSION).map((f) => Object.freeze({ ...f })));
    rendered.set(key, files);
  }
  return files as RenderedFile[];
}

/** Writes the rendered project under a new temp dir and returns the project directory. */
export function generateInto(overrides: Partial<ProjectOptions> = {}, parent?: string): string {
  const options = optionsFor(overrides);
  const base = parent ?? mkdtempSync(path.join(tmpdir(), 'cpda-test-'));
  const dir = path.join(base, options.name);
  writeFiles(dir, render(options));
  return dir;
}

/** Writes rendered files under dir, as the CLI lays them out. */
export function writeFiles(dir: string, files: RenderedFile[]): void {
  for (const file of files) {
    const target = path.join(dir, file.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.contents);
  }
}
