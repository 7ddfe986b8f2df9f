"""Building a schema module: a class per table, planned in full and then applied, so that a failure
leaves the module as it was; the module's ``schema`` (:class:`ModuleSchema`), ``__doc__`` and ``__all__``.

Nothing here knows about importlib: :class:`._loader.SchemaLoader` keeps the :class:`ModuleState` between
reloads and calls :func:`update`. DataJoint is imported with this module.
"""

from __future__ import annotations

import sys
import types
import warnings
from typing import Any, Callable, Iterator, Protocol

from . import _datajoint, _headings, _stale
from ._catalog import Keys, TableRow, list_keys, statement_lock, table_exists
from ._datajoint import Computed, Connection, Imported, Part, dj, tier_of
from ._locks import RLock
from ._names import did_you_mean, find_class, quoted
from ._settings import DEFAULT_ROOT
from ._stale import EXPLAINING, POPULATING
from ._text import visible


class ModuleState(Protocol):
    """What a module is built from and holds, kept between reloads (by :class:`._loader.SchemaLoader`)."""

    schema: str
    server: str
    backend: str  # of the server, for quoting names in messages
    listing: tuple[TableRow, ...] | None
    classes: dict[str, type[Any]]  # table name -> class, parts included
    warned: set[str]  # tables warned about once
    lock: RLock


def update(
    state: ModuleState, module: types.ModuleType, connection: Connection, listing: tuple[TableRow, ...],
    ttl: Callable[[], float],
) -> None:
    """Make ``module`` hold a class for each table of ``listing``, changing only what differs from
    ``state.listing``; its tables' headings are read together when older than ``ttl()`` seconds."""
    with state.lock:
        if listing != state.listing:
            _update(state, module, connection, listing, ttl)


def _update(
    state: ModuleState, module: types.ModuleType, connection: Connection, listing: tuple[TableRow, ...],
    ttl: Callable[[], float],
) -> None:
    state.backend = _datajoint.backend(connection)
    namespace = vars(module)
    schema = namespace.get("schema")
    if schema is None:
        schema = make_schema(connection, state.schema, namespace, ttl)
    # Plan: build and bind every new class before touching the module, so that
    # a failure here leaves the module exactly as it was.
    names = {row.name for row in listing}
    dropped = [name for name in state.classes if name not in names]
    for name in list(state.classes):  # a part whose master is gone goes too (a master renamed), as on import
        master = tier_of(name)[1]
        if master in dropped and name not in dropped:
            _warn_orphan(state, name, master)
            dropped.append(name)
    new: dict[str, type[Any]] = {}
    parts: list[tuple[str, str]] = []
    taken = {  # class names of the module's masters that stay
        _attribute(cls) for name, cls in state.classes.items() if name not in dropped and not issubclass(cls, Part)
    }
    for row in listing:
        if row.name in state.classes or not _conventional(state, row):
            continue
        tier, master = tier_of(row.name)
        if master is None:
            methods = POPULATING if tier in (Imported, Computed) else EXPLAINING
            cls = _datajoint.make_table_class(row.name, tier, module.__name__, methods)
            if _attribute(cls) in taken:  # e.g. `session` and `#session`, made by two different programs
                _warn(state, row.name, f"table {_quoted(state, row.name)} would be class {_attribute(cls)} "
                                       f"like another table of the schema; skipped")
                continue
            taken.add(_attribute(cls))
            new[row.name] = cls
        else:
            parts.append((row.name, master))
    for name, master in parts:
        master_class = new.get(master) or (None if master in dropped else state.classes.get(master))
        if master_class is None:
            _warn_orphan(state, name, master)
            continue
        new[name] = _datajoint.make_table_class(name, Part, module.__name__, EXPLAINING, master_class)
    for cls in new.values():
        heading = _headings.heading_of(connection, state.schema, cls.table_name, namespace)
        _datajoint.bind(cls, schema, namespace, heading)
    # A table that stays but whose row differs (its fingerprint: columns, indexes, foreign keys; its comment),
    # or that was declared since the last listing: the same class gets a new lazy heading.
    before = {row.name: row for row in state.listing or ()}
    altered = {
        row.name: _headings.heading_of(connection, state.schema, row.name, namespace)
        for row in listing if row.name in state.classes and row.name not in dropped and before.get(row.name) != row
    }

    # Apply: plain assignments from here on, nothing that can fail half-way.
    for name in dropped:
        cls = state.classes.pop(name)
        owner = cls.master if issubclass(cls, Part) else module
        if vars(owner).get(_attribute(cls)) is cls:
            delattr(owner, _attribute(cls))
    # Parts first, so that a reader never sees a new master without its parts.
    for name, cls in sorted(new.items(), key=lambda item: not issubclass(item[1], Part)):
        state.classes[name] = cls
        setattr(cls.master if issubclass(cls, Part) else module, _attribute(cls), cls)
    for name, heading in altered.items():
        _datajoint.bind(state.classes[name], schema, namespace, heading)
    namespace["schema"] = schema
    state.server = _datajoint.describe(connection)
    state.listing = listing
    _headings.listed(connection, state.schema, frozenset(names))
    _stale.track(connection, state.schema, state.classes)
    refresh_summary(state, namespace)
    if altered:  # heading rows read before this listing predate the change it shows: read them again on next use
        _headings.forget(connection, state.schema)
    if new or dropped or altered:
        _datajoint.forget_dependencies(connection)


def _attribute(cls: type[Any]) -> str:
    """The name of a table class in its module or master: its ``__name__`` unless that is a keyword (``False_``)."""
    return cls.__qualname__.rpartition(".")[2]


def _quoted(state: ModuleState, table: str | None = None) -> str:
    return quoted(state.backend, state.schema, *([table] if table else []))


def _conventional(state: ModuleState, row: TableRow) -> bool:
    if row.name.startswith("~"):  # DataJoint's own bookkeeping tables (~log, ~jobs, ~lineage)
        return False
    if row.is_view:
        _warn(state, row.name, f"{_quoted(state, row.name)} is a view; skipped")
        return False
    if tier_of(row.name)[0] is None:
        _warn(
            state,
            row.name,
            f"table {_quoted(state, row.name)} does not follow DataJoint's naming conventions; skipped "
            f"(reach it with dj.FreeTable(conn, {_quoted(state, row.name)!r}))",
        )
        return False
    return True


def _warn(state: ModuleState, table: str, message: str) -> None:
    if table not in state.warned:
        state.warned.add(table)
        warnings.warn(visible(message), stacklevel=2)


def _warn_orphan(state: ModuleState, part: str, master: str) -> None:
    _warn(state, part, f"part table {_quoted(state, part)} has no master table {_quoted(state, master)}; skipped")


def refresh_summary(state: ModuleState, namespace: dict) -> None:
    comments = {row.name: row.comment for row in state.listing or ()}
    masters = [cls for cls in state.classes.values() if not issubclass(cls, Part)]
    namespace["__all__"] = sorted(_attribute(cls) for cls in masters)
    lines = [
        f"DataJoint schema {visible(_quoted(state))} on {state.server}, imported by djimport.",
        "",
        "Tables:" if state.classes else "No tables.",
    ]
    width = max((len(cls.__qualname__) for cls in state.classes.values()), default=0)
    for name, cls in sorted(state.classes.items(), key=lambda item: item[1].__qualname__):
        tier = tier_of(name)[0].__name__
        # A table declared since the listing was read: the comment is in its definition.
        comment = comments[name] if name in comments else _datajoint.declared_comment(cls)
        lines.append(f"    {cls.__qualname__:<{width}}  {tier:<8}  {visible(comment)}".rstrip())
    keywords = [f"{cls.__qualname__} is table {visible(_quoted(state, name))}: {cls.__name__} is a Python keyword."
                for name, cls in sorted(state.classes.items()) if _attribute(cls) != cls.__name__]
    if keywords:
        lines += ["", *keywords]
    note = _datajoint.lineage_missing(state.backend, state.schema, (row.name for row in state.listing or ()))
    if note:
        lines += ["", note]
    namespace["__doc__"] = "\n".join(lines)


def adopt(state: ModuleState, namespace: dict, cls: type[Any]) -> None:
    """Take a class declared through the module's ``schema`` into the module (``namespace``), with its parts."""
    with state.lock:
        if cls.table_name in state.classes:
            return  # the module keeps the class it already has for that table
        namespace[cls.__name__] = cls
        state.classes[cls.table_name] = cls
        for attr in vars(cls).values():
            if isinstance(attr, type) and issubclass(attr, Part):
                part: type[Any] = attr
                state.classes[part.table_name] = part
        refresh_summary(state, namespace)


def modelled(tables: tuple[str, ...]) -> list[str]:
    """Of a schema's base tables, those its module makes classes for: names in DataJoint's
    conventions, parts whose master is there (short of two tables that would share a class name)."""
    names = set(tables)
    return [
        table for table, (tier, master) in ((table, tier_of(table)) for table in tables)
        if tier is not None and (master is None or master in names)
    ]


class ModuleSchema(dj.Schema):  # type: ignore[misc]
    """The ``schema`` of an imported module.

    Unlike a plain Schema with ``create_tables=False``, which binds a class to a
    table that does not exist and fails later, it refuses at once to declare a
    new table unless ``djimport.create_tables`` is in force, and it hands every
    class it binds to its module. It carries nothing of djimport's but its
    context, the module's namespace, whose ``__loader__`` does both and holds
    the module's classes.

    DataJoint 2.x's schema API (``schema["Student"]``, ``get_table``, ``in``,
    iteration) answers with the module's own classes, on DataJoint 0.14 too.
    """

    def _classes(self) -> dict[str, type[Any]]:
        """The module's classes by table name, parts included."""
        return dict(self.context["__loader__"].classes)

    def get_table(self, name: str) -> type[Any]:
        """The module's class of table ``name``: ``"LetterGrade"``, ``"letter_grade"``,
        ``"#letter_grade"``, ``"Session.Trial"`` or ``"session__trial"``; no query.

        Raises DataJointError, as DataJoint 2.x does, when the module has no such table.
        """
        cls = find_class(self._classes(), name)
        if cls is None:
            raise _datajoint.DataJointError(
                f"Table `{name}` does not exist in schema `{self.database}` ({self.context['__name__']})."
                + did_you_mean(self.database, self._classes(), name)
            )
        return cls

    def __getitem__(self, name: str) -> type[Any]:
        return self.get_table(name)

    def __contains__(self, name: str) -> bool:
        return find_class(self._classes(), name) is not None

    def __iter__(self) -> Iterator[type[Any]]:
        """The module's classes in dependency order (each after the tables it references, parts right
        after their master); one query for the schema's foreign keys."""
        classes = self._classes()
        keys = list_keys(self.connection, self.database)
        return iter([classes[table] for table in dependency_order(self.database, classes, keys)])

    def __call__(self, cls: type[Any], *, context: dict | None = None) -> type[Any]:
        if context is None:
            caller = sys._getframe(1)
            # The module's classes first, so that `-> Student` works as well as `-> uni.Student`.
            context = {**self.context, **caller.f_globals, **caller.f_locals}
            del caller
        loader = self.context["__loader__"]
        backend = _datajoint.backend(self.connection)
        with statement_lock(self.connection):
            if not self.create_tables and not table_exists(self.connection, self.database, cls.table_name):
                module = self.context["__name__"]
                root, _, schema = module.partition(".")
                name = schema if root == DEFAULT_ROOT else module  # what create_tables() takes
                table = quoted(backend, self.database, cls.table_name)
                raise _datajoint.DataJointError(
                    f"Table {table} does not exist and {module} was imported without create_tables. Declare it inside "
                    f"`with djimport.create_tables({name!r}):`."
                )
            failure = None
            try:
                cls = super().__call__(cls, context=context)
            except _datajoint.DataJointError as exc:
                failure = exc
            missing = self.create_tables and not table_exists(self.connection, self.database, cls.table_name)
            if missing and _datajoint.create_refused(failure, cls):
                raise _datajoint.DataJointError(
                    f"Cannot declare table {quoted(backend, self.database, cls.table_name)}: the server refused "
                    f"to create it. Check that your user has the CREATE privilege on schema "
                    f"{quoted(backend, self.database)}."
                ) from failure
            if failure is not None:
                raise failure  # e.g. a mistake in the definition: DataJoint's own words
        adopt(loader, self.context, cls)
        return cls


def make_schema(connection: Connection, database: str, module_dict: dict, ttl: Callable[[], float]) -> ModuleSchema:
    """A schema object for an existing database, without the query ``Schema()`` runs to check it exists.

    Its tables' headings are read together, and again when older than ``ttl()`` seconds.
    """
    schema = ModuleSchema(context=module_dict, connection=connection, create_schema=False, create_tables=False)
    _datajoint.attach_schema(schema, connection, database)
    _headings.track(connection, database, ttl)
    return schema


def declaration_order(schema: str, classes: dict[str, type[Any]], keys: Keys) -> list[tuple[str, list[str]]]:
    """Master tables with their parts, in an order DataJoint can declare: each master after every master
    that it or one of its parts references, each part after the parts of its master that it references
    (DataJoint declares parts right after their master, in the order of the source); by name otherwise."""
    def master_of(table: str) -> str:
        return tier_of(table)[1] or table

    masters: dict[str, list[str]] = {table: [] for table in classes if tier_of(table)[1] is None}
    parts: dict[str, list[str]] = {table: [] for table in classes if tier_of(table)[1] is not None}
    for fk in keys.foreign:
        if fk.ref_schema == schema and fk.table in classes and fk.ref_table in classes:
            child, parent = master_of(fk.table), master_of(fk.ref_table)
            if child != parent:
                masters[child].append(parent)
            elif fk.table in parts and fk.ref_table in parts:
                parts[fk.table].append(fk.ref_table)
    order = _topological(masters, lambda table: classes[table].__name__)
    part_order = _topological(parts, lambda table: classes[table].__name__)
    return [(master, [part for part in part_order if master_of(part) == master]) for master in order]


def _topological(graph: dict[str, list[str]], name: Callable[[str], str]) -> list[str]:
    """The nodes of ``graph`` (node -> nodes it comes after), each after those; by ``name`` otherwise."""
    import graphlib  # to order tables for export and iteration, not to build a module

    sorter = graphlib.TopologicalSorter(graph)
    sorter.prepare()
    order = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=name)
        order += ready
        sorter.done(*ready)
    return order


def dependency_order(schema: str, classes: dict[str, type[Any]], keys: Keys) -> list[str]:
    """Every table of ``classes``, each after the tables it references, parts right after their master."""
    return [table for master, parts in declaration_order(schema, classes, keys) for table in (master, *parts)]
