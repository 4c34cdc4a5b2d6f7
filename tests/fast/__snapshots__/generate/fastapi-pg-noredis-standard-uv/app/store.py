"""Items, stored in PostgreSQL through SQLAlchemy 2 and psycopg 3.

Plain Python with no web framework in it; the in-memory store of projects generated without
PostgreSQL has the same interface (ItemStore: add, get, page, update, delete, close).
"""

from dataclasses import asdict, dataclass
from typing import Any, TypedDict

from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.schema import DropSchema

from .limits import ID_MAX
from .models import ItemRow


@dataclass(frozen=True)
class Item:
    id: int
    name: str
    description: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Page:
    """Some items, in id order, and how many there are in all."""

    items: list[Item]
    total: int


class ItemChanges(TypedDict, total=False):
    """The fields an update sets; those left out keep their value."""

    name: str
    description: str | None


class SchemaError(RuntimeError):
    """The database has no items table: its migrations have not run."""


# The errors that mean the database cannot answer now: down, restarting, refusing connections,
# too slow (a statement or connect timeout), or every pooled connection in use. The API answers
# them with a 503 and Retry-After (app/errors.py); the next request tries again.
UNAVAILABLE: tuple[type[Exception], ...] = (OperationalError, InterfaceError, PoolTimeoutError)


@dataclass(frozen=True)
class Limits:
    """How long the store waits on PostgreSQL and how many connections it holds; the app
    passes its settings (DATABASE_CONNECT_TIMEOUT... in settings.py), the defaults are theirs."""

    connect_timeout: int = 2
    statement_timeout: float = 2
    pool_size: int = 2
    max_overflow: int = 2
    pool_timeout: float = 0.5


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for `postgres://` and `postgresql://` URLs.

    Hosting platforms hand out `postgres://...`, which SQLAlchemy rejects, and SQLAlchemy 2.0
    maps a bare `postgresql://` to psycopg2, which is not installed.
    """
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    return url


class ItemStore:
    def __init__(self, database_url: str, schema: str = "", limits: Limits | None = None) -> None:
        """`schema`: the PostgreSQL schema of the table, which the migrations made (`alembic
        upgrade head` with DATABASE_SCHEMA); empty: the database's default, public. The tests
        keep their rows in a schema of their own."""
        # pool_pre_ping replaces connections the database closed (restarts, idle timeouts), so
        # the store recovers by itself once the database is back. The timeouts bound every wait:
        # a connection that cannot be opened, a statement that does not end, a full pool.
        limits = limits or Limits()
        self._engine = create_engine(
            normalise_database_url(database_url),
            pool_pre_ping=True,
            pool_size=limits.pool_size,
            max_overflow=limits.max_overflow,
            pool_timeout=limits.pool_timeout,
            connect_args={
                "connect_timeout": limits.connect_timeout,
                "options": f"-c statement_timeout={round(limits.statement_timeout * 1000)}",
                # A database that vanished without closing the connection (a lost host, a cut
                # network) fails the next write within this many ms instead of TCP's minutes.
                "tcp_user_timeout": round(limits.connect_timeout * 1000),
            },
        )
        tables = self._engine
        if schema:
            # Every statement then names the table in `schema` (ItemRow itself has none).
            tables = self._engine.execution_options(schema_translate_map={None: schema})
        self._sessions = sessionmaker(tables, expire_on_commit=False)
        # At start-up, so an unreachable database or a missing table stops the server before
        # it takes requests, rather than failing each one.
        with self._engine.connect() as connection:
            if not inspect(connection).has_table(ItemRow.__tablename__, schema=schema or None):
                raise SchemaError(
                    f"no {ItemRow.__tablename__} table in schema {schema or 'public'!r}: "
                    "run the migrations first (`alembic upgrade head`, see README)"
                )

    def add(self, name: str, description: str | None = None) -> Item:
        with self._sessions.begin() as session:
            row = ItemRow(name=name, description=description)
            session.add(row)
            session.flush()
            return _item(row)

    def get(self, item_id: int) -> Item | None:
        if not 1 <= item_id <= ID_MAX:
            return None
        with self._sessions() as session:
            row = session.get(ItemRow, item_id)
            return _item(row) if row is not None else None

    def page(self, limit: int, offset: int) -> Page:
        with self._sessions() as session:
            # One snapshot for both queries, so the total counts the rows the page is cut from.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            total = session.scalar(select(func.count()).select_from(ItemRow)) or 0
            rows = session.scalars(select(ItemRow).order_by(ItemRow.id).limit(limit).offset(offset))
            return Page(items=[_item(row) for row in rows], total=total)

    def update(self, item_id: int, changes: ItemChanges) -> Item | None:
        if not 1 <= item_id <= ID_MAX:
            return None
        with self._sessions.begin() as session:
            row = session.get(ItemRow, item_id)
            if row is None:
                return None
            if "name" in changes:
                row.name = changes["name"]
            if "description" in changes:
                row.description = changes["description"]
            session.flush()
            return _item(row)

    def delete(self, item_id: int) -> bool:
        if not 1 <= item_id <= ID_MAX:
            return False
        with self._sessions.begin() as session:
            row = session.get(ItemRow, item_id)
            if row is None:
                return False
            session.delete(row)
            return True

    def ping(self) -> None:
        """Raises one of UNAVAILABLE when the database does not answer (GET /ready)."""
        with self._engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def close(self) -> None:
        self._engine.dispose()


def _item(row: ItemRow) -> Item:
    return Item(id=row.id, name=row.name, description=row.description)


def drop_schema(database_url: str, schema: str) -> None:
    """Deletes a schema and every table in it: the tests remove theirs when they end."""
    engine = create_engine(normalise_database_url(database_url))
    try:
        with engine.begin() as connection:
            connection.execute(DropSchema(schema, cascade=True, if_exists=True))
    finally:
        engine.dispose()
