"""The FastAPI application. uvicorn serves `app.main:app`; tests build their own with create_app()."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from . import errors, health, items
from .dependencies import State
from .settings import Settings, load_settings
from .store import ItemStore, Limits


def create_app(settings: Settings | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[State]:
        # Runs when the server starts: missing settings or an unreachable database stop it
        # here, before it accepts requests.
        current = settings or load_settings()
        limits = Limits(
            connect_timeout=current.database_connect_timeout,
            statement_timeout=current.database_statement_timeout,
            pool_size=current.database_pool_size,
            max_overflow=current.database_max_overflow,
            pool_timeout=current.database_pool_timeout,
        )
        store = ItemStore(current.database_url, schema=current.database_schema, limits=limits)
        try:
            # Lifespan state: request handlers reach it as request.state (see dependencies.py).
            yield {"store": store, "max_body_bytes": current.max_body_bytes}
        finally:
            store.close()

    app = FastAPI(
        title="Fastapi Pg Noredis Standard Uv",
        description="Combination test service",
        version="<version>",
        lifespan=lifespan,
    )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        # FastAPI's own handler echoes every invalid input back, and some cannot be written as
        # JSON (not-a-number, a lone surrogate): the answer would be a 500. Where, what and why is enough.
        detail = [{"loc": e["loc"], "msg": e["msg"], "type": e["type"]} for e in error.errors()]
        return JSONResponse(status_code=422, content={"detail": detail})

    errors.install(app)
    app.include_router(health.router)
    app.include_router(items.router)
    return app


app = create_app()
