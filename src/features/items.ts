// The /items API every new project has (routes in the framework's layer, the store in
// memory's or postgres's): what an item may hold and how a page of them is asked for.
// templates/common/app/limits.py carries these into the project, the README and the OpenAPI
// documents state them, and the tests check every bound from both sides.

/** The largest value of PostgreSQL's `integer`: the id column, and so the most rows the table can number. */
const INTEGER_MAX = 2 ** 31 - 1;

export const ITEM_LIMITS = {
  /** Characters of a name; also the width of PostgreSQL's name column. */
  nameMaxLength: 100,
  /** Characters of a description (a text column: the limit is the API's). */
  descriptionMaxLength: 1000,
  /** Items in a page of GET /items when `limit` is not given. */
  pageDefault: 50,
  /** The most items a page may ask for (`limit`); at least 1. */
  pageMax: 100,
  /**
   * The largest `offset`: ids stop at INTEGER_MAX, so no table holds more rows, and PostgreSQL
   * refuses an OFFSET beyond its bigint range (a 500) where this is a 422.
   */
  offsetMax: INTEGER_MAX,
  /** The largest id an item can have (the id column is an `integer`); any other id is a 404. */
  idMax: INTEGER_MAX,
} as const;
