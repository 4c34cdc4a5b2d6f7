// fitYamlLine (src/engine/yaml-line.ts): a template line with a long value is kept within
// yamllint's 80 columns without changing what the YAML says. yamllint itself reads the
// manifests it is used in (tests/tools/field-checkers.test.ts, the longest project name included);
// here the `yaml` parser shows the value is the same, and that a line kept whole comes through
// the `yaml` Document API's rewrite of a Compose file (add service) as it was rendered.

import { parse, parseDocument } from 'yaml';
import { describe, expect, test } from 'vitest';
import { fitYamlLine, LINE_LENGTH_DIRECTIVE, YAML_MAX_LINE } from '../../src/engine/yaml-line.js';
import { renderProject } from '../../src/engine/render.js';
import { YAML_OUTPUT } from '../../src/existing/compose-service.js';
import { MAX_NAME_LENGTH } from '../../src/options/names.js';
import { DEPLOY_TARGETS } from '../../src/options/values.js';
import { combinationsUnderTest } from '../support/combinations.js';
import { optionsFor, TEST_VERSION } from '../support/generate.js';

const LONG = `ghcr.io/acme/${'x'.repeat(90)}`;

describe('fitYamlLine', () => {
  test('a line of at most 80 columns is left as it is', () => {
    const line = `    image: ${'x'.repeat(YAML_MAX_LINE - '    image: '.length)}`;
    expect(line).toHaveLength(YAML_MAX_LINE);
    expect(fitYamlLine(line)).toBe(line);
    expect(fitYamlLine(line, { whole: true })).toBe(line);
  });

  test('a long `key: value` line gets the value on its own line under the key, the same value', () => {
    const line = `        app.kubernetes.io/name: ${LONG}`;
    const fitted = fitYamlLine(line);
    expect(fitted).toBe(`        app.kubernetes.io/name:\n          ${LONG}`);
    const labels = { 'app.kubernetes.io/name': LONG };
    expect(parse(`spec:\n  template:\n    metadata:\n      labels:\n${fitted}\n`)).toEqual({ spec: { template: { metadata: { labels } } } });
  });

  test('a long `- key: value` sequence item gets the value indented under the key, past the dash', () => {
    const fitted = fitYamlLine(`  - name: ${LONG}`);
    expect(fitted).toBe(`  - name:\n      ${LONG}`);
    expect(parse(`images:\n${fitted}\n    newTag: dev\n`)).toEqual({ images: [{ name: LONG, newTag: 'dev' }] });
  });

  test('a long comment line is preceded by yamllint’s directive for that line, at its indentation', () => {
    const line = `  #   docker build -t ${LONG}:dev .`;
    expect(fitYamlLine(line)).toBe(`  ${LINE_LENGTH_DIRECTIVE}\n${line}`);
  });

  test('a long line it cannot fit (a value with spaces) is an error in the template', () => {
    expect(() => fitYamlLine(`description: ${'many words '.repeat(10)}`)).toThrow(/cannot fit/);
  });

  test('a long line kept whole gets yamllint’s directive above it, and the reason above that when one is given', () => {
    const line = `      - "watchfiles --filter python 'celery -A app.worker worker' ${LONG}"`;
    expect(fitYamlLine(line, { whole: true })).toBe(`      ${LINE_LENGTH_DIRECTIVE}\n${line}`);
    expect(fitYamlLine(line, { whole: true, why: 'One argument, which cannot be wrapped:' })).toBe(`      # One argument, which cannot be wrapped:\n      ${LINE_LENGTH_DIRECTIVE}\n${line}`);
  });

  // add service (src/existing/compose-service.ts) rewrites compose.yaml and compose.override.yaml
  // through the `yaml` Document API, and its result must read as the file rendered with the
  // service on (tests/fast/plop.test.ts): which is why the Compose templates keep lines whole.
  test('a Compose file with a long line kept whole reads the same after the yaml Document API rewrites it', () => {
    const compose = `services:\n  app:\n${fitYamlLine(`    image: "${LONG}"`, { whole: true })}\n    restart: unless-stopped\n`;
    expect(parseDocument(compose).toString(YAML_OUTPUT)).toBe(compose);
  });

  test('a folded value does not survive that rewrite: the Document API puts it back on its key’s line', () => {
    const compose = `services:\n  app:\n${fitYamlLine(`    image: ${LONG}`)}\n    restart: unless-stopped\n`;
    expect(parseDocument(compose).toString(YAML_OUTPUT)).toBe(`services:\n  app:\n    image: ${LONG}\n    restart: unless-stopped\n`);
  });
});

// A project name goes into manifest values and comments alike; a comment that quotes it must fit
// too, or the generated project fails its own yamllint. Every YAML file of every combination,
// every deploy target and GitLab CI, with the longest name allowed.
test('every emitted YAML line fits 80 columns with the longest project name, or carries yamllint’s directive', () => {
  const name = `long-${'n'.repeat(MAX_NAME_LENGTH - 'long-'.length)}`;
  const wide: string[] = [];
  for (const combo of combinationsUnderTest({ deploy: [...DEPLOY_TARGETS] })) {
    for (const file of renderProject(optionsFor({ ...combo, name, ci: 'gitlab' }), TEST_VERSION)) {
      if (!/\.ya?ml$/.test(file.path)) continue;
      const lines = file.contents.split('\n');
      // As yamllint counts: a file may turn the rule off from a line on (.gitlab-ci.yml's long
      // shell commands), and one word alone on a line (after `#` or `- `) is allowed to run long.
      const off = lines.findIndex((l) => l.trim() === '# yamllint disable rule:line-length');
      lines.forEach((line, i) => {
        if (line.length <= YAML_MAX_LINE || (off >= 0 && i > off)) return;
        if (lines[i - 1]?.trim() === LINE_LENGTH_DIRECTIVE || oneWord(line)) return;
        wide.push(`${file.path}:${i + 1}: ${line}`);
      });
    }
  }
  expect([...new Set(wide)]).toEqual([]);
});

/** yamllint's allow-non-breakable-words: no space after the indentation and a leading `#`s or `- `. */
function oneWord(line: string): boolean {
  const rest = line.trimStart().replace(/^#+ ?|^- /, '');
  return !rest.includes(' ');
}
