// One sort order for file paths and package names in generated output.
//
// Case-insensitive first, then by code unit: for the names we sort this is the order
// `String.prototype.localeCompare` gave, without the ICU collator it starts on first use, which
// costs about 5 ms, a sixth of a whole scaffold's run time (see `npm run bench`).
export function compareText(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
