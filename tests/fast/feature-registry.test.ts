// The feature registry (src/features/registry.ts) as the render context sees it: each feature's
// own data sits under its key exactly when the project has the feature, and a deployment target
// renders the layers its own facts pick. buildContext names no feature; these say what its loop
// over the registry must give.

import { describe, expect, it } from 'vitest';
import { buildContext, chosenLayers } from '../../src/engine/context.js';
import { DEPLOY_TARGET_FEATURES } from '../../src/features/deploy-targets.js';
import { FEATURES } from '../../src/features/registry.js';
import type { Feature } from '../../src/features/types.js';
import { PACKAGE_MANAGER_FEATURES } from '../../src/features/package-managers.js';
import { SERVICE_FEATURES, SERVICE_KEYS } from '../../src/features/services.js';
import { optionsFor, TEST_VERSION } from '../support/generate.js';

const registered = FEATURES as readonly Feature[];
const withData = registered.filter((f) => f.contextKey !== undefined);

describe('each feature owns its data in the render context', () => {
  it('a feature that names a context key has the data to put there, and no two share a key', () => {
    expect(withData.filter((f) => f.data === undefined).map((f) => f.layer)).toEqual([]);
    const keys = withData.map((f) => f.contextKey);
    expect(keys.length).toBeGreaterThan(10);
    expect(new Set(keys).size).toBe(keys.length);
  });

  // Three projects between which every optional feature is both chosen and not (the test shows it).
  const projects = [
    optionsFor(),
    optionsFor({ ci: 'gitlab', worker: 'celery', beat: true, deploy: ['kubernetes', 'cloud-run', 'ecs', 'aci'] }),
    optionsFor({ postgres: false, redis: false, migrations: false, lint: false, ci: 'none', dependabot: false, devcontainer: false }),
  ];
  it.each(withData.map((f) => [f.contextKey!, f] as const))('%s is in the context exactly when the project has the feature', (key, feature) => {
    const seen = new Set<boolean>();
    for (const options of projects) {
      const context = buildContext(options, TEST_VERSION) as unknown as Record<string, unknown>;
      const chosen = feature.chosen({ options, installer: PACKAGE_MANAGER_FEATURES[options.packageManager].key });
      seen.add(chosen);
      expect(context[key] !== undefined, JSON.stringify(options)).toBe(chosen);
    }
    // Shown both ways, or the loop above proved only half.
    expect([...seen].sort()).toEqual([false, true]);
  });

  // chosenLayers serves the tests that only need the layers (emitted-paths.ts walks 15,360
  // answer combinations), without building a whole context for each.
  it('the layers alone (chosenLayers) are the layers the render context lists', () => {
    const migrationsApart = [true, false].map((migrations) => optionsFor({ deploy: ['kubernetes', 'cloud-run', 'ecs', 'aci'], postgres: true, migrations }));
    for (const options of [...projects, ...migrationsApart]) expect(chosenLayers(options), JSON.stringify(options)).toEqual(buildContext(options, TEST_VERSION).layers);
    expect(new Set([...projects, ...migrationsApart].map((options) => chosenLayers(options).join())).size).toBe(5);
  });
});

describe('the services', () => {
  it('each service the option rows declare has its feature folder, in the same order', () => {
    expect(SERVICE_FEATURES.map((s) => s.key)).toEqual([...SERVICE_KEYS]);
  });
});

describe('the deployments are features chosen by --deploy', () => {
  it('every target --deploy offers besides Kubernetes is in the registry, so its files are rendered', () => {
    const targets = Object.values(DEPLOY_TARGET_FEATURES);
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(registered).toContain(target);
  });

  it.each(Object.values(DEPLOY_TARGET_FEATURES).map((t) => [t!.key, t!] as const))('%s renders the layers its facts pick: its migrations folder only with migrations', (key, target) => {
    const withMigrations = buildContext(optionsFor({ deploy: [key], postgres: true, migrations: true }), TEST_VERSION);
    const without = buildContext(optionsFor({ deploy: [key], postgres: true, migrations: false }), TEST_VERSION);
    const facts = (context: object) => (context as Record<string, unknown>)[target.contextKey];
    expect(target.layers(facts(withMigrations)).length).toBeGreaterThan(target.layers(facts(without)).length);
    for (const context of [withMigrations, without]) {
      const deploymentLayers = context.layers.filter((layer) => layer.startsWith(target.layer));
      expect(deploymentLayers).toEqual(target.layers(facts(context)));
    }
  });

  it('Kubernetes renders its autoscaler only for an app whose pods share their state (PostgreSQL)', () => {
    const shared = buildContext(optionsFor({ deploy: ['kubernetes'], postgres: true }), TEST_VERSION);
    const inMemory = buildContext(optionsFor({ deploy: ['kubernetes'], postgres: false, migrations: false, worker: 'none', beat: false }), TEST_VERSION);
    expect(shared.layers).toContain('kubernetes-autoscaling');
    expect(inMemory.layers).toContain('kubernetes');
    expect(inMemory.layers).not.toContain('kubernetes-autoscaling');
  });
});
