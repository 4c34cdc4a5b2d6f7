// One build for everything that ships: the CLI and the plop pack, bundled into dist/ with every
// library inlined, so the published package has zero runtime dependencies (issue 6).
//  - noExternal: everything is bundled (@inquirer/prompts, ejs, ...) except plop/node-plop,
//    which belong to the consumer's plop install and are only ever used by the plop pack.
//  - splitting: dynamic imports (the prompt library) become their own chunks, so a
//    non-interactive run never reads or parses them; code shared by the CLI and the plop pack
//    lands in a shared chunk.
//  - minify: less JavaScript to read and parse on every start-up, and a smaller tarball.
//  - the templates are compiled by ejs here, once, rather than on every run
//    (scripts/precompile-templates.ts fills src/engine/precompiled-templates.ts).
//  - so is the Docker floor (src/features/docker-floor-value.ts): worked out here with semver,
//    so the bundle carries the two version numbers and a scaffold never loads semver.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';
import { precompiledTemplates } from './scripts/precompile-templates.js';
import { dockerFloorOf } from './src/features/docker-floor-compare.js';
import { VERSIONED_FEATURES } from './src/features/docker-floor.js';

/** src/features/docker-floor-value.ts, as its value: what it computes from source, computed once here. */
const dockerFloorValue: Plugin = {
  name: 'docker-floor-value',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]features[\\/]docker-floor-value\.ts$/ }, () => ({
      contents: `export const DOCKER_FLOOR = ${JSON.stringify(dockerFloorOf(VERSIONED_FEATURES))};\n`,
      loader: 'js',
      watchFiles: [path.join(path.dirname(fileURLToPath(import.meta.url)), 'src', 'features', 'docker-floor.ts')],
    }));
  },
};

const CONSUMER_PROVIDED = /^(?:plop|node-plop)(?:\/|$)/;

export default defineConfig({
  entry: {
    // The executable (package.json "bin"); cli.js is what tests and embedders import.
    'create-python-docker-app': 'src/bin.ts',
    cli: 'src/cli.ts',
    // The plop pack (package.json "main").
    plopfile: 'generators/plopfile.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  outDir: 'dist',
  clean: true,
  splitting: true,
  minify: true,
  sourcemap: false,
  // tsup checks noExternal before external, so the exclusion must live in this pattern.
  noExternal: [new RegExp(`^(?!${CONSUMER_PROVIDED.source.slice(1)})`)],
  external: [CONSUMER_PROVIDED],
  esbuildPlugins: [precompiledTemplates(path.dirname(fileURLToPath(import.meta.url))), dockerFloorValue],
  // A bundled CommonJS module that calls require() for a Node built-in needs a real require
  // inside an ES module chunk. Every chunk gets the banner, but few call require: it is made
  // on the first call, not as each chunk loads (createRequire costs a scaffold ~0.3 ms a chunk).
  banner: { js: "import{createRequire as __cpdaCreateRequire}from'node:module';var __cpdaRequire;function require(id){return(__cpdaRequire??=__cpdaCreateRequire(import.meta.url))(id)}" },
});
