"""Settings, read from environment variables once at start-up.

Compose passes them to the container (values from .env); outside Compose export them first,
e.g. `set -a; . ./.env; set +a`. A missing required variable stops the app at start-up with
its name, rather than failing on the first request.
"""

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import URL


class SettingsError(RuntimeError):
    """A required environment variable is missing or invalid."""


class Settings(BaseSettings):
    # Field names match environment variables case-insensitively: database_url <- DATABASE_URL.
    # Only these fields are read; other variables (POSTGRES_PASSWORD...) are ignored.
    model_config = SettingsConfigDict(extra="ignore", str_strip_whitespace=True)

    # SQLAlchemy URL, built by database_url_from() from POSTGRES_* and the secret postgres_password.
    database_url: str = Field(min_length=1)

    # PostgreSQL schema of the app's tables; empty: the database's default (public).
    database_schema: str = ""

    # Outages, capacity and request size (README "When a service is down"):
    # Optional: the defaults answer a request within about 3 s when a service is down (a JSON
    # 503 with Retry-After, never a hang), and keep pods x workers x connections within
    # PostgreSQL's max_connections.
    # Seconds to connect to PostgreSQL (libpq's minimum is 2) and for one statement.
    database_connect_timeout: int = Field(default=2, ge=2)
    database_statement_timeout: float = Field(default=2, gt=0)
    # Connections per server worker: kept, opened beyond them under load, and the seconds a
    # request waits for one when all are in use (then a 503).
    database_pool_size: int = Field(default=2, ge=1)
    database_max_overflow: int = Field(default=2, ge=0)
    database_pool_timeout: float = Field(default=0.5, gt=0)
    # The largest request body, in bytes; a larger one is a 413.
    max_body_bytes: int = Field(default=1048576, ge=0)


def load_settings() -> Settings:
    # Built from parts and secret files, never read as one variable (a value given here wins
    # over the environment's).
    built = {
        "database_url": database_url_from(os.environ),
    }
    try:
        settings = Settings(**built)
    except ValidationError as error:
        names = ", ".join(str(e["loc"][0]).upper() for e in error.errors())
        raise SettingsError(
            f"{names}: not set or invalid; the app cannot start without it (see .env.example)"
        ) from error
    _refuse_placeholder_password("POSTGRES_HOST", settings.database_url)
    return settings


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
