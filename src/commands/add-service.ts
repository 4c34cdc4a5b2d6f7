// Adding PostgreSQL or Redis to a compose.yaml we generated (the plop `service` generator). Its
// files are our own earlier output, so replacing them is its job: nothing is a conflict.

import type { Command } from '../driver/command.js';
import { optionRows } from '../driver/help.js';
import { existingProject } from '../driver/locate.js';
import { CliError } from '../errors.js';
import { addServiceFiles } from '../existing/compose-service.js';
import type { ServiceKey } from '../options/values.js';

export const addService: Command = {
  name: 'add service',
  controls: ['force', 'dry-run', 'json', 'help'],
  maxPositionals: 0,
  help: () => `Usage: plop service -- --dir <path> --service postgres|redis\n\n${optionRows('add service').join('\n')}\n`,
  helpHint: 'see plop service --help',
  defaultsNeedYes: false,
  forceHint: 'run `plop --force ...`',

  async locate(args, step) {
    return { ...existingProject(args.answers.dir ?? '.', step, 'give the folder of a project made by create-python-docker-app', args), missing: [] };
  },

  missingError: () => new CliError('missing-answers', 'the service to add (postgres or redis) is required'),

  render(answers, site, { version }, args) {
    const service = answers.service as ServiceKey;
    // --force: add it even to a compose.yaml whose header says we did not write it.
    const plan = addServiceFiles(site.dir, service, version, { force: args.force });
    return { files: plan.files, options: { dir: site.dir, service }, warnings: plan.warnings, notes: [], nextSteps: () => [] };
  },

  overwrites: () => true,
};
