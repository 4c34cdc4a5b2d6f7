"""Settings come from the environment and fail fast when a required one is missing."""

import secrets
from urllib.parse import urlsplit, urlunsplit

import pytest

from app.settings import Settings, SettingsError

FULL_ENV = {
    "REDIS_URL": "redis://redis:6379/0",
}
# The variables that are a whole URL (a password may be in it).
URL_ENV = ["REDIS_URL"]

# An empty password, the examples this template once shipped, and the obvious ones.
PLACEHOLDERS = ["", "change-me", "CHANGE-ME", "secret", "PASSWORD", "postgres"]


def with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:{password}@{host}"))


def test_reads_the_environment() -> None:
    settings = Settings.from_env(FULL_ENV)
    assert settings.redis_url == FULL_ENV["REDIS_URL"]


# Optional settings naming the app's own data on a server: variable -> (field, default).
OPTIONAL = {
    "REDIS_KEY_PREFIX": ("redis_key_prefix", "flask-nopg-redis-standard-uv:"),
}


@pytest.mark.parametrize("name", sorted(OPTIONAL))
def test_optional_variable_has_a_default_and_can_be_set(name: str) -> None:
    field, default = OPTIONAL[name]
    assert getattr(Settings.from_env(FULL_ENV), field) == default
    assert getattr(Settings.from_env({**FULL_ENV, name: "other"}), field) == "other"


@pytest.mark.parametrize("name", sorted(FULL_ENV))
@pytest.mark.parametrize("value", [None, "", "  "])
def test_missing_variable_stops_with_its_name(name: str, value: str | None) -> None:
    env = dict(FULL_ENV)
    if value is None:
        del env[name]
    else:
        env[name] = value
    with pytest.raises(SettingsError, match=name):
        Settings.from_env(env)


@pytest.mark.parametrize("name", URL_ENV)
@pytest.mark.parametrize("password", PLACEHOLDERS)
def test_a_placeholder_password_stops_with_its_name(name: str, password: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({**FULL_ENV, name: with_password(FULL_ENV[name], password)})


@pytest.mark.parametrize("name", URL_ENV)
def test_a_random_password_is_taken(name: str) -> None:
    url = with_password(FULL_ENV[name], secrets.token_urlsafe())
    assert getattr(Settings.from_env({**FULL_ENV, name: url}), name.lower()) == url


# Optional limits (settings.py, README "When a service is down"): variable -> (field, a value
# it takes, a value it refuses).
LIMITS = {
    "REDIS_TIMEOUT": ("redis_timeout", "0.5", "-1"),
    "MAX_BODY_BYTES": ("max_body_bytes", "2048", "lots"),
}


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_a_limit_can_be_set_and_a_wrong_one_stops_with_its_name(name: str) -> None:
    field, value, wrong = LIMITS[name]
    assert getattr(Settings.from_env({**FULL_ENV, name: value}), field) == float(value)
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({**FULL_ENV, name: wrong})
