// One line of a YAML template that prints a value of unbounded length (a project or image name,
// a URL path), kept within yamllint's default line-length rule, which our YAML files pass
// (tests/tools/field-checkers.test.ts). The rule allows a longer line only when it is one word
// (after its indentation, a `- ` or a `# `); so:
//  - `key: value` (also `- key: value`) gets the value on a line of its own, indented under the
//    key: the same plain scalar to every YAML parser, and one word however long it is;
//  - a comment line (a command with a long argument, which no wrapping makes short enough) is
//    preceded by yamllint's directive for that one line.
// A line that fits is returned as it is.

/** yamllint's default `line-length: max`. */
export const YAML_MAX_LINE = 80;

/** The line yamllint needs above a comment line it should not measure. */
export const LINE_LENGTH_DIRECTIVE = '# yamllint disable-line rule:line-length';

/** Indentation, an optional sequence dash, a key, and a value without spaces. */
const KEY_VALUE = /^( *)(- )?([^\s#:][^:]*):\s+(\S+)$/;

export function fitYamlLine(line: string): string {
  if (line.length <= YAML_MAX_LINE) return line;
  const indent = /^ */.exec(line)![0];
  if (line.slice(indent.length).startsWith('#')) return `${indent}${LINE_LENGTH_DIRECTIVE}\n${line}`;
  const entry = KEY_VALUE.exec(line);
  if (!entry) throw new Error(`fitYamlLine: cannot fit this line into ${YAML_MAX_LINE} columns: ${line}`);
  const [, spaces, dash = '', key, value] = entry;
  // The key starts after the dash; the value goes two columns further in.
  const valueIndent = ' '.repeat(spaces!.length + dash.length + 2);
  return `${spaces}${dash}${key}:\n${valueIndent}${value}`;
}
