"""GET /openapi.json describes the API as it is (app/openapi.py, written by hand): every
route is in it and nothing else is, and every answer the app gives matches what it says of
that route and status: the status is listed, and the body has the schema listed for it.
"""

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.api import Answer, Api

# One request per route and documented answer: (method, route, path to call, JSON body, status).
# The path's item ids are filled in from an item the test creates ({id}), one no item has
# ({missing}) and one that is no id at all.
REQUESTS = [
    ("GET", "/health", "/health", None, 200),
    ("GET", "/ready", "/ready", None, 200),
    ("GET", "/items", "/items", None, 200),
    ("GET", "/items", "/items?limit=0", None, 422),
    ("POST", "/items", "/items", {"name": "described"}, 201),
    ("POST", "/items", "/items", {}, 422),
    ("GET", "/items/{item_id}", "/items/{id}", None, 200),
    ("GET", "/items/{item_id}", "/items/{missing}", None, 404),
    ("GET", "/items/{item_id}", "/items/x", None, 422),
    ("PUT", "/items/{item_id}", "/items/{id}", {"name": "replaced"}, 200),
    ("PUT", "/items/{item_id}", "/items/{missing}", {"name": "replaced"}, 404),
    ("PUT", "/items/{item_id}", "/items/{id}", {"description": "no name"}, 422),
    ("PATCH", "/items/{item_id}", "/items/{id}", {"description": "patched"}, 200),
    ("PATCH", "/items/{item_id}", "/items/{missing}", {}, 404),
    ("PATCH", "/items/{item_id}", "/items/{id}", {"name": None}, 422),
    ("DELETE", "/items/{item_id}", "/items/{missing}", None, 404),
    ("DELETE", "/items/{item_id}", "/items/x", None, 422),
    ("DELETE", "/items/{item_id}", "/items/{id}", None, 204),
    ("GET", "/visits", "/visits", None, 200),
]

# Answers the shared client cannot give, tried by tests of their own.
TRIED_ELSEWHERE = [
    ("GET", "/ready", 503),  # test_outages.py: a service that does not answer
]


@pytest.fixture
def document(api: Api) -> dict[str, Any]:
    # Through the route clients use, not from the code that writes it.
    answer = api.get("/openapi.json")
    assert answer.status == 200
    return answer.json


def operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item}


def test_it_describes_every_route_and_no_other(document: dict[str, Any], routes: set[tuple[str, str]]) -> None:
    assert operations(document) == routes


def test_the_requests_below_try_every_answer_it_lists(document: dict[str, Any]) -> None:
    listed = {
        (method.upper(), path, int(status))
        for path, item in document["paths"].items()
        for method, operation in item.items()
        for status in operation["responses"]
    }
    tried = {(method, route, status) for method, route, _, _, status in REQUESTS}
    assert tried | set(TRIED_ELSEWHERE) == listed


@pytest.mark.parametrize(
    ("method", "route", "path", "body", "status"),
    [pytest.param(*request, id=f"{request[0]} {request[2]} {request[4]}") for request in REQUESTS],
)
def test_each_answer_is_as_described(
    api: Api, document: dict[str, Any], method: str, route: str, path: str, body: Any, status: int
) -> None:
    created = api.post("/items", {"name": "for the document"}).json
    answer = api.call(method, path.format(id=created["id"], missing=2**31 - 1), json=body)
    assert answer.status == status, answer
    check(document, method, route, answer)


def check(document: dict[str, Any], method: str, route: str, answer: Answer) -> None:
    """The answer's status is listed for the route, and its body has the listed schema."""
    responses = document["paths"][route][method.lower()]["responses"]
    assert str(answer.status) in responses, f"{method} {route}: {answer.status} is not described"
    content = responses[str(answer.status)].get("content")
    if content is None:
        assert answer.json is None, f"{method} {route}: a body, where none is described"
        return
    # The schema is validated where it stands in the document, so its $refs resolve there.
    operation = ["#", "paths", route.replace("~", "~0").replace("/", "~1"), method.lower()]
    pointer = "/".join([*operation, "responses", str(answer.status), "content", "application~1json", "schema"])
    assert "application/json" in content
    registry = Registry().with_resource("urn:openapi", Resource(contents=document, specification=DRAFT202012))
    validator = Draft202012Validator({"$ref": f"urn:openapi{pointer}"}, registry=registry)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(answer.json)]
    assert errors == [], f"{method} {route} {answer.status}: {answer.json}"
