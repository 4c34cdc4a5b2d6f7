// The one place that knows how a YAML line fits yamllint's default line-length rule, which our
// YAML files pass (tests/tools/field-checkers.test.ts). Templates produce the text of every YAML
// file; where one prints a value of unbounded length (a project or image name, a URL path, a
// command), it prints the line through `fitYamlLine` (in every template's scope, render.ts), and
// the rest of its lines are fixed text that fits. The rule allows a longer line only when it is
// one word (after its indentation, a `- ` or a `# `); so a line too long is, by default:
//  - `key: value` (also `- key: value`): the value on a line of its own, indented under the key:
//    the same plain scalar to every YAML parser, and one word however long it is;
//  - a comment line (a command with a long argument, which no wrapping makes short enough):
//    preceded by yamllint's directive for that one line.
// With `{ whole: true }` any line too long stays whole, preceded by the directive (and by a
// comment saying why, if given). The Compose files use it: `add service`
// (src/existing/compose-service.ts) edits the user's compose.yaml and compose.override.yaml through
// the `yaml` Document API, whose output puts a folded value back on its key's line but keeps the
// comment above it; and a sequence item with spaces (`- "celery -A ..."`) has no key to fold at.
// A line that fits is returned as it is.
//
// Why templates calling this helper, and not the rendered text parsed into a `yaml` Document that
// the writer prints: `yaml`'s printer decides on its own where a line breaks (it puts the folded
// values above back on their keys' lines, tests/fast/yaml-line.test.ts), so generated files would
// change, and it knows nothing of yamllint's rule. The editors parse the rendered templates into Documents and
// copy nodes from them into the user's files, so the template text is the one model both share.

/** yamllint's default `line-length: max`. */
export const YAML_MAX_LINE = 80;

/** The line yamllint needs above a comment line it should not measure. */
export const LINE_LENGTH_DIRECTIVE = '# yamllint disable-line rule:line-length';

/** A line too long kept whole under yamllint's directive, instead of its value folded (see above). */
export interface WholeYamlLine {
  whole: true;
  /** A comment printed above the directive, saying why the line stays long. */
  why?: string;
}

/** Indentation, an optional sequence dash, a key, and a value without spaces. */
const KEY_VALUE = /^( *)(- )?([^\s#:][^:]*):\s+(\S+)$/;

export function fitYamlLine(line: string, keep?: WholeYamlLine): string {
  if (line.length <= YAML_MAX_LINE) return line;
  const indent = /^ */.exec(line)![0];
  if (keep?.whole) return [...(keep.why === undefined ? [] : [`# ${keep.why}`]), LINE_LENGTH_DIRECTIVE, line.slice(indent.length)].map((l) => indent + l).join('\n');
  if (line.slice(indent.length).startsWith('#')) return `${indent}${LINE_LENGTH_DIRECTIVE}\n${line}`;
  const entry = KEY_VALUE.exec(line);
  if (!entry) throw new Error(`fitYamlLine: cannot fit this line into ${YAML_MAX_LINE} columns: ${line}`);
  const [, spaces, dash = '', key, value] = entry;
  // The key starts after the dash; the value goes two columns further in.
  const valueIndent = ' '.repeat(spaces!.length + dash.length + 2);
  return `${spaces}${dash}${key}:\n${valueIndent}${value}`;
}
