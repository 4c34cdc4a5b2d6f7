"""Settings, read from environment variables once at start-up.

Compose passes them to the container (values from .env); outside Compose export them first,
e.g. `set -a; . ./.env; set +a`. A missing required variable stops the app at start-up with
its name, rather than failing on the first request.
"""

from urllib.parse import urlsplit

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(RuntimeError):
    """A required environment variable is missing or invalid."""


class Settings(BaseSettings):
    # Field names match environment variables case-insensitively: database_url <- DATABASE_URL.
    # Only these fields are read; other variables (POSTGRES_PASSWORD...) are ignored.
    model_config = SettingsConfigDict(extra="ignore", str_strip_whitespace=True)

    # SQLAlchemy URL, e.g. postgresql+psycopg://user:password@host:5432/dbname
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
    try:
        settings = Settings()
    except ValidationError as error:
        names = ", ".join(str(e["loc"][0]).upper() for e in error.errors())
        raise SettingsError(
            f"{names}: not set or invalid; the app cannot start without it (see .env.example)"
        ) from error
    _refuse_placeholder_password("DATABASE_URL", settings.database_url)
    return settings


# Passwords that shipped in an example file of this template (change-me, CHANGE-ME, secret,
# PASSWORD) or are guessed first: a URL with one of these, or an empty one, stops the app, so it
# never runs on a password published in a repository. A URL without a password is fine.
PLACEHOLDER_PASSWORDS = {"change-me", "changeme", "change_me", "replace-me", "secret", "password", "passwd", "postgres"}
# Where the password of a variable comes from with Compose, for the error message.
_PASSWORD_SOURCE = {"DATABASE_URL": " (Compose builds DATABASE_URL from POSTGRES_PASSWORD in .env)"}


def _refuse_placeholder_password(name: str, url: str) -> None:
    password = urlsplit(url).password
    if password is not None and (not password or password.lower() in PLACEHOLDER_PASSWORDS):
        raise SettingsError(
            f"{name} has an empty or placeholder password: set a real one{_PASSWORD_SOURCE.get(name, '')}"
        )
