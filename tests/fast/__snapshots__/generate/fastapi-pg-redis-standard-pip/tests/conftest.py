"""Shared fixtures.

The app connects to its servers at start-up, so the tests that use it, and the store and
counter tests, need real ones, named by environment variables:
  POSTGRES_HOST PostgreSQL, e.g. 127.0.0.1 (with POSTGRES_PORT/USER/DB; the password in SECRETS_DIR)
  REDIS_URL     Redis, e.g. redis://127.0.0.1:6379/0
When a variable is not set, those tests are SKIPPED with the reason printed, so a bare
`pytest` still runs the rest; CI sets the variables and runs every test.

The tests never read or change the app's own data on those servers: theirs lives in
a PostgreSQL schema and a Redis key prefix of their own,
named after the run and removed when it ends. So they pass again and again, even against
the servers the app uses.
"""

import os
import uuid
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from app import health, items, visits
from app.counter import delete_keys
from app.main import create_app
from app.settings import Settings, database_url_from
from app.store import drop_schema
from tests.api import Api
from tests.migrations import upgrade

# Names the tests' own data on the servers (see above).
RUN_ID = uuid.uuid4().hex[:12]


def env_or_skip(name: str, needs: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        pytest.skip(f"{name} is not set; this test needs {needs}")
    return value


@pytest.fixture(scope="session")
def database_schema() -> str:
    """The tests' DATABASE_SCHEMA: their own, in place of the app's."""
    return f"test_{RUN_ID}"


@pytest.fixture(scope="session")
def database_url(database_schema: str) -> Iterator[str]:
    env_or_skip("POSTGRES_HOST", "a PostgreSQL database")
    url = database_url_from(os.environ)
    # The tables, as `alembic upgrade head` makes them for the app.
    upgrade(url, database_schema)
    yield url
    drop_schema(url, database_schema)


@pytest.fixture(scope="session")
def redis_key_prefix() -> str:
    """The tests' REDIS_KEY_PREFIX: their own, in place of the app's."""
    return f"test-{RUN_ID}:"


@pytest.fixture(scope="session")
def redis_url(redis_key_prefix: str) -> Iterator[str]:
    url = env_or_skip("REDIS_URL", "a Redis server")
    yield url
    delete_keys(url, redis_key_prefix)


@pytest.fixture(scope="session")
def settings(database_url: str, database_schema: str, redis_url: str, redis_key_prefix: str) -> Settings:
    return Settings(
        database_url=database_url,
        database_schema=database_schema,
        redis_url=redis_url,
        redis_key_prefix=redis_key_prefix,
    )


@pytest.fixture(scope="session")
def client(settings: Settings) -> Iterator[TestClient]:
    # As a context manager the client runs the app's lifespan: start-up and shutdown.
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def api(client: TestClient) -> Api:
    return Api(client)


@pytest.fixture(scope="session")
def routes() -> set[tuple[str, str]]:
    """Every (method, path) of the routers app.main includes, from their routing tables (not the docs).

    Not from app.routes: FastAPI keeps an included router there as one entry of its own.
    """
    routers = [health.router, items.router, visits.router]
    return {
        (method, route.path)
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }


@pytest.fixture
def unique_name() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"
