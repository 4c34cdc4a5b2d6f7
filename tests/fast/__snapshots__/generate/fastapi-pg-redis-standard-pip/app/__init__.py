"""Fastapi Pg Redis Standard Pip: a FastAPI service.

The ASGI application is `app.main:app`."""
