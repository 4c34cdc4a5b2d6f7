"""The migrations, against the real database at POSTGRES_HOST (skipped when it is not set), in
a schema of this module's own: they build the tables the models describe, and undo cleanly."""

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from app.models import Base
from app.store import drop_schema, normalise_database_url
from tests.migrations import alembic_config


@pytest.fixture
def scratch_schema(database_url: str, database_schema: str) -> Iterator[str]:
    """A schema to migrate up and down, apart from the one the other tests use."""
    schema = f"{database_schema}_migrations"
    yield schema
    drop_schema(database_url, schema)


def tables_in(database_url: str, schema: str) -> set[str]:
    engine = create_engine(normalise_database_url(database_url))
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names(schema=schema)) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_makes_the_models_tables_and_downgrade_removes_them(database_url: str, scratch_schema: str) -> None:
    config = alembic_config(database_url, scratch_schema)
    command.upgrade(config, "head")
    assert tables_in(database_url, scratch_schema) == set(Base.metadata.tables)
    command.downgrade(config, "base")
    assert tables_in(database_url, scratch_schema) == set()
    command.upgrade(config, "head")
    assert tables_in(database_url, scratch_schema) == set(Base.metadata.tables)


def test_upgrade_twice_changes_nothing(database_url: str, scratch_schema: str) -> None:
    config = alembic_config(database_url, scratch_schema)
    command.upgrade(config, "head")
    command.upgrade(config, "head")
    assert tables_in(database_url, scratch_schema) == set(Base.metadata.tables)


def test_the_models_need_no_new_migration(database_url: str, scratch_schema: str) -> None:
    # `alembic check`: a change to app/models.py without its migration fails here.
    config = alembic_config(database_url, scratch_schema)
    command.upgrade(config, "head")
    command.check(config)
