"""A visit counter in Redis. Plain Python with no web framework in it."""

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

# The errors that mean Redis cannot answer now (down, restarting, loading its data, too slow):
# the API answers them with a 503 and Retry-After (app/errors.py).
UNAVAILABLE: tuple[type[Exception], ...] = (redis.ConnectionError, redis.TimeoutError)


class VisitCounter:
    def __init__(self, redis_url: str, key_prefix: str, timeout: float = 0.5) -> None:
        """`key_prefix` starts every key the counter writes (REDIS_KEY_PREFIX, by default the
        project name), so several apps, and the tests, can share one Redis. `timeout`: seconds
        to connect and for each command (REDIS_TIMEOUT)."""
        # from_url connects lazily, on the first command, and reconnects after errors, so the
        # counter recovers by itself when Redis is back; a pooled connection Redis closed (a
        # restart) is replaced when it is taken from the pool. No retries: each would add its
        # own wait (redis-py retries 3 times, backing off, by default), and the client gets a
        # 503 with Retry-After instead.
        self._redis = redis.Redis.from_url(
            redis_url,
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
        )
        self._key = f"{key_prefix}visits"

    def hit(self) -> int:
        """Count one visit and return the total. INCR is atomic across workers."""
        return int(self._redis.incr(self._key))

    def ping(self) -> None:
        """Raises one of UNAVAILABLE when Redis does not answer (GET /ready)."""
        self._redis.ping()

    def close(self) -> None:
        self._redis.close()


def delete_keys(redis_url: str, prefix: str) -> int:
    """Deletes every key that starts with `prefix`, and says how many: the tests remove theirs
    when they end."""
    client = redis.Redis.from_url(redis_url)
    try:
        return sum(client.delete(key) for key in client.scan_iter(match=f"{_glob_escape(prefix)}*"))
    finally:
        client.close()


def _glob_escape(text: str) -> str:
    """`text` matched literally by Redis's glob-style patterns."""
    return "".join(f"\\{c}" if c in "*?[]\\" else c for c in text)
