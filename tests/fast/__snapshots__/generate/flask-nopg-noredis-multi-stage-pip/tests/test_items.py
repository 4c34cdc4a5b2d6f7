"""The /items API: each route, and each
way a request can be wrong.

Whatever a client sends gets a JSON answer: 2xx, or a 4xx whose body is `{"detail": ...}`,
never a 500.
"""

import json
from typing import Any

import pytest

from app.limits import (
    DESCRIPTION_MAX_LENGTH,
    ID_MAX,
    NAME_MAX_LENGTH,
    OFFSET_MAX,
    PAGE_DEFAULT,
    PAGE_MAX,
)
from tests.api import Answer, Api

# Every route that names an item, and a body each accepts.
ITEM_ROUTES = [
    pytest.param("GET", None, id="GET"),
    pytest.param("PUT", {"name": "replaced"}, id="PUT"),
    pytest.param("PATCH", {"name": "renamed"}, id="PATCH"),
    pytest.param("DELETE", None, id="DELETE"),
]
# The routes that take an item in the body.
BODY_ROUTES = ["POST", "PUT", "PATCH"]


def error(answer: Answer, status: int) -> Any:
    """The `detail` of an error answer, after checking it is one: JSON, with that status."""
    assert answer.status == status, answer
    assert answer.content_type.startswith("application/json"), answer
    assert set(answer.json) == {"detail"}, answer
    assert answer.json["detail"], answer
    return answer.json["detail"]


def locations(answer: Answer) -> list[list[Any]]:
    """Where each problem of a 422 is: `["body", "name"]`, `["query", "limit"]`..."""
    return [problem["loc"] for problem in error(answer, 422)]


def create(api: Api, name: str, description: str | None = None) -> dict[str, Any]:
    answer = api.post("/items", {"name": name, "description": description})
    assert answer.status == 201, answer
    return answer.json


def body_route(api: Api, method: str) -> str:
    """Where `method` sends an item: POST creates, PUT and PATCH change an existing one."""
    return "/items" if method == "POST" else f"/items/{create(api, 'to change')['id']}"


# Create, read, list


def test_create_then_get(api: Api, unique_name: str) -> None:
    answer = api.post("/items", {"name": unique_name, "description": "made by a test"})
    assert answer.status == 201
    created = answer.json
    assert created == {"id": created["id"], "name": unique_name, "description": "made by a test"}
    assert api.get(f"/items/{created['id']}").json == created


def test_description_is_optional(api: Api, unique_name: str) -> None:
    answer = api.post("/items", {"name": unique_name})
    assert answer.status == 201
    assert answer.json["description"] is None


def test_any_unicode_text_round_trips(api: Api) -> None:
    name = "café ☕ 東京 𝄞 \u200d"
    description = "x" * (DESCRIPTION_MAX_LENGTH - 1) + "é"
    created = create(api, name, description)
    got = api.get(f"/items/{created['id']}").json
    assert (got["name"], got["description"]) == (name, description)


def test_the_longest_texts_are_kept(api: Api) -> None:
    created = create(api, "n" * NAME_MAX_LENGTH, "d" * DESCRIPTION_MAX_LENGTH)
    assert api.get(f"/items/{created['id']}").json == created


def test_pages_cover_every_item_once_in_id_order_with_the_total(api: Api) -> None:
    made = [create(api, f"page item {n}") for n in range(3)]
    total = api.get("/items").json["total"]
    listed: list[dict[str, Any]] = []
    for offset in range(0, total, 2):
        page = api.get(f"/items?limit=2&offset={offset}")
        assert page.status == 200
        assert page.json["total"] == total
        assert (page.json["limit"], page.json["offset"]) == (2, offset)
        assert len(page.json["items"]) == min(2, total - offset)
        listed += page.json["items"]
    ids = [item["id"] for item in listed]
    assert ids == sorted(set(ids))
    assert listed[-3:] == made


def test_the_first_page_is_the_default(api: Api) -> None:
    answer = api.get("/items")
    assert answer.status == 200
    assert (answer.json["limit"], answer.json["offset"]) == (PAGE_DEFAULT, 0)
    assert len(answer.json["items"]) == min(PAGE_DEFAULT, answer.json["total"])


@pytest.mark.parametrize("limit", [1, PAGE_MAX])
def test_a_page_has_at_most_limit_items(api: Api, limit: int) -> None:
    create(api, "one of a page")
    answer = api.get(f"/items?limit={limit}")
    assert answer.status == 200
    assert 1 <= len(answer.json["items"]) <= limit


def test_an_offset_past_the_last_item_is_an_empty_page(api: Api) -> None:
    # The largest offset: the database is asked for it, and answers with nothing.
    create(api, "before the end")
    answer = api.get(f"/items?offset={OFFSET_MAX}")
    assert answer.status == 200
    assert answer.json["items"] == []
    assert answer.json["total"] >= 1


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("limit=0", "limit"),
        ("limit=-1", "limit"),
        (f"limit={PAGE_MAX + 1}", "limit"),
        ("limit=" + "9" * 30, "limit"),
        ("limit=abc", "limit"),
        ("limit=1.5", "limit"),
        ("limit=", "limit"),
        ("offset=-1", "offset"),
        (f"offset={OFFSET_MAX + 1}", "offset"),
        ("offset=" + "9" * 5000, "offset"),
        ("offset=%ff", "offset"),
    ],
)
def test_a_page_out_of_bounds_is_422(api: Api, query: str, name: str) -> None:
    # Beyond PostgreSQL's bigint too: a 422 saying which parameter, not "out of range".
    assert locations(api.get(f"/items?{query}")) == [["query", name]]


# Change and delete


def test_put_replaces_every_field(api: Api) -> None:
    created = create(api, "before", "a description")
    answer = api.put(f"/items/{created['id']}", {"name": "after"})
    # A description left out of a PUT is removed: PUT sends the whole item.
    expected = {"id": created["id"], "name": "after", "description": None}
    assert (answer.status, answer.json) == (200, expected)
    assert api.get(f"/items/{created['id']}").json == expected


def test_patch_changes_only_the_fields_given(api: Api) -> None:
    created = create(api, "kept", "before")
    path = f"/items/{created['id']}"
    assert api.patch(path, {"description": "after"}).json == {**created, "description": "after"}
    renamed = {**created, "name": "renamed", "description": "after"}
    assert api.patch(path, {"name": "renamed"}).json == renamed
    assert api.patch(path, {"description": None}).json == {**renamed, "description": None}
    unchanged = api.patch(path, {})
    assert (unchanged.status, unchanged.json) == (200, api.get(path).json)


def test_patch_cannot_remove_the_name(api: Api) -> None:
    created = create(api, "named")
    assert locations(api.patch(f"/items/{created['id']}", {"name": None})) == [["body", "name"]]
    assert api.get(f"/items/{created['id']}").json == created


def test_delete_removes_the_item(api: Api) -> None:
    created = create(api, "doomed")
    answer = api.delete(f"/items/{created['id']}")
    assert (answer.status, answer.json) == (204, None)
    error(api.get(f"/items/{created['id']}"), 404)
    error(api.delete(f"/items/{created['id']}"), 404)


# Ids


@pytest.mark.parametrize(("method", "body"), ITEM_ROUTES)
def test_a_missing_item_is_404(api: Api, method: str, body: Any) -> None:
    answer = api.call(method, f"/items/{ID_MAX}", json=body)
    assert error(answer, 404) == "Item not found"


@pytest.mark.parametrize("item_id", ["0", "-1", str(ID_MAX + 1), "3000000000", "-3000000000", "9" * 30])
@pytest.mark.parametrize(("method", "body"), ITEM_ROUTES)
def test_an_id_no_item_can_have_is_404(api: Api, method: str, body: Any, item_id: str) -> None:
    # Beyond PostgreSQL's integer column too: not found, not "integer out of range".
    answer = api.call(method, f"/items/{item_id}", json=body)
    assert error(answer, 404) == "Item not found"


@pytest.mark.parametrize("segment", ["abc", "1.5", "%ff", "1" * 5000])
@pytest.mark.parametrize(("method", "body"), ITEM_ROUTES)
def test_a_path_that_is_no_id_is_a_json_4xx(api: Api, method: str, body: Any, segment: str) -> None:
    answer = api.call(method, f"/items/{segment}", json=body)
    assert 400 <= answer.status < 500
    error(answer, answer.status)


def test_a_method_a_route_does_not_have_is_a_json_405(api: Api) -> None:
    error(api.delete("/items"), 405)
    error(api.post("/items/1", {"name": "x"}), 405)


# Bodies


@pytest.mark.parametrize("method", BODY_ROUTES)
@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": "x" * (NAME_MAX_LENGTH + 1)},
        {"name": "ok", "description": "x" * (DESCRIPTION_MAX_LENGTH + 1)},
        {"name": 42},
        {"name": "ok", "description": 7},
        ["not", "an", "object"],
    ],
)
def test_invalid_body_is_422(api: Api, method: str, body: object) -> None:
    error(api.call(method, body_route(api, method), json=body), 422)


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_a_body_without_a_name_is_422(api: Api, method: str) -> None:
    assert locations(api.call(method, body_route(api, method), json={})) == [["body", "name"]]


@pytest.mark.parametrize("method", BODY_ROUTES)
def test_a_field_the_api_does_not_know_is_422(api: Api, method: str) -> None:
    # Refused rather than ignored: a misspelt field would otherwise be lost without a word.
    answer = api.call(method, body_route(api, method), json={"name": "ok", "nmae": "typo"})
    assert locations(answer) == [["body", "nmae"]]


@pytest.mark.parametrize("method", BODY_ROUTES)
@pytest.mark.parametrize(
    ("text", "field"),
    [
        pytest.param('{"name": "a\\u0000b"}', "name", id="NUL in name"),
        pytest.param('{"name": "ok", "description": "\\u0000"}', "description", id="NUL in description"),
        pytest.param('{"name": "\\ud800"}', "name", id="lone surrogate in name"),
        pytest.param('{"name": "ok", "description": "x\\udfff"}', "description", id="lone surrogate in description"),
    ],
)
def test_text_no_store_can_keep_is_422(api: Api, method: str, text: str, field: str) -> None:
    # PostgreSQL refuses NUL characters and text that has no UTF-8 form.
    answer = api.call(method, body_route(api, method), body=text.encode())
    assert locations(answer) == [["body", field]]


@pytest.mark.parametrize("method", BODY_ROUTES)
@pytest.mark.parametrize(
    "text",
    [
        # json.dumps writes these tokens, which are not JSON.
        pytest.param(json.dumps({"name": float("nan")}).encode(), id="not a number"),
        pytest.param(json.dumps({"name": "ok", "description": float("-inf")}).encode(), id="infinity"),
        pytest.param(b'{"name": 1e999}', id="number beyond float"),
        pytest.param(b'{"name": ' + b"9" * 5000 + b"}", id="5000-digit number"),
        pytest.param(b'{"name": "\xff\xfe"}', id="invalid UTF-8"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="nested too deep"),
        pytest.param(b'{"name": "unterminated', id="truncated"),
    ],
)
def test_body_that_is_not_valid_json_is_a_json_4xx(api: Api, method: str, text: bytes) -> None:
    answer = api.call(method, body_route(api, method), body=text)
    assert 400 <= answer.status < 500
    error(answer, answer.status)


@pytest.mark.parametrize("method", BODY_ROUTES)
def test_body_that_is_not_json_is_422(api: Api, method: str) -> None:
    form = b"name=x"
    answer = api.call(method, body_route(api, method), body=form, content_type="application/x-www-form-urlencoded")
    error(answer, 422)
