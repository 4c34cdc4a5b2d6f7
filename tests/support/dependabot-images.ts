// Which image references Dependabot can keep up to date, read the way its updaters read them
// (dependabot-core: docker/lib/dependabot/docker/file_parser.rb and
// docker/lib/dependabot/docker_compose/file_parser.rb, with the shared pieces in
// docker/lib/dependabot/shared/shared_file_parser.rb). The expressions below are written from
// those files' rules, not copied:
//  - Dockerfiles are read line by line, and only a line that starts with FROM counts:
//    `FROM [--platform=P] [registry/]image[:tag][@sha256:<64 hex>][ AS name]`, where the
//    registry needs a dot (a domain) and the tag is a word character then up to 127 of
//    `[\w.-]`. The match is anchored at the start only; a reference without a tag (or digest)
//    gives no version and is skipped. So `FROM python:${V}-slim` reads as `python` with no
//    tag (skipped), a FROM continued onto a second line is read only up to the break, and
//    `COPY --from=<image>` or `RUN --mount=from=<image>` is never read at all.
//  - Compose files: each service's `image:` string, matched against the same reference shape;
//    a tag made of a variable gives no version.
// Our rule is stricter than "Dependabot finds something": the whole reference must be what it
// reads (the line matches to its end, and what it reads is what Docker pulls), with a tag; and
// every other place a Dockerfile can name an image (COPY --from, RUN --mount from=) must name
// a stage instead.

import { DockerfileParser, type Flag, type From, type Instruction } from 'dockerfile-ast';
import { parse as parseYaml } from 'yaml';
import { COMPOSE_YAML_TAGS } from './compose-check.js';

const DOMAIN_COMPONENT = String.raw`(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])`;
const DOMAIN = String.raw`(?:${DOMAIN_COMPONENT}(?:\.${DOMAIN_COMPONENT})+)`;
const REGISTRY = String.raw`(?<registry>${DOMAIN}(?::\d+)?)`;
const NAME_COMPONENT = String.raw`(?:[a-z\d]+(?:(?:[._]|__|[-]*)[a-z\d]+)*)`;
const IMAGE = String.raw`(?<image>${NAME_COMPONENT}(?:/${NAME_COMPONENT})*)`;
const TAG = String.raw`:(?<tag>\w[\w.-]{0,127})`;
const DIGEST = String.raw`(?:@sha256:(?<digest>[0-9a-f]{64}))`;
// ` AS ` is matched case-sensitively by Dependabot; FROM itself in any case.
const NAME = String.raw`(?:\s+AS\s+(?<name>[\w-]+))`;
const PLATFORM = String.raw`(?:--platform=(?<platform>\S+)\s+)`;
const REFERENCE = String.raw`(?:${REGISTRY}/)?${IMAGE}(?:${TAG})?${DIGEST}?`;

/** A Dockerfile line as Dependabot's Docker updater reads it: anchored at its start only. */
const FROM_LINE = new RegExp(String.raw`^[Ff][Rr][Oo][Mm]\s+${PLATFORM}?${REFERENCE}${NAME}?`);
/** A Compose `image:` value as Dependabot's docker-compose updater reads it, whole. */
const IMAGE_SPEC = new RegExp(String.raw`^${REFERENCE}$`);

export interface ReadReference {
  registry?: string;
  image: string;
  tag?: string;
  digest?: string;
}

/**
 * What Dependabot reads from one Dockerfile line (undefined: nothing), and whether that is the
 * whole line (only trailing blanks left over).
 */
export function readFromLine(line: string): (ReadReference & { whole: boolean }) | undefined {
  const m = FROM_LINE.exec(line);
  const g = m?.groups;
  return m && g ? { registry: g.registry, image: g.image!, tag: g.tag, digest: g.digest, whole: line.slice(m[0].length).trim() === '' } : undefined;
}

/** What Dependabot reads from a Compose `image:` value, or undefined when it is not a whole reference. */
export function readImageSpec(value: string): ReadReference | undefined {
  const g = IMAGE_SPEC.exec(value)?.groups;
  return g ? { registry: g.registry, image: g.image!, tag: g.tag, digest: g.digest } : undefined;
}

function written(r: ReadReference): string {
  return `${r.registry ? `${r.registry}/` : ''}${r.image}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@sha256:${r.digest}` : ''}`;
}

const lineNo = (i: Instruction) => i.getRange().start.line + 1;

/**
 * Every image reference of a Dockerfile that Dependabot would not keep up to date, one line
 * each (empty: all of them are read, whole, with a tag). Also returns the images it reads.
 */
export function dockerfileImageProblems(text: string): { problems: string[]; images: string[] } {
  const lines = text.split(/\r?\n/);
  const dockerfile = DockerfileParser.parse(text);
  const stages = new Set<string>();
  let current: string | undefined;
  const problems: string[] = [];
  const images: string[] = [];
  const namesStage = (value: string | null | undefined) => value !== null && value !== undefined && stages.has(value.toLowerCase());

  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    const at = `line ${lineNo(instruction)}`;
    if (keyword === 'FROM') {
      // A stage can be named by the stages after it, not by itself.
      if (current) stages.add(current);
      const from = instruction as From;
      const range = from.getRange();
      const stage = from.getBuildStage();
      const image = from.getImage() ?? '';
      if (namesStage(from.getImageName()) && !from.getImageTag() && !from.getImageDigest()) {
        // An earlier stage, not an image.
      } else if (range.start.line !== range.end.line) {
        problems.push(`${at}: FROM ${image} is continued onto another line; Dependabot reads one line`);
      } else {
        const line = lines[range.start.line] ?? '';
        const read = readFromLine(line);
        if (!read) problems.push(`${at}: Dependabot does not read \`${line}\` as a FROM line`);
        else if (!read.tag && !read.digest) problems.push(`${at}: Dependabot reads \`${line}\` as ${written(read)}, with no tag: no version to update`);
        else if (!read.whole || written(read) !== image) problems.push(`${at}: Dependabot reads \`${line}\` as ${written(read)}, not the whole reference (${image})`);
        else images.push(image);
      }
      current = stage?.toLowerCase();
      continue;
    }
    const flags: Flag[] = 'getFlags' in instruction ? (instruction as unknown as { getFlags(): Flag[] }).getFlags() : [];
    for (const flag of flags) {
      if (keyword === 'COPY' && flag.getName() === 'from' && !namesStage(flag.getValue()))
        problems.push(`${at}: COPY --from=${flag.getValue()} does not name an earlier stage; Dependabot never reads an image there`);
      if (keyword === 'RUN' && flag.getName() === 'mount') {
        const source = flag.getOptions().find((o) => o.getName() === 'from');
        if (source && !namesStage(source.getValue()))
          problems.push(`${at}: RUN --mount from=${source.getValue()} does not name an earlier stage; Dependabot never reads an image there`);
      }
    }
  }
  return { problems, images };
}

interface ComposeService {
  image?: unknown;
  build?: unknown;
}

/**
 * Every `image:` of a Compose file that Dependabot would not keep up to date: a registry image
 * must be a whole reference with a tag and no variable; the image of a service Compose builds
 * (ours) must carry no tag, so Dependabot leaves it alone rather than look it up in a registry.
 */
export function composeImageProblems(text: string): { problems: string[]; images: string[] } {
  const doc = parseYaml(text, { customTags: COMPOSE_YAML_TAGS }) as { services?: Record<string, ComposeService | null> } | null;
  const problems: string[] = [];
  const images: string[] = [];
  for (const [name, service] of Object.entries(doc?.services ?? {})) {
    if (service?.image === undefined) continue;
    const value = String(service.image);
    const read = readImageSpec(value);
    if (value.includes('$')) problems.push(`${name}: image ${value} is built from a variable; Dependabot reads no version from it`);
    else if (!read) problems.push(`${name}: image ${value} is not a reference Dependabot reads`);
    else if (service.build !== undefined) {
      if (read.tag || read.digest) problems.push(`${name}: image ${value} is built here, yet has a tag Dependabot would look up in a registry`);
    } else if (!read.tag && !read.digest) problems.push(`${name}: image ${value} has no tag: Dependabot has no version to update`);
    else images.push(value);
  }
  return { problems, images };
}
