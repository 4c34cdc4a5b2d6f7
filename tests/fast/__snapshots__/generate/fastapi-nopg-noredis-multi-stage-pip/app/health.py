"""Probes: /health (liveness, for Docker's HEALTHCHECK and load balancers) and /ready
(readiness: can the app reach the services it needs right now)."""

from fastapi import APIRouter

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    # No database or Redis call: a slow dependency must not get a healthy app restarted.
    return {"status": "ok"}


NOT_READY = {503: {"description": "A service did not answer: `failed` names it; try again after Retry-After"}}


@router.get("/ready", responses=NOT_READY)
async def ready() -> dict[str, str]:
    # Nothing to check: the items are in this process.
    return {"status": "ready"}
