"""Settings, read from environment variables once at start-up.

Compose passes them to the container (values from .env); outside Compose export them first,
e.g. `set -a; . ./.env; set +a`. A missing required variable stops the app at start-up with
its name, rather than failing on the first request.
"""

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import URL


class SettingsError(RuntimeError):
    """A required environment variable is missing or empty."""


@dataclass(frozen=True)
class Settings:
    # SQLAlchemy URL, built by database_url_from() from POSTGRES_* and the secret postgres_password.
    database_url: str
    # e.g. redis://host:6379/0
    redis_url: str
    # PostgreSQL schema of the app's tables; empty: the database's default (public).
    database_schema: str = ""
    # Start of every key the app writes, so several apps can share one Redis.
    redis_key_prefix: str = "flask-pg-redis-ms-uv:"
    # Outages, capacity and request size (README "When a service is down"): optional. The
    # defaults answer a request within about 3 s when a service is down (a JSON 503 with
    # Retry-After, never a hang), and keep pods x workers x connections within PostgreSQL's
    # max_connections.
    # Seconds to connect to PostgreSQL (libpq's minimum is 2) and for one statement.
    database_connect_timeout: int = 2
    database_statement_timeout: float = 2
    # Connections per server worker: kept, opened beyond them under load, and the seconds a
    # request waits for one when all are in use (then a 503).
    database_pool_size: int = 2
    database_max_overflow: int = 2
    database_pool_timeout: float = 0.5
    # Seconds to connect to Redis and for one command.
    redis_timeout: float = 0.5
    # The largest request body, in bytes; a larger one is a 413.
    max_body_bytes: int = 1048576

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "Settings":
        return cls(
            database_url=database_url_from(environ),
            redis_url=_required(environ, "REDIS_URL"),
            database_schema=environ.get("DATABASE_SCHEMA", cls.database_schema).strip(),
            redis_key_prefix=environ.get("REDIS_KEY_PREFIX", cls.redis_key_prefix).strip(),
            database_connect_timeout=_int(environ, "DATABASE_CONNECT_TIMEOUT", cls.database_connect_timeout, low=2),
            database_statement_timeout=_seconds(environ, "DATABASE_STATEMENT_TIMEOUT", cls.database_statement_timeout),
            database_pool_size=_int(environ, "DATABASE_POOL_SIZE", cls.database_pool_size, low=1),
            database_max_overflow=_int(environ, "DATABASE_MAX_OVERFLOW", cls.database_max_overflow, low=0),
            database_pool_timeout=_seconds(environ, "DATABASE_POOL_TIMEOUT", cls.database_pool_timeout),
            redis_timeout=_seconds(environ, "REDIS_TIMEOUT", cls.redis_timeout),
            max_body_bytes=_int(environ, "MAX_BODY_BYTES", cls.max_body_bytes, low=0),
        )


def _int(environ: Mapping[str, str], name: str, default: int, *, low: int) -> int:
    """An optional whole number, at least `low`; `default` when not set."""
    value = _number(environ, name, default)
    if value != int(value) or value < low:
        raise SettingsError(f"{name}={value:g} must be a whole number, at least {low} (see .env.example)")
    return int(value)


def _seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    """An optional number of seconds, above 0; `default` when not set."""
    value = _number(environ, name, default)
    if value <= 0:
        raise SettingsError(f"{name}={value:g} must be more than 0 seconds (see .env.example)")
    return value


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise SettingsError(f"{name}={text!r} is not a number")
    return value


def _required(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise SettingsError(f"{name} is not set: the app cannot start without it (see .env.example)")
    _refuse_placeholder_password(name, value)
    return value


# Passwords that shipped in an example file of this template (change-me, CHANGE-ME, secret,
# PASSWORD) or are guessed first: a URL with one of these, or an empty one, stops the app, so it
# never runs on a password published in a repository. A URL without a password is fine.
PLACEHOLDER_PASSWORDS = {"change-me", "changeme", "change_me", "replace-me", "secret", "password", "passwd", "postgres"}


def _refuse_placeholder_password(name: str, url: str) -> None:
    password = urlsplit(url).password
    if password is not None and (not password or password.lower() in PLACEHOLDER_PASSWORDS):
        raise SettingsError(f"{name} has an empty or placeholder password: set a real one")


def read_secret(name: str, variable: str, environ: Mapping[str, str]) -> str:
    """A secret: the variable when a platform can only inject variables (CI, ECS), else the file
    `name` in SECRETS_DIR (default /run/secrets, where Compose and Kubernetes mount it).

    Trailing newlines are stripped, as the official images' entry points do (`$(< file)`), so
    the app and PostgreSQL read the same password. A missing, unreadable or empty file stops
    the app with the file's path.
    """
    value = environ.get(variable, "")
    if value.strip():
        return value
    path = Path(environ.get("SECRETS_DIR", "").strip() or "/run/secrets") / name
    try:
        value = path.read_text(encoding="utf-8").rstrip("\n")
    except FileNotFoundError:
        raise SettingsError(f"{path} is missing: the secret {name} (or the variable {variable}) is required") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path} cannot be read ({getattr(error, 'strerror', None) or error})") from None
    if not value.strip():
        raise SettingsError(f"{path} is empty: the secret {name} needs a value")
    return value


def database_url_from(environ: Mapping[str, str]) -> str:
    """The SQLAlchemy URL from POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, POSTGRES_DB and the
    password's secret file: no container's environment carries the password."""
    password = read_secret("postgres_password", "POSTGRES_PASSWORD", environ)
    if password.lower() in PLACEHOLDER_PASSWORDS:
        raise SettingsError("postgres_password is a placeholder password: set a real one")
    parts = {}
    for name in ("POSTGRES_HOST", "POSTGRES_USER", "POSTGRES_DB"):
        parts[name] = environ.get(name, "").strip()
        if not parts[name]:
            raise SettingsError(f"{name} is not set: the app cannot start without it (see .env.example)")
    port = environ.get("POSTGRES_PORT", "").strip() or "5432"
    if not port.isdigit():
        raise SettingsError(f"POSTGRES_PORT={port!r} is not a port number")
    url = URL.create(
        "postgresql+psycopg",
        username=parts["POSTGRES_USER"],
        password=password,
        host=parts["POSTGRES_HOST"],
        port=int(port),
        database=parts["POSTGRES_DB"],
    )
    return url.render_as_string(hide_password=False)
