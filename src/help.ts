// The --help text, built from the option table so every flag and default is listed.

import { OPTION_SPECS } from './options.js';

export function helpText(version: string): string {
  const optionLines = OPTION_SPECS.map((spec) => {
    const flag =
      spec.kind === 'boolean'
        ? `--${spec.flag}, --no-${spec.flag}`
        : `--${spec.flag} ${spec.kind === 'choice' ? spec.choices.join('|') : '<text>'}`;
    const fallback = spec.kind === 'text' ? JSON.stringify(spec.default) : String(spec.default);
    return row(flag, `${spec.help} (default: ${fallback})`);
  });
  return `create-python-docker-app ${version}
Scaffold a Flask or FastAPI project with a Dockerfile, compose.yaml, PostgreSQL and Redis.

Usage:
  npm create python-docker-app@latest [directory] -- [flags]
  create-python-docker-app [directory] [flags]
  create-python-docker-app add docker [--dir <path>] [flags]   add Docker files to an existing app
  create-python-docker-app update [directory] [flags]          bring a generated project up to this version

The directory is also the project name (default: my-api): lower-case letters, digits,
and single '-' or '_' between them, starting with a letter. Use "." for the current directory.

Project options:
${optionLines.join('\n')}

Behaviour:
${row('-y, --yes', 'use the defaults above for every option not given; never prompt')}
${row('--overwrite', 'write into a non-empty directory, replacing files the project contains')}
${row('--dry-run', 'print what would be created or overwritten, write nothing')}
${row('--json', 'print one JSON document on stdout (human output goes to stderr)')}
${row('--answers <file>', 'take options from a project\'s .create-python-docker-app.json')}
${row('--interactive, --no-interactive', 'force prompts on or off (default: on with a terminal)')}
${row('-h, --help', 'show this help')}
${row('-v, --version', 'show the version')}

Without a terminal (CI, pipes) nothing is asked: pass --yes, or every option as a flag.

Exit codes: 0 done, 1 refused (non-empty directory, conflict), 2 usage error, 130 cancelled.

Examples:
  npm create python-docker-app@latest my-api -- --framework fastapi
  npm create python-docker-app@latest my-api -- --yes --framework flask --no-redis
  create-python-docker-app orders --yes --dockerfile multi-stage --json
`;
}

function row(left: string, right: string): string {
  return `  ${left.padEnd(36)} ${right}`;
}
