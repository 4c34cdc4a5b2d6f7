"""Fastapi Nopg Noredis Ms Pip: a FastAPI service.

The ASGI application is `app.main:app`."""
