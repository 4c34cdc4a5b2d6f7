"""Items, kept in memory: a stand-in for a database, lost when the process stops.

Each server worker process has its own copy, so with several workers (WEB_CONCURRENCY) ids
would collide and an item created through one worker would not be seen by the others: the
server runs one worker. Generate the project with PostgreSQL for shared, lasting storage;
that store has the same interface (add, get, page, update, delete, close).
"""

import itertools
import threading
from dataclasses import asdict, dataclass, replace
from typing import Any, TypedDict


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


# Nothing the store calls can be down: no error of its own means "try again later".
UNAVAILABLE: tuple[type[Exception], ...] = ()


class ItemStore:
    def __init__(self) -> None:
        self._items: dict[int, Item] = {}
        self._ids = itertools.count(1)
        # Threaded workers (gunicorn gthread, FastAPI's thread pool) share one store.
        self._lock = threading.Lock()

    def add(self, name: str, description: str | None = None) -> Item:
        with self._lock:
            item = Item(id=next(self._ids), name=name, description=description)
            self._items[item.id] = item
            return item

    def get(self, item_id: int) -> Item | None:
        with self._lock:
            return self._items.get(item_id)

    def page(self, limit: int, offset: int) -> Page:
        with self._lock:
            items = sorted(self._items.values(), key=lambda item: item.id)
            return Page(items=items[offset : offset + limit], total=len(items))

    def update(self, item_id: int, changes: ItemChanges) -> Item | None:
        with self._lock:
            item = self._items.get(item_id)
            if item is None:
                return None
            updated = replace(item, **changes)
            self._items[item_id] = updated
            return updated

    def delete(self, item_id: int) -> bool:
        with self._lock:
            return self._items.pop(item_id, None) is not None

    def ping(self) -> None:
        """Always ready: the items are in this process."""

    def close(self) -> None:
        pass
