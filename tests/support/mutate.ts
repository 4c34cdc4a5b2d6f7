// Planting one fault in a generated file, for tests that prove a check can fail.

/** Replaces exactly one occurrence, so a template change cannot turn a fault into a no-op. */
export function mutate(text: string, from: string | RegExp, to: string): string {
  const all = typeof from === 'string' ? new RegExp(escape(from), 'g') : new RegExp(from.source, `${from.flags.replace('g', '')}g`);
  const matches = text.match(all);
  if (matches?.length !== 1) throw new Error(`mutation target ${String(from)} found ${matches?.length ?? 0} times`);
  return text.replace(from, to);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
