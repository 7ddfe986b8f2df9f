"""The loader: builds, and on reload updates, the module of one database schema."""

from __future__ import annotations

import contextlib
import difflib
import importlib
import threading
import types
import warnings
from importlib.machinery import ModuleSpec
from typing import TYPE_CHECKING, Iterator

from ._root import DEFAULT_ROOT

if TYPE_CHECKING:
    from ._introspect import TableRow
    from ._root import Root


class SchemaModule(types.ModuleType):
    """The module of a database schema: ``schema``, one DataJoint class per table, ``__all__``."""

    def __repr__(self) -> str:
        loader = self.__spec__.loader
        count = len(loader.classes)
        tables = f"{count} table{'s' * (count != 1)}"
        return f"<schema module {self.__name__!r}: {loader.quoted()} on {loader.server}, {tables}>"

    def _repr_svg_(self) -> str | None:
        """The schema's diagram as SVG, for Jupyter/IPython; None when Graphviz's ``dot`` is missing."""
        import graphviz

        from .diagram import diagram

        try:
            return diagram(self).pipe(format="svg", encoding="utf-8")
        except graphviz.ExecutableNotFound:
            return None

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        """The diagram (``image/svg+xml``) when it can be rendered, and always the short ``repr``."""
        bundle = {"text/plain": repr(self)}
        svg = self._repr_svg_()
        if svg is not None:
            bundle["image/svg+xml"] = svg
        return bundle


class SchemaLoader:
    """Loads ``<root>.<schema>``; it is also the module's state between reloads.

    ``importlib.reload`` calls :meth:`exec_module` again on the same module (the
    finder hands back the same spec, hence the same loader): the loader
    compares the fresh listing with the one the module was built from and
    changes only what differs.
    """

    def __init__(self, root: Root, schema: str) -> None:
        self.root = root
        self.schema = schema
        self.server = ""
        self.backend = "mysql"  # of the server, for quoting names in messages
        self.listing: tuple[TableRow, ...] | None = None
        self.classes: dict[str, type] = {}  # table name -> class, parts included
        self._warned: set[str] = set()
        self.lock = threading.RLock()
        self._creating = 0

    def create_module(self, spec: ModuleSpec) -> SchemaModule:
        return SchemaModule(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        connection, listing = self._list(module.__name__)
        with self.lock:
            if listing != self.listing:
                self._update(module, connection, listing)

    def _list(self, fullname: str):
        try:
            listing = self.root.listings.tables(self.schema)
            connection = self.root.connection()
        except Exception as exc:
            raise ImportError(f"Cannot import {fullname}: {self.root.failure(exc)}", name=fullname) from exc
        if listing is None:
            raise ModuleNotFoundError(self._not_found_message(fullname, connection), name=fullname)
        return connection, listing

    def _not_found_message(self, fullname: str, connection) -> str:
        from . import _compat
        from ._introspect import unusable_schema_name

        problem = unusable_schema_name(connection, self.schema)
        if problem:
            return f"Cannot import {fullname!r}: {problem}."
        schema = _compat.quoted(_compat.backend(connection), self.schema)
        message = f"No schema {schema} on DataJoint server {self.root.describe()} (import {fullname})."
        with contextlib.suppress(Exception):  # the hint is a courtesy; the error above is the answer
            matches = difflib.get_close_matches(self.schema, self.root.listings.schemas(), n=3)
            if matches:
                message += " Did you mean " + " or ".join(repr(m) for m in matches) + "?"
        name = self.schema if self.root.name == DEFAULT_ROOT else fullname
        return message + f" To create it: `with djimport.create_tables({name!r}, create_schema=True) as module: ...`."

    def _update(self, module: types.ModuleType, connection, listing: tuple[TableRow, ...]) -> None:
        from . import _compat

        self.backend = _compat.backend(connection)
        namespace = vars(module)
        schema = namespace.get("schema")
        if schema is None:
            schema = _compat.make_schema(connection, self.schema, namespace, lambda: self.root.listings.ttl)
        # Plan: build and bind every new class before touching the module, so that
        # a failure here leaves the module exactly as it was.
        names = {row.name for row in listing}
        dropped = [name for name in self.classes if name not in names]
        new: dict[str, type] = {}
        parts: list[tuple[str, str]] = []
        taken = {  # class names of the module's masters that stay
            cls.__name__ for name, cls in self.classes.items() if name not in dropped and cls.__qualname__ == cls.__name__
        }
        for row in listing:
            if row.name in self.classes or not self._conventional(row):
                continue
            tier, master = _compat.tier_of(row.name)
            if master is None:
                cls = _compat.make_table_class(row.name, tier, module.__name__)
                if cls.__name__ in taken:  # e.g. `session` and `#session`, made by two different programs
                    self._warn(row.name, f"table {self.quoted(row.name)} would be class {cls.__name__} "
                                         f"like another table of the schema; skipped")
                    continue
                taken.add(cls.__name__)
                new[row.name] = cls
            else:
                parts.append((row.name, master))
        for name, master in parts:
            master_class = new.get(master) or (None if master in dropped else self.classes.get(master))
            if master_class is None:
                self._warn(name, f"part table {self.quoted(name)} has no master table {self.quoted(master)}; skipped")
                continue
            new[name] = _compat.make_table_class(name, _compat.Part, module.__name__, master_class)
        for cls in new.values():
            _compat.bind(cls, schema, namespace)

        # Apply: plain assignments from here on, nothing that can fail half-way.
        for name in dropped:
            cls = self.classes.pop(name)
            owner = cls._master if issubclass(cls, _compat.Part) else module
            if vars(owner).get(cls.__name__) is cls:
                delattr(owner, cls.__name__)
        # Parts first, so that a reader never sees a new master without its parts.
        for name, cls in sorted(new.items(), key=lambda item: not issubclass(item[1], _compat.Part)):
            self.classes[name] = cls
            setattr(cls._master if issubclass(cls, _compat.Part) else module, cls.__name__, cls)
        namespace["schema"] = schema
        self.server = _compat.describe(connection)
        self.listing = listing
        self._refresh_summary(namespace)
        if new or dropped:
            _compat.forget_dependencies(connection)

    def quoted(self, table: str | None = None) -> str:
        """The schema's name, or one of its tables' ``schema.table``, quoted as its server quotes names."""
        from . import _compat

        return _compat.quoted(self.backend, self.schema, *([table] if table else []))

    def _conventional(self, row: TableRow) -> bool:
        from . import _compat

        if row.name.startswith("~"):  # DataJoint's own bookkeeping tables (~log, ~jobs, ~lineage)
            return False
        if row.is_view:
            self._warn(row.name, f"{self.quoted(row.name)} is a view; skipped")
            return False
        if _compat.tier_of(row.name)[0] is None:
            self._warn(
                row.name,
                f"table {self.quoted(row.name)} does not follow DataJoint's naming conventions; skipped "
                f"(reach it with dj.FreeTable(conn, {self.quoted(row.name)!r}))",
            )
            return False
        return True

    def _warn(self, table: str, message: str) -> None:
        if table not in self._warned:
            self._warned.add(table)
            warnings.warn(message, stacklevel=2)

    def _refresh_summary(self, namespace: dict) -> None:
        from . import _compat

        comments = {row.name: row.comment for row in self.listing or ()}
        masters = [cls for cls in self.classes.values() if not issubclass(cls, _compat.Part)]
        namespace["__all__"] = sorted(cls.__name__ for cls in masters)
        lines = [
            f"DataJoint schema {self.quoted()} on {self.server}, imported by djimport.",
            "",
            "Tables:" if self.classes else "No tables.",
        ]
        width = max((len(cls.__qualname__) for cls in self.classes.values()), default=0)
        for name, cls in sorted(self.classes.items(), key=lambda item: item[1].__qualname__):
            tier = _compat.tier_of(name)[0].__name__
            # A table declared since the listing was read: the comment is in its definition.
            comment = comments[name] if name in comments else _compat.declared_comment(cls)
            lines.append(f"    {cls.__qualname__:<{width}}  {tier:<8}  {comment}".rstrip())
        namespace["__doc__"] = "\n".join(lines)

    def adopt(self, namespace: dict, cls: type) -> None:
        """Take a class declared through the module's ``schema`` into the module (``namespace``), with its parts."""
        from . import _compat

        with self.lock:
            if cls.table_name in self.classes:
                return  # the module keeps the class it already has for that table
            namespace[cls.__name__] = cls
            self.classes[cls.table_name] = cls
            for attr in vars(cls).values():
                if isinstance(attr, type) and issubclass(attr, _compat.Part):
                    self.classes[attr.table_name] = attr
            self._refresh_summary(namespace)

    def table_exists(self, table: str) -> bool:
        from ._introspect import table_exists

        return table_exists(self.root.connection(), self.schema, table)

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


def _loader_of(module_name: str) -> SchemaLoader:
    return importlib.import_module(module_name).__loader__
