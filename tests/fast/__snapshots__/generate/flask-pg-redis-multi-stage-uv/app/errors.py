"""Every answer is JSON, errors included: a service that cannot answer now is a 503 with
Retry-After, a body over MAX_BODY_BYTES a 413 (before it is read whole, see BodyLimit), any HTTP error in
FastAPI's shape, and an error nobody expected a 500 (its traceback goes to the log, not to the
client).

A URL over URL_MAX_BYTES is a JSON 414 and headers over HEADERS_MAX_BYTES a JSON 431. gunicorn
answers some requests itself, before the app sees them (invalid HTTP, a request line over its
limit_request_line, one header over limit_request_field_size: see gunicorn.conf.py): those
answers are gunicorn's own HTML.
"""

import json
from collections.abc import Iterable
from io import BytesIO
from typing import IO, Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

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

Answer = tuple[dict[str, Any], int, dict[str, str]]


class Unavailable(Exception):
    """Services that cannot answer now, by name (GET /ready raises it): a 503."""

    def __init__(self, failed: list[str]) -> None:
        super().__init__(", ".join(failed))
        self.failed = failed


def unavailable(failed: list[str]) -> Answer:
    """The 503 for services that cannot answer now, naming them."""
    detail = f"Service unavailable: {', '.join(failed)} did not answer; try again shortly"
    return {"detail": detail, "failed": failed}, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def install(app: Flask, max_body_bytes: int) -> None:
    app.wsgi_app = RequestLimits(app.wsgi_app, max_body_bytes)  # type: ignore[method-assign]

    for errors, name in UNAVAILABLE:

        def service_unavailable(_: Exception, name: str = name) -> Answer:
            return unavailable([name])

        for error in errors:
            app.register_error_handler(error, service_unavailable)

    @app.errorhandler(Unavailable)
    def not_ready(error: Unavailable) -> Answer:
        return unavailable(error.failed)

    @app.errorhandler(HTTPException)
    def json_error(error: HTTPException) -> tuple[dict[str, str], int]:
        # JSON errors, shaped like FastAPI's, instead of Werkzeug's HTML pages.
        return {"detail": error.name}, error.code or 500

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[dict[str, str], int]:
        # Flask logs no traceback for an error it hands to a handler: this does.
        app.logger.error("Unhandled error on %s %s", request.method, request.path, exc_info=error)
        return {"detail": "Internal Server Error"}, 500


class RequestLimits:
    """Refuses a URL or headers over their limits (414, 431), and a request body over
    `max_bytes` with a JSON 413 without reading it whole, before Flask sees the request: at
    once when its Content-Length is larger, and for a body without one (chunked) as soon as
    the bytes read pass the limit; a chunked body within the limit is handed on with its
    length. (Werkzeug's own MAX_CONTENT_LENGTH cuts a chunked body short instead, and the app
    would read a truncated body.)"""

    def __init__(self, app: WSGIApplication, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        url = environ.get("RAW_URI") or environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", "")
        if len(url.encode("latin-1", "replace")) > URL_MAX_BYTES:
            return _refuse(environ, start_response, 414, f"URL too long: at most {URL_MAX_BYTES} bytes")
        headers = sum(len(name) + len(value) for name, value in environ.items() if name.startswith("HTTP_"))
        if headers > HEADERS_MAX_BYTES:
            detail = f"Request headers too large: at most {HEADERS_MAX_BYTES} bytes"
            return _refuse(environ, start_response, 431, detail)
        too_large = f"Request body too large: at most {self.max_bytes} bytes"
        length = environ.get("CONTENT_LENGTH", "")
        if length.isdigit() and int(length) > self.max_bytes:
            return _refuse(environ, start_response, 413, too_large)
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = _read_at_most(environ["wsgi.input"], self.max_bytes + 1)
            if len(body) > self.max_bytes:
                return _refuse(environ, start_response, 413, too_large)
            # Now a body of known length: Werkzeug reads CONTENT_LENGTH only without chunked.
            environ.update({"wsgi.input": BytesIO(body), "CONTENT_LENGTH": str(len(body))})
            environ.pop("HTTP_TRANSFER_ENCODING")
            environ.pop("wsgi.input_terminated", None)
        return self.app(environ, start_response)


def _refuse(environ: WSGIEnvironment, start_response: StartResponse, status: int, detail: str) -> Iterable[bytes]:
    # Connection: close, so the server does not read the rest of the body to reuse the connection.
    response = Response(json.dumps({"detail": detail}), status, {"Connection": "close"}, mimetype="application/json")
    return response(environ, start_response)


def _read_at_most(stream: IO[bytes], limit: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    while size < limit and (part := stream.read(min(65536, limit - size))):
        parts.append(part)
        size += len(part)
    return b"".join(parts)
