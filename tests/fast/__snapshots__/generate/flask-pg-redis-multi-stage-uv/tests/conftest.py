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
import re
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.counter import delete_keys
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
def app(settings: Settings) -> Flask:
    app = create_app(settings)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def api(client: FlaskClient) -> Api:
    return Api(client)


@pytest.fixture(scope="session")
def routes(app: Flask) -> set[tuple[str, str]]:
    """Every (method, path) the app answers, from its own URL map, in OpenAPI's spelling of
    a path (`/items/{item_id}`); /openapi.json is the document itself."""
    return {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "openapi"
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }


@pytest.fixture
def unique_name() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"
