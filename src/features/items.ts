// The /items API every new project has (routes in the framework's layer, the store in
// memory's or postgres's): what an item may hold. templates/common/app/limits.py carries
// these into the project, and the README states them.

export const ITEM_LIMITS = {
  /** Characters of a name; also the width of PostgreSQL's name column. */
  nameMaxLength: 100,
  /** Characters of a description (a text column: the limit is the API's). */
  descriptionMaxLength: 1000,
} as const;
