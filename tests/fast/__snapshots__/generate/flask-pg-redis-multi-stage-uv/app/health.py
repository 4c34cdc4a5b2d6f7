"""Probes: /health (liveness, for Docker's HEALTHCHECK and load balancers) and /ready
(readiness: can the app reach the services it needs right now)."""

from flask import Blueprint, current_app

from .errors import UNAVAILABLE, Unavailable

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> dict[str, str]:
    # No database or Redis call: a slow dependency must not get a healthy app restarted.
    return {"status": "ok"}


@bp.get("/ready")
def ready() -> dict[str, str]:
    # Each check is bounded by the service's timeouts (settings.py), so the answer comes
    # within a few seconds; a service that did not answer makes it a 503 naming it.
    checks = {
        "database": current_app.extensions["item_store"].ping,
        "redis": current_app.extensions["visit_counter"].ping,
    }
    expected = tuple(error for errors, _ in UNAVAILABLE for error in errors)
    failed = []
    for name, check in checks.items():
        try:
            check()
        except expected:
            failed.append(name)
    if failed:
        raise Unavailable(failed)
    return {"status": "ready"}
