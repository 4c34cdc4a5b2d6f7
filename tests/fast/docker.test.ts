// Every combination's Docker files, checked without an engine (the fast group):
//  1. the Dockerfile passes our own rules (tests/support/dockerfile-lint.ts; hadolint and checkov
//     run on it in field-checkers.test.ts);
//  2. compose.yaml and compose.override.yaml match the Compose Specification schema and keep
//     secrets and service ports private.
// Building, running and Compose itself are in tests/stack-*.test.ts.
// Failure messages start with the combination id and name the file.

import { describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { comboId } from '../../src/options/table.js';
import { combinationsUnderTest } from '../support/combinations.js';
import { COMPOSE_YAML_TAGS, composeSchemaErrors } from '../support/compose-check.js';
import { lintDockerfile } from '../support/dockerfile-lint.js';
import { render } from '../support/generate.js';

/** [id, options]: a tuple so that `%s` prints the id in test names. */
const combos = combinationsUnderTest().map((options) => [comboId(options), options] as const);
// Each project's files as the engine renders them, by path: what the CLI would write, read
// without the round trip through a disk (the CLI's writer is tested in cli.test.ts).
const projects = new Map(combos.map(([id, options]) => [id, new Map(render(options).map((f) => [f.path, f.contents]))]));

function readProjectFile(id: string, file: string): string | undefined {
  const files = projects.get(id);
  if (!files) throw new Error(`no project for ${id}`);
  return files.get(file);
}

describe('Dockerfile lint', () => {
  test.for(combos)('%s: Dockerfile', ([id]) => {
    const text = readProjectFile(id, 'Dockerfile') ?? '';
    const findings = lintDockerfile(text, { readFile: (f) => readProjectFile(id, f) });
    expect(findings.map((f) => `${id}: Dockerfile:${f.line} [${f.rule}] ${f.message}`)).toEqual([]);
  });
});

describe('Compose files', () => {
  test.for(combos)('%s: compose.yaml and compose.override.yaml match the Compose schema', ([id]) => {
    for (const file of ['compose.yaml', 'compose.override.yaml']) {
      const text = readProjectFile(id, file);
      expect(text, `${id}: ${file} missing`).toBeDefined();
      expect(composeSchemaErrors(text!).map((e) => `${id}: ${file}: ${e}`)).toEqual([]);
    }
  });

  test.for(combos)('%s: Compose files keep secrets and service ports private', ([id, options]) => {
    const base = readProjectFile(id, 'compose.yaml') ?? '';
    const override = readProjectFile(id, 'compose.override.yaml') ?? '';
    expect(base, `${id}: compose.yaml has an obsolete version:`).not.toMatch(/^version:/m);
    // Only the app publishes a port in the base file; the override binds services to 127.0.0.1.
    // As Compose reads them with no .env: `${VAR:-default}` is the default.
    const ports = (text: string) =>
      Object.values((parseYaml(text, { customTags: COMPOSE_YAML_TAGS }) as { services: Record<string, { ports?: string[] }> }).services)
        .flatMap((s) => s.ports ?? [])
        .map((port) => port.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1'));
    expect(ports(base), `${id}: compose.yaml publishes`).toEqual(['8000:8000']);
    for (const port of ports(override))
      expect(port, `${id}: compose.override.yaml publishes on all interfaces`).toMatch(/^127\.0\.0\.1:/);
    // The password is a file secret (issue 23): not in .env.example, nor in any environment.
    if (options.postgres) {
      expect(readProjectFile(id, '.env.example'), `${id}: .env.example names a password`).not.toMatch(/PASSWORD/);
      expect(base, `${id}: compose.yaml must mount the password's file`).toContain('file: ./secrets/postgres_password');
      expect(base, `${id}: compose.yaml puts a password in an environment`).not.toMatch(/^\s+POSTGRES_PASSWORD:/m);
    }
  });
});

