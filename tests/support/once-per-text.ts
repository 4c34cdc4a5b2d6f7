// A check's pure function of a file's text, computed once per worker for each distinct text: the
// fast group's files share their workers (vitest.config.ts), and many tests read the same
// rendered file (most combinations render most files alike). Each caller gets its own copy, so
// a test that changes what it got (a planted fault) changes nothing for the next one.

export function oncePerText<T>(compute: (text: string) => T): (text: string) => T {
  const known = new Map<string, T>();
  return (text) => {
    if (!known.has(text)) known.set(text, compute(text));
    return structuredClone(known.get(text)!);
  };
}
