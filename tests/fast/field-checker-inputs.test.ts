// Which files each of the field's checkers is given (tests/support/field-checkers.ts), as
// tests/tools/field-checkers.test.ts gives them: every project in one directory, each file as
// `<project>/<path>`. The kinds of file are patterns on the path in the project, some anchored
// at its root (`^deploy/kubernetes/`); these tests hold that the project's folder in front does
// not hide a file from its checkers. No checker runs here (that needs root and PyPI).

import { describe, expect, test } from 'vitest';
import { renderProject } from '../../src/engine/render.js';
import { CHECKERS, CHECKOV_SKIPS, checkovFrameworks, FILE_KINDS, filesFor, skippedByCheckov, type ProjectFiles } from '../support/field-checkers.js';
import { optionsFor, TEST_VERSION } from '../support/generate.js';

/** A `--deploy kubernetes` project with every option on, and one without Kubernetes. */
const PROJECTS: ProjectFiles[] = [
  {
    dir: 'kubernetes-project',
    files: renderProject(optionsFor({ postgres: true, redis: true, migrations: true, ci: 'github', dependabot: true, lint: true, deploy: ['kubernetes', 'cloud-run', 'aci'] }), TEST_VERSION).map((f) => f.path),
  },
  { dir: 'plain-project', files: renderProject(optionsFor({ deploy: [] }), TEST_VERSION).map((f) => f.path) },
  { dir: 'gitlab-project', files: renderProject(optionsFor({ ci: 'gitlab' }), TEST_VERSION).map((f) => f.path) },
];

const kubernetesProject = PROJECTS[0]!;
const manifests = kubernetesProject.files.filter((f) => f.startsWith('deploy/kubernetes/') && /\.ya?ml$/.test(f) && !f.endsWith('/kustomization.yaml'));

describe('the files each field checker is given', () => {
  test('checkov is given the Kubernetes manifests of a --deploy kubernetes project, and runs its kubernetes framework on them', () => {
    expect(manifests).toEqual(expect.arrayContaining(['deploy/kubernetes/base/deployment.yaml', 'deploy/kubernetes/base/migration-job.yaml', 'deploy/kubernetes/overlays/prod/ingress.yaml']));
    const given = filesFor('checkov', PROJECTS);
    expect(given).toEqual(expect.arrayContaining(manifests.map((f) => `kubernetes-project/${f}`)));
    expect(checkovFrameworks(given)).toContain('kubernetes');
  });

  test('kustomization.yaml files (kustomize settings, not cluster objects) are not given to checkov', () => {
    const given = filesFor('checkov', PROJECTS);
    expect(kubernetesProject.files.filter((f) => f.endsWith('/kustomization.yaml')).length).toBeGreaterThan(0);
    expect(given.filter((f) => f.endsWith('/kustomization.yaml'))).toEqual([]);
  });

  // Every kind, not only the Kubernetes one: a kind whose pattern is anchored at the project root
  // must still reach its checkers when the file comes with its project's folder in front.
  test.for(CHECKERS)('%s is given, in each project, every file of the kinds it reads (matched on the path in the project)', (checker) => {
    const given = new Set(filesFor(checker, PROJECTS));
    const kinds = FILE_KINDS.filter((k) => k.checkers.some((u) => u === checker || u.startsWith(`${checker}:`)));
    const expected = PROJECTS.flatMap(({ dir, files }) => files.filter((f) => kinds.some((k) => k.path.test(f))).map((f) => `${dir}/${f}`));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.filter((f) => !given.has(f))).toEqual([]);
    expect(given.size).toBe(expected.length);
  });
});

describe('the checkov policies the run skips', () => {
  test('a policy skipped only for the dev overlay’s PostgreSQL and Redis, or for Cloud Run’s Job, still applies to the app’s Deployment and migration Job', () => {
    const scoped = Object.keys(CHECKOV_SKIPS).filter((id) => CHECKOV_SKIPS[id]!.files);
    expect(scoped.length).toBeGreaterThan(0);
    for (const id of scoped) {
      const where = ['kubernetes-project/deploy/kubernetes/overlays/dev/services.yaml', 'kubernetes-project/deploy/cloud-run/migrate-job.yaml'];
      expect(where.some((file) => skippedByCheckov(id, file)), id).toBe(true);
      expect(skippedByCheckov(id, 'kubernetes-project/deploy/kubernetes/base/deployment.yaml'), id).toBe(false);
      expect(skippedByCheckov(id, 'kubernetes-project/deploy/kubernetes/base/migration-job.yaml'), id).toBe(false);
    }
  });

  test('a policy not in the list is never skipped', () => {
    expect(skippedByCheckov('CKV_K8S_20', 'kubernetes-project/deploy/kubernetes/base/deployment.yaml')).toBe(false);
    expect(skippedByCheckov('CKV_DOCKER_2', 'kubernetes-project/Dockerfile')).toBe(false);
  });
});
