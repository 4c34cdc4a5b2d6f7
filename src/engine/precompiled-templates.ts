// Where the templates compiled by the build are, relative to the bundled module: the build
// (scripts/precompile-templates.ts, run by tsup.config.ts) writes dist/templates.txt and puts
// its name here, so the bundled CLI never runs ejs's compiler. Run from source (the tests),
// there is none, and render.ts compiles each template when it renders it, as ejs always did.
export const PRECOMPILED_FILE: string | undefined = undefined;
