"""Roots: a root package name (``djschemas``, or one made by :func:`djimport.mount`) bound to one
DataJoint connection and its listings cache, and the registry of roots (:data:`roots`)."""

from __future__ import annotations

import importlib
import sys
import types
from importlib.machinery import ModuleSpec
from typing import TYPE_CHECKING, Callable

from ._cache import Listings
from ._settings import default_ttl
from ._text import python_name
from ._timeout import bounded

if TYPE_CHECKING:
    from ._catalog import TableRow
    from ._datajoint import Connection


class Root:
    """Where the modules ``<name>.<schema>`` come from.

    ``connect`` returns the DataJoint connection to use; it is called on every
    import and reload, so it must be cheap once connected (``dj.conn`` is).
    DataJoint itself is imported on first use, never at start-up.
    """

    def __init__(self, name: str, connect: Callable[[], Connection] | None = None, *, mounted: bool = False) -> None:
        self.name = name
        self._connect = connect
        self.mounted = mounted  # True: no package on disk, the finder makes the root package itself
        self.listings = Listings(self._fetch_schemas, self._fetch_tables, default_ttl())

    def connection(self) -> Connection:
        """The root's connection, opened if need be within ``DJIMPORT_TIMEOUT``."""
        if self._connect is None:
            from . import _datajoint  # DataJoint, once a server is used

            existing = _datajoint.existing_default_connection()
            if existing is not None:
                return existing  # nothing to wait for: no helper thread
        return bounded(self._connector(), self._kind_check())

    def _connector(self) -> Callable[[], Connection]:
        """What opens the root's connection in the helper thread. DataJoint 0.14's prompt for a user or
        password not configured runs here, in the caller's thread and without the timeout."""
        if self._connect is None:
            from . import _datajoint  # DataJoint, once a server is used

            credentials = _datajoint.ask_credentials()
            return lambda: _datajoint.default_connection(**credentials)
        return self._connect

    def _kind_check(self) -> Callable[[], None] | None:
        """For DataJoint's default connection not open yet: what fails a slow connect at once when a server of
        the other kind (MySQL, PostgreSQL) answers at the configured port, which would stay silent until the
        timeout (PyMySQL waits for a greeting that PostgreSQL never sends)."""
        from . import _datajoint  # DataJoint, once a server is used

        if self._connect is not None or _datajoint.thread_safe() or _datajoint.existing_default_connection() is not None:
            return None
        server, backend = self.describe(), _datajoint.backend_configured()

        def check() -> None:
            from ._failures import check_server_kind  # once a connect is slow: not at start-up

            check_server_kind(server, backend, _datajoint.IS_V2)

        return check

    def describe(self) -> str:
        """``user@host:port`` of the server, without connecting."""
        from . import _datajoint  # DataJoint, once a server is used

        if self._connect is None:
            return _datajoint.describe_default()
        return _datajoint.describe(self._connect())

    def failure(self, exc: BaseException) -> str:
        """Why the server could not be used (:func:`._failures.explain`), naming it but never the password."""
        from . import _datajoint  # DataJoint, once a server is used
        from ._failures import explain  # its patterns, once something failed: not at start-up

        if self._connect is None and _datajoint.thread_safe():  # the cause is the mode, not a server
            return str(exc)
        mounted_as = self.name if self.mounted else None
        # DataJoint's settings name the server only for its default connection.
        backend = _datajoint.backend_configured() if self._connect is None else None
        return explain(exc, self.describe(), mounted_as, _datajoint.IS_V2, backend)

    def _fetch_schemas(self) -> tuple[str, ...]:
        from ._catalog import list_schemas  # DataJoint, once a server is used

        connect = self._connector()
        return bounded(lambda: list_schemas(connect()), self._kind_check())

    def _fetch_tables(self, schema: str) -> tuple[TableRow, ...] | None:
        from ._catalog import list_tables  # DataJoint, once a server is used

        connect = self._connector()
        return bounded(lambda: list_tables(connect(), schema), self._kind_check())

    def preload(self, pattern: str) -> list[str]:
        """List the tables of every schema whose name matches ``pattern`` (:func:`fnmatch.fnmatchcase`) in one
        query, kept for the TTL as their imports would have; the names matched, sorted."""
        import fnmatch  # here, not at start-up

        chosen = [schema for schema in self.listings.schemas() if fnmatch.fnmatchcase(schema, pattern)]
        self.list_together(chosen)
        return chosen

    def list_together(self, schemas: list[str]) -> None:
        """List the tables of ``schemas`` in one query, kept for the TTL as their imports would have."""
        from ._catalog import list_tables_of  # DataJoint, once a server is used

        connect = self._connector()
        self.listings.keep_tables(bounded(lambda: list_tables_of(connect(), schemas), self._kind_check()))


roots: dict[str, Root] = {}
"""The registered roots by name: ``djschemas`` once imported, and each :func:`djimport.mount`."""


def register(name: str, connect: Callable[[], Connection] | None = None) -> Root:
    """The root called ``name``, registered on first call."""
    root = roots.get(name)
    if root is None:
        root = roots[name] = Root(name, connect)
    return root


def package_functions(package: str) -> tuple[Callable[[str], types.ModuleType], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` (PEP 562) for a root package.

    ``djschemas.uni`` imports the schema module on first access, and
    ``dir(djschemas)`` lists the schemas whose names are identifiers, for
    tab completion, and nothing of the package's own; other names are reached
    with :func:`djimport.load`.

    ``inspect.getmembers(djschemas)`` sees the schemas imported so far only, without a query: it takes
    every name ``dir()`` gives and reads it, which would import every schema on the server. DataJoint
    walks the caller's namespace so to find a class by its table (``describe``, ``Diagram``,
    ``lookup_class_name``), and so does pydoc.
    """

    def __getattr__(name: str) -> types.ModuleType:
        if name.startswith("_"):  # dunder probes from IPython, pickle, inspect, ...
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return importlib.import_module(f"{package}.{name}")

    def __dir__() -> list[str]:
        imported = {name for name in vars(sys.modules[package]) if not name.startswith("_")}
        # The caller's frame: builtin dir() makes none, so it is inspect's own when inspect.getmembers asks.
        if sys._getframe(1).f_globals.get("__name__") == "inspect":
            return sorted(imported)
        root = roots[package]
        from . import _datajoint  # DataJoint, once the server is asked

        try:
            schemas = root.listings.schemas()
        except _datajoint.server_errors() as exc:  # as an import of a schema would fail: an ImportError saying why
            raise ImportError(f"Cannot list the schemas of {package}: {root.failure(exc)}", name=package) from exc
        imported.update(s for s in schemas if python_name(s) and not s.startswith("_"))
        return sorted(imported)

    return __getattr__, __dir__


class RootPackageLoader:
    """Makes the package of a mounted root: no files, ``__path__ == []``, and the
    same lazy ``__getattr__`` and ``__dir__`` as ``djschemas``."""

    def create_module(self, spec: ModuleSpec) -> None:
        return None  # the default module

    def exec_module(self, module: types.ModuleType) -> None:
        root = roots[module.__name__]
        module.__doc__ = (
            f"DataJoint schemas of {root.describe()}, as modules: ``import {root.name}.<schema>`` (djimport.mount)."
        )
        module.__getattr__, module.__dir__ = package_functions(module.__name__)  # type: ignore[method-assign]
