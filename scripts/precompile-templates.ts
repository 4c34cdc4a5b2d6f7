// The build step that compiles every EJS template to JavaScript ahead of time (issue 22: a
// scaffold spent a fifth of its time in ejs's compiler, running cold on every run). tsup.config.ts
// hands this esbuild plugin to the build. It writes dist/templates.txt: for each template, the
// code ejs compiles it to under the options render.ts renders with (ejs's Template.source),
// and fills src/engine/precompiled-templates.ts, empty in the source tree, with that file's
// name. render.ts makes a function of a template's code when it first renders it, as ejs does
// (`new Function`), instead of reading the file and running ejs's compiler.
//
// Data, not a module of functions: V8 would parse all 270 of them on every run (a module's
// functions are pre-parsed as it loads), where a scaffold calls about 150; as data the file
// costs a fraction of that, and each function is parsed once, when first called, either way.
// Not one JSON document either: JSON.parse of its 440 kB cost a scaffold ~8M instructions, to
// turn every code string into a V8 string although a scaffold compiles half of them. The file
// (COMPILED_FILE, format in compiledTemplatesData) is ASCII: a line of JSON, the index and the
// texts, then the code of every template one after the other, which render.ts reads as one
// one-byte string and slices each template's code out of when it first renders it.
// Every `*.ejs` under templates/ and src/ is compiled, wherever it sits, so moving templates
// between folders needs no change here.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import { transformSync, type Plugin } from 'esbuild';

/** The folders whose templates are compiled, relative to the package root. */
const TEMPLATE_ROOTS = ['templates', 'src'];

/** The options render.ts renders with (renderTemplate); the compiled code depends on them. */
export const COMPILE_OPTIONS = { strict: false, compileDebug: false } as const;

/** The file written beside the bundle, named relative to it. */
export const COMPILED_FILE = 'templates.txt';

/** The module render.ts imports; in the source tree it names no file. */
const PRECOMPILED_MODULE = /[\\/]src[\\/]engine[\\/]precompiled-templates\.ts$/;

/**
 * Every template under the package root, by its '/'-separated path from the root: the code ejs
 * compiles it to, or, for a template without an ejs tag, its text, which is what it renders to
 * (render.ts returns it as it is, with no function to compile and call).
 */
export function compileTemplates(root: string): { code: Record<string, string>; text: Record<string, string> } {
  const compiled = { code: {} as Record<string, string>, text: {} as Record<string, string> };
  for (const file of templateFiles(root)) {
    const key = path.relative(root, file).split(path.sep).join('/');
    const text = readFileSync(file, 'utf8');
    if (!text.includes('<%') && !text.includes('%>')) {
      compiled.text[key] = text;
      continue;
    }
    const template = new ejs.Template(text, { ...COMPILE_OPTIONS, filename: file });
    template.compile();
    compiled.code[key] = withoutWhitespace(template.source, key);
  }
  return compiled;
}

/** How ejs calls a template's code (its Template.compile: `new Function(...)`); the body is minified as that function's. */
const WRAPPER = { open: 'function template(locals,escapeFn,include,rethrow){', close: '}\n' };

/**
 * A template's code without the whitespace ejs indents it with (a tenth of its size, which V8
 * would scan on every run); esbuild leaves every name and statement as it is.
 */
function withoutWhitespace(source: string, key: string): string {
  const code = transformSync(`function template(locals, escapeFn, include, rethrow) {${source}}`, { loader: 'js', minifyWhitespace: true }).code;
  if (!code.startsWith(WRAPPER.open) || !code.endsWith(WRAPPER.close)) throw new Error(`${key}: esbuild wrote its code in an unexpected form`);
  return code.slice(WRAPPER.open.length, -WRAPPER.close.length);
}

/**
 * The file of compiled templates, all ASCII:
 *   line 1: JSON `{"text": {path: text}, "code": {path: [offset, length]}}`, every character
 *           beyond ASCII as a \\u escape;
 *   then:   the code of every template in `code` (the body of function(locals, escapeFn,
 *           include, rethrow) as ejs makes it), one after the other, each at its offset from
 *           the start of this part.
 * `text` holds each template without an ejs tag, as the text it renders to. render.ts
 * (precompiledTemplates) reads it back.
 */
export function compiledTemplatesData(root: string): string {
  const { code, text } = compileTemplates(root);
  const index: Record<string, [number, number]> = {};
  const bodies: string[] = [];
  let offset = 0;
  for (const [key, body] of Object.entries(code)) {
    // esbuild writes ASCII, escaping the rest: a body is its own bytes in the file.
    if (!/^[\x00-\x7f]*$/.test(body)) throw new Error(`${key}: compiled code is not ASCII`);
    index[key] = [offset, body.length];
    bodies.push(body);
    offset += body.length;
  }
  const header = JSON.stringify({ text, code: index }).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${header}\n${bodies.join('')}`;
}

export function templateFiles(root: string): string[] {
  return TEMPLATE_ROOTS.map((dir) => path.join(root, dir))
    .filter((dir) => existsSync(dir))
    .flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)))
    .filter((file) => file.endsWith('.ejs'))
    .sort();
}

export function precompiledTemplates(root: string): Plugin {
  return {
    name: 'precompiled-templates',
    setup(build) {
      build.onLoad({ filter: PRECOMPILED_MODULE }, () => ({
        contents: `export const PRECOMPILED_FILE = ${JSON.stringify(`./${COMPILED_FILE}`)};\n`,
        loader: 'js',
        // `tsup --watch` rebuilds when a template changes, or one is added.
        watchFiles: templateFiles(root),
        watchDirs: TEMPLATE_ROOTS.map((dir) => path.join(root, dir)).filter((dir) => existsSync(dir)),
      }));
      build.onEnd((result) => {
        const outdir = build.initialOptions.outdir;
        if (result.errors.length > 0 || !outdir) return;
        mkdirSync(outdir, { recursive: true });
        writeFileSync(path.join(outdir, COMPILED_FILE), compiledTemplatesData(root));
      });
    },
  };
}
