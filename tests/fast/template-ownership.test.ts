// Every template's conditions test only its own feature's data (issue 22, "slots, not
// cross-feature ifs"). A feature is a folder, src/features/<feature>/: its templates and slot
// contributions may test its own data; the skeleton (templates/common) and every other feature
// may not. They expose slots instead (render.ts), which the feature fills from its folder.
//
// What counts as a feature's data: the render context's entry under each registered feature's
// Feature.contextKey (`redis`, `kubernetes`, `cloudRun`, `workerDebugger`...: read from
// src/features/registry.ts, so a new feature is checked as soon as it is listed there) and the
// options that turn it on (`options.redis`, `options.deploy`...: OPTIONS_OF below). A folder is
// its feature's when the feature's layer is the folder or a prefix of its name
// (`deploy-cloud-run-migrations` is Cloud Run's); a folder named for two features
// (`kubernetes-migrations`, `devcontainer-worker`) is where they meet, and may test both.
// Everything else is core: what every project has exactly one of (the framework, Python, the
// package manager and its installer, the Dockerfile variant, the project's name) and the
// generic lists built from whichever features were chosen (`services`, `reached`, `env`,
// `requirements`...).
//
// The conditions are read from the JavaScript ejs compiles each template to, parsed by
// TypeScript: the test of every `if`, `? :`, `&&`, `||` and `??`.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import type { Node } from 'typescript';
import ts from '../support/typescript.js';
import { describe, expect, it } from 'vitest';
import { FEATURES } from '../../src/features/registry.js';
import type { Feature } from '../../src/features/types.js';
import { REPO } from '../support/cli-run.js';

/**
 * The options that turn each feature with data on, by its context key. Not `testPrepare`: a map
 * from a service to how another feature prepares it for the tests, read by the service's key
 * like `services`, so the conftest never names the feature.
 */
const OPTIONS_OF: Record<string, string[]> = {
  postgres: ['postgres'],
  redis: ['redis'],
  migrations: ['migrations'],
  lint: ['lint'],
  ci: ['ci'],
  // --ci gitlab: .gitlab-ci.yml (src/features/ci-gitlab, owned by both).
  gitlab: ['ci'],
  dependabot: ['dependabot'],
  // --dependabot with --ci gitlab.
  renovate: ['dependabot'],
  kubernetes: ['deploy'],
  // The other targets share --deploy with Kubernetes, which owns that option's test.
  cloudRun: [],
  ecs: [],
  aci: [],
  // --devcontainer: src/features/devcontainer (and devcontainer-worker, owned by both).
  devcontainer: ['devcontainer'],
  // --devcontainer with --worker celery: its own folder, devcontainer-worker.
  workerDebugger: [],
  worker: ['worker'],
  // --beat: src/features/celery-beat (and kubernetes-beat, owned by both).
  beat: ['beat'],
};

/** Each registered feature with data: its context key and its layer (folder). */
const KEYED_FEATURES = (FEATURES as readonly Feature[]).flatMap((feature) =>
  feature.contextKey === undefined ? [] : [{ key: feature.contextKey, layer: feature.layer }],
);

/** Each feature with data, and the names of its data in the render context and among the options. */
const FEATURE_DATA: Record<string, { context: string[]; options: string[] }> = Object.fromEntries(
  KEYED_FEATURES.map(({ key }) => [key, { context: [key], options: OPTIONS_OF[key] ?? [] }]),
);

/** The features a folder of src/features/ belongs to: by its layer, or by a part of its name. */
function ownersOf(folder: string): string[] {
  const owners = KEYED_FEATURES.filter(({ key, layer }) => folder === layer || folder.startsWith(`${layer}-`) || folder.split('-').includes(key));
  return [...new Set(owners.map(({ key }) => key))].sort();
}

/** A template file and the features whose data it may test (none for the skeleton). */
interface OwnedTemplate {
  file: string;
  owners: string[];
}

function ejsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ejs'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function ownedTemplates(): OwnedTemplate[] {
  const out: OwnedTemplate[] = ejsFiles(path.join(REPO, 'templates', 'common')).map((file) => ({ file, owners: [] }));
  const featuresDir = path.join(REPO, 'src', 'features');
  for (const folder of readdirSync(featuresDir, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    // `kubernetes-migrations` is owned by both; `dockerfile-standard` by no feature with data.
    const owners = ownersOf(folder.name);
    for (const sub of ['templates', 'slots']) {
      const dir = path.join(featuresDir, folder.name, sub);
      try {
        for (const file of ejsFiles(dir)) out.push({ file, owners });
      } catch {
        // a feature without templates or without slots
      }
    }
  }
  return out;
}

/** The features whose data the template's conditions test. */
function featuresTested(templateText: string): string[] {
  const template = new ejs.Template(templateText, { strict: false }) as unknown as { generateSource(): void; source: string };
  template.generateSource();
  const source = ts.createSourceFile('template.js', `function t() {${template.source}\n}`, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const found = new Set<string>();
  const byContext = new Map(Object.entries(FEATURE_DATA).flatMap(([feature, data]) => data.context.map((name) => [name, feature] as const)));
  const byOption = new Map(Object.entries(FEATURE_DATA).flatMap(([feature, data]) => data.options.map((name) => [name, feature] as const)));
  const collect = (condition: Node): void => {
    const visit = (node: Node): void => {
      if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'options') {
        const feature = byOption.get(node.name.text);
        if (feature) found.add(feature);
        return;
      }
      if (ts.isIdentifier(node)) {
        const parent = node.parent;
        const isPropertyName = (ts.isPropertyAccessExpression(parent) && parent.name === node) || (ts.isPropertyAssignment(parent) && parent.name === node);
        const feature = byContext.get(node.text);
        if (feature && !isPropertyName) found.add(feature);
      }
      ts.forEachChild(node, visit);
    };
    visit(condition);
  };
  const walk = (node: Node): void => {
    if (ts.isIfStatement(node) || ts.isWhileStatement(node)) collect(node.expression);
    else if (ts.isConditionalExpression(node)) collect(node.condition);
    else if (ts.isBinaryExpression(node) && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(node.operatorToken.kind)) {
      collect(node.left);
      collect(node.right);
    }
    ts.forEachChild(node, walk);
  };
  walk(source);
  return [...found].sort();
}

describe('template conditions test only their own feature\'s data', () => {
  const templates = ownedTemplates();
  const crossing = new Map<string, string[]>();
  for (const { file, owners } of templates) {
    const foreign = featuresTested(readFileSync(file, 'utf8')).filter((feature) => !owners.includes(feature));
    if (foreign.length > 0) crossing.set(path.relative(REPO, file), foreign);
  }

  it('reads every template of the skeleton and of the features', () => {
    expect(templates.some((t) => t.file.endsWith(path.join('templates', 'common', 'compose.yaml.ejs')))).toBe(true);
    expect(templates.some((t) => t.file.endsWith(path.join('redis', 'slots', 'app.routers.ejs')))).toBe(true);
    expect(templates.length).toBeGreaterThan(100);
  });

  it('finds a feature\'s data in if, ternary, && and ||, but not in what is only printed', () => {
    expect(featuresTested('<% if (redis) { %>x<% } %>')).toEqual(['redis']);
    expect(featuresTested('<%- postgres ? "a" : "b" %>')).toEqual(['postgres']);
    expect(featuresTested('<%- [lint && "ruff"].join() %><% if (options.deploy === "kubernetes") { %><% } %>')).toEqual(['kubernetes', 'lint']);
    expect(featuresTested('<% if (services.length > 0 && isFlask) { %><%- redis.timeout %><% } %>')).toEqual([]);
    expect(featuresTested('<%- slot("app.routers") %><% for (const s of reached) { %><%- s.url.field %><% } %>')).toEqual([]);
  });

  it('knows the options of every registered feature with data', () => {
    expect(Object.keys(OPTIONS_OF).sort()).toEqual(KEYED_FEATURES.map(({ key }) => key).sort());
  });

  it('gives each deployment target\'s folders, and where two features meet, to their features', () => {
    expect(ownersOf('deploy-cloud-run-migrations')).toEqual(['cloudRun', 'migrations']);
    expect(ownersOf('devcontainer-worker')).toEqual(['devcontainer', 'worker', 'workerDebugger']);
    expect(ownersOf('dockerfile-standard')).toEqual([]);
  });

  it('no template tests another feature\'s data', () => {
    expect(Object.fromEntries(crossing)).toEqual({});
  });
});
