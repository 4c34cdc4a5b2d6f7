// How long the generated app waits on PostgreSQL and Redis, how many connections it holds,
// and how large a request body it takes. settings.py prints these as the defaults of its
// environment variables; tests/fast/capacity.test.ts adds up the connections they allow against
// PostgreSQL's max_connections, and the outage journey times the answers they bound.

export const RUNTIME_LIMITS = {
  database: {
    /** Seconds to open a connection (DATABASE_CONNECT_TIMEOUT); libpq's minimum is 2. */
    connectTimeout: 2,
    /** Seconds a statement may run before PostgreSQL cancels it (DATABASE_STATEMENT_TIMEOUT). */
    statementTimeout: 2,
    /**
     * Connections each server worker keeps (DATABASE_POOL_SIZE) and opens beyond them under load
     * (DATABASE_MAX_OVERFLOW): 4 in all, one per gunicorn thread. FastAPI's 40 threads share
     * them and wait at most poolTimeout seconds (DATABASE_POOL_TIMEOUT) for one, then a 503.
     */
    poolSize: 2,
    maxOverflow: 2,
    poolTimeout: 0.5,
  },
  /** Seconds to connect to Redis and for each command (REDIS_TIMEOUT). */
  redisTimeout: 0.5,
  /** The largest request body in bytes (MAX_BODY_BYTES): 1 MiB. */
  maxBodyBytes: 1_048_576,
  /**
   * The longest URL (path and query) and the most header bytes the app takes: a JSON 414 or
   * 431 beyond them. Below the server's own limits where it has them (gunicorn's request line
   * is raised to 8190 for this), so the app, not the server, answers in between.
   */
  urlMaxBytes: 8000,
  headersMaxBytes: 16_384,
  /** Seconds a 503 asks the client to wait (its Retry-After). */
  retryAfterSeconds: 2,
} as const;
