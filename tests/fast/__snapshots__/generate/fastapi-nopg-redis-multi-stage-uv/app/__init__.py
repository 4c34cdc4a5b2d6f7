"""Fastapi Nopg Redis Ms Uv: a FastAPI service.

The ASGI application is `app.main:app`."""
