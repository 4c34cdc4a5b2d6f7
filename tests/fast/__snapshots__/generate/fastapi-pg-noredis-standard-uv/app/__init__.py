"""Fastapi Pg Noredis Standard Uv: a FastAPI service.

The ASGI application is `app.main:app`."""
