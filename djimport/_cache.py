"""The TTL cache of one server's schema and table listings.

Listings are what an import asks the server for: which schemas exist, and
which tables one schema holds. They are kept for ``ttl`` seconds so that
reloads and repeated imports within that time cost no query. The cache is a
plain dict of ``key -> (expiry, listing)``: importing cachetools for it cost
about as much as building a 10-table module.

Thread safety: every read and write of the cache holds ``self.lock``; the
queries themselves run without it, so two threads that miss the cache at the
same moment may both query, and the later answer is kept.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Hashable

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
        self._cache: dict[Hashable, tuple[float, Any]] = {}  # key -> (expiry on the timer, listing)
        self.set_ttl(ttl)

    @property
    def ttl(self) -> float:
        return self._ttl

    def set_ttl(self, ttl: float) -> None:
        """Use a new TTL from now on; this also forgets every cached listing."""
        with self.lock:
            self._ttl = check_ttl(ttl)
            self._cache.clear()

    def schemas(self) -> tuple:
        """Names of the schemas the user can see."""
        return self._cached(("schemas",), self._fetch_schemas)

    def tables(self, schema: str) -> tuple | None:
        """Rows of the tables in ``schema``, or None if there is no such schema."""
        return self._cached(("tables", schema), lambda: self._fetch_tables(schema))

    def _cached(self, key: Hashable, fetch: Callable[[], Any]) -> Any:
        with self.lock:
            entry = self._cache.get(key)
            if entry is not None and self._timer() < entry[0]:
                return entry[1]
        listing = fetch()
        with self.lock:
            if key not in self._cache and len(self._cache) >= _MAXSIZE:  # a refresh replaces its own entry
                now = self._timer()
                for stale in [k for k, (expiry, _) in self._cache.items() if expiry <= now] or [next(iter(self._cache))]:
                    del self._cache[stale]
            self._cache[key] = (self._timer() + self._ttl, listing)
        return listing

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
