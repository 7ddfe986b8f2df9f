"""The TTL cache of one server's schema and table listings.

Listings are what an import asks the server for: which schemas exist, and
which tables one schema holds. They are kept for ``ttl`` seconds in a
:class:`cachetools.TTLCache` so that reloads and repeated imports within that
time cost no query.

Thread safety: every read and write of the cache holds ``self.lock``; the
queries themselves run without it, so two threads that miss the cache at the
same moment may both query (cachetools' documented behaviour for ``lock``).
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Hashable

from cachetools import TTLCache, cachedmethod

from ._settings import check_ttl

_MAXSIZE = 4096  # listings are small; this bounds a process that walks thousands of schemas


class Listings:
    """Schema and table listings of one server, each kept for ``ttl`` seconds.

    ``fetch_schemas()`` returns the schema names; ``fetch_tables(schema)``
    returns the schema's table rows, or None when the schema does not exist.
    ``timer`` is the clock, injectable so that tests can expire entries
    without sleeping.
    """

    def __init__(
        self,
        fetch_schemas: Callable[[], tuple],
        fetch_tables: Callable[[str], tuple | None],
        ttl: float,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch_schemas = fetch_schemas
        self._fetch_tables = fetch_tables
        self._timer = timer
        self.lock = threading.RLock()
        self.set_ttl(ttl)

    @property
    def ttl(self) -> float:
        return self._cache.ttl

    def set_ttl(self, ttl: float) -> None:
        """Use a new TTL from now on; this also forgets every cached listing."""
        with self.lock:
            self._cache: TTLCache[tuple, Any] = TTLCache(_MAXSIZE, check_ttl(ttl), timer=self._timer)

    @cachedmethod(lambda self: self._cache, key=lambda self: ("schemas",), lock=lambda self: self.lock)
    def schemas(self) -> tuple:
        """Names of the schemas the user can see."""
        return self._fetch_schemas()

    @cachedmethod(lambda self: self._cache, key=lambda self, schema: ("tables", schema), lock=lambda self: self.lock)
    def tables(self, schema: str) -> tuple | None:
        """Rows of the tables in ``schema``, or None if there is no such schema."""
        return self._fetch_tables(schema)

    def forget(self, *keys: Hashable) -> None:
        """Drop the listing of each schema named (and the schema list)."""
        with self.lock:
            self._cache.pop(("schemas",), None)
            for schema in keys:
                self._cache.pop(("tables", schema), None)

    def clear(self) -> None:
        """Forget every listing."""
        with self.lock:
            self._cache.clear()
