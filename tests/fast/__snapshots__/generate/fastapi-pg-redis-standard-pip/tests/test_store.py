"""The PostgreSQL item store, against the real database at POSTGRES_HOST (skipped when it is
not set) and in the tests' own schema (see conftest.py), plus the URL normalisation, which
needs no database."""

import uuid
from collections.abc import Iterator

import pytest

from app.limits import ID_MAX
from app.store import ItemStore, SchemaError, normalise_database_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:PASSWORD@h:5432/d", "postgresql+psycopg://u:PASSWORD@h:5432/d"),
        ("postgresql://u:PASSWORD@h/d", "postgresql+psycopg://u:PASSWORD@h/d"),
        ("postgresql+psycopg://u:PASSWORD@h/d", "postgresql+psycopg://u:PASSWORD@h/d"),
    ],
)
def test_urls_use_psycopg_3(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


@pytest.fixture
def store(database_url: str, database_schema: str) -> Iterator[ItemStore]:
    store = ItemStore(database_url, schema=database_schema)
    yield store
    store.close()


def test_round_trip_through_postgres(database_url: str, database_schema: str, store: ItemStore) -> None:
    name = f"test-{uuid.uuid4().hex[:12]}"
    item = store.add(name, "stored")
    # A second store has its own engine and connections: the item comes from the database.
    other = ItemStore(database_url, schema=database_schema)
    try:
        assert other.get(item.id) == item
        assert other.update(item.id, {"description": None}).description is None
        assert store.get(item.id).description is None
        page = other.page(1, other.page(1, 0).total - 1)
        assert page.items == [store.get(item.id)]
    finally:
        other.close()
    assert store.delete(item.id)
    assert store.get(item.id) is None
    assert store.update(item.id, {"name": "gone"}) is None
    assert not store.delete(item.id)


def test_a_database_without_the_migrations_stops_the_store(database_url: str, database_schema: str) -> None:
    # The server then stops at start-up, saying what to run, instead of failing each request.
    with pytest.raises(SchemaError, match="alembic upgrade head"):
        ItemStore(database_url, schema=f"{database_schema}_not_migrated")


@pytest.mark.parametrize("item_id", [0, -1, ID_MAX + 1, 3_000_000_000, -(2**63), 10**30])
def test_an_id_outside_the_id_column_is_no_item(store: ItemStore, item_id: int) -> None:
    # PostgreSQL itself would refuse the comparison: "integer out of range".
    assert store.get(item_id) is None
    assert store.update(item_id, {"name": "x"}) is None
    assert not store.delete(item_id)
