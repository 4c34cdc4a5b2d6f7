"""What request handlers get from the lifespan (see main.py), as FastAPI dependencies."""

from typing import Annotated, TypedDict

from fastapi import Depends, Request

from .counter import VisitCounter
from .store import ItemStore


class State(TypedDict):
    store: ItemStore
    counter: VisitCounter
    # MAX_BODY_BYTES, for errors.BodyLimit.
    max_body_bytes: int


def get_store(request: Request) -> ItemStore:
    return request.state.store


Store = Annotated[ItemStore, Depends(get_store)]


def get_counter(request: Request) -> VisitCounter:
    return request.state.counter


Counter = Annotated[VisitCounter, Depends(get_counter)]
