"""Probes: /health (liveness, for Docker's HEALTHCHECK and load balancers) and /ready
(readiness: can the app reach the services it needs right now)."""

from fastapi import APIRouter

from .dependencies import Store
from .errors import UNAVAILABLE, Unavailable

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    # No database or Redis call: a slow dependency must not get a healthy app restarted.
    return {"status": "ok"}


NOT_READY = {503: {"description": "A service did not answer: `failed` names it; try again after Retry-After"}}


# Plain `def`: the checks block, so FastAPI runs this in its thread pool. Each check is bounded
# by the service's timeouts (settings.py), so the answer comes within a few seconds.
@router.get("/ready", responses=NOT_READY)
def ready(store: Store) -> dict[str, str]:
    checks = {"database": store.ping}
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
