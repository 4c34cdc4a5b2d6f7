// What rendering produces and every later step (the record, the writer, update's plan, the
// commands) consumes. A module of its own, below all of them, so that none of them has to
// import the renderer just to name its output.

/** One file of the generated project, relative to the project root, '/'-separated. */
export interface RenderedFile {
  path: string;
  contents: string;
  /** Its permission bits when not the umask's (a secret file: 0644 in a 0700 folder). */
  mode?: number;
  /** The permission bits of its folder, when the write makes that folder. */
  dirMode?: number;
  /** The tool's own file (the project's record, which an add command extends): replaced without --force. */
  replace?: boolean;
}
