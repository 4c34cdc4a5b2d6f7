"""Probes: /health (liveness, for Docker's HEALTHCHECK and load balancers) and /ready
(readiness: can the app reach the services it needs right now)."""

from flask import Blueprint

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> dict[str, str]:
    # No database or Redis call: a slow dependency must not get a healthy app restarted.
    return {"status": "ok"}


@bp.get("/ready")
def ready() -> dict[str, str]:
    # Nothing to check: the items are in this process.
    return {"status": "ready"}
