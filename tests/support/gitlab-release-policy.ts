// What a GitLab release pipeline (.gitlab-ci.yml, --ci gitlab) must hold to: the rules
// release-policy.ts holds the GitHub workflow to, read from GitLab's YAML. The same rules, in
// GitLab's terms: the scans (Trivy in a job's script) at the threshold, fixable only, able to
// fail; publishing in a job of its own that needs the scan job; least privilege per job (GitLab
// has no per-job token scopes, so: only the publishing job gets an identity token (id_tokens) or
// touches a registry credential, and it runs only on a version tag, where protected variables
// are given); every image pinned to a release. GitLab's schema (check-jsonschema, tests/tools)
// checks the syntax; it has no opinion on any of this.

export interface GitlabJob {
  extends?: string | string[];
  stage?: string;
  image?: string | { name: string };
  services?: (string | { name: string })[];
  needs?: (string | { job: string; optional?: boolean })[];
  rules?: { if?: string; when?: string }[];
  when?: string;
  allow_failure?: unknown;
  id_tokens?: Record<string, unknown>;
  variables?: Record<string, unknown>;
  before_script?: string[];
  script?: string[];
  after_script?: string[];
}
export type Pipeline = Record<string, unknown> & { default?: GitlabJob; variables?: Record<string, unknown> };

export interface GitlabReleasePolicy {
  severity: string;
  /** The lock `trivy fs` must scan. */
  lockFile: string;
  platforms: readonly string[];
}

/** Top-level keys that are not jobs. */
const KEYWORDS = new Set(['default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script']);
/** Variables only a publishing job may read: the registry's credentials, a signing key. */
const CREDENTIALS = /\$\{?(CI_REGISTRY_PASSWORD|CI_JOB_TOKEN|CI_DEPLOY_PASSWORD|COSIGN_PRIVATE_KEY|COSIGN_PASSWORD)\b/;
const PUBLISHES = /\b(crane (push|copy)|docker push|skopeo copy|oras (push|copy)|buildx imagetools create)\b|buildx build .*--push\b/;
/** A release tag: a version, not any ref. */
const VERSION_TAG_RULE = /^\$CI_COMMIT_TAG =~ \/\^v/;

/** The jobs, each with what its `extends:` templates give it (later wins; variables merged). */
export function jobsOf(pipeline: Pipeline): Record<string, GitlabJob> {
  const resolve = (name: string, seen: string[] = []): GitlabJob => {
    const job = (pipeline[name] ?? {}) as GitlabJob;
    const bases = job.extends === undefined ? [] : typeof job.extends === 'string' ? [job.extends] : job.extends;
    let merged: GitlabJob = {};
    for (const base of bases) {
      if (seen.includes(base)) continue;
      const b = resolve(base, [...seen, name]);
      merged = { ...merged, ...b, variables: { ...merged.variables, ...b.variables } };
    }
    return { ...merged, ...job, variables: { ...merged.variables, ...job.variables } };
  };
  return Object.fromEntries(Object.keys(pipeline).filter((k) => !KEYWORDS.has(k) && !k.startsWith('.')).map((k) => [k, resolve(k)]));
}

const needsOf = (job: GitlabJob): string[] => (job.needs ?? []).map((n) => (typeof n === 'string' ? n : n.job));
const linesOf = (job: GitlabJob): string[] => [...(job.before_script ?? []), ...(job.script ?? []), ...(job.after_script ?? [])];
const imageName = (image: string | { name: string }): string => (typeof image === 'string' ? image : image.name);

function upstream(jobs: Record<string, GitlabJob>, name: string, seen = new Set<string>()): Set<string> {
  for (const need of needsOf(jobs[name] ?? {})) {
    if (seen.has(need)) continue;
    seen.add(need);
    upstream(jobs, need, seen);
  }
  return seen;
}

/** A Trivy run that scans (an SBOM run, `--format cyclonedx`, does not), and how it is named in a problem. */
function scanOf(line: string): { label: string; line: string } | undefined {
  const m = /^trivy (fs|image|rootfs|filesystem)\b/.exec(line.trim());
  if (!m || /--format (cyclonedx|spdx)/.test(line)) return undefined;
  const platform = /--platform (\S+)/.exec(line)?.[1] ?? '(no platform)';
  return { label: m[1] === 'image' ? `trivy image ${platform}` : `trivy ${m[1]} ${line.split('||')[0]!.trim().split(/\s+/).at(-1)}`, line };
}

/** The problems of a GitLab release pipeline, one sentence each (none: it holds). */
export function gitlabReleaseProblems(pipeline: Pipeline, policy: GitlabReleasePolicy): string[] {
  const problems: string[] = [];
  const jobs = jobsOf(pipeline);
  const entries = Object.entries(jobs);

  // Least privilege: nothing for every job; only the publishing job has an identity or a credential.
  if (pipeline.default?.id_tokens !== undefined) problems.push('the pipeline gives every job an identity token: id_tokens must be the publishing job\'s only');
  if (CREDENTIALS.test(JSON.stringify(pipeline.variables ?? {})) || CREDENTIALS.test(JSON.stringify(pipeline.default ?? {})))
    problems.push('the pipeline hands a credential to every job: top-level variables and default must name none');
  const publishers = entries.filter(([, job]) => linesOf(job).some((l) => PUBLISHES.test(l))).map(([name]) => name);
  if (publishers.length === 0) problems.push('no job publishes the image');
  for (const [name, job] of entries) {
    const credential = [...linesOf(job), JSON.stringify(job.variables ?? {})].map((l) => CREDENTIALS.exec(l)?.[1]).find(Boolean);
    if (publishers.includes(name)) {
      const rules = job.rules ?? [];
      if (rules.length === 0 || rules.some((r) => r.if === undefined || !VERSION_TAG_RULE.test(r.if) || r.when === 'always'))
        problems.push(`job ${name} publishes outside a version tag (its rules must be a version tag's only)`);
    } else {
      if (job.id_tokens !== undefined) problems.push(`job ${name} does not publish but may request an identity token (id_tokens)`);
      if (credential) problems.push(`job ${name} does not publish but uses ${credential}`);
    }
  }

  // The scans: the lock and each platform's image, at the threshold, fixable only, able to fail.
  const scans = entries.flatMap(([name, job]) => linesOf(job).flatMap((line) => {
    const scan = scanOf(line);
    return scan ? [{ name, job, ...scan }] : [];
  }));
  for (const { name, job, label, line } of scans) {
    const what = `scan "${label}" in job ${name}`;
    const severity = /--severity (\S+)/.exec(line)?.[1];
    if (severity !== policy.severity) problems.push(`${what}: severity ${String(severity)}, not ${policy.severity}`);
    if (!/--ignore-unfixed\b/.test(line)) problems.push(`${what}: fails on findings without a fix (no --ignore-unfixed)`);
    const exitCode = /--exit-code (\S+)/.exec(line)?.[1];
    if (!/^[1-9]\d*$/.test(exitCode ?? '')) problems.push(`${what}: cannot fail (exit-code ${String(exitCode)})`);
    if (/\|\|/.test(line)) problems.push(`${what}: cannot fail (|| after it)`);
    if (job.allow_failure !== undefined && job.allow_failure !== false) problems.push(`${what}: cannot fail (allow_failure)`);
  }
  if (!scans.some((s) => s.label === `trivy fs ${policy.lockFile}`)) problems.push('the lock is not scanned');
  for (const platform of policy.platforms) if (!scans.some((s) => s.label === `trivy image ${platform}`)) problems.push(`the ${platform} image is not scanned`);

  // Publishing needs the scans: every scanning job upstream, and nothing that runs it anyway.
  const scanJobs = new Set(scans.map((s) => s.name));
  for (const name of publishers) {
    if (scanJobs.has(name)) problems.push(`job ${name} scans and publishes in one job: publishing must be a job that needs the scan`);
    const before = upstream(jobs, name);
    for (const scanJob of scanJobs) if (!before.has(scanJob)) problems.push(`job ${name} publishes without needing the scan (job ${scanJob})`);
    const job = jobs[name]!;
    if (job.when === 'always' || (job.rules ?? []).some((r) => r.when === 'always')) problems.push(`job ${name} runs even when what it needs failed (when: always)`);
    for (const need of job.needs ?? []) if (typeof need === 'object' && need.optional === true) problems.push(`job ${name} runs without ${need.job} (needs: optional)`);
  }

  // Every image at a release: a version tag or a digest, never latest or none.
  for (const [name, job] of entries) {
    for (const image of [...(job.image ? [job.image] : []), ...(job.services ?? [])].map(imageName)) {
      const tag = /@sha256:[0-9a-f]{64}$/.test(image) ? 'digest' : /:([^/:]+)$/.exec(image)?.[1];
      if (tag === undefined || tag === 'latest' || !/\d/.test(tag)) problems.push(`job ${name}: image ${image} is not pinned to a release`);
    }
  }
  return problems;
}
