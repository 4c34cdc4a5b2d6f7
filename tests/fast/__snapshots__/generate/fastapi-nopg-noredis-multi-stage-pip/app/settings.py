"""Settings, read from environment variables once at start-up.

Compose passes them to the container (values from .env); outside Compose export them first,
e.g. `set -a; . ./.env; set +a`. A missing required variable stops the app at start-up with
its name, rather than failing on the first request.
"""

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(RuntimeError):
    """A required environment variable is missing or invalid."""


class Settings(BaseSettings):
    # Field names match environment variables case-insensitively: database_url <- DATABASE_URL.
    # Only these fields are read; other variables (POSTGRES_PASSWORD...) are ignored.
    model_config = SettingsConfigDict(extra="ignore", str_strip_whitespace=True)

    # Outages, capacity and request size (README "When a service is down"):
    # Optional: the defaults answer a request within about 3 s when a service is down (a JSON
    # 503 with Retry-After, never a hang), and keep pods x workers x connections within
    # PostgreSQL's max_connections.
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
    return settings
