// What `COPY . .` takes into an image: a .dockerignore judged by Docker's own matching rules
// (@balena/dockerignore, the rules of Docker's builder).

import dockerignoreModule from '@balena/dockerignore';

// CommonJS whose typings declare a default export: at run time the module itself or its
// .default is the factory, depending on the loader.
const dockerignore = ((dockerignoreModule as unknown as { default?: typeof dockerignoreModule }).default ?? dockerignoreModule) as unknown as typeof dockerignoreModule.default;

/** The paths the build context would carry (`COPY . .`) under this .dockerignore. */
export function inBuildContext(dockerignoreText: string, paths: string[]): string[] {
  const matcher = dockerignore().add(dockerignoreText.split('\n'));
  return paths.filter((p) => !matcher.ignores(p));
}
