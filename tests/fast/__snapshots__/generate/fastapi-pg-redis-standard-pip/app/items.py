"""The /items API: create, list a page, get, replace (PUT), update (PATCH) and delete.

Every answer is JSON: an item, a page of items, or `{"detail": ...}` saying what went wrong (a
message, or for a 422 the list of problems, each with where, what and why).
"""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from .dependencies import Store
from .limits import (
    DESCRIPTION_MAX_LENGTH,
    NAME_MAX_LENGTH,
    OFFSET_MAX,
    PAGE_DEFAULT,
    PAGE_MAX,
    text_problem,
)
from .store import Item

router = APIRouter(prefix="/items", tags=["items"])


def _storable(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    return value


# Text a store can keep (see limits.py); anything else is a 422.
Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX_LENGTH), AfterValidator(_storable)]
Description = Annotated[str, Field(max_length=DESCRIPTION_MAX_LENGTH), AfterValidator(_storable)]


class ItemIn(BaseModel):
    """A new item, or all of an item (PUT): a description left out is none."""

    # A field the API does not know is refused, not ignored: a misspelt one would be lost.
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: Description | None = None


class ItemPatch(BaseModel):
    """Part of an item (PATCH): the fields given change, the others stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    description: Description | None = None

    @field_validator("name")
    @classmethod
    def _name_stays(cls, value: str | None) -> str:
        # Only given values are validated: null is refused, leaving `name` out is not.
        if value is None:
            raise ValueError("an item keeps its name: give a new one, or leave it out")
        return value


class ItemOut(BaseModel):
    id: int
    name: str
    description: str | None


class ItemPage(BaseModel):
    """`limit` items from `offset` on, in id order, and how many items there are in all."""

    items: list[ItemOut]
    total: int
    limit: int
    offset: int


class Message(BaseModel):
    detail: str


NOT_FOUND = {status.HTTP_404_NOT_FOUND: {"model": Message, "description": "No item has this id"}}

Limit = Annotated[int, Query(ge=1, le=PAGE_MAX, description="Items in the page")]
Offset = Annotated[int, Query(ge=0, le=OFFSET_MAX, description="Items to skip, in id order")]


def _found(item: Item | None) -> ItemOut:
    # Any integer is a valid id: one that no item can have (0, negative, beyond the store's
    # ids) is simply not found.
    if item is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Item not found")
    return ItemOut(**item.to_dict())


# Plain `def` handlers: the store blocks on I/O, so FastAPI runs them in its thread pool.
@router.get("")
def list_items(store: Store, limit: Limit = PAGE_DEFAULT, offset: Offset = 0) -> ItemPage:
    page = store.page(limit, offset)
    items = [ItemOut(**item.to_dict()) for item in page.items]
    return ItemPage(items=items, total=page.total, limit=limit, offset=offset)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_item(body: ItemIn, store: Store) -> ItemOut:
    return ItemOut(**store.add(body.name, body.description).to_dict())


@router.get("/{item_id}", responses=NOT_FOUND)
def get_item(item_id: int, store: Store) -> ItemOut:
    return _found(store.get(item_id))


@router.put("/{item_id}", responses=NOT_FOUND)
def replace_item(item_id: int, body: ItemIn, store: Store) -> ItemOut:
    return _found(store.update(item_id, {"name": body.name, "description": body.description}))


@router.patch("/{item_id}", responses=NOT_FOUND)
def update_item(item_id: int, body: ItemPatch, store: Store) -> ItemOut:
    return _found(store.update(item_id, body.model_dump(exclude_unset=True)))


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND)
def delete_item(item_id: int, store: Store) -> Response:
    if not store.delete(item_id):
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Item not found")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
