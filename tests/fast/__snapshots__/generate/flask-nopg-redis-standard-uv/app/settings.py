"""Settings, read from environment variables once at start-up.

Compose passes them to the container (values from .env); outside Compose export them first,
e.g. `set -a; . ./.env; set +a`. A missing required variable stops the app at start-up with
its name, rather than failing on the first request.
"""

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit


class SettingsError(RuntimeError):
    """A required environment variable is missing or empty."""


@dataclass(frozen=True)
class Settings:
    # e.g. redis://host:6379/0
    redis_url: str
    # Start of every key the app writes, so several apps can share one Redis.
    redis_key_prefix: str = "flask-nopg-redis-standard-uv:"
    # Outages, capacity and request size (README "When a service is down"): optional. The
    # defaults answer a request within about 3 s when a service is down (a JSON 503 with
    # Retry-After, never a hang), and keep pods x workers x connections within PostgreSQL's
    # max_connections.
    # Seconds to connect to Redis and for one command.
    redis_timeout: float = 0.5
    # The largest request body, in bytes; a larger one is a 413.
    max_body_bytes: int = 1048576

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "Settings":
        return cls(
            redis_url=_required(environ, "REDIS_URL"),
            redis_key_prefix=environ.get("REDIS_KEY_PREFIX", cls.redis_key_prefix).strip(),
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
