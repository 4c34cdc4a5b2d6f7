// What a release workflow must hold to, read from its YAML: the rules a reviewer of
// .github/workflows/release.yml would check by eye, as a function, so a test can show both that
// the emitted workflow keeps them and that a workflow breaking one is caught (actionlint checks
// the syntax and expressions; it has no opinion on any of this).

export interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: unknown;
  'continue-on-error'?: unknown;
  with?: Record<string, unknown>;
}
export interface Job {
  uses?: string;
  needs?: string | string[];
  if?: unknown;
  'continue-on-error'?: unknown;
  permissions?: Record<string, string> | string;
  steps?: Step[];
}
export interface Workflow {
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}

/** The rules' settings: the scanner's action and threshold, and what a publishing job may ask for. */
export interface ReleasePolicy {
  scanner: string;
  severity: string;
  /** The platforms each to be scanned as an image. */
  platforms: readonly string[];
  /** The one permission set a publishing job gets. */
  publishPermissions: Record<string, string>;
}

const SHA_PIN = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/;
/** A condition that runs a job or step even when what it needs failed. */
const RUNS_ANYWAY = /\b(always|failure|cancelled)\(\)/;

const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : typeof job.needs === 'string' ? [job.needs] : job.needs);

/** Every job a job waits for, directly or not. */
function upstream(workflow: Workflow, name: string, seen = new Set<string>()): Set<string> {
  for (const need of needsOf(workflow.jobs[name] ?? {})) {
    if (seen.has(need)) continue;
    seen.add(need);
    upstream(workflow, need, seen);
  }
  return seen;
}

/** A step that puts an image in a registry. */
function publishes(step: Step): boolean {
  if (step.run && /\b(skopeo copy|docker push|buildx imagetools create|crane (copy|push)|oras (copy|push))\b/.test(step.run)) return true;
  return step.uses?.startsWith('docker/build-push-action@') === true && (step.with?.push === true || step.with?.push === 'true');
}

const writes = (permissions: Job['permissions']): string[] =>
  permissions === undefined ? [] : typeof permissions === 'string' ? (permissions === 'read-all' ? [] : [permissions]) : Object.entries(permissions).filter(([, v]) => v === 'write').map(([k]) => k);

/**
 * The problems of a release workflow, one sentence each (none: it holds). `called` are the
 * reusable workflows its jobs call, by the path in `uses:`, read with the same rules of privilege.
 */
export function releaseProblems(workflow: Workflow, policy: ReleasePolicy, called: Record<string, Workflow> = {}): string[] {
  const problems: string[] = [];
  const jobs = Object.entries(workflow.jobs);

  // Least privilege: nothing by default, every job says what it needs, only publishing writes.
  if (typeof workflow.permissions !== 'object' || Object.keys(workflow.permissions).length > 0) problems.push('the workflow grants permissions to every job: top-level permissions must be {}');
  const publishers = jobs.filter(([, job]) => (job.steps ?? []).some(publishes)).map(([name]) => name);
  if (publishers.length === 0) problems.push('no job publishes the image');
  for (const [name, job] of jobs) {
    if (job.permissions === undefined) problems.push(`job ${name} has no permissions of its own`);
    const written = writes(job.permissions);
    if (publishers.includes(name)) {
      if (JSON.stringify(job.permissions) !== JSON.stringify(policy.publishPermissions)) problems.push(`job ${name} publishes with permissions ${JSON.stringify(job.permissions)}, not ${JSON.stringify(policy.publishPermissions)}`);
    } else if (written.length > 0) problems.push(`job ${name} does not publish but may write ${written.join(', ')}`);
    if (job.uses?.startsWith('./')) {
      const callee = called[job.uses.slice(2)];
      if (!callee) problems.push(`job ${name} calls ${job.uses}, which was not given to check`);
      else {
        const top = writes(callee.permissions);
        if (top.length > 0 || callee.permissions === undefined) problems.push(`${job.uses} does not keep its jobs read-only`);
        for (const [calleeJob, j] of Object.entries(callee.jobs)) {
          const w = writes(j.permissions);
          if (w.length > 0) problems.push(`job ${calleeJob} of ${job.uses} (called by ${name}) may write ${w.join(', ')}`);
        }
      }
    }
  }

  // The scans: the lock and each platform's image, at the threshold, fixable only, able to fail.
  const scans = jobs.flatMap(([name, job]) => (job.steps ?? []).filter((s) => s.uses?.startsWith(`${policy.scanner}@`)).map((step) => ({ name, job, step })));
  for (const { name, job, step } of scans) {
    const what = `scan "${step.name ?? step.with?.['image-ref'] ?? step.with?.['scan-ref']}" in job ${name}`;
    if (step.with?.severity !== policy.severity) problems.push(`${what}: severity ${String(step.with?.severity)}, not ${policy.severity}`);
    if (step.with?.['ignore-unfixed'] !== true) problems.push(`${what}: fails on findings without a fix (ignore-unfixed is not true)`);
    if (!/^[1-9]\d*$/.test(String(step.with?.['exit-code'] ?? ''))) problems.push(`${what}: cannot fail (exit-code ${String(step.with?.['exit-code'])})`);
    if (step['continue-on-error'] !== undefined || job['continue-on-error'] !== undefined) problems.push(`${what}: cannot fail (continue-on-error)`);
    if (step.if !== undefined) problems.push(`${what}: may be skipped (if: ${String(step.if)})`);
  }
  if (!scans.some((s) => s.step.with?.['scan-type'] === 'fs')) problems.push('the lock is not scanned');
  const scannedImages = new Set(scans.map((s) => s.step.with?.['image-ref']).filter(Boolean));
  const loads = jobs.flatMap(([, job]) => job.steps ?? []).filter((s) => s.with?.load === true);
  for (const platform of policy.platforms) {
    if (!loads.some((s) => s.with?.platforms === platform && scannedImages.has(s.with?.tags))) problems.push(`the ${platform} image is not scanned`);
  }

  // Publishing needs the scans: every scanning job upstream, and nothing that runs it anyway.
  const scanJobs = new Set(scans.map((s) => s.name));
  for (const name of publishers) {
    if (scanJobs.has(name)) problems.push(`job ${name} scans and publishes in one job: publishing must be a job that needs the scan`);
    const before = upstream(workflow, name);
    for (const scanJob of scanJobs) if (!before.has(scanJob)) problems.push(`job ${name} publishes without needing the scan (job ${scanJob})`);
    for (const j of [name, ...before]) {
      const condition = workflow.jobs[j]?.if;
      if (condition !== undefined && RUNS_ANYWAY.test(String(condition))) problems.push(`job ${j} runs even when what it needs failed (if: ${String(condition)})`);
    }
  }

  // Every action pinned to a full commit SHA (a local reusable workflow is this commit's).
  for (const [name, job] of jobs) {
    if (job.uses !== undefined && !job.uses.startsWith('./') && !SHA_PIN.test(job.uses)) problems.push(`job ${name}: ${job.uses} is not pinned to a commit`);
    for (const step of job.steps ?? []) if (step.uses !== undefined && !SHA_PIN.test(step.uses)) problems.push(`job ${name}: ${step.uses} is not pinned to a commit`);
  }
  return problems;
}
