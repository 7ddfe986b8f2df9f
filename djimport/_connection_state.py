"""djimport's own state for each DataJoint connection, kept apart from the connection."""

from __future__ import annotations

import functools
import weakref
from typing import Callable, Generic, TypeVar

from ._locks import RLock

T = TypeVar("T")


class PerConnection(Generic[T]):
    """One ``factory()`` value per connection object, dropped when the connection is.

    Nothing is stored on the connection: DataJoint pickles connections into
    worker processes (``populate(processes=...)``), and state of ours there
    would travel with them or break them (issue #9). Not a
    ``WeakKeyDictionary``: ``dj.Connection`` defines ``__eq__`` without
    ``__hash__``, so it cannot be a key; entries are keyed by identity.
    """

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._entries: dict[int, tuple[weakref.ref, T]] = {}
        self._lock = RLock()  # reentrant: a weakref callback may run while a thread holds it

    def __call__(self, connection: object) -> T:
        """The value for ``connection``, made on first use."""
        key = id(connection)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0]() is not connection:
                ref = weakref.ref(connection, functools.partial(self._forget, key))
                entry = self._entries[key] = (ref, self._factory())
            return entry[1]

    def _forget(self, key: int, ref: weakref.ref) -> None:
        with self._lock:
            if self._entries.get(key, (None,))[0] is ref:
                del self._entries[key]
