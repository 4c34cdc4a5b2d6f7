// The TypeScript compiler API, loaded with require() rather than import. typescript.js is one
// 9 MB CommonJS file: imported from an ES module, Node first scans all of it for the names it
// exports (cjs-module-lexer), which cost each test worker about 0.4 s of CPU on top of loading
// it, for every worker that imports it; require() loads it without the scan.
import { createRequire } from 'node:module';
import type * as TypeScript from 'typescript';

const ts = createRequire(import.meta.url)('typescript') as typeof TypeScript;
export default ts;
