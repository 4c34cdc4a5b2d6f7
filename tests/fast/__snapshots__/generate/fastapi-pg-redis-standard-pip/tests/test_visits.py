"""The visit counter, against the real Redis at REDIS_URL (skipped when it is not set), under
the tests' own key prefix (see conftest.py)."""

import uuid

import redis
from fastapi.testclient import TestClient

from app.counter import VisitCounter, delete_keys


def test_counter_counts_in_redis(redis_url: str, redis_key_prefix: str) -> None:
    prefix = f"{redis_key_prefix}{uuid.uuid4().hex[:8]}:"
    counter = VisitCounter(redis_url, key_prefix=prefix)
    try:
        assert counter.hit() == 1
        assert counter.hit() == 2
    finally:
        counter.close()
    # A second connection sees the total: it is stored in Redis, not in the process.
    client = redis.Redis.from_url(redis_url)
    try:
        assert int(client.get(f"{prefix}visits")) == 2
    finally:
        client.close()


def test_delete_keys_deletes_the_prefix_only(redis_url: str, redis_key_prefix: str) -> None:
    # "*" in a prefix is a literal star, not Redis's wildcard.
    doomed, kept = f"{redis_key_prefix}a*:", f"{redis_key_prefix}ab:"
    client = redis.Redis.from_url(redis_url)
    try:
        client.set(f"{doomed}x", 1)
        client.set(f"{kept}x", 1)
        assert delete_keys(redis_url, doomed) == 1
        assert client.exists(f"{doomed}x", f"{kept}x") == 1
    finally:
        client.close()


def test_visits_route_counts_up(client: TestClient) -> None:
    # The app counts under the tests' key prefix, so the app's live counter is left alone.
    first = client.get("/visits")
    second = client.get("/visits")
    assert first.status_code == second.status_code == 200
    assert second.json()["visits"] == first.json()["visits"] + 1
