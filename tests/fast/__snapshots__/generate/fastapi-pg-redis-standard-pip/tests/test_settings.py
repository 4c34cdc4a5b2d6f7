"""Settings come from the environment and fail fast when a required one is missing."""

import os
import secrets
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

import pytest

from app.settings import Settings, SettingsError, load_settings

FULL_ENV = {
    "POSTGRES_HOST": "db",
    "POSTGRES_USER": "app",
    "POSTGRES_DB": "app",
    "POSTGRES_PASSWORD": secrets.token_urlsafe(),
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
    assert settings.database_url == f"postgresql+psycopg://app:{FULL_ENV['POSTGRES_PASSWORD']}@db:5432/app"
    assert settings.redis_url == FULL_ENV["REDIS_URL"]


# Optional settings naming the app's own data on a server: variable -> (field, default).
OPTIONAL = {
    "DATABASE_SCHEMA": ("database_schema", ""),
    "REDIS_KEY_PREFIX": ("redis_key_prefix", "fastapi-pg-redis-standard-pip:"),
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


def load(env: dict[str, str]) -> Settings:
    """The settings from exactly these variables."""
    with mock.patch.dict(os.environ, env, clear=True):
        return load_settings()


# The database password: the secret file postgres_password (in SECRETS_DIR, /run/secrets in a
# container), or the variable POSTGRES_PASSWORD where only variables can be injected.
PARTS = {name: value for name, value in FULL_ENV.items() if name != "POSTGRES_PASSWORD"}


def with_secret(tmp_path: Path, content: str) -> dict[str, str]:
    (tmp_path / "postgres_password").write_text(content, encoding="utf-8")
    return {**PARTS, "SECRETS_DIR": str(tmp_path)}


def test_the_password_is_read_from_its_file_trailing_newlines_stripped(tmp_path: Path) -> None:
    password = secrets.token_urlsafe()
    settings = load(with_secret(tmp_path, f"{password}\n"))
    assert settings.database_url == f"postgresql+psycopg://app:{password}@db:5432/app"


def test_the_variable_takes_the_place_of_the_file(tmp_path: Path) -> None:
    env = {**with_secret(tmp_path, f"{secrets.token_urlsafe()}\n"), "POSTGRES_PASSWORD": secrets.token_urlsafe()}
    assert f":{env['POSTGRES_PASSWORD']}@" in load(env).database_url


def test_a_missing_secret_file_stops_with_its_path(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as error:
        load({**PARTS, "SECRETS_DIR": str(tmp_path)})
    assert str(error.value).startswith(f"{tmp_path / 'postgres_password'} is missing")


@pytest.mark.parametrize("content", ["", "\n", " \n\n"])
def test_an_empty_secret_file_stops_with_its_path(tmp_path: Path, content: str) -> None:
    with pytest.raises(SettingsError) as error:
        load(with_secret(tmp_path, content))
    assert str(error.value).startswith(f"{tmp_path / 'postgres_password'} is empty")


def test_an_unreadable_secret_file_stops_with_its_path(tmp_path: Path) -> None:
    # A folder in the file's place: unreadable as a file for every user, root included (a mode
    # of 0 would not stop root, which runs CI's tests in many a container).
    env = {**PARTS, "SECRETS_DIR": str(tmp_path)}
    (tmp_path / "postgres_password").mkdir()
    with pytest.raises(SettingsError) as error:
        load(env)
    assert str(error.value).startswith(f"{tmp_path / 'postgres_password'} cannot be read")


@pytest.mark.parametrize("password", [p for p in PLACEHOLDERS if p])
def test_a_placeholder_password_in_the_file_stops_the_app(tmp_path: Path, password: str) -> None:
    with pytest.raises(SettingsError, match="postgres_password is a placeholder password"):
        load(with_secret(tmp_path, f"{password}\n"))


def test_a_password_with_any_character_is_quoted_in_the_url(tmp_path: Path) -> None:
    assert ":p%40ss%2Fw%3Ard-1234@db" in load(with_secret(tmp_path, "p@ss/w:rd-1234\n")).database_url


# Optional limits (settings.py, README "When a service is down"): variable -> (field, a value
# it takes, a value it refuses).
LIMITS = {
    "DATABASE_CONNECT_TIMEOUT": ("database_connect_timeout", "5", "1"),
    "DATABASE_STATEMENT_TIMEOUT": ("database_statement_timeout", "0.5", "0"),
    "DATABASE_POOL_SIZE": ("database_pool_size", "3", "0"),
    "DATABASE_MAX_OVERFLOW": ("database_max_overflow", "0", "-1"),
    "DATABASE_POOL_TIMEOUT": ("database_pool_timeout", "1.5", "nan"),
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
