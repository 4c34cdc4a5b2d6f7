"""The in-memory item store (same interface as the PostgreSQL one)."""

from app.store import Item, ItemStore, Page


def test_add_get_update_delete() -> None:
    store = ItemStore()
    first = store.add("first", "one")
    second = store.add("second")
    assert first == Item(id=first.id, name="first", description="one")
    assert second.id > first.id
    assert store.get(first.id) == first
    assert store.update(first.id, {"description": None}) == Item(id=first.id, name="first")
    assert store.update(first.id, {"name": "renamed"}) == Item(id=first.id, name="renamed")
    assert store.delete(first.id)
    assert store.get(first.id) is None
    assert store.update(first.id, {"name": "gone"}) is None
    assert not store.delete(first.id)
    assert store.page(10, 0) == Page(items=[second], total=1)


def test_pages_are_in_id_order_with_the_total() -> None:
    store = ItemStore()
    items = [store.add(f"item {n}") for n in range(5)]
    assert store.page(2, 0) == Page(items=items[:2], total=5)
    assert store.page(2, 4) == Page(items=items[4:], total=5)
    assert store.page(2, 5) == Page(items=[], total=5)
