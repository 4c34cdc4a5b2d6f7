// `create-python-docker-app add deploy <target> [--dir PATH] [flags]`: a deployment target's
// files (deploy/<target>/) for a repository whose Dockerfile builds the app's image. What the
// files must agree with is found as `add kubernetes` finds it (the same detection, the same
// option rows: src/options/table.ts gives `add deploy` every row of `add kubernetes`), and the
// files are built from the same DeployInput a new project's are, so on a generated project
// `add deploy ecs` writes what `--deploy ecs` would have. `add deploy kubernetes` is `add
// kubernetes` (cli.ts).

import path from 'node:path';
import type { Command } from '../driver/command.js';
import { controlRows, optionRows } from '../driver/help.js';
import { cdStep } from '../driver/report.js';
import { GENERATOR_NAME, QUOTERS } from '../engine/context.js';
import { renderLayers } from '../engine/render.js';
import { wrap } from '../engine/text.js';
import type { DeployTargetFeature } from '../features/deploy-targets.js';
import type { OptionValues } from '../options/table.js';
import { recordAdded, withDeployTarget } from '../update/record-added.js';
import { addKubernetes, deployInputOf, migrationWarnings, overriddenImageFacts } from './add-kubernetes.js';

/** The `add deploy <target>` command of one registered target. */
export function addDeploy(target: DeployTargetFeature): Command {
  return {
    ...addKubernetes,
    name: 'add deploy',
    help: () => addDeployHelp(target),
    helpHint: `see add deploy ${target.key} --help`,
    render(answers, site, { version }) {
      const a = answers as OptionValues;
      const deployment = site.detected!.deployment!;
      const input = deployInputOf(a, deployment);
      const facts = target.facts(input);
      const context = { generator: { name: GENERATOR_NAME, version }, [target.contextKey]: facts, q: QUOTERS };
      const files = renderLayers(context, target.layers(facts));
      // In a project we generated, its record says it has this target now (recordAdded).
      const recorded = recordAdded(site.dir, version, withDeployTarget(target.key), files);
      return {
        files: [...files, ...recorded.files],
        options: { dir: site.dir, target: target.key, ...input, detected: [...site.detected!.notes, ...deployment.notes] },
        warnings: [...deployment.warnings, ...overriddenImageFacts(a, deployment), ...migrationWarnings(a, deployment, 'the migration step', `${target.dir}/`), ...target.warnings(facts), ...databaseShape(target, input.services, deployment.secretsAsFiles === true), ...recorded.warnings],
        notes: deployment.notes,
        nextSteps: (cwd) => [...cdStep({ dir: site.dir, cwd }), ...target.nextSteps(facts)],
      };
    },
  };
}

/**
 * A managed target gives the app its database as a project we made reads it: POSTGRES_HOST,
 * POSTGRES_PORT, POSTGRES_USER, POSTGRES_DB and the password (a file, or a variable where the
 * platform has only those). An app that is not one of ours (its compose.yaml has no password
 * file) may read one URL instead, and would fail at start-up without a word here.
 */
function databaseShape(target: DeployTargetFeature, services: readonly string[], ours: boolean): string[] {
  if (ours || !services.includes('postgres')) return [];
  return [
    `${target.dir}/ gives the app PostgreSQL as POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, POSTGRES_DB and the password (its file, or POSTGRES_PASSWORD), as an app create-python-docker-app made reads it, not as one URL: if yours reads DATABASE_URL, build it from those`,
  ];
}

function addDeployHelp(target: DeployTargetFeature): string {
  return `Usage: create-python-docker-app add deploy ${target.key} [--dir <path>] [flags]

${wrap(`Adds ${target.dir}/ to a repository whose Dockerfile builds the app: ${target.summary}.`, 79).join('\n')}
What the files must agree with is read as add kubernetes reads it: the port,
the UID, the health path and the server from the Dockerfile (EXPOSE, USER,
HEALTHCHECK, CMD), the image name and the services from compose.yaml and, in a
project create-python-docker-app made, from its answers file. Flags override
what was detected; only what could not be detected is asked.

${optionRows('add deploy').join('\n')}
${controlRows(addKubernetes).join('\n')}

Exit codes: 0 done, 1 refused (conflict, no Dockerfile, unsafe target; nothing
was changed), 2 usage error, 130 cancelled, 143 terminated before the files
were complete (nothing was left behind).
`;
}
