// The generator's own version, stamped into every project and printed by --version.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Read from package.json, one level above this module both in src/ and in the bundled dist/. */
export function packageVersion(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const pkg = JSON.parse(readFileSync(path.resolve(here, '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
