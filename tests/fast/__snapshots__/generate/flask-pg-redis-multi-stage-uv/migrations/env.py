"""How Alembic reaches the database: `alembic upgrade head` (the migrate service, the
Kubernetes Job, you) and the tests' fixtures all run through here.

The database is the app's (POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, POSTGRES_DB and the secret
file postgres_password, read as app/settings.py reads them), and the schema DATABASE_SCHEMA's
(empty: public); the tests pass their own in `config.attributes` instead.
"""

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.pool import NullPool
from sqlalchemy.schema import CreateSchema

from app.models import Base
from app.settings import SettingsError, database_url_from
from app.store import normalise_database_url

config = context.config
if config.config_file_name is not None:
    # Keep the loggers of whatever runs the migrations (pytest, the app) working.
    fileConfig(config.config_file_name, disable_existing_loggers=False)

# Concurrent runs (two `docker compose up`, a Job retried while the first still runs) take
# turns on this PostgreSQL advisory lock; any constant works, as long as every run uses it.
MIGRATION_LOCK_ID = 7_301_456


def database_url() -> str:
    url = config.attributes.get("database_url")
    if not url:
        try:
            url = database_url_from(os.environ)
        except SettingsError as error:
            raise SystemExit(f"{error}: it names the database to migrate") from None
    return normalise_database_url(url)


def database_schema() -> str:
    schema = config.attributes.get("schema")
    return schema if schema is not None else os.environ.get("DATABASE_SCHEMA", "").strip()


def quoted(schema: str) -> str:
    return postgresql.dialect().identifier_preparer.quote_schema(schema)


def run_migrations_offline() -> None:
    """`alembic upgrade head --sql`: print the SQL instead of running it."""
    schema = database_schema()
    context.configure(url=database_url(), target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        if schema:
            context.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted(schema)}")
            context.execute(f"SET LOCAL search_path TO {quoted(schema)}")
        context.run_migrations()


def run_migrations_online() -> None:
    schema = database_schema()
    engine = create_engine(database_url(), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=Base.metadata)
            # One transaction for all of it: PostgreSQL runs DDL in transactions, so a
            # migration that fails leaves the schema as it was.
            with context.begin_transaction():
                connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
                if schema:
                    connection.execute(CreateSchema(schema, if_not_exists=True))
                    # The migrations and Alembic's own alembic_version table name no schema:
                    # they are in the first one on the search path, as the app's tables are in
                    # `schema` (its schema_translate_map). For this transaction only.
                    connection.execute(text("SELECT set_config('search_path', :path, true)"), {"path": quoted(schema)})
                    # Where autogenerate looks for the tables it compares with the models.
                    connection.dialect.default_schema_name = schema
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
