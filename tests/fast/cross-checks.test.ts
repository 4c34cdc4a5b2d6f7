// Checks that tie two emitted files together, or one file to the rule it must keep, each aimed at
// a fault that only the whole-project snapshot used to catch (a snapshot shows a change; it does
// not say the change is wrong): the health check asking a route the app does not serve, the app
// starting before a service is healthy, an item's text that PostgreSQL cannot keep reaching the
// store, a template path that leads out of the target.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { isBelow } from '../../src/engine/plain-relative.js';
import { applyWrites, planWrites, safeJoin } from '../../src/engine/write.js';
import { comboId } from '../../src/options/table.js';
import { combinationsUnderTest } from '../support/combinations.js';
import { SYNTAX_PYTHON } from '../support/cli-run.js';
import { render } from '../support/generate.js';

const combos = combinationsUnderTest().map((o) => [comboId(o), o] as const);
const fileOf = (files: { path: string; contents: string }[], p: string) => {
  const file = files.find((f) => f.path === p);
  if (!file) throw new Error(`${p} is not emitted`);
  return file.contents;
};

/** The paths of the GET routes the app's modules declare (`@x.get("/p")`, `@x.route("/p")`), read with Python's ast. */
function getRoutes(files: { path: string; contents: string }[]): string[] {
  const script = `
import ast, json, sys
routes = []
for f in json.load(sys.stdin):
    for node in ast.walk(ast.parse(f["contents"])):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for d in node.decorator_list:
            if isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in ("get", "route") \\
                    and d.args and isinstance(d.args[0], ast.Constant):
                routes.append(d.args[0].value)
print(json.dumps(routes))
`;
  const app = files.filter((f) => f.path.startsWith('app/') && f.path.endsWith('.py'));
  const result = spawnSync(SYNTAX_PYTHON, ['-c', script], { input: JSON.stringify(app), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as string[];
}

describe('the image health check', () => {
  for (const [id, options] of combos)
    it(`${id}: asks a route the app serves, on the port it listens on`, () => {
      const files = render(options);
      const dockerfile = fileOf(files, 'Dockerfile').replace(/\\\n\s*/g, '');
      const probe = /^HEALTHCHECK\b[\s\S]*?CMD (\[.*\])$/m.exec(dockerfile);
      expect(probe, 'a HEALTHCHECK with an exec-form CMD').not.toBeNull();
      const url = /http:\/\/(?:127\.0\.0\.1|localhost):(\d+)(\/[^"'\s]*)/.exec(probe![1]!);
      expect(url, `an http URL in ${probe![1]}`).not.toBeNull();
      expect(url![1]).toBe(/^EXPOSE (\d+)$/m.exec(dockerfile)?.[1]);
      expect(getRoutes(files)).toContain(url![2]);
    });

  it('a probe of a route the app does not serve is caught', () => {
    const files = render({}).map((f) => (f.path === 'Dockerfile' ? { ...f, contents: f.contents.replace('/health', '/healthz') } : f));
    const probe = /CMD (\[.*urllib.*\])$/m.exec(fileOf(files, 'Dockerfile').replace(/\\\n\s*/g, ''))!;
    const route = /:\d+(\/[^"'\s]*)/.exec(probe[1]!)![1]!;
    expect(getRoutes(files)).not.toContain(route);
  });
});

describe('the order Compose starts the services in', () => {
  for (const [id, options] of combos)
    it(`${id}: the app waits until each of its services is healthy${options.postgres ? ' and the migrations finished' : ''}`, () => {
      const compose = parseYaml(fileOf(render(options), 'compose.yaml')) as {
        services: Record<string, { depends_on?: Record<string, { condition: string }>; healthcheck?: unknown }>;
      };
      const waitsFor = compose.services.app!.depends_on ?? {};
      const expected: Record<string, string> = {};
      if (options.postgres) expected.db = 'service_healthy';
      if (options.redis) expected.redis = 'service_healthy';
      if (options.postgres) expected.migrate = 'service_completed_successfully';
      expect(Object.fromEntries(Object.entries(waitsFor).map(([name, d]) => [name, d.condition]))).toEqual(expected);
      // service_healthy means something only where the service has a health check.
      for (const name of Object.keys(expected).filter((n) => n !== 'migrate')) expect(compose.services[name]!.healthcheck, name).toBeDefined();
    });
});

describe("what an item's text may hold (app/limits.py)", () => {
  const limits = fileOf(render({}), 'app/limits.py');
  const problem = (literal: string) => {
    const result = spawnSync(SYNTAX_PYTHON, ['-c', `${limits}\nimport json\nprint(json.dumps(text_problem(${literal})))`], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as string | null;
  };
  it('refuses a NUL character, which PostgreSQL text cannot hold', () => expect(problem('"a\\x00b"')).toMatch(/NUL/));
  it('refuses a lone surrogate, which has no UTF-8 form', () => expect(problem('"a\\ud800b"')).toMatch(/surrogate/));
  it('takes ordinary text, emoji and all', () => expect(problem('"caf\\u00e9 \\U0001F600"')).toBeNull());
});

describe('the writer', () => {
  const parent = mkdtempSync(path.join(tmpdir(), 'cpda-writer-'));

  it('takes the file system\'s root as a target like any folder: a file in it is inside it', () => {
    expect(safeJoin('/', '.dockerignore')).toBe('/.dockerignore');
    expect(safeJoin('/', 'app/main.py')).toBe('/app/main.py');
    expect(isBelow('/', '/app')).toBe(true);
    expect(isBelow('/srv/app', '/srv/app/x')).toBe(true);
    expect(isBelow('/srv/app', '/srv/app')).toBe(false);
    expect(isBelow('/srv/app', '/srv/apple/x')).toBe(false);
  });

  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  for (const escape of ['../outside.txt', 'app/../../outside.txt', '/etc/cpda-outside.txt'])
    it(`refuses a file path that leads out of the target (${escape}) and writes nothing`, async () => {
      const target = path.join(parent, 'project');
      expect(() => safeJoin(target, escape)).toThrow(/outside the target/);
      const files = [
        { path: 'README.md', contents: 'x\n' },
        { path: escape, contents: 'y\n' },
      ];
      expect(() => planWrites(files, target, { overwrite: false })).toThrow(/outside the target/);
      await expect(applyWrites(files, planWrites(files.slice(0, 1), target, { overwrite: false }).concat({ path: escape, action: 'create', bytes: 2 }), target)).rejects.toThrow();
      expect(existsSync(path.join(parent, 'outside.txt'))).toBe(false);
      expect(existsSync('/etc/cpda-outside.txt')).toBe(false);
      expect(existsSync(target) ? readdirSync(target) : []).toEqual([]);
    });
});
