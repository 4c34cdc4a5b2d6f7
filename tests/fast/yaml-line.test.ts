// fitYamlLine (src/engine/yaml-line.ts): a template line with a long value is kept within
// yamllint's 80 columns without changing what the YAML says. yamllint itself reads the
// manifests it is used in (tests/tools/field-checkers.test.ts, the longest project name included);
// here the `yaml` parser shows the value is the same.

import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { fitYamlLine, LINE_LENGTH_DIRECTIVE, YAML_MAX_LINE } from '../../src/engine/yaml-line.js';
import { renderProject } from '../../src/engine/render.js';
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
