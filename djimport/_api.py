"""djimport's public functions: importing a schema by name, the caches, declaring tables, mounting
more servers, looking up a table, drawing diagrams."""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import keyword
import sys
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from ._finder import finder, install
from ._loader import SchemaModule
from ._names import did_you_mean, split_full_name
from ._root import Root, register, roots
from ._settings import DEFAULT_ROOT, set_default_ttl
from ._text import visible

DIAGRAM_FORMATS = ("svg", "png", "pdf", "dot")
"""The formats :func:`save_diagram` writes, named by the file's suffix."""

if TYPE_CHECKING:
    import graphviz

    from ._datajoint import Connection
    from ._selection import Node, Selection
    from ._map import PipelineMap


def load(schema: str) -> types.ModuleType:
    """Import the module of ``schema``, whose name need not be a Python identifier.

    ``djimport.load("my-schema")`` is ``import djschemas.<my-schema>``: the
    module is ``sys.modules["djschemas.my-schema"]``.
    """
    if not isinstance(schema, str) or not schema or "." in schema:
        raise ValueError(f"schema name must be a non-empty string without '.', got {schema!r}")
    importlib.import_module(DEFAULT_ROOT)  # installs the finder
    return importlib.import_module(f"{DEFAULT_ROOT}.{schema}")


def resolve(module: types.ModuleType | str, caller: str = "expected") -> SchemaModule:
    """A schema module imported through djimport, or the module of schema ``module`` (imported if need be):
    ``"name"`` for ``djschemas.name``, ``"root.name"`` for a root made by :func:`mount`.

    ``caller`` opens the message of the TypeError raised for anything else.
    """
    if isinstance(module, str):
        root_name, _, schema = module.rpartition(".")
        module = importlib.import_module(module) if root_name else load(schema)
    if not isinstance(module, SchemaModule):
        raise TypeError(f"{caller} a schema module imported through djimport or a schema name, got {module!r}")
    return module


def preload(pattern: str = "*") -> list[str]:
    """List the tables of every schema of ``djschemas`` whose name matches ``pattern`` (``"lab_*"``, as
    :func:`fnmatch.fnmatchcase`) in one query: importing them within the TTL then asks the server nothing.
    Returns the names matched, sorted."""
    if not isinstance(pattern, str):
        raise TypeError(f"pattern must be a string such as 'lab_*', got {pattern!r}")
    importlib.import_module(DEFAULT_ROOT)  # registers the root
    return roots[DEFAULT_ROOT].preload(pattern)


def invalidate_caches() -> None:
    """Forget every cached schema and table listing; the next import or reload asks the server."""
    finder.invalidate_caches()


def set_ttl(seconds: float) -> None:
    """Trust listings for ``seconds`` from now on (default :data:`DEFAULT_TTL`, or ``DJIMPORT_TTL``).

    This also forgets the listings cached so far.
    """
    set_default_ttl(seconds)
    for root in list(roots.values()):
        root.listings.set_ttl(seconds)


def create_tables(module: types.ModuleType | str, *, create_schema: bool = False) -> TablesCreation:
    """Let ``module.schema`` declare new tables inside the ``with`` block; the block gets the module.

    ``module`` is an imported schema module or a schema name: ``"name"`` for
    ``djschemas.name``, ``"labdb.name"`` for a root made by :func:`djimport.mount`.
    With ``create_schema=True`` a schema that does not exist yet is created first.
    Declaration is switched off again when the block ends, even on error, and
    the schema's listing is refreshed so that a reload sees the new tables.
    It is a context manager only: used as a decorator it raises TypeError.
    """
    return TablesCreation(module, create_schema)


class TablesCreation(contextlib.AbstractContextManager):
    """The context manager :func:`create_tables` returns."""

    def __init__(self, module: types.ModuleType | str, create_schema: bool) -> None:
        self._module = module
        self._create_schema = create_schema
        self._blocks: list[contextlib.ExitStack] = []  # one per `with` in progress (they may nest)

    def __enter__(self) -> SchemaModule:
        module = self._module
        if isinstance(module, str) and self._create_schema:
            root_name, _, schema = module.rpartition(".")
            _ensure_schema(root_name or DEFAULT_ROOT, schema)
        module = resolve(module, "create_tables() needs")
        block = contextlib.ExitStack()
        block.enter_context(module.__loader__.creating(module))
        self._blocks.append(block)
        return module

    def __exit__(self, *exc_info: Any) -> bool | None:
        return self._blocks.pop().__exit__(*exc_info)

    def __call__(self, decorated: object) -> NoReturn:
        # contextlib's context managers are decorators too: they would wrap the class into a function.
        module = self._module
        if isinstance(module, str):
            name = module
        else:
            root, _, name = module.__name__.partition(".")
            name = name if root == DEFAULT_ROOT else module.__name__
        what = getattr(decorated, "__name__", "Table")
        if not isinstance(decorated, type):  # a function that declares tables, as with contextlib's decorators
            raise TypeError(
                f"djimport.create_tables() is a context manager, not a decorator: call {what}() inside its block, "
                f"and decorate each table class {what}() declares with the module's schema (@module.schema):\n"
                f"    with djimport.create_tables({name!r}) as module:\n"
                f"        {what}()"
            )
        bases = ", ".join(
            f"dj.{base.__name__}" if base.__module__.startswith("datajoint") else base.__name__
            for base in getattr(decorated, "__bases__", ())
        )
        raise TypeError(
            f"djimport.create_tables() is a context manager, not a decorator: declare {what} inside its block, "
            f"decorated with the module's schema:\n"
            f"    with djimport.create_tables({name!r}) as module:\n"
            f"        @module.schema\n"
            f"        class {what}({bases}):  # its body as before"
        )


def _ensure_schema(root_name: str, schema: str) -> None:
    from . import _catalog, _datajoint  # DataJoint, once a server is used

    importlib.import_module(root_name)  # registers the root
    root = roots[root_name]
    if root.listings.tables(schema) is None:
        problem = _catalog.unusable_schema_name(root.connection(), schema)
        if problem:
            raise ValueError(f"Cannot create schema {schema!r}: {problem}.")
        _datajoint.create_schema(root.connection(), schema)
        root.listings.forget(schema)


def add_objects(module: types.ModuleType | str, **objects: object) -> types.ModuleType:
    """Put ``objects`` into a schema module's namespace, its tables' declaration context; returns the module.

    This is VirtualModule's ``add_objects``: DataJoint 0.14 finds the
    ``AttributeAdapter`` of an attribute of type ``<graph>`` under the name
    ``graph`` there (``djimport.add_objects(uni, graph=GraphAdapter())``).
    ``module`` is an imported schema module or a schema name, as for
    :func:`djimport.create_tables`. Headings already loaded that use one of the
    names are read again on next use. The objects stay through reloads.
    """
    from . import _datajoint  # the module is built: DataJoint is imported already

    module = resolve(module, "add_objects() needs")
    loader = module.__loader__
    taken = sorted(
        name for name in objects
        if name == "schema" or name.startswith("__") or any(cls.__qualname__ == name for cls in loader.classes.values())
    )
    if taken:
        raise ValueError(
            f"add_objects() cannot replace {', '.join(taken)} of {module.__name__}: the module's schema, its tables "
            f"and its dunder names keep their names; give the object another name"
        )
    with loader.lock:
        vars(module).update(objects)
        _datajoint.reload_headings_using(loader.classes.values(), objects)
    return module


def mount(name: str, *, connection: Connection) -> types.ModuleType:
    """Make ``import <name>.<schema>`` import the schemas of ``connection``'s server.

    ``connection`` is a DataJoint connection (``dj.Connection(...)``, or
    ``dj.Instance(...).connection`` in DataJoint 2.x, which also works in its
    thread-safe mode). The root package ``name`` has its own listings cache and
    behaves like ``djschemas`` (``dir(name)`` lists the schemas). Returns it.
    """
    from . import _datajoint  # DataJoint, once a server is used

    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"mount name must be a Python identifier without dots, got {name!r}")
    if not _datajoint.is_connection(connection):
        raise TypeError(
            f"mount({name!r}, connection=...) needs a DataJoint connection such as dj.conn() or "
            f"dj.Instance(...).connection, got {type(connection).__name__}"
        )
    if name in roots:
        raise ValueError(f"{name!r} is already mounted; call djimport.unmount({name!r}) first")
    if name in sys.modules or importlib.util.find_spec(name) is not None:
        raise ValueError(f"{name!r} is already an importable module or package; mount the server under another name")
    roots[name] = Root(name, lambda: connection, mounted=True)
    install()
    return importlib.import_module(name)


def unmount(name: str) -> None:
    """Forget the root ``name`` made by :func:`mount`: its package, schema modules and cache."""
    root = roots.get(name)
    if root is None or not root.mounted:
        hint = " (djschemas is not mounted: it is DataJoint's default connection)" if name == DEFAULT_ROOT else ""
        mounted = sorted(n for n, r in roots.items() if r.mounted)
        raise ValueError(f"{name!r} is not mounted{hint}; mounted: {mounted}")
    del roots[name]
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]


def table(full_name: str | tuple[str, str]) -> type[Any]:
    """The class of a table, by its full name, from its schema's module (imported if need be).

    ``full_name`` is ``"`ephys`.`_clustering`"`` (as DataJoint writes it on
    MySQL), ``'"ephys"."_clustering"'`` (PostgreSQL), ``"ephys._clustering"``
    or ``("ephys", "_clustering")``; part tables give their nested class
    (``Session.Trial``). Costs no query when the module is imported and has
    the table; a table it lacks is looked for again by reloading the module
    (no query within the TTL). Raises :class:`LookupError` naming the schema
    and close matches when there is no such table, ``ModuleNotFoundError``
    when there is no such schema.
    """
    schema, name = split_full_name(full_name)
    module = resolve(load(schema))
    loader = module.__loader__
    if name not in loader.classes:
        importlib.reload(module)
    cls = loader.classes.get(name)
    if cls is not None:
        return cls
    message = f"No table `{name}` in schema `{schema}` ({DEFAULT_ROOT}.{schema} on {loader.server})."
    if name in {row.name for row in loader.listing or ()}:
        message = (
            f"Table {loader.quoted(name)} has no class in {DEFAULT_ROOT}.{schema}: djimport skipped it (see the "
            f"warning at import); reach it with dj.FreeTable(dj.conn(), {loader.quoted(name)!r})."
        )
    else:
        message += did_you_mean(schema, loader.classes, name)
    raise LookupError(visible(message))  # names on a terminal: control and bidi characters shown, not obeyed


def diagram(
    *modules_or_schema_names: types.ModuleType | str, around: str | None = None, depth: int = 1
) -> graphviz.Digraph:
    """The diagram of one schema, of several, of every schema you can see, or of one table's
    neighbourhood, as a :class:`graphviz.Digraph`.

    Each argument is a module imported through djimport (``djschemas.university``),
    a schema name, or a shell-style pattern of schema names (``"lab_*"``, matched
    against the schemas you can see; one matching none raises LookupError with
    close names); with none, every schema on DataJoint's default server that has
    tables. One schema is drawn on its own; several are drawn each in a cluster
    labelled with its name. Tables of other schemas that they reference sit in
    dashed clusters. ``around="SCHEMA.Table"`` (the class name, ``Session.Trial``
    for a part, or the SQL name) draws instead the tables up to ``depth`` foreign
    keys above and below that table, in any schema, each master with its parts.
    DataJoint's hidden tables (``~external_<store>``, ``~jobs``, ...) are never drawn;
    the foreign keys between schemas have arrowheads (parent to child).

    Costs one query for the foreign keys of all the schemas drawn (plus their
    imports, if not imported yet); with no argument, a pattern or ``around``, two
    queries: one lists every schema's tables, without importing their modules.
    Render it with ``.pipe(format="svg")`` or :func:`djimport.save_diagram`; this
    needs Graphviz's ``dot`` program, while ``.source`` (DOT text) does not.
    """
    from . import _diagram  # DataJoint and graphviz, once a diagram is drawn

    return _diagram.draw(diagram_selection(*modules_or_schema_names, around=around, depth=depth))


def pipeline_map(
    *modules_or_schema_names: types.ModuleType | str, around: str | None = None, depth: int = 1
) -> PipelineMap:
    """The pipeline map of what :func:`diagram` would draw for the same arguments: one HTML page,
    self-contained, to pan, zoom and search, where a click on a table shows its comment, attributes, parents
    and children, and the line that imports it.

    ``.save("pipeline.html")`` writes the page; in a notebook the map is the cell's output (it has
    ``_repr_html_``). Costs the queries of :func:`diagram` plus two (the columns of every table shown, with
    their nullability and defaults, then their indexes).
    Writing or showing it needs Graphviz's ``dot`` program.
    """
    from . import _map  # DataJoint and graphviz, once a map is drawn

    root, connection, selection, start = _select(modules_or_schema_names, around, depth)
    return _map.build(connection, selection, root.name, focus=start)


def diagram_selection(
    *modules_or_schema_names: types.ModuleType | str, around: str | None = None, depth: int = 1
) -> Selection:
    """What :func:`diagram` draws for the same arguments, at the same cost, for any renderer: the tables
    chosen, the tables they reference and the foreign keys between them."""
    return _select(modules_or_schema_names, around, depth)[2]


def _select(
    modules_or_schema_names: tuple[types.ModuleType | str, ...], around: str | None, depth: int
) -> tuple[Root, Connection, Selection, Node | None]:
    """The root and connection of the schemas drawn, :func:`diagram_selection`, and the table ``around`` names."""
    from . import _catalog, _diagram, _selection  # DataJoint, once a diagram is drawn

    if around is not None and modules_or_schema_names:
        raise ValueError("around= draws a table's neighbourhood in every schema: name no schema with it")
    if not isinstance(depth, int) or depth < 0:
        raise ValueError(f"depth must be a whole number >= 0, got {depth!r}")
    names = [name for name in modules_or_schema_names if isinstance(name, str)]
    if around is None and modules_or_schema_names and not any(map(_selection.is_pattern, names)):
        loaders = [resolve(name).__loader__ for name in modules_or_schema_names]
        if len({id(loader.root) for loader in loaders}) > 1:
            raise ValueError("draw schemas of one server at a time: these modules come from different roots")
        connection = loaders[0].root.connection()
        tables = _diagram.tables_of(loaders)
        selection = _selection.of_schemas(tables, _catalog.list_keys_of(connection, list(tables)))
        return loaders[0].root, connection, selection, None
    # Patterns, every schema or a neighbourhood: the schemas of DataJoint's default server, listed at once.
    root = register(DEFAULT_ROOT)
    connection = root.connection()
    listing = _catalog.list_all_tables(connection)
    if around is not None:
        start = _selection.find_table(listing, around, root.describe())
        keys = _catalog.list_keys_of(connection, list(listing))
        return root, connection, _selection.around(listing, keys, start, depth), start
    schemas = [_schema_of_default_root(name) for name in modules_or_schema_names]
    drawn = _diagram.labelled(listing)
    if schemas:
        drawn = {schema: drawn.get(schema, {}) for schema in _selection.match_schemas(schemas, listing, root.describe())}
    if not drawn:
        raise LookupError(f"no schema with DataJoint tables on {root.describe()}")
    return root, connection, _selection.of_schemas(drawn, _catalog.list_keys_of(connection, list(drawn))), None


def _schema_of_default_root(module_or_name: types.ModuleType | str) -> str:
    if isinstance(module_or_name, str):
        return module_or_name
    loader = resolve(module_or_name).__loader__
    if loader.root.name != DEFAULT_ROOT:
        raise ValueError(f"patterns name schemas of {DEFAULT_ROOT}'s server: give {module_or_name.__name__} by name")
    return loader.schema


class DotNotFound(RuntimeError):
    """Graphviz's ``dot`` program is missing; the DOT text was written to ``path`` instead."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"Graphviz's `dot` program was not found, so wrote DOT text to {path} instead "
            "(install Graphviz, e.g. `apt-get install graphviz`, `brew install graphviz` or "
            "`conda install graphviz`, to render svg/png/pdf)"
        )
        self.path = path


def save_diagram(graph: graphviz.Digraph, path: str | Path) -> Path:
    """Write ``graph`` to ``path``, in the format its suffix names (.svg, .png, .pdf or .dot).

    Raises :class:`DotNotFound` after writing ``path`` with suffix ``.dot``
    when rendering needs Graphviz's ``dot`` and it is not installed.
    """
    import graphviz  # graphviz, once a diagram is saved

    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in DIAGRAM_FORMATS:
        raise ValueError(f"cannot write a diagram to {path}: name a .svg, .png, .pdf or .dot file")
    if fmt == "dot":
        path.write_text(graph.source)
        return path
    try:
        data = graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        dot_path = path.with_suffix(".dot")
        dot_path.write_text(graph.source)
        raise DotNotFound(dot_path) from None
    path.write_bytes(data)
    return path
