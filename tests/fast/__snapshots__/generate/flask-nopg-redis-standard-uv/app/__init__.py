"""Flask Nopg Redis Standard Uv: the Flask application factory.

gunicorn starts it as `app:create_app()` (see gunicorn.conf.py); tests pass their own Settings.
"""

from typing import Any

from flask import Flask

from . import errors, health, items, visits
from .counter import VisitCounter
from .openapi import DOCUMENT
from .settings import Settings
from .store import ItemStore


def create_app(settings: Settings | None = None) -> Flask:
    # Settings.from_env() raises at start-up, with the variable's name, when one is missing.
    settings = settings or Settings.from_env()
    # An API: no static files, so no /static route either.
    app = Flask(__name__, static_folder=None)
    app.extensions["item_store"] = ItemStore()
    app.extensions["visit_counter"] = VisitCounter(
        settings.redis_url, key_prefix=settings.redis_key_prefix, timeout=settings.redis_timeout
    )

    errors.install(app, max_body_bytes=settings.max_body_bytes)
    app.register_blueprint(health.bp)
    app.register_blueprint(items.bp)
    app.register_blueprint(visits.bp)

    @app.get("/openapi.json")
    def openapi() -> dict[str, Any]:
        # Written by hand in openapi.py; the tests check it against the routes.
        return DOCUMENT

    return app
