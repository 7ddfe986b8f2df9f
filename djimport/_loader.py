"""The importlib loader of one database schema's module: it lists the schema (through its root's cache)
and hands the listing to :mod:`._build`; the loader is also the module's state between reloads."""

from __future__ import annotations

import contextlib
import importlib
import logging
import types
from importlib.machinery import ModuleSpec
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from ._locks import RLock
from ._names import quoted
from ._root import Root
from ._settings import DEFAULT_ROOT

if TYPE_CHECKING:
    from ._catalog import TableRow
    from ._datajoint import Connection

logger = logging.getLogger("djimport")

# A name the missing-schema message offers to create: letters, digits, `_` and `-` (no wildcard, no space).
# As text: compiled once a schema is missing, not at start-up.
_NEW_SCHEMA_NAME = r"\w+(?:-\w+)*"


class SchemaModule(types.ModuleType):
    """The module of a database schema: ``schema``, one DataJoint class per table, ``__all__``."""

    __loader__: SchemaLoader  # type: ignore[assignment]  # always, for a module this loader made

    def __repr__(self) -> str:
        loader = self.__loader__
        count = len(loader.classes)
        tables = f"{count} table{'s' * (count != 1)}"
        return f"<schema module {self.__name__!r}: {loader.quoted()} on {loader.server}, {tables}>"

    def __getattr__(self, name: str) -> Any:
        """Called for a name the module lacks: Python's AttributeError, or, for ``from module import name``, an
        ImportError naming the schema and its server, and suggesting what Python suggests for ``module.name``.

        Python turns an AttributeError raised during ``from module import name`` into "cannot import name ...
        (unknown location)" (a module without ``__file__``), with no suggestion; an ImportError raised here
        reaches the user instead. The statement's opcode is the only way to tell the two apart.
        """
        import opcode  # once a name is missing
        import sys

        frame = sys._getframe(1)
        if name.startswith("_") or frame.f_code.co_code[frame.f_lasti] != opcode.opmap["IMPORT_FROM"]:
            # Python's own error: it adds "Did you mean" from dir(module) when it shows the error
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        # Python computes its suggestion in C (3.10, 3.11) or privately (3.12+): difflib finds the same one for a
        # typo (`Studnet`, `student` -> `Student`).
        matches = _close_matches(name, [key for key in vars(self) if not key.startswith("_")])
        loader = self.__loader__
        raise ImportError(
            f"cannot import name {name!r} from {self.__name__!r} (schema {loader.quoted()} on {loader.server})"
            + (f". Did you mean: {matches[0]!r}?" if matches else ""), name=self.__name__,
        )

    def _repr_svg_(self) -> str | None:
        """The schema's diagram as SVG, for Jupyter/IPython; None when Graphviz's ``dot`` is missing."""
        from . import _diagram  # graphviz, only when a notebook shows the module

        return _diagram.svg(_diagram.render(self.__loader__.root.connection(), _diagram.tables_of([self.__loader__])))

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        """The diagram (``image/svg+xml``) when it can be rendered, and always the short ``repr``."""
        bundle = {"text/plain": repr(self)}
        svg = self._repr_svg_()
        if svg is not None:
            bundle["image/svg+xml"] = svg
        return bundle


class SchemaLoader:
    """Loads ``<root>.<schema>``; it is also the module's state between reloads (a :class:`._build.ModuleState`).

    ``importlib.reload`` calls :meth:`exec_module` again on the same module (the
    finder hands back the same spec, hence the same loader): the fresh listing is
    compared with the one the module was built from and only what differs changes.
    """

    def __init__(self, root: Root, schema: str) -> None:
        self.root = root
        self.schema = schema
        self.server = ""
        self.backend = "mysql"  # of the server, for quoting names in messages
        self.listing: tuple[TableRow, ...] | None = None
        self.classes: dict[str, type[Any]] = {}  # table name -> class, parts included
        self.warned: set[str] = set()
        self.lock = RLock()
        self._creating = 0

    def create_module(self, spec: ModuleSpec) -> SchemaModule:
        return SchemaModule(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        from . import _build  # DataJoint, once a module is built rather than found

        connection, listing = self._list(module.__name__)
        _build.update(self, module, connection, listing, lambda: self.root.listings.ttl)

    def _list(self, fullname: str) -> tuple[Connection, tuple[TableRow, ...]]:
        from . import _datajoint  # DataJoint, once a module is built rather than found

        try:
            listing = self.root.listings.tables(self.schema)
            connection = self.root.connection()
        except _datajoint.server_errors() as exc:  # the import fails with an ImportError that says why
            raise ImportError(f"Cannot import {fullname}: {self.root.failure(exc)}", name=fullname) from exc
        if listing is None:
            raise ModuleNotFoundError(self._not_found_message(fullname, connection), name=fullname)
        _datajoint.warn_without_lineage(connection, self.schema, (row.name for row in listing))
        return connection, listing

    def _not_found_message(self, fullname: str, connection: Connection) -> str:
        from . import _catalog, _datajoint  # DataJoint, once a server answered

        problem = _catalog.unusable_schema_name(connection, self.schema)
        if problem:
            return f"Cannot import {fullname!r}: {problem}."
        schema = quoted(_datajoint.backend(connection), self.schema)
        message = f"No schema {schema} on DataJoint server {self.root.describe()} (import {fullname})."
        try:
            matches = _close_matches(self.schema, self.root.listings.schemas())
        except (_datajoint.DataJointError, _datajoint.driver_error(connection), TimeoutError) as exc:
            # the hint is a courtesy; the error above is the answer
            logger.debug("no close matches for schema %r: %s", self.schema, exc)
            matches = []
        if matches:
            return message + " Did you mean " + " or ".join(repr(m) for m in matches) + "?"
        import re  # once a schema is missing: not at start-up

        if not re.fullmatch(_NEW_SCHEMA_NAME, self.schema):  # e.g. a pattern such as `nc_*`: not a name to create
            return message
        name = self.schema if self.root.name == DEFAULT_ROOT else fullname
        return message + f" To create it: `with djimport.create_tables({name!r}, create_schema=True) as module: ...`."

    def quoted(self, table: str | None = None) -> str:
        """The schema's name, or one of its tables' ``schema.table``, quoted as its server quotes names."""
        return quoted(self.backend, self.schema, *([table] if table else []))

    def __reduce__(self) -> tuple:
        # A module's namespace is its schema's context, which DataJoint pickles with the connection
        # into populate's worker processes (#9): there, the loader is the one of the same module.
        return _loader_of, (f"{self.root.name}.{self.schema}",)

    @contextlib.contextmanager
    def creating(self, module: types.ModuleType) -> Iterator[None]:
        """Let ``module.schema`` declare new tables for the duration of the block."""
        schema = vars(module)["schema"]
        with self.lock:
            self._creating += 1
            schema.create_tables = True
        try:
            yield
        finally:
            with self.lock:
                self._creating -= 1
                if not self._creating:
                    schema.create_tables = False
            self.root.listings.forget(self.schema)


def _close_matches(name: str, schemas: Iterable[str]) -> list[str]:
    """Up to three of ``schemas`` close to ``name``, ignoring case (``NC_UNIVERSITY2`` finds ``nc_university2``)."""
    import difflib  # once a schema is missing: not at start-up

    by_folded: dict[str, list[str]] = {}
    for schema in schemas:
        by_folded.setdefault(schema.casefold(), []).append(schema)
    folded = difflib.get_close_matches(name.casefold(), by_folded, n=3)
    return [schema for match in folded for schema in by_folded[match]][:3]


def _loader_of(module_name: str) -> Any:
    return importlib.import_module(module_name).__loader__
