"""GET /visits: counts visits in Redis (see counter.py)."""

from fastapi import APIRouter

from .dependencies import Counter

router = APIRouter(tags=["visits"])


# Plain `def`: redis-py blocks, so FastAPI runs this in its thread pool.
@router.get("/visits")
def visits(counter: Counter) -> dict[str, int]:
    return {"visits": counter.hit()}
