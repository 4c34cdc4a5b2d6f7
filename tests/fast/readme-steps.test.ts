// The generated README's steps do what they say (issue 20, item 10), for every combination: it
// names every host port the stack publishes (production and development, as Compose reads the
// files with no .env), a new migration reaches the stack (`up --build`, and `up --watch` has a
// rebuild rule for migrations/), and its "Adding an endpoint" code compiles and goes where the
// app registers its routes.

import { spawnSync } from 'node:child_process';
import { Lexer, type Tokens } from 'marked';
import { parse as parseYaml } from 'yaml';
import { describe, expect, test } from 'vitest';
import type { RenderedFile } from '../../src/engine/rendered-file.js';
import { comboId } from '../../src/options/table.js';
import { combinationsUnderTest } from '../support/combinations.js';
import { COMPOSE_YAML_TAGS } from '../support/compose-check.js';
import { SYNTAX_PYTHON } from '../support/cli-run.js';
import { render } from '../support/generate.js';

const text = (files: RenderedFile[], p: string) => files.find((f) => f.path === p)?.contents ?? '';

/** Host ports compose.yaml and compose.override.yaml publish, `${VAR:-default}` read as its default. */
function publishedHostPorts(files: RenderedFile[]): number[] {
  const ports = ['compose.yaml', 'compose.override.yaml'].flatMap((file) =>
    Object.values((parseYaml(text(files, file), { customTags: COMPOSE_YAML_TAGS }) as { services: Record<string, { ports?: string[] }> }).services).flatMap(
      (s) => s.ports ?? [],
    ),
  );
  return [...new Set(ports.map((p) => Number(p.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1').split(':').at(-2))))].sort();
}

/** The README's sentence about the ports it needs free. */
const portsSentence = (readme: string) => /needs these host ports free:[^]*?\.\n/.exec(readme)?.[0] ?? '';

function portFindings(files: RenderedFile[]): string[] {
  const sentence = portsSentence(text(files, 'README.md'));
  return publishedHostPorts(files).filter((port) => !new RegExp(`\\b${port}\\b`).test(sentence)).map((port) => `port ${port} is published but not named`);
}

describe.each(combinationsUnderTest().map((o) => [comboId(o), o] as const))('%s', (id, options) => {
  const files = render(options);
  const readme = text(files, 'README.md');

  test('the README names every host port the stack publishes', () => {
    expect(publishedHostPorts(files).length).toBeGreaterThan(0);
    expect(portFindings(files)).toEqual([]);
  });

  if (options.migrations)
    test('a new migration reaches the stack: the README says `up --build`, and `up --watch` rebuilds on migrations/', () => {
      expect(readme).toMatch(/migrations are part of the image, so\s+`docker compose up --build`/);
      const watch = (parseYaml(text(files, 'compose.override.yaml'), { customTags: COMPOSE_YAML_TAGS }) as { services: { app: { develop: { watch: { action: string; path: string }[] } } } }).services.app.develop.watch;
      expect(watch).toContainEqual({ action: 'rebuild', path: 'migrations' });
    });

  test("the README's new endpoint compiles, and is registered the way the app registers its own", () => {
    const tokens = new Lexer().lex(readme);
    const at = tokens.findIndex((t) => t.type === 'heading' && (t as Tokens.Heading).text === 'Adding an endpoint');
    const code = tokens.slice(at).find((t) => t.type === 'code' && (t as Tokens.Code).lang === 'python') as Tokens.Code;
    const compiled = spawnSync(SYNTAX_PYTHON, ['-c', 'import sys; compile(sys.stdin.read(), "app/hello.py", "exec")'], { input: code.text, encoding: 'utf8' });
    expect(compiled.status, compiled.stderr).toBe(0);
    const [file, call] = options.framework === 'fastapi' ? ['app/main.py', 'app.include_router('] : ['app/__init__.py', 'app.register_blueprint('];
    const next = tokens.findIndex((t, i) => i > at && t.type === 'heading');
    const section = tokens.slice(at, next).map((t) => t.raw).join('');
    expect(section).toContain(`\`${file}\``);
    expect(section).toContain(`${call}hello.`);
    expect(text(files, file), `${file} registers its routes so`).toContain(call);
  });
});

test('planted: a README that leaves out the development PostgreSQL port is reported', () => {
  const files = render({ postgres: true, redis: true });
  const planted = files.map((f) => (f.path === 'README.md' ? { ...f, contents: f.contents.replace('`127.0.0.1:5432`', '`127.0.0.1`') } : f));
  expect(portFindings(files)).toEqual([]);
  expect(portFindings(planted)).toEqual(['port 5432 is published but not named']);
});
