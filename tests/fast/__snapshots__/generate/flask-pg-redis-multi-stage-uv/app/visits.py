"""GET /visits: counts visits in Redis (see counter.py)."""

from flask import Blueprint, current_app

from .counter import VisitCounter

bp = Blueprint("visits", __name__)


@bp.get("/visits")
def visits() -> dict[str, int]:
    counter: VisitCounter = current_app.extensions["visit_counter"]
    return {"visits": counter.hit()}
