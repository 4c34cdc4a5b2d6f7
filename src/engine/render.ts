// The one rendering engine. Every command (create, add docker, the plop generators) renders
// through `renderLayers`, so what a project contains is decided in exactly one place: the layers
// the render context lists, each a directory of EJS templates: the shared project skeleton in
// templates/common/, and each feature's own in src/features/<feature>/templates/.

import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import { SKELETON_LAYER } from '../features/registry.js';
import { stampBaseRecord } from './base-record.js';
import { buildContext, type RenderContext } from './context.js';
import { packageRoot } from './package-version.js';
import { PRECOMPILED_FILE } from './precompiled-templates.js';
import { fitYamlLine } from './yaml-line.js';
import { compareText } from './sort.js';
import { CliError } from '../errors.js';
import type { RenderedFile } from './rendered-file.js';
import type { ProjectOptions } from '../options/values.js';

/**
 * The package root. In the repository, templates/common/ and src/features/<feature>/templates/
 * (and slots/) hold the templates; the package ships none of them: dist/templates.txt holds
 * every one as the build compiled it (scripts/precompile-templates.ts), keyed by the same path
 * from this root, so one lookup serves both.
 */
const PACKAGE_ROOT = packageRoot();

/** Where a layer's templates are: the skeleton under templates/, a feature's in its own folder. */
export function layerDir(layer: string): string {
  return layer === SKELETON_LAYER ? path.join(PACKAGE_ROOT, 'templates', layer) : path.join(PACKAGE_ROOT, 'src', 'features', layer, 'templates');
}

/** Every layer there is: the skeleton, and each folder under src/features/ with a templates/ folder. */
export function allLayers(): string[] {
  const featuresDir = path.join(PACKAGE_ROOT, 'src', 'features');
  const features = readdirSync(featuresDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(featuresDir, entry.name, 'templates')))
    .map((entry) => entry.name);
  return [SKELETON_LAYER, ...features.sort(compareText)];
}

/** Where a feature's slot contributions are: src/features/<feature>/slots/<slot>.ejs. */
export function slotDir(layer: string): string {
  return path.join(PACKAGE_ROOT, 'src', 'features', layer, 'slots');
}

/** In a template set copied by copyLayers, the folder holding each layer's slot contributions. */
const COPIED_SLOTS = 'slots';

/**
 * A template set in one directory, one folder per layer (`<dir>/<layer>/...`) and the slot
 * contributions in `<dir>/slots/<layer>/`, for the tests that render from an older or changed
 * copy of the templates: the seam `templatesDir` below.
 */
export function copyLayers(dir: string): void {
  for (const layer of allLayers()) {
    cpSync(layerDir(layer), path.join(dir, layer), { recursive: true });
    if (existsSync(slotDir(layer))) cpSync(slotDir(layer), path.join(dir, COPIED_SLOTS, layer), { recursive: true });
  }
}

/** A template that is printed by other templates (through `part`) rather than copied. */
const PART_SUFFIX = '.part.ejs';

/**
 * What a template sees: the render context, plus `part(layer, name, locals)` to print a layer's
 * part (<layer's folder>/<name>.part.ejs) with extra names in scope, e.g. `{ service }`, and
 * `fitYamlLine(line[, { whole: true }])` for a YAML line whose value may be too long for yamllint
 * (yaml-line.ts, the one place that knows how a YAML line fits).
 *
 * And the slots: a skeleton or framework file names an extension point, `slot('app.routers')`,
 * and every layer being rendered may fill it from its own folder, src/features/<layer>/slots/
 * <slot>.ejs, rendered with the same scope. `slot(name)` prints the contributions one after the
 * other, in layer order (a block of lines each); `slotList(name)` gives their non-empty lines as
 * items, for a template to join (`from . import a, b`) or sort as the file's own order wants.
 * A slot nobody fills prints nothing, or `slot(name, unfilled)`'s text for that case (a feature
 * may fill a slot with an empty file to silence it). So a file of the skeleton never tests a
 * feature: a feature adds itself by what it puts in the slots.
 */
export type TemplateScope<C extends object = RenderContext> = C & {
  part: (layer: string, name: string, locals?: object) => string;
  slot: (name: string, unfilled?: string) => string;
  slotList: (name: string) => string[];
  fitYamlLine: typeof fitYamlLine;
};

/**
 * Render every file of a new project, with the record of what was generated that `update`
 * needs (see base-record.ts). `templatesDir` is a seam for tests that build a project from an
 * older copy of the templates (one folder per layer, see copyLayers).
 */
export function renderProject(options: ProjectOptions, generatorVersion: string, templatesDir?: string): RenderedFile[] {
  const context = buildContext(options, generatorVersion);
  return stampBaseRecord(renderLayers(context, context.layers, undefined, templatesDir));
}

/**
 * Render the files of the given layers, in order; two layers may not emit the same path. The
 * context is a project's (RenderContext), or the narrower one of a layer that needs less
 * (`add kubernetes` renders only the kubernetes layers, from KubernetesContext).
 */
export function renderLayers<C extends object = RenderContext>(context: C, layers: readonly string[], only?: (p: string) => boolean, templatesDir?: string): RenderedFile[] {
  const dirOf = (layer: string): string => (templatesDir === undefined ? layerDir(layer) : path.join(templatesDir, layer));
  const slotsOf = (layer: string): string => (templatesDir === undefined ? slotDir(layer) : path.join(templatesDir, COPIED_SLOTS, layer));
  const contributions = slotContributions(layers.map(slotsOf));
  const fill = (name: string): string[] => (contributions.get(name) ?? []).map((template) => renderTemplate(template, scope));
  // Each layer's folder, once: a part is printed from it many times.
  const partDirs = new Map<string, { dir: string; key: string | undefined }>();
  const partOf = (layer: string, name: string): TemplateFile => {
    let partDir = partDirs.get(layer);
    if (partDir === undefined) {
      const dir = dirOf(layer);
      partDir = { dir, key: packageKey(dir) };
      partDirs.set(layer, partDir);
    }
    return templateFile(partDir.dir, partDir.key, `${name}${PART_SUFFIX}`);
  };
  const scope: TemplateScope<C> = {
    ...context,
    part: (layer, name, locals = {}) => renderTemplate(partOf(layer, name), { ...scope, ...locals }),
    slot: (name, unfilled = '') => (contributions.has(name) ? fill(name).join('') : unfilled),
    slotList: (name) => fill(name).flatMap((text) => text.split('\n').filter((line) => line.trim() !== '')),
    fitYamlLine,
  };
  const files = new Map<string, RenderedFile>();
  for (const layer of layers) {
    for (const template of listTemplates(dirOf(layer))) {
      const outPath = outputPath(template.relative);
      if (only && !only(outPath)) continue;
      if (files.has(outPath)) throw new Error(`template layers collide on ${outPath} (layer ${layer})`);
      const contents = renderTemplate(template, scope);
      files.set(outPath, { path: outPath, contents });
    }
  }
  return [...files.values()].sort((a, b) => compareText(a.path, b.path));
}

/**
 * A template to render: its path relative to its folder (path.sep-separated), the folder,
 * and its key among the templates the build compiled (packageKey), if it is in the package.
 * The file's own path is only needed to read it (from source) or to name it in an error.
 */
interface TemplateFile {
  dir: string;
  relative: string;
  key: string | undefined;
}

function templateFile(dir: string, dirKey: string | undefined, relative: string): TemplateFile {
  return { dir, relative, key: dirKey === undefined ? undefined : `${dirKey}/${relative.split(path.sep).join('/')}` };
}

function fileOf(template: TemplateFile): string {
  return path.join(template.dir, template.relative);
}

/**
 * Renders without ejs's line-tracking code (`compileDebug`), which makes every render slower;
 * only when a template throws is it rendered again with line tracking, so the error still
 * names the template line. The bundled CLI runs the code the build compiled the template to
 * (precompiled-templates.ts); from source, and for templates outside the package (a test's
 * older copy), the file is read and compiled here. A template with no ejs delimiter in it
 * (each one contains `<%` or `%>`) renders to itself, so it skips ejs's compile altogether.
 */
function renderTemplate(template: TemplateFile, scope: object): string {
  let text: string | undefined;
  try {
    const rendered = template.key === undefined ? undefined : renderPrecompiled(template.key, scope);
    if (rendered !== undefined) return rendered;
    text = readFileSync(fileOf(template), 'utf8');
    if (!text.includes('<%') && !text.includes('%>')) return text;
    return compiledFromSource(fileOf(template), text)(scope);
  } catch (error) {
    // A refusal from the render context (a project name uv cannot lock) is the user's to read.
    if (error instanceof CliError) throw error;
    // The package ships no template files: there, the error names the template without its line.
    const file = fileOf(template);
    text ??= existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (text === undefined) {
      if (error instanceof Error) error.message = `${template.key ?? file}: ${error.message}`;
      throw error;
    }
    return ejs.render(text, scope, { filename: file, ...RENDER_OPTIONS, compileDebug: true });
  }
}

/** What every template is compiled with; scripts/precompile-templates.ts compiles with the same. */
const RENDER_OPTIONS = { strict: false, compileDebug: false } as const;

/**
 * From source, each template's text compiled once per process and kept by file and text: a
 * process that renders many projects (the test workers, a plop session) renders each template
 * many times, and compiling it was a third of the render. Keyed by the text as read, so a
 * template changed on disk is compiled afresh.
 */
const compiledSources = new Map<string, ejs.TemplateFunction>();

function compiledFromSource(file: string, text: string): ejs.TemplateFunction {
  const key = `${file}\0${text}`;
  let compiled = compiledSources.get(key);
  if (compiled === undefined) {
    compiled = ejs.compile(text, { filename: file, ...RENDER_OPTIONS });
    compiledSources.set(key, compiled);
  }
  return compiled;
}

/** A template as ejs compiles it: the function its Template builds from `source`. */
type CompiledTemplate = (locals: object, escapeFn: (text: unknown) => string, include: (name: string) => never, rethrow: undefined) => string;

/**
 * What the build wrote to dist/templates.txt (scripts/precompile-templates.ts, which gives its
 * format), keyed by each template's '/'-separated path from the package root: where the code
 * ejs compiles a template to (its Template.source) is in the file, or, for a template without
 * an ejs tag (two in five), its text, which it renders to.
 */
interface PrecompiledIndex {
  code: Record<string, [offset: number, length: number]>;
  text: Record<string, string>;
}

let precompiled: { data: string; codeStart: number; code: Map<string, [number, number]>; text: Map<string, string>; under: Map<string, readonly string[]> } | undefined;

/**
 * The templates the build compiled; none when running from source. Read on the first render,
 * so --help or --version never reads it. Read as latin1, which the file's ASCII is byte for
 * byte: one one-byte string, out of which each template's code is sliced when first rendered.
 */
function precompiledTemplates(): NonNullable<typeof precompiled> {
  if (precompiled === undefined) {
    const data = PRECOMPILED_FILE === undefined ? '{"code":{},"text":{}}\n' : readFileSync(new URL(PRECOMPILED_FILE, import.meta.url), 'latin1');
    const end = data.indexOf('\n');
    const index = JSON.parse(data.slice(0, end)) as PrecompiledIndex;
    precompiled = {
      data,
      codeStart: end + 1,
      code: new Map(Object.entries(index.code)),
      text: new Map(Object.entries(index.text)),
      under: byFolder([...Object.keys(index.code), ...Object.keys(index.text)]),
    };
  }
  return precompiled;
}

const compiledByKey = new Map<string, CompiledTemplate>();

/**
 * A template as the build compiled it, rendered: its text as it is, or its code made into a
 * function on its first render, as ejs's Template.compile makes one from the code it generates
 * (`new Function('locals, escapeFn, include, rethrow', code)`), so a run compiles only the
 * templates it renders. Undefined for a template the build did not compile.
 */
function renderPrecompiled(key: string, scope: object): string | undefined {
  const { data, codeStart, code, text } = precompiledTemplates();
  const plain = text.get(key);
  if (plain !== undefined) return plain;
  let compiled = compiledByKey.get(key);
  if (compiled === undefined) {
    const at = code.get(key);
    if (at === undefined) return undefined;
    const source = data.slice(codeStart + at[0], codeStart + at[0] + at[1]);
    compiled = new Function('locals, escapeFn, include, rethrow', source) as CompiledTemplate;
    compiledByKey.set(key, compiled);
  }
  return runCompiled(compiled, scope);
}

/**
 * Calls a compiled template as ejs calls it (the function ejs's Template.compile returns): on
 * a copy of the data with no prototype, leaving out `__proto__` and `constructor`, with ejs's
 * XML escape, and no `this`. Our templates print parts with `part`, never with ejs's `include`.
 *
 * The copy is made once for each scope (a project's 150 renders share one) and each render
 * gets an empty object in front of it: it sees every name of the scope, and whatever it might
 * assign lands in its own object, as in ejs's fresh copy, so no render sees another's.
 */
function runCompiled(compiled: CompiledTemplate, data: object): string {
  let copy = scopeCopies.get(data);
  if (copy === undefined) {
    copy = Object.create(null) as Record<string, unknown>;
    for (const key in data) if (Object.hasOwn(data, key) && key !== '__proto__' && key !== 'constructor') copy[key] = (data as Record<string, unknown>)[key];
    scopeCopies.set(data, copy);
  }
  return compiled.call(undefined, Object.create(copy) as object, ejs.escapeXML, noInclude, undefined);
}

/** Each scope's copy as ejs would make it (runCompiled). */
const scopeCopies = new WeakMap<object, Record<string, unknown>>();

function noInclude(name: string): never {
  throw new Error(`include(${JSON.stringify(name)}): templates print parts with part()`);
}

/**
 * Each slot's contribution files, in the order of the given slot folders (the layers' order):
 * from the build's list in the bundled CLI (the package ships no slot files), else the folder.
 */
function slotContributions(slotDirs: readonly string[]): Map<string, TemplateFile[]> {
  const bySlot = new Map<string, TemplateFile[]>();
  for (const dir of slotDirs) {
    const dirKey = packageKey(dir);
    for (const entry of slotFiles(dir, dirKey)) {
      const name = entry.slice(0, -'.ejs'.length);
      const template = templateFile(dir, dirKey, entry);
      const filled = bySlot.get(name);
      if (filled === undefined) bySlot.set(name, [template]);
      else filled.push(template);
    }
  }
  return bySlot;
}

/** The contribution files (`<slot>.ejs`) of one slot folder, sorted. */
function slotFiles(dir: string, dirKey: string | undefined): string[] {
  const compiled = compiledUnder(dirKey).filter((relative) => !relative.includes('/'));
  const files = compiled.length > 0 ? compiled : existsSync(dir) ? readdirSync(dir).filter((entry) => entry.endsWith('.ejs')) : [];
  return files.sort(compareText);
}

/**
 * The templates the build compiled under a folder of the package (given by its key,
 * packageKey), as '/'-separated paths relative to it; none from source, or for a folder
 * outside the package (a test's copy).
 */
function compiledUnder(dirKey: string | undefined): readonly string[] {
  return dirKey === undefined ? [] : (precompiledTemplates().under.get(dirKey) ?? []);
}

/** Every folder holding compiled templates, at any depth, with those templates relative to it: one pass over the keys. */
function byFolder(keys: readonly string[]): Map<string, string[]> {
  const under = new Map<string, string[]>();
  for (const key of keys) {
    for (let slash = key.indexOf('/'); slash !== -1; slash = key.indexOf('/', slash + 1)) {
      const folder = key.slice(0, slash);
      const relative = key.slice(slash + 1);
      const listed = under.get(folder);
      if (listed === undefined) under.set(folder, [relative]);
      else listed.push(relative);
    }
  }
  return under;
}

/**
 * The templates of a layer that become files (parts are printed by other templates instead).
 * The bundled CLI knows them from the build, which compiled every template in the package
 * (precompiled-templates.ts), so it lists no folder; from source, or for a folder the build
 * did not see, the folder is read.
 */
function listTemplates(dir: string): TemplateFile[] {
  const dirKey = packageKey(dir);
  const compiled = compiledUnder(dirKey)
    .filter((key) => !key.endsWith(PART_SUFFIX))
    .map((key) => ({ dir, relative: path.sep === '/' ? key : key.split('/').join(path.sep), key: `${dirKey}/${key}` }));
  if (compiled.length > 0) return compiled;
  // A layer may only fill slots (devcontainer-worker): it has no templates folder.
  return existsSync(dir) ? listTemplateFiles(dir, '').map((relative) => templateFile(dir, dirKey, relative)) : [];
}

function listTemplateFiles(dir: string, under: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(dir, under), { withFileTypes: true })) {
    const relative = under === '' ? entry.name : path.join(under, entry.name);
    if (entry.isDirectory()) out.push(...listTemplateFiles(dir, relative));
    else if (entry.name.endsWith('.ejs') && !entry.name.endsWith(PART_SUFFIX)) out.push(relative);
  }
  return out;
}

/** A path inside the package as precompiled-templates.ts keys it ('/'-separated, from the root); undefined outside. */
function packageKey(file: string): string | undefined {
  if (!file.startsWith(PACKAGE_ROOT + path.sep)) return undefined;
  return file.slice(PACKAGE_ROOT.length + 1).split(path.sep).join('/');
}

/**
 * `app/main.py.ejs` → `app/main.py`; a leading single underscore stands for a dot
 * (`_gitignore.ejs` → `.gitignore`) because npm drops dotfiles like .gitignore on publish.
 */
export function outputPath(templateRelative: string): string {
  return templateRelative
    .replace(/\.ejs$/, '')
    .split(path.sep)
    .map((segment) => (/^_[a-z]/i.test(segment) ? `.${segment.slice(1)}` : segment))
    .join('/');
}
