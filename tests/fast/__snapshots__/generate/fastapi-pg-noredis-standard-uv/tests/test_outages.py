"""What clients get when things go wrong: every answer is JSON; a body over MAX_BODY_BYTES is a
413 before it is read whole; an error nobody expected is a 500; a database that
does not answer is a 503 with Retry-After within about 3 s, and the app recovers by itself
when it is back. The outages are played by a TCP proxy between the app and the real server,
which the tests cut."""

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.errors import HEADERS_MAX_BYTES, URL_MAX_BYTES
from app.main import create_app
from app.settings import Settings
from tests.api import Answer, Api

LIMIT = Settings.model_fields["max_body_bytes"].default


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

    app.add_api_route("/broken", broken)
    # raise_server_exceptions=False: answer as the server does, instead of raising in the test.
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(client)


def test_an_unexpected_error_is_a_json_500(failing_app: Api) -> None:
    answer = failing_app.get("/broken")
    assert (answer.status, answer.content_type) == (500, "application/json")
    assert answer.json == {"detail": "Internal Server Error"}


def test_ready_is_ready_when_every_service_answers(api: Api) -> None:
    answer = api.get("/ready")
    assert (answer.status, answer.json) == (200, {"status": "ready"})


class Proxy:
    """A TCP proxy in front of a real server. cut() plays an outage: its connections drop and
    new ones are refused ("refuse", a server that stopped) or accepted and never answered
    ("silent", a host that is gone); restore() ends it."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if not parts.hostname or not parts.port:
            pytest.skip(f"the outage tests need a server at a host:port, not {url}")
        self._target = (parts.hostname, parts.port)
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._serve(self._listener, forward=True)

    def url(self, url: str) -> str:
        """`url`, pointing at the proxy."""
        return url.replace(f"{self._target[0]}:{self._target[1]}", f"127.0.0.1:{self.port}")

    def _serve(self, listener: socket.socket, *, forward: bool) -> None:
        threading.Thread(target=self._accept, args=(listener, forward), daemon=True).start()

    def _accept(self, listener: socket.socket, forward: bool) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                self._connections.append(client)
            if forward:
                upstream = socket.create_connection(self._target)
                with self._lock:
                    self._connections.append(upstream)
                for source, sink in ((client, upstream), (upstream, client)):
                    threading.Thread(target=_pipe, args=(source, sink), daemon=True).start()

    def cut(self, mode: str) -> None:
        _close(self._listener)
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            _close(connection)
        if mode == "silent":
            self._listener = socket.create_server(("127.0.0.1", self.port))
            self._serve(self._listener, forward=False)

    def restore(self) -> None:
        self.cut("refuse")
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._serve(self._listener, forward=True)


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    _close(source)
    _close(sink)


def _close(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
    connection.close()


# What each service serves, and the route that needs it.
SERVICES = {"database": ("database_url", "/items")}


@pytest.fixture(params=sorted(SERVICES))
def outage(request: pytest.FixtureRequest, settings: Settings) -> Iterator[tuple[str, str, Proxy, Api]]:
    """(service, route, its proxy, the app reaching that service through the proxy)."""
    service = request.param
    field, route = SERVICES[service]
    proxy = Proxy(getattr(settings, field))
    app: FastAPI = create_app(settings.model_copy(update={field: proxy.url(getattr(settings, field))}))
    with TestClient(app) as client:
        yield service, route, proxy, Api(client)
    proxy.restore()


def timed(api: Api, path: str) -> tuple[float, Answer]:
    start = time.monotonic()
    answer = api.get(path)
    return time.monotonic() - start, answer


@pytest.mark.parametrize("mode", ["refuse", "silent"])
def test_a_service_that_does_not_answer_is_a_quick_json_503_and_the_app_recovers(
    outage: tuple[str, str, Proxy, Api], mode: str
) -> None:
    service, route, proxy, api = outage
    assert api.get(route).status == 200
    proxy.cut(mode)
    for path in (route, route, "/ready"):
        seconds, answer = timed(api, path)
        assert (answer.status, answer.content_type) == (503, "application/json"), answer
        assert answer.json["failed"] == [service]
        assert answer.headers["retry-after"].isdigit()
        assert seconds < 3.5, f"{path} took {seconds:.1f} s"
    assert api.get("/health").status == 200
    proxy.restore()
    # Back by itself: no restart, the next requests reconnect.
    assert api.get(route).status == 200
    assert api.get("/ready").json == {"status": "ready"}
