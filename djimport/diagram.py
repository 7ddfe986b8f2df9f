"""Schema diagrams with graphviz: one node per table, one edge per foreign key.

Nodes are styled by tier as in DataJoint's own ``dj.Diagram`` (0.14 palette):
Manual green boxes, Lookup grey plain text, Imported blue and Computed red
ellipses, Part small plain text. An edge is solid when the foreign key is part
of the child's primary key and dashed otherwise, thin when the child's primary
key has more attributes than the foreign key brings (one-to-many). Tables of
other schemas that the schema references sit in a cluster labelled with their
schema's name. A diagram of several schemas (a pipeline's map) draws each in a
cluster of its own, left to right, and the foreign keys between them darker.
"""

from __future__ import annotations

import contextlib
import types
from pathlib import Path
from typing import TYPE_CHECKING

from ._loader import SchemaLoader

if TYPE_CHECKING:  # imported on first use, so that `import djimport` stays light
    import graphviz

    from ._introspect import ForeignKey

__all__ = ["FORMATS", "DotNotFound", "diagram", "save"]

FORMATS = ("svg", "png", "pdf", "dot")
"""The formats :func:`save` writes, named by the file's suffix."""

_SCALE = 1.2
_TIER_STYLE = {
    "Manual": dict(shape="box", color="#00FF0030", fontcolor="darkgreen", fontsize=_SCALE * 10, size=0.4),
    "Lookup": dict(shape="plaintext", color="#00000020", fontcolor="black", fontsize=_SCALE * 8, size=0.4),
    "Imported": dict(shape="ellipse", color="#00007F40", fontcolor="#00007FA0", fontsize=_SCALE * 10, size=0.4),
    "Computed": dict(shape="ellipse", color="#FF000020", fontcolor="#7F0000A0", fontsize=_SCALE * 10, size=0.3),
    "Part": dict(shape="plaintext", color="#00000000", fontcolor="black", fontsize=_SCALE * 8, size=0.1),
    None: dict(shape="circle", color="#FFFF0040", fontcolor="black", fontsize=_SCALE * 8, size=0.4),
}
_EDGE_COLOR = "#00000040"
_CROSS_SCHEMA_EDGE_COLOR = "#000000B0"
_RENAMED_EDGE_COLOR = "#FF880080"  # a foreign key whose columns are renamed (``-> T.proj(a='b')``)


def schema_module(module_or_schema_name: types.ModuleType | str) -> types.ModuleType:
    """The djimport module of a schema, imported by name if need be."""
    from . import load

    module = load(module_or_schema_name) if isinstance(module_or_schema_name, str) else module_or_schema_name
    if not isinstance(getattr(module, "__loader__", None), SchemaLoader):
        raise TypeError(f"expected a schema module imported through djimport or a schema name, got {module!r}")
    return module


def diagram(*modules_or_schema_names: types.ModuleType | str) -> graphviz.Digraph:
    """The diagram of one schema, of several, or of every schema you can see, as a :class:`graphviz.Digraph`.

    Each argument is a module imported through djimport (``djschemas.university``)
    or a schema name; with none, every schema on DataJoint's default server
    that has tables. One schema is drawn on its own; several are drawn each in a
    cluster labelled with its name. Tables of other schemas that they reference
    sit in dashed clusters. Costs one query for the foreign keys of all the
    schemas drawn (plus their imports, if not imported yet; with no argument,
    one query lists every schema's tables instead). Render it with
    ``.pipe(format="svg")`` or :func:`save`; this needs Graphviz's ``dot``
    program, while ``.source`` (DOT text) does not.
    """
    import graphviz

    from . import _compat
    from ._introspect import list_keys_of

    connection, drawn = _drawn(modules_or_schema_names)
    keys = list_keys_of(connection, list(drawn))
    single = len(drawn) == 1
    graph = graphviz.Digraph(name=next(iter(drawn)) if single else "pipeline")
    if not single:
        # A pipeline of many schemas reads left to right, each schema a box of tables.
        graph.attr(rankdir="LR", ranksep="1.2", nodesep="0.15", fontname="arial")
    for schema, classes in drawn.items():
        with contextlib.ExitStack() as stack:
            target = graph
            if not single:
                target = stack.enter_context(graph.subgraph(name=f"cluster_{schema}"))
                target.attr(label=schema, style="solid", color="#00000080", fontname="arial", fontsize="16")
            for table, label in sorted(classes.items(), key=lambda item: item[1]):
                target.node(_node_id(schema, table), **_node_style(table, label))

    others: dict[str, set[str]] = {}  # referenced tables that are not drawn, by schema
    for schema, schema_keys in keys.items():
        for fk in schema_keys.foreign:
            if fk.table not in drawn[schema]:
                continue
            if fk.ref_table not in drawn.get(fk.ref_schema, {}):
                others.setdefault(fk.ref_schema, set()).add(fk.ref_table)
            style = _edge_style(fk, schema_keys.primary)
            if fk.ref_schema != schema and not single and style["color"] == _EDGE_COLOR:
                style["color"] = _CROSS_SCHEMA_EDGE_COLOR  # the links between clusters, which a map is for
            graph.edge(_node_id(fk.ref_schema, fk.ref_table), _node_id(schema, fk.table), **style)
    for other in sorted(others):
        with contextlib.ExitStack() as stack:
            target = graph
            if not (single and other in drawn):  # a drawn schema's cluster opens again for its unmodelled tables
                target = stack.enter_context(graph.subgraph(name=f"cluster_{other}"))
            if other not in drawn:
                target.attr(label=other, style="dashed", color="#00000040", fontname="arial")
            for table in sorted(others[other]):
                label = table if other in drawn else _compat.qualified_class_name(table)
                target.node(_node_id(other, table), **_node_style(table, label))
    return graph


def _drawn(modules_or_schema_names) -> tuple[object, dict[str, dict[str, str]]]:
    """The connection, and schema -> table -> label of the tables to draw."""
    from . import _compat
    from ._introspect import list_all_tables
    from ._root import DEFAULT_ROOT, register

    if not modules_or_schema_names:
        connection = register(DEFAULT_ROOT).connection()
        drawn = {
            schema: {table: _compat.qualified_class_name(table) for table in modelled(tables)}
            for schema, tables in list_all_tables(connection).items()
        }
        drawn = {schema: tables for schema, tables in drawn.items() if tables}
        if not drawn:
            raise LookupError(f"no schema with DataJoint tables on {_compat.describe(connection)}")
        return connection, drawn
    loaders = [schema_module(name).__loader__ for name in modules_or_schema_names]
    if len({id(loader.root) for loader in loaders}) > 1:
        raise ValueError("draw schemas of one server at a time: these modules come from different roots")
    return loaders[0].root.connection(), {
        loader.schema: {table: cls.__qualname__ for table, cls in dict(loader.classes).items()} for loader in loaders
    }


def modelled(tables: tuple[str, ...]) -> list[str]:
    """Of a schema's base tables, those its module makes classes for: names in DataJoint's
    conventions, parts whose master is there (short of two tables that would share a class name)."""
    from . import _compat

    names = set(tables)
    return [
        table for table, (tier, master) in ((table, _compat.tier_of(table)) for table in tables)
        if tier is not None and (master is None or master in names)
    ]


def _node_id(schema: str, table: str) -> str:
    return f"{schema}.{table}"


def _node_style(table: str, label: str) -> dict[str, str]:
    from . import _compat

    tier = _compat.tier_of(table)[0]
    style = _TIER_STYLE[tier.__name__ if tier else None]
    return dict(
        label=label,
        shape=style["shape"],
        style="filled",
        color=style["color"],
        fontcolor=style["fontcolor"],
        fontsize=str(round(style["fontsize"])),
        fontname="arial",
        width=str(round(style["size"] * _SCALE, 2)),
        height=str(round(style["size"] * _SCALE, 2)),
    )


def _edge_style(fk: ForeignKey, primary: dict[str, tuple[str, ...]]) -> dict[str, str]:
    child_key = set(primary.get(fk.table, ()))
    in_key = set(fk.columns) <= child_key
    one_to_many = set(fk.columns) != child_key  # DataJoint's "multi"
    renamed = fk.columns != fk.ref_columns
    return dict(
        style="solid" if in_key else "dashed",
        color=_RENAMED_EDGE_COLOR if renamed else _EDGE_COLOR,
        penwidth="0.75" if one_to_many else "2",
        arrowhead="none",
    )


class DotNotFound(RuntimeError):
    """Graphviz's ``dot`` program is missing; the DOT text was written to ``path`` instead."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"Graphviz's `dot` program was not found, so wrote DOT text to {path} instead "
            "(install Graphviz, e.g. `apt-get install graphviz`, `brew install graphviz` or "
            "`conda install graphviz`, to render svg/png/pdf)"
        )
        self.path = path


def save(graph: graphviz.Digraph, path: str | Path) -> Path:
    """Write ``graph`` to ``path``, in the format its suffix names (.svg, .png, .pdf or .dot).

    Raises :class:`DotNotFound` after writing ``path`` with suffix ``.dot``
    when rendering needs Graphviz's ``dot`` and it is not installed.
    """
    import graphviz

    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
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
