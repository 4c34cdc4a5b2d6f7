"""Settings come from the environment and fail fast when a required one is missing."""

import os
import secrets
from urllib.parse import urlsplit, urlunsplit

import pytest

from app.settings import SettingsError, load_settings

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


@pytest.fixture
def full_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Exactly these variables: one the shell exports (POSTGRES_PORT, say) must not leak in.
    for name in list(os.environ):
        monkeypatch.delenv(name)
    for name, value in FULL_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.mark.usefixtures("full_env")
def test_reads_the_environment() -> None:
    settings = load_settings()
    assert settings.redis_url == FULL_ENV["REDIS_URL"]


# Optional settings naming the app's own data on a server: variable -> (field, default).
OPTIONAL = {
    "REDIS_KEY_PREFIX": ("redis_key_prefix", "fastapi-nopg-redis-ms-uv:"),
}


@pytest.mark.parametrize("name", sorted(OPTIONAL))
@pytest.mark.usefixtures("full_env")
def test_optional_variable_has_a_default_and_can_be_set(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    field, default = OPTIONAL[name]
    monkeypatch.delenv(name, raising=False)
    assert getattr(load_settings(), field) == default
    monkeypatch.setenv(name, "other")
    assert getattr(load_settings(), field) == "other"


@pytest.mark.parametrize("name", sorted(FULL_ENV))
@pytest.mark.parametrize("value", [None, "", "  "])
@pytest.mark.usefixtures("full_env")
def test_missing_variable_stops_with_its_name(monkeypatch: pytest.MonkeyPatch, name: str, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv(name)
    else:
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load_settings()


@pytest.mark.parametrize("name", URL_ENV)
@pytest.mark.parametrize("password", PLACEHOLDERS)
@pytest.mark.usefixtures("full_env")
def test_a_placeholder_password_stops_with_its_name(monkeypatch: pytest.MonkeyPatch, name: str, password: str) -> None:
    monkeypatch.setenv(name, with_password(FULL_ENV[name], password))
    with pytest.raises(SettingsError, match=name):
        load_settings()


@pytest.mark.parametrize("name", URL_ENV)
@pytest.mark.usefixtures("full_env")
def test_a_random_password_is_taken(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    url = with_password(FULL_ENV[name], secrets.token_urlsafe())
    monkeypatch.setenv(name, url)
    assert getattr(load_settings(), name.lower()) == url


# Optional limits (settings.py, README "When a service is down"): variable -> (field, a value
# it takes, a value it refuses).
LIMITS = {
    "REDIS_TIMEOUT": ("redis_timeout", "0.5", "-1"),
    "MAX_BODY_BYTES": ("max_body_bytes", "2048", "lots"),
}


@pytest.mark.parametrize("name", sorted(LIMITS))
@pytest.mark.usefixtures("full_env")
def test_a_limit_can_be_set_and_a_wrong_one_stops_with_its_name(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    field, value, wrong = LIMITS[name]
    monkeypatch.setenv(name, value)
    assert getattr(load_settings(), field) == float(value)
    monkeypatch.setenv(name, wrong)
    with pytest.raises(SettingsError, match=name):
        load_settings()
