"""The TTL cache of one server's schema and table listings.

Listings are what an import asks the server for: which schemas exist, and
which tables one schema holds. They are kept for ``ttl`` seconds in a
``cachetools.TTLCache`` so that reloads and repeated imports within that time
cost no query. cachetools is imported with the first listing, not at start-up:
``import djschemas`` stays cheap (BENCHMARKS.md).

Thread safety: every read and write of the cache holds ``self.lock``; the
queries themselves run without it, so two threads that miss the same listing
at the same moment may both query it, and the later answer is kept. Threads
reloading one module do not: importlib runs one ``exec_module`` of a module at
a time (its module lock), and the first one fills the cache for the others.
A process forked while another thread holds ``self.lock`` gets it back free
(:mod:`._locks`).
"""

from __future__ import annotations

import time
from typing import Any, Callable, Hashable

from ._locks import RLock
from ._settings import check_ttl

_MAXSIZE = 4096  # listings are small; this bounds a process that walks thousands of schemas


class Listings:
    """Schema and table listings of one server, each kept for ``ttl`` seconds.

    ``fetch_schemas()`` returns the schema names; ``fetch_tables(schema)``
    returns the schema's table rows, or None when the schema does not exist.
    ``timer`` is the clock, injectable so that tests can expire entries
    without sleeping. At most ``_MAXSIZE`` listings are kept: expired ones are
    dropped first, then the least recently used.
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
        self.lock = RLock()
        self._cache: Any = None  # a cachetools.TTLCache from the first listing on
        self.set_ttl(ttl)

    @property
    def ttl(self) -> float:
        return self._ttl

    def set_ttl(self, ttl: float) -> None:
        """Use a new TTL from now on; this also forgets every cached listing."""
        with self.lock:
            self._ttl = check_ttl(ttl)
            self._cache = None

    def schemas(self) -> tuple:
        """Names of the schemas the user can see."""
        return self._cached(("schemas",), self._fetch_schemas)

    def tables(self, schema: str) -> tuple | None:
        """Rows of the tables in ``schema``, or None if there is no such schema."""
        return self._cached(("tables", schema), lambda: self._fetch_tables(schema))

    def keep_tables(self, listings: dict[str, tuple | None]) -> None:
        """Keep the table rows of each schema given (None: no such schema), as :meth:`tables` would have read them."""
        with self.lock:
            cache = self._store()
            for schema, listing in listings.items():
                cache[("tables", schema)] = listing

    def columns(self, schema: str, table: str, fetch: Callable[[], frozenset[str]]) -> frozenset[str]:
        """The column names of table ``schema.table``, read by ``fetch()`` at most once per TTL."""
        return self._cached(("columns", schema, table), fetch)

    def _store(self) -> Any:
        if self._cache is None:
            from cachetools import TTLCache  # with the first listing: not at start-up

            self._cache = TTLCache(_MAXSIZE, self._ttl, timer=self._timer)
        return self._cache

    def _cached(self, key: Hashable, fetch: Callable[[], Any]) -> Any:
        with self.lock:
            cache = self._store()
            try:
                return cache[key]
            except KeyError:
                pass
        listing = fetch()
        with self.lock:
            cache[key] = listing  # into the cache asked; one that set_ttl replaced meanwhile is dropped with it
        return listing

    def forget(self, *keys: Hashable) -> None:
        """Drop the listing of each schema named (and the schema list)."""
        with self.lock:
            if self._cache is not None:
                self._cache.pop(("schemas",), None)
                for schema in keys:
                    self._cache.pop(("tables", schema), None)

    def clear(self) -> None:
        """Forget every listing."""
        with self.lock:
            if self._cache is not None:
                self._cache.clear()
