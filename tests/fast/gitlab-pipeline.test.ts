// The generated project's GitLab pipeline (--ci gitlab: .gitlab-ci.yml) and Renovate config, as
// far as they can be proven without GitLab: the release rules hold (tests/support/
// gitlab-release-policy.ts, the GitHub workflow's rules in GitLab's terms): the scans'
// threshold, fixable-only and failing exit code, publishing only after the scan job, only the
// publishing job with an identity token or a registry credential, and only on a version tag,
// every image pinned. Each rule is shown to catch a pipeline that breaks it, as
// release-workflow.test.ts shows for GitHub. GitLab's and Renovate's schemas are checked by
// check-jsonschema in tests/tools/field-checkers.test.ts (it needs the checkers' venv).

import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { renderProject } from '../../src/engine/render.js';
import { RELEASE_PLATFORMS, RELEASE_SCAN } from '../../src/features/ci/release.js';
import { PACKAGE_MANAGERS } from '../../src/options/values.js';
import { optionsFor, TEST_VERSION } from '../support/generate.js';
import { gitlabReleaseProblems, jobsOf, type GitlabReleasePolicy, type Pipeline } from '../support/gitlab-release-policy.js';
import { mutate } from '../support/mutate.js';

const PIPELINE = '.gitlab-ci.yml';
const POLICY = (lockFile: string): GitlabReleasePolicy => ({ severity: 'HIGH,CRITICAL', lockFile, platforms: ['linux/amd64', 'linux/arm64'] });

function files(overrides: Parameters<typeof optionsFor>[0]): Map<string, string> {
  return new Map(renderProject(optionsFor(overrides), TEST_VERSION).map((f) => [f.path, f.contents]));
}

const problems = (text: string, lockFile = 'uv.lock') => gitlabReleaseProblems(parse(text) as Pipeline, POLICY(lockFile));

test('the GitLab pipeline holds to the release policy the generator states (the GitHub workflow\'s)', () => {
  expect(RELEASE_SCAN).toEqual({ severity: 'HIGH,CRITICAL', ignoreUnfixed: true, exitCode: '1' });
  expect(RELEASE_PLATFORMS).toEqual(POLICY('uv.lock').platforms);
});

describe.each(PACKAGE_MANAGERS)('--ci gitlab with %s', (packageManager) => {
  const project = files({ ci: 'gitlab', packageManager });
  const text = project.get(PIPELINE)!;
  const jobs = jobsOf(parse(text) as Pipeline);

  test('the release rules hold: scans that fail a fixable HIGH/CRITICAL, publishing after them, least privilege, pinned images', () => {
    expect(problems(text, packageManager === 'uv' ? 'uv.lock' : 'requirements.txt')).toEqual([]);
  });

  test('.gitlab-ci.yml instead of the GitHub workflows, and renovate.json instead of dependabot.yml', () => {
    expect([...project.keys()].filter((p) => p.startsWith('.github/'))).toEqual([]);
    expect(project.has('renovate.json')).toBe(true);
    expect(project.get('.pre-commit-config.yaml')).toContain('- id: check-gitlab-ci');
    expect(project.get('.pre-commit-config.yaml')).toContain('- id: check-renovate');
  });

  test('the stages of the GitHub flavour: lint, tests with PostgreSQL and Redis services, the image with a cache and the smoke test', () => {
    expect(jobs.lint!.script).toContain(`${packageManager === 'uv' ? 'uv run ' : ''}sh scripts/lint`);
    expect(jobs.test!.services!.map((s) => (typeof s === 'string' ? s : s.name)).join(' ')).toMatch(/^postgres:\S+ redis:\S+$/);
    expect(jobs.test!.variables).toMatchObject({ POSTGRES_HOST: 'db', POSTGRES_PORT: '5432', REDIS_URL: 'redis://redis:6379/0' });
    expect(jobs.build!.script!.join('\n')).toMatch(/--cache-from type=local,src=\.buildkit-cache[\s\S]*\nsh scripts\/smoke-test$/);
  });

  test('the release job pushes to this project\'s registry, signs keyless with GitLab\'s identity token, and needs the scan', () => {
    const release = jobs.release!;
    expect(release.id_tokens).toEqual({ SIGSTORE_ID_TOKEN: { aud: 'sigstore' } });
    expect(release.needs).toContain('scan');
    expect(release.script!.join('\n')).toMatch(/crane push --index release\/image "\$CI_REGISTRY_IMAGE:\$version"[\s\S]*cosign sign "\$CI_REGISTRY_IMAGE@\$digest"/);
  });

  test('Renovate groups the package manager\'s files, the images and the pipeline\'s images (pinned to digests)', () => {
    const config = JSON.parse(project.get('renovate.json')!) as { packageRules: { matchManagers: string[]; pinDigests?: boolean }[] };
    const managers = config.packageRules.map((r) => r.matchManagers.join(','));
    expect(managers).toEqual([packageManager === 'uv' ? 'pep621' : 'pip-compile', 'dockerfile', 'docker-compose', 'gitlabci']);
    expect(config.packageRules.at(-1)!.pinDigests).toBe(true);
  });

  test('the README says GitLab CI releases to the GitLab registry and that Renovate replaces Dependabot', () => {
    const readme = project.get('README.md')!;
    expect(readme).toContain('`.gitlab-ci.yml` runs on every push');
    expect(readme).toContain('$CI_REGISTRY_IMAGE');
    expect(readme).toContain('Dependabot runs only on GitHub');
    expect(readme).not.toContain('.github/');
  });
});

test('--ci gitlab --no-dependabot: no Renovate config', () => {
  const project = files({ ci: 'gitlab', dependabot: false });
  expect(project.has('renovate.json')).toBe(false);
  expect(project.has('.github/dependabot.yml')).toBe(false);
});

test('--ci none: no pipeline of either forge; Dependabot as before', () => {
  const project = files({ ci: 'none' });
  expect(project.has(PIPELINE)).toBe(false);
  expect(project.has('.github/workflows/ci.yml')).toBe(false);
  expect(project.has('.github/dependabot.yml')).toBe(true);
});

// The same planted faults as release-workflow.test.ts's, in GitLab's YAML.
describe('the rules catch a broken GitLab pipeline (which GitLab\'s schema lets through)', () => {
  const text = files({ ci: 'gitlab' }).get(PIPELINE)!;
  const caught = (broken: string, expected: string) => expect(problems(broken)).toContain(expected);

  test('a scan that cannot fail: exit code 0, a || after it, allow_failure', () => {
    caught(mutate(text, /(--platform linux\/arm64 --scanners vuln .*--exit-code )1/, '$10'), 'scan "trivy image linux/arm64" in job scan: cannot fail (exit-code 0)');
    caught(mutate(text, /(--exit-code 1 uv\.lock)/, '$1 || true'), 'scan "trivy fs uv.lock" in job scan: cannot fail (|| after it)');
    caught(mutate(text, /^(scan:\n)/m, '$1  allow_failure: true\n'), 'scan "trivy fs uv.lock" in job scan: cannot fail (allow_failure)');
  });

  test('a scan below the threshold, or failing on findings nobody can fix', () => {
    caught(mutate(text, /--severity HIGH,CRITICAL( --ignore-unfixed --exit-code 1 uv\.lock)/, '--severity CRITICAL$1'), 'scan "trivy fs uv.lock" in job scan: severity CRITICAL, not HIGH,CRITICAL');
    caught(mutate(text, /(--platform linux\/amd64 --scanners vuln --severity HIGH,CRITICAL) --ignore-unfixed/, '$1'), 'scan "trivy image linux/amd64" in job scan: fails on findings without a fix (no --ignore-unfixed)');
  });

  test('an image left unscanned', () => {
    caught(mutate(text, /--platform linux\/arm64 --scanners vuln/, '--platform linux/amd64 --scanners vuln'), 'the linux/arm64 image is not scanned');
  });

  test('publish before scan: the release job not needing the scan job', () => {
    caught(mutate(text, /needs: \[release-image, scan\]/, 'needs: [release-image]'), 'job release publishes without needing the scan (job scan)');
  });

  test('publish despite a failed scan: when: always', () => {
    caught(mutate(text, /^(release:\n)/m, '$1  when: always\n'), 'job release runs even when what it needs failed (when: always)');
  });

  test('publish from the build job: a push where the image is built', () => {
    caught(mutate(text, /( {4}- rm -rf \.buildkit-cache)/, '    - docker push "$CI_REGISTRY_IMAGE:dev"\n$1'), 'job build publishes outside a version tag (its rules must be a version tag\'s only)');
  });

  test('an identity token or a registry credential for a job that does not publish, or for every job', () => {
    caught(mutate(text, /^(scan:\n)/m, '$1  id_tokens:\n    SIGSTORE_ID_TOKEN:\n      aud: sigstore\n'), 'job scan does not publish but may request an identity token (id_tokens)');
    caught(mutate(text, /( {4}- uv run sh scripts\/test)/, '    - echo "$CI_JOB_TOKEN" > token\n$1'), 'job test does not publish but uses CI_JOB_TOKEN');
    caught(mutate(text, /^(default:\n)/m, '$1  id_tokens:\n    SIGSTORE_ID_TOKEN:\n      aud: sigstore\n'), 'the pipeline gives every job an identity token: id_tokens must be the publishing job\'s only');
  });

  test('a release on any branch, not only on a version tag', () => {
    caught(mutate(text, /^(release:\n(?: {2}.*\n)*? {2}rules:\n {4}- if: )\$CI_COMMIT_TAG =~ \S+/m, '$1$CI_COMMIT_BRANCH'), 'job release publishes outside a version tag (its rules must be a version tag\'s only)');
  });

  test('an image by a tag that can move', () => {
    caught(mutate(text, /image: alpine:[\d.]+/, 'image: alpine:latest'), 'job release: image alpine:latest is not pinned to a release');
  });
});

// GitLab leaves a GitHub Actions expression (`${{ github.run_id }}`) as literal text: the job
// would get the characters, not a value. Every project the services and the worker shape.
describe.each([
  { postgres: true, redis: true, migrations: true, worker: 'celery', beat: true },
  { postgres: true, redis: false, migrations: false },
  { postgres: false, redis: true, migrations: false },
] as const)('--ci gitlab with %j', (services) => {
  const text = files({ ci: 'gitlab', ...services }).get(PIPELINE)!;

  test('the pipeline holds no GitHub Actions expression', () => {
    expect(text.split('\n').filter((line) => line.includes('${{'))).toEqual([]);
  });

  const expected = services.postgres ? '$CI_PIPELINE_ID' : undefined;
  test(services.postgres ? "the test job's database password is a variable GitLab fills (the pipeline's id), not a literal" : 'without PostgreSQL the test job has no database password', () => {
    const test = jobsOf(parse(text) as Pipeline).test as { variables?: Record<string, string> };
    expect(test.variables?.POSTGRES_PASSWORD).toBe(expected);
  });
});
