"""What clients get when things go wrong: every answer is JSON; a body over MAX_BODY_BYTES is a
413 before it is read whole; an error nobody expected is a 500."""

from collections.abc import Iterator

import pytest

from app import create_app
from app.errors import HEADERS_MAX_BYTES, URL_MAX_BYTES
from app.settings import Settings
from tests.api import Api

LIMIT = Settings.max_body_bytes


def test_a_body_over_the_limit_is_a_json_413(api: Api) -> None:
    answer = api.call("POST", "/items", body=b"x" * (LIMIT + 1))
    assert (answer.status, answer.content_type) == (413, "application/json")
    assert str(LIMIT) in answer.json["detail"]


def test_a_chunked_body_over_the_limit_is_a_json_413(api: Api) -> None:
    # No Content-Length: the limit holds on the bytes as they arrive.
    answer = api.call("POST", "/items", chunks=[b"x" * 65536] * (LIMIT // 65536 + 2))
    assert (answer.status, answer.content_type) == (413, "application/json")


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_within_the_limit_is_read_whole(api: Api, chunked: bool) -> None:
    # The largest body allowed: a name padded with JSON whitespace up to the limit.
    body = b'{"name": "within"}'
    body = body[:-1] + b" " * (LIMIT - len(body)) + b"}"
    sent = {"chunks": [body[:65536], body[65536:]]} if chunked else {"body": body}
    answer = api.call("POST", "/items", **sent)
    assert (answer.status, answer.json["name"]) == (201, "within")


def test_a_url_over_the_limit_is_a_json_414(api: Api) -> None:
    answer = api.get("/items?x=" + "a" * URL_MAX_BYTES)
    assert (answer.status, answer.content_type) == (414, "application/json")


def test_headers_over_the_limit_are_a_json_431(api: Api) -> None:
    answer = api.call("GET", "/health", headers={"x-padding": "a" * HEADERS_MAX_BYTES})
    assert (answer.status, answer.content_type) == (431, "application/json")


def test_a_url_and_headers_within_the_limits_are_answered(api: Api) -> None:
    padding = {"x-padding": "a" * (HEADERS_MAX_BYTES // 2)}
    answer = api.call("GET", "/items?x=" + "a" * (URL_MAX_BYTES // 2), headers=padding)
    assert answer.status == 200


@pytest.fixture
def failing_app(settings: Settings) -> Iterator[Api]:
    """The app, with a route that fails as code can (a bug): the answer is still JSON."""
    app = create_app(settings)

    def broken() -> None:
        raise RuntimeError("a bug")

    app.add_url_rule("/broken", view_func=broken)
    app.config["TESTING"] = False  # TESTING would let the error through to the test
    yield Api(app.test_client())


def test_an_unexpected_error_is_a_json_500(failing_app: Api) -> None:
    answer = failing_app.get("/broken")
    assert (answer.status, answer.content_type) == (500, "application/json")
    assert answer.json == {"detail": "Internal Server Error"}


def test_ready_is_ready_when_every_service_answers(api: Api) -> None:
    answer = api.get("/ready")
    assert (answer.status, answer.json) == (200, {"status": "ready"})
