// The source has straight layers: no module of src/ imports, directly or through others, a
// module that imports it back. `import type` counts: it ties the two modules' meanings even
// though the compiler erases it. The import graph is dpdm's (a maintained dependency analyser
// that reads TypeScript), not a walk of our own.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every import circle among the TypeScript files under `dir`, each as the files along it. */
async function importCircles(dir: string): Promise<string[][]> {
  // transform: false keeps type-only imports in the graph (true would drop them as tsc does).
  const tree = await parseDependencyTree('**/*.ts', { context: dir, cwd: dir, transform: false, tsconfig: path.join(ROOT, 'tsconfig.json') });
  return parseCircular(tree);
}

describe('import circles', () => {
  it('src/ has none, type imports included', async () => {
    const src = path.join(ROOT, 'src');
    expect(await importCircles(src)).toEqual([]);
  });

  it('a circle of type imports alone is found (the check sees what it is for)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'circle-'));
    writeFileSync(path.join(dir, 'render.ts'), "import type { Record } from './record.js';\nexport interface Rendered { record?: Record }\n");
    writeFileSync(path.join(dir, 'record.ts'), "import type { Rendered } from './render.js';\nexport interface Record { files: Rendered[] }\n");
    writeFileSync(path.join(dir, 'leaf.ts'), 'export const LEAF = 1;\n');
    expect((await importCircles(dir)).map((circle) => [...circle].sort())).toEqual([['record.ts', 'render.ts']]);
  });
});
