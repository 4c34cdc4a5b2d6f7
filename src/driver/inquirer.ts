// The three prompts the CLI uses, re-exported statically so the bundler keeps only these
// (the full @inquirer/prompts namespace drags in its editor prompt and ~500 KB of iconv-lite).
// Imported dynamically by prompts.ts: non-interactive runs never load it.
export { confirm, input, select } from '@inquirer/prompts';
