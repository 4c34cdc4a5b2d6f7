"""Shared fixtures.

The app needs no outside server, so every test runs with a bare `pytest`.
"""

import uuid
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from app import health, items
from app.main import create_app
from app.settings import Settings
from tests.api import Api


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


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
    routers = [health.router, items.router]
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
