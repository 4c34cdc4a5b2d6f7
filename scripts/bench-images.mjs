#!/usr/bin/env node
// `npm run bench:images [-- --json]`: real image sizes of the generated Dockerfiles, standard
// vs multi-stage per framework (see scripts/bench-images.ts). Node 20 cannot run TypeScript,
// so this compiles that file and the test harness it uses into one bundle with tsup (a dev
// dependency) in .tmp/ (one level below the repository, as src/ is, so the renderer finds
// templates/), runs it, and deletes the bundle.

import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'tsup';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(ROOT, '.tmp');
const name = `bench-images-${process.pid}`;
let code = 1;
try {
  await build({
    config: false,
    entry: { [name]: path.join(ROOT, 'scripts', 'bench-images.ts') },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    outDir: out,
    silent: true,
    clean: false,
    external: [/^[^./]/],
  });
  const { main } = await import(pathToFileURL(path.join(out, `${name}.js`)).href);
  code = await main(process.argv.slice(2), ROOT);
} finally {
  rmSync(path.join(out, `${name}.js`), { force: true });
}
process.exit(code);
