"""The /items API: create, list a page, get, replace (PUT), update (PATCH) and delete.

Every answer is JSON: an item, a page of items, or `{"detail": ...}` saying what went wrong (a
message, or for a 422 the list of problems, each with where, what and why), shaped like
FastAPI's so that clients of either framework read the same errors. app/openapi.py describes
these routes; the tests hold each answer to that description.
"""

import re
from typing import Any

from flask import Blueprint, Response, current_app, request

from .limits import (
    DESCRIPTION_MAX_LENGTH,
    NAME_MAX_LENGTH,
    OFFSET_MAX,
    PAGE_DEFAULT,
    PAGE_MAX,
    text_problem,
)
from .store import Item, ItemChanges, ItemStore

bp = Blueprint("items", __name__)

# An item id in a URL, as FastAPI takes one: an integer in ASCII digits; anything else is a
# 422. One of more than 20 digits is beyond every id (and int() of thousands is slow): a 404.
_ITEM_ID = re.compile(r"-?[0-9]+")
_ID_DIGITS_MAX = 20
# A page parameter: ASCII digits only (Python's int() would also take "+1", " 1", "1_0" and
# other scripts' digits), few enough to be read fast; more are out of range anyway.
_QUERY_INT = re.compile(r"[0-9]{1,20}")
_NOT_AN_INTEGER = "Input should be a valid integer, unable to parse string as an integer"
_FIELDS = ("name", "description")

NOT_FOUND = {"detail": "Item not found"}


def _store() -> ItemStore:
    return current_app.extensions["item_store"]


@bp.get("/items")
def list_items() -> tuple[dict[str, Any], int]:
    limit, limit_errors = _query_int("limit", PAGE_DEFAULT, low=1, high=PAGE_MAX)
    offset, offset_errors = _query_int("offset", 0, low=0, high=OFFSET_MAX)
    errors = limit_errors + offset_errors
    if errors:
        return {"detail": errors}, 422
    page = _store().page(limit, offset)
    items = [item.to_dict() for item in page.items]
    return {"items": items, "total": page.total, "limit": limit, "offset": offset}, 200


@bp.post("/items")
def create_item() -> tuple[dict[str, Any], int]:
    payload = _json_body()
    errors = _validate(payload, partial=False)
    if errors:
        return {"detail": errors}, 422
    item = _store().add(payload["name"], payload.get("description"))
    return item.to_dict(), 201


@bp.get("/items/<item_id>")
def get_item(item_id: str) -> tuple[dict[str, Any], int]:
    number, errors = _path_id(item_id)
    if errors:
        return {"detail": errors}, 422
    return _found(_store().get(number) if number is not None else None)


@bp.put("/items/<item_id>")
def replace_item(item_id: str) -> tuple[dict[str, Any], int]:
    number, errors = _path_id(item_id)
    payload = _json_body()
    errors += _validate(payload, partial=False)
    if errors:
        return {"detail": errors}, 422
    changes: ItemChanges = {"name": payload["name"], "description": payload.get("description")}
    return _found(_store().update(number, changes) if number is not None else None)


@bp.patch("/items/<item_id>")
def update_item(item_id: str) -> tuple[dict[str, Any], int]:
    number, errors = _path_id(item_id)
    payload = _json_body()
    errors += _validate(payload, partial=True)
    if errors:
        return {"detail": errors}, 422
    changes: ItemChanges = {}
    if "name" in payload:
        changes["name"] = payload["name"]
    if "description" in payload:
        changes["description"] = payload["description"]
    return _found(_store().update(number, changes) if number is not None else None)


@bp.delete("/items/<item_id>")
def delete_item(item_id: str) -> Response | tuple[dict[str, Any], int]:
    number, errors = _path_id(item_id)
    if errors:
        return {"detail": errors}, 422
    if number is not None and _store().delete(number):
        return Response(status=204)
    return NOT_FOUND, 404


def _path_id(segment: str) -> tuple[int | None, list[dict[str, Any]]]:
    """The item id in the URL, or the error that makes it a 422. None: no item can have it."""
    if not _ITEM_ID.fullmatch(segment):
        return None, [_error(["path", "item_id"], _NOT_AN_INTEGER, "int_parsing")]
    if len(segment.lstrip("-")) > _ID_DIGITS_MAX:
        return None, []
    return int(segment), []


def _found(item: Item | None) -> tuple[dict[str, Any], int]:
    return (item.to_dict(), 200) if item is not None else (NOT_FOUND, 404)


def _query_int(name: str, default: int, *, low: int, high: int) -> tuple[int, list[dict[str, Any]]]:
    """A page parameter of the query string, or the errors that make it a 422."""
    text = request.args.get(name)
    if text is None:
        return default, []
    loc = ["query", name]
    if not _QUERY_INT.fullmatch(text):
        return default, [_error(loc, _NOT_AN_INTEGER, "int_parsing")]
    value = int(text)
    if value < low:
        return default, [_error(loc, f"Input should be greater than or equal to {low}", "greater_than_equal")]
    if value > high:
        return default, [_error(loc, f"Input should be less than or equal to {high}", "less_than_equal")]
    return value, []


def _json_body() -> Any:
    """The body as JSON, or None when it is not JSON: then it is a 422, never a 500."""
    try:
        # silent: invalid JSON, UTF-8 or content type gives None.
        return request.get_json(silent=True)
    except RecursionError:
        # Nested deeper than Python's JSON parser goes; silent does not cover it.
        return None


def _validate(payload: Any, *, partial: bool) -> list[dict[str, Any]]:
    """Errors in the body. `partial` (PATCH): every field may be left out, but a name given
    must still be a name."""
    if not isinstance(payload, dict):
        return [_error(["body"], "Input should be a JSON object", "dict_type")]
    unknown = [
        _error(["body", key], "Extra inputs are not permitted", "extra_forbidden")
        for key in payload
        if key not in _FIELDS
    ]
    return [
        *_text_errors(payload, "name", required=not partial, nullable=False, max_length=NAME_MAX_LENGTH),
        *_text_errors(payload, "description", required=False, nullable=True, max_length=DESCRIPTION_MAX_LENGTH),
        *unknown,
    ]


def _text_errors(
    payload: dict[str, Any], field: str, *, required: bool, nullable: bool, max_length: int
) -> list[dict[str, Any]]:
    """Errors of one text field: present if required, null only if nullable, a string of at
    most max_length characters (a name at least one), which a store can keep (limits.py)."""
    loc = ["body", field]
    if field not in payload:
        return [_error(loc, "Field required", "missing")] if required else []
    value = payload[field]
    if value is None and nullable:
        return []
    if not isinstance(value, str):
        return [_error(loc, "Input should be a valid string", "string_type")]
    min_length = 0 if nullable else 1
    if not min_length <= len(value) <= max_length:
        message = f"String should have {min_length} to {max_length} characters"
        return [_error(loc, message, "string_length")]
    problem = text_problem(value)
    if problem:
        return [_error(loc, f"Value error, {problem}", "value_error")]
    return []


def _error(loc: list[str], msg: str, type_: str) -> dict[str, Any]:
    return {"loc": loc, "msg": msg, "type": type_}
