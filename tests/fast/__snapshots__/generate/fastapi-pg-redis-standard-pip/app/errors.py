"""Every answer is JSON, errors included: a service that cannot answer now is a 503 with
Retry-After, a body over MAX_BODY_BYTES a 413 (before it is read whole), and an error nobody
expected a 500 (its traceback goes to the server's log, not to the client).

A URL over URL_MAX_BYTES is a JSON 414 and headers over HEADERS_MAX_BYTES a JSON 431. uvicorn
answers some requests itself, before the app sees them (invalid HTTP, a URL far over the limit):
those answers are uvicorn's plain text.
"""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import counter, store

# The longest URL (path and query string) and the most header bytes a request may have.
URL_MAX_BYTES = 8000
HEADERS_MAX_BYTES = 16384

# Seconds a client is asked to wait before it tries again after a 503.
RETRY_AFTER_SECONDS = 2

# Each service's errors that mean "cannot answer now" (see store.py, counter.py), and its name.
UNAVAILABLE: list[tuple[tuple[type[Exception], ...], str]] = [
    (store.UNAVAILABLE, "database"),
    (counter.UNAVAILABLE, "redis"),
]


class Unavailable(Exception):
    """Services that cannot answer now, by name (GET /ready raises it): a 503."""

    def __init__(self, failed: list[str]) -> None:
        super().__init__(", ".join(failed))
        self.failed = failed


def unavailable(failed: list[str]) -> JSONResponse:
    """The 503 for services that cannot answer now, naming them."""
    detail = f"Service unavailable: {', '.join(failed)} did not answer; try again shortly"
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return JSONResponse(status_code=503, content={"detail": detail, "failed": failed}, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(Unavailable)
    async def not_ready(_: Request, error: Unavailable) -> JSONResponse:
        return unavailable(error.failed)

    for errors, name in UNAVAILABLE:

        async def service_unavailable(_: Request, __: Exception, name: str = name) -> JSONResponse:
            return unavailable([name])

        for error in errors:
            app.add_exception_handler(error, service_unavailable)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, __: Exception) -> JSONResponse:
        # Starlette sends this answer, then re-raises the error so that uvicorn logs it.
        return JSONResponse(status_code=500, content={"detail": "Internal Server Error"})

    app.add_middleware(RequestLimits)


class _BodyTooLarge(Exception):
    """Raised into the app when a body passes the limit while it is read."""


class RequestLimits:
    """Refuses a URL or headers over their limits (414, 431), and a request body over
    MAX_BODY_BYTES with a JSON 413 without reading it whole: at once when its Content-Length is
    larger, and for a body without one (chunked) as soon as the bytes received pass the limit.
    The app's answer to the cut body is dropped."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope.get("raw_path") or b"") + len(scope["query_string"]) > URL_MAX_BYTES:
            await _refuse(scope, send, 414, f"URL too long: at most {URL_MAX_BYTES} bytes")
            return
        if sum(len(name) + len(value) for name, value in scope["headers"]) > HEADERS_MAX_BYTES:
            await _refuse(scope, send, 431, f"Request headers too large: at most {HEADERS_MAX_BYTES} bytes")
            return
        # The lifespan's state (main.py), which the server copies into every request's scope.
        max_bytes: int = scope["state"]["max_body_bytes"]
        too_large = f"Request body too large: at most {max_bytes} bytes"
        if _content_length(scope) > max_bytes:
            await _refuse(scope, send, 413, too_large)
            return
        received = 0
        refused = started = False

        async def counted() -> Message:
            nonlocal received, refused
            message = await receive()
            received += len(message.get("body", b""))
            if received > max_bytes:
                refused = True
                raise _BodyTooLarge
            return message

        async def unless_refused(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, unless_refused)
        except Exception:
            if not refused:
                raise
        if refused and not started:
            await _refuse(scope, send, 413, too_large)


async def _refuse(scope: Scope, send: Send, status: int, detail: str) -> None:
    # Connection: close, so the server does not read the rest of the body to reuse the connection.
    response = JSONResponse(status_code=status, content={"detail": detail}, headers={"Connection": "close"})
    await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


def _content_length(scope: Scope) -> int:
    """The request's Content-Length, 0 when it has none (uvicorn refuses an invalid one)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0
