"""The migrations, run from the tests: into a schema of the tests' own, as `alembic upgrade
head` runs them for the app."""

from pathlib import Path

from alembic import command
from alembic.config import Config

ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"


def alembic_config(database_url: str, schema: str) -> Config:
    config = Config(str(ALEMBIC_INI))
    # migrations/env.py takes these before the app's database and DATABASE_SCHEMA.
    config.attributes["database_url"] = database_url
    config.attributes["schema"] = schema
    return config


def upgrade(database_url: str, schema: str) -> None:
    command.upgrade(alembic_config(database_url, schema), "head")
