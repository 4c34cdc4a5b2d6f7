// Validation of the user's free-form input: the project name, the description, and for an
// existing app its target and port.
// A name is used as a directory name, a Compose project name, a Python distribution name and
// an image name, so it must satisfy the strictest of those: lower-case ASCII letters and
// digits, separated by single '-' or '_', starting with a letter.

const NAME_PATTERN = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;
export const MAX_NAME_LENGTH = 64;
export const MAX_DESCRIPTION_LENGTH = 200;

export const NAME_RULE =
  `use lower-case letters, digits and single '-' or '_' between them, starting with a letter (at most ${MAX_NAME_LENGTH} characters)`;

/** Returns why `name` is not a valid project name, or undefined when it is. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return `the project name is empty: ${NAME_RULE}`;
  if (name.length > MAX_NAME_LENGTH) return `the project name is ${name.length} characters long: ${NAME_RULE}`;
  if (name.includes('/') || name.includes('\\') || name.includes('..'))
    return `the project name ${show(name)} is a path, not a name: ${NAME_RULE}`;
  if (!NAME_PATTERN.test(name)) return `the project name ${show(name)} is not allowed: ${NAME_RULE}`;
  return undefined;
}

/** The nearest valid name, offered as the default when a person typed an invalid one. */
export function normalizeName(raw: string): string {
  const ascii = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  const cleaned = ascii
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/[-_]{2,}/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/[-_]+$/, '')
    .slice(0, MAX_NAME_LENGTH)
    .replace(/[-_]+$/, '');
  return cleaned.length > 0 ? cleaned : 'my-api';
}

/**
 * Returns why `description` cannot be used, or undefined when it can. Its length is counted in
 * Unicode code points, as Python's len() counts the string the app shows (an emoji is one, not
 * the two UTF-16 units JavaScript's length would count).
 */
export function descriptionProblem(description: string): string | undefined {
  const length = [...description].length;
  if (length > MAX_DESCRIPTION_LENGTH)
    return `the description is ${length} characters long; at most ${MAX_DESCRIPTION_LENGTH} are allowed`;
  // C0 and C1 control characters, and the Unicode line and paragraph separators, which YAML 1.1
  // (PyYAML, docker-compose v1) and some editors treat as line breaks.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(description))
    return 'the description must be one line of text without control characters (no newlines or tabs)';
  // A blank description would leave an empty paragraph in the README and an empty API summary.
  if (description.trim() === '') return 'the description is blank; give one line of text, or leave --description out for the default';
  return undefined;
}

/**
 * Quote a user-supplied value for a one-line message, making control characters visible. Every
 * message that echoes a value (a flag's, an answers file's, a record's) goes through here, so a
 * 5,000-character value is never echoed whole: past 80 characters it is cut, and says how long
 * it was.
 */
export function show(value: string): string {
  const chars = [...value];
  return chars.length > 80 ? `${JSON.stringify(`${chars.slice(0, 60).join('')}...`)} (${chars.length} characters)` : JSON.stringify(value);
}

/** A value echoed bare when it is short, plain text (a directory argument); quoted and cut otherwise. */
export function brief(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.length <= 80 && !/[\u0000-\u001f\u007f-\u009f"\s]/.test(value) ? value : show(value);
}

/**
 * A line of a user's file as a message echoes it: as it is when it is short printable text
 * (spaces and all: `-e ./pkg`), quoted and cut (with its control characters escaped) otherwise.
 */
export function fileLine(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.length <= 80 && !/[\u0000-\u001f\u007f-\u009f]/.test(line) ? line : show(line);
}

/** A value as a message echoes it: a string quoted (and cut), anything else in words. */
export function given(value: unknown): string {
  return typeof value === 'string' ? show(value) : jsonKind(value);
}

/** What a JSON value is, in words, echoing no more of it than `show` does. */
export function jsonKind(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${show(value)}`;
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  return 'an object';
}

/** A valid app target: dotted module path, ':', an attribute, optionally called with no arguments. */
export const TARGET_PATTERN = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*:[A-Za-z_][\w]*(\(\))?$/;

export function targetProblem(target: string): string | undefined {
  return TARGET_PATTERN.test(target)
    ? undefined
    : `the app target ${show(target)} must look like module:app or package.module:create_app()`;
}

export function portProblem(value: string): string | undefined {
  const n = Number(value);
  return /^\d+$/.test(value.trim()) && n >= 1 && n <= 65535 ? undefined : `${show(value)} is not a port (1-65535)`;
}

/** The known name closest to what was typed, for a "did you mean" hint; undefined when none is close. */
export function nearest(typed: string, names: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(typed, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(typed.length / 3)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/**
 * An image name without tag or digest: an optional registry host (with a port), then lower-case
 * path components (`my-api`, `ghcr.io/acme/shop`, `localhost:5000/shop`). The tag or digest is
 * set by each overlay's `images:`, so it is refused here.
 */
const IMAGE_NAME_PATTERN = /^(?:[a-z0-9]+(?:[.-][a-z0-9]+)*(?::\d{1,5})?\/)?[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;

export function imageNameProblem(value: string): string | undefined {
  if (/[@]/.test(value) || /:[^/]*$/.test(value.replace(/^[^/]*\//, '')))
    return `the image name ${show(value)} has a tag or digest; give the name only (each overlay's kustomization.yaml sets the tag or digest)`;
  return IMAGE_NAME_PATTERN.test(value) && value.length <= 255 ? undefined : `${show(value)} is not an image name (e.g. my-api or ghcr.io/acme/my-api)`;
}

/** A UID a pod can run as with runAsNonRoot: a positive integer (0 is root). */
export function uidProblem(value: string): string | undefined {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 2147483647) return `${show(value)} is not a UID (1-2147483647)`;
  return n === 0 ? 'the UID must not be 0 (root): the pod runs with runAsNonRoot' : undefined;
}

/** An absolute URL path without query, as an HTTP probe takes it. */
export function healthPathProblem(value: string): string | undefined {
  return /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/.test(value) ? undefined : `${show(value)} is not a URL path (e.g. /health)`;
}
