// The one rendering engine. Every command (create, add docker, the plop generators) renders
// through `renderLayers`, so what a project contains is decided in exactly one place: the layers
// the render context lists, each a directory of EJS templates under templates/.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import { stampBaseRecord } from './base-record.js';
import { buildContext, type RenderContext } from './context.js';
import { packageRoot } from './package-version.js';
import { fitYamlLine } from './yaml-line.js';
import { compareText } from './sort.js';
import { CliError } from '../errors.js';
import type { RenderedFile } from './rendered-file.js';
import type { ProjectOptions } from '../options/values.js';

export type { RenderedFile } from './rendered-file.js';

/** templates/ ships beside dist/ in the package, and beside src/ in the repository. */
export const TEMPLATES_DIR = path.join(packageRoot(), 'templates');

/** A template that is printed by other templates (through `part`) rather than copied. */
const PART_SUFFIX = '.part.ejs';

/**
 * What a template sees: the render context, plus `part(layer, name, locals)` to print a layer's
 * part (templates/<layer>/<name>.part.ejs) with extra names in scope, e.g. `{ service }`, and
 * `fitYamlLine(line)` for a YAML line whose value may be too long for yamllint (yaml-line.ts).
 */
export type TemplateScope<C extends object = RenderContext> = C & {
  part: (layer: string, name: string, locals?: object) => string;
  fitYamlLine: (line: string) => string;
};

/**
 * Render every file of a new project, with the record of what was generated that `update`
 * needs (see base-record.ts). `templatesDir` is a seam for tests that build a project from an
 * older copy of the templates.
 */
export function renderProject(options: ProjectOptions, generatorVersion: string, templatesDir = TEMPLATES_DIR): RenderedFile[] {
  const context = buildContext(options, generatorVersion);
  return stampBaseRecord(renderLayers(context, context.layers, undefined, templatesDir));
}

/**
 * Render the files of the given layers, in order; two layers may not emit the same path. The
 * context is a project's (RenderContext), or the narrower one of a layer that needs less
 * (`add kubernetes` renders only the kubernetes layers, from KubernetesContext).
 */
export function renderLayers<C extends object = RenderContext>(context: C, layers: readonly string[], only?: (p: string) => boolean, templatesDir = TEMPLATES_DIR): RenderedFile[] {
  const scope: TemplateScope<C> = {
    ...context,
    part: (layer, name, locals = {}) => {
      const file = path.join(templatesDir, layer, `${name}${PART_SUFFIX}`);
      return renderTemplate(readFileSync(file, 'utf8'), { ...scope, ...locals }, file);
    },
    fitYamlLine,
  };
  const files = new Map<string, RenderedFile>();
  for (const layer of layers) {
    const layerDir = path.join(templatesDir, layer);
    for (const templatePath of listTemplates(layerDir)) {
      const outPath = outputPath(path.relative(layerDir, templatePath));
      if (only && !only(outPath)) continue;
      if (files.has(outPath)) throw new Error(`template layers collide on ${outPath} (layer ${layer})`);
      const contents = renderTemplate(readFileSync(templatePath, 'utf8'), scope, templatePath);
      files.set(outPath, { path: outPath, contents });
    }
  }
  return [...files.values()].sort((a, b) => compareText(a.path, b.path));
}

/**
 * Renders without ejs's line-tracking code (`compileDebug`), which makes every render slower;
 * only when a template throws is it rendered again with line tracking, so the error still
 * names the template line. A template with no ejs delimiter in it (each one contains `<%` or
 * `%>`) renders to itself, so it skips ejs's compile altogether.
 */
function renderTemplate(template: string, scope: object, filename: string): string {
  if (!template.includes('<%') && !template.includes('%>')) return template;
  try {
    return ejs.render(template, scope, { filename, strict: false, compileDebug: false });
  } catch (error) {
    // A refusal from the render context (a project name uv cannot lock) is the user's to read.
    if (error instanceof CliError) throw error;
    return ejs.render(template, scope, { filename, strict: false, compileDebug: true });
  }
}

/** The templates of a layer that become files (parts are printed by other templates instead). */
function listTemplates(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTemplates(full));
    else if (entry.name.endsWith('.ejs') && !entry.name.endsWith(PART_SUFFIX)) out.push(full);
  }
  return out;
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
