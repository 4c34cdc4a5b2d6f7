// Dependabot can update every image the emitted files pin: each Dockerfile's FROM lines (both
// variants, both package managers, every Python, and `add docker`'s Dockerfiles for every
// fixture, Poetry and Pipenv included), Compose's images and the Kubernetes dev overlay's, read
// the way Dependabot's own parsers read them (tests/support/dependabot-images.ts). The images it
// reads are exactly the ones src/engine/versions.ts pins, the ones the stand-in images of the
// real-engine tests are tagged with.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { allCombinations, comboId, DOCKERFILE_VARIANTS, PYTHON_VERSIONS } from '../../src/options/table.js';
import { PYTHON_IMAGES, SERVICE_IMAGES, UV_IMAGE } from '../../src/engine/versions.js';
import { composeImageProblems, dockerfileImageProblems, readImageSpec } from '../support/dependabot-images.js';
import { copyFixture, removeCopies, type FixtureName } from '../support/existing-app.js';
import { removeTempDirs, runMain } from '../support/cli-run.js';
import { render } from '../support/generate.js';
import { mutate } from '../support/mutate.js';

afterAll(() => {
  removeCopies();
  removeTempDirs();
});

const file = (files: { path: string; contents: string }[], p: string) => files.find((f) => f.path === p)?.contents;

describe('create: every image of every combination is one Dependabot updates', () => {
  const cases = PYTHON_VERSIONS.flatMap((python) => allCombinations(python, ['kubernetes']).map((c) => [`${python} ${comboId(c)}`, c] as const));

  it.each(cases)('%s', (_id, combo) => {
    const files = render(combo);
    const dockerfile = dockerfileImageProblems(file(files, 'Dockerfile')!);
    expect(dockerfile.problems).toEqual([]);
    expect(dockerfile.images).toEqual([...(combo.packageManager === 'uv' ? [UV_IMAGE] : []), PYTHON_IMAGES[combo.python]]);

    const services = [...(combo.postgres ? [SERVICE_IMAGES.postgres] : []), ...(combo.redis ? [SERVICE_IMAGES.redis] : [])];
    for (const compose of ['compose.yaml', 'compose.override.yaml']) {
      const read = composeImageProblems(file(files, compose)!);
      expect(read.problems, compose).toEqual([]);
      expect(read.images, compose).toEqual(compose === 'compose.yaml' ? services : []);
    }

    // The dev overlay, which .github/dependabot.yml names for the docker ecosystem.
    const overlay = files.filter((f) => f.path.startsWith('deploy/kubernetes/overlays/dev/') && f.path.endsWith('.yaml'));
    const images = overlay.flatMap((f) => parseAllDocuments(f.contents).flatMap((d) => imagesIn(d.toJS())));
    for (const image of images) expect(readImageSpec(image)?.tag, image).toBeTruthy();
    expect(images.sort()).toEqual([...services].sort());
  });
});

/** Every `image:` string of a manifest, however deep, as Dependabot's Docker updater collects them. */
function imagesIn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(imagesIn);
  if (node === null || typeof node !== 'object') return [];
  const own = (node as { image?: unknown }).image;
  return [...(typeof own === 'string' ? [own] : []), ...Object.values(node).flatMap(imagesIn)];
}

describe('add docker: every image of every fixture’s files is one Dependabot updates', () => {
  // The fixtures add docker writes a Dockerfile for (the others already have one).
  const fixtures = (['flask-factory', 'fastapi-main', 'pyproject-app', 'src-layout', 'requirements-includes', 'uv-project', 'poetry-project', 'pipenv-project'] as FixtureName[]).flatMap(
    (fixture) => DOCKERFILE_VARIANTS.map((variant) => [fixture, variant] as const),
  );

  it.each(fixtures)('%s, --dockerfile %s', async (fixture, variant) => {
    const dir = copyFixture(fixture);
    const run = await runMain(['add', 'docker', '--dir', dir, '--dockerfile', variant, '--json'], { cwd: path.dirname(dir) });
    expect(run.code, run.stderr).toBe(0);
    const python = (JSON.parse(run.stdout) as { options: { python: keyof typeof PYTHON_IMAGES } }).options.python;
    const dockerfile = dockerfileImageProblems(readFileSync(path.join(dir, 'Dockerfile'), 'utf8'));
    expect(dockerfile.problems).toEqual([]);
    expect(dockerfile.images).toEqual([...(fixture === 'uv-project' ? [UV_IMAGE] : []), PYTHON_IMAGES[python]]);
    for (const compose of ['compose.yaml', 'compose.override.yaml']) {
      expect(existsSync(path.join(dir, compose))).toBe(true);
      expect(composeImageProblems(readFileSync(path.join(dir, compose), 'utf8')).problems, compose).toEqual([]);
    }
  });
});

describe('the check fails on each form Dependabot cannot update', () => {
  const standard = file(render({ dockerfile: 'standard', packageManager: 'uv' }), 'Dockerfile')!;
  const multi = file(render({ dockerfile: 'multi-stage', packageManager: 'uv' }), 'Dockerfile')!;
  const compose = file(render({ postgres: true, redis: true, migrations: false }), 'compose.yaml')!;
  const problems = (text: string) => dockerfileImageProblems(text).problems;

  it('the generated files pass as they are (the faults below are all that changes)', () => {
    expect(problems(standard)).toEqual([]);
    expect(problems(multi)).toEqual([]);
    expect(composeImageProblems(compose).problems).toEqual([]);
  });

  it.each([
    ['a tag built from a build argument', mutate(standard, /^FROM python:(\S+)$/m, 'ARG PYTHON_VERSION=3.13.15\nFROM python:${PYTHON_VERSION}-slim-trixie'), /as python, with no tag/],
    ['part of a tag from a variable', mutate(standard, /^FROM python:(\S+)$/m, 'ARG VARIANT=slim-trixie\nFROM python:3.13.15-${VARIANT}'), /as python:3\.13\.15-, not the whole reference/],
    ['an image without a tag', mutate(standard, /^FROM python:(\S+)$/m, 'FROM python'), /as python, with no tag/],
    ['COPY --from an image', mutate(standard, /^COPY --from=uv /m, `COPY --from=${UV_IMAGE} `), /COPY --from=ghcr\.io\/astral-sh\/uv:\S+ does not name an earlier stage/],
    ['COPY --from a stage that comes later', mutate(multi, /^COPY --from=builder /m, 'COPY --from=runtime '), /COPY --from=runtime does not name an earlier stage/],
    ['RUN --mount from an image', mutate(standard, /^ {4}--mount=type=bind,source=uv\.lock,target=uv\.lock \\$/m, `    --mount=type=bind,from=${UV_IMAGE},source=/uv,target=/bin/uv \\`), /RUN --mount from=ghcr\.io\/astral-sh\/uv:\S+ does not name/],
    ['a FROM continued onto a second line', mutate(standard, /^FROM python:(\S+)$/m, 'FROM \\\n    python:$1'), /continued onto another line/],
    ['a FROM indented', mutate(multi, /^FROM (python:\S+ AS base)$/m, '  FROM $1'), /does not read/],
    ['a stage name in lower case (Dependabot reads only `AS`)', mutate(multi, /^FROM (python:\S+) AS base$/m, 'FROM $1 as base'), /not the whole reference/],
  ])('%s', (_what, text, expected) => {
    expect(problems(text).join('\n')).toMatch(expected);
  });

  it.each([
    ['an image tag from a variable', mutate(compose, /image: (postgres:\S+)/, 'image: "postgres:${POSTGRES_TAG:-18.6-trixie}"'), /db: image .* is built from a variable/],
    ['a whole image from a variable', mutate(compose, /image: (redis:\S+)/, 'image: "${REDIS_IMAGE:-$1}"'), /redis: image .* is built from a variable/],
    ['a registry image without a tag', mutate(compose, /image: (redis):\S+/, 'image: $1'), /redis: image redis has no tag/],
    ['the built image with a tag', mutate(compose, /image: "demo-api"/, 'image: "demo-api:1.0"'), /app: image demo-api:1\.0 is built here/],
  ])('compose: %s', (_what, text, expected) => {
    expect(composeImageProblems(text).problems.join('\n')).toMatch(expected);
  });
});
