"""Shared fixtures.

The app needs no outside server, so every test runs with a bare `pytest`.
"""

import re
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.settings import Settings
from tests.api import Api


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


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
