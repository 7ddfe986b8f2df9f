"""Which tables a diagram draws, and the foreign keys between them.

The choice is made from catalog rows read elsewhere (`_catalog`: tables listed, primary and
foreign keys), without a query and without a renderer: schemas named or matched by shell-style
patterns, or the neighbourhood of one table up and down the graph, across schemas. The graph is
DataJoint's dependency graph: DataJoint's hidden tables (``~external_<store>``, ``~jobs``,
``~lineage``, ``~~<table>``, every name starting with ``~``) and the foreign keys to or from them
are never part of it.
"""

from __future__ import annotations

import difflib
import fnmatch
from dataclasses import dataclass
from typing import Iterable, NamedTuple

from ._catalog import ForeignKey, Keys
from ._datajoint import qualified_class_name, tier_of

Node = tuple[str, str]
"""A table as ``(schema, table name)``."""


class Edge(NamedTuple):
    """One foreign key drawn, from the referenced table (``parent``) to the referencing one (``child``)."""

    parent: Node
    child: Node
    columns: tuple[str, ...]
    ref_columns: tuple[str, ...]
    primary: bool
    """The foreign key's columns are in the child's primary key (a solid line in DataJoint's diagrams)."""
    one_to_many: bool
    """The child's primary key has more columns than the foreign key brings (DataJoint's "multi")."""

    @property
    def renamed(self) -> bool:
        """The child's columns are named otherwise than the parent's (``-> Parent.proj(a='b')``)."""
        return self.columns != self.ref_columns

    @property
    def between_schemas(self) -> bool:
        return self.parent[0] != self.child[0]


@dataclass(frozen=True)
class Selection:
    """What a diagram draws."""

    tables: dict[str, dict[str, str]]
    """The tables chosen: schema -> table name -> label (its class's name), schemas in the order chosen."""
    referenced: dict[str, dict[str, str]]
    """Tables not chosen that chosen tables reference, shown for context: schema -> table -> label."""
    edges: tuple[Edge, ...]
    """The foreign keys between the tables of :attr:`tables` and :attr:`referenced`, one per key."""


def hidden(table: str) -> bool:
    """Whether DataJoint keeps ``table`` out of its dependency graph and diagrams (its own bookkeeping)."""
    return table.startswith("~")


def is_pattern(name: str) -> bool:
    """Whether a schema name given is a shell-style pattern (``*``, ``?`` or ``[``)."""
    return any(char in name for char in "*?[")


def match_schemas(patterns: Iterable[str], visible: Iterable[str], where: str) -> list[str]:
    """The schemas among ``visible`` that names or shell-style patterns (``lab_*``, matched as
    :func:`fnmatch.fnmatchcase` does) match, in the order of the patterns, each once.

    Raises LookupError naming a pattern that matches no schema (on ``where``), with close names.
    """
    names = sorted(visible)
    chosen: dict[str, None] = {}
    for pattern in patterns:
        matched = [name for name in names if fnmatch.fnmatchcase(name, pattern)]
        if not matched:
            close = difflib.get_close_matches(pattern, names, n=3)
            hint = f"; close names: {', '.join(close)}" if close else ""
            raise LookupError(f"no schema you can see on {where} matches {pattern!r}{hint}")
        chosen.update(dict.fromkeys(matched))
    return list(chosen)


def of_schemas(tables: dict[str, dict[str, str]], keys: dict[str, Keys]) -> Selection:
    """The tables chosen (schema -> table -> label) with the tables they reference and the foreign keys
    between them; ``keys`` holds the keys of each schema of ``tables``."""
    referenced: dict[str, dict[str, str]] = {}
    edges = []
    for schema, schema_keys in keys.items():
        for fk in schema_keys.foreign:
            if fk.table not in tables.get(schema, {}) or hidden(fk.ref_table):
                continue
            if fk.ref_table not in tables.get(fk.ref_schema, {}):
                # a chosen schema's own table without a class keeps its SQL name
                label = fk.ref_table if fk.ref_schema in tables else qualified_class_name(fk.ref_table)
                referenced.setdefault(fk.ref_schema, {})[fk.ref_table] = label
            edges.append(_edge(schema, fk, schema_keys.primary))
    return Selection(
        tables, {schema: dict(sorted(found.items())) for schema, found in sorted(referenced.items())}, tuple(edges)
    )


def around(listing: dict[str, tuple[str, ...]], keys: dict[str, Keys], start: Node, depth: int) -> Selection:
    """The neighbourhood of table ``start``: the tables up to ``depth`` foreign keys above it (the
    tables it depends on) and below it (those depending on it), in any schema of ``listing``
    (schema -> its tables), whose keys are ``keys``; a master drawn brings its parts.

    That is DataJoint's ``((dj.Diagram(T) - depth) + (dj.Diagram(T) + depth)).add_parts()``: a part
    is one step below its master, as in DataJoint's graph.
    """
    parents: dict[Node, set[Node]] = {}
    children: dict[Node, set[Node]] = {}
    for schema, schema_keys in keys.items():
        for fk in schema_keys.foreign:
            if not (hidden(fk.table) or hidden(fk.ref_table)):
                parents.setdefault((schema, fk.table), set()).add((fk.ref_schema, fk.ref_table))
                children.setdefault((fk.ref_schema, fk.ref_table), set()).add((schema, fk.table))
    chosen = {start} | _within(start, parents, depth) | _within(start, children, depth)
    chosen |= {
        (schema, table) for schema, tables in listing.items() for table in tables
        if (schema, tier_of(table)[1] or "") in chosen
    }
    tables: dict[str, dict[str, str]] = {}
    for schema, table in sorted(chosen):
        tables.setdefault(schema, {})[table] = qualified_class_name(table) if tier_of(table)[0] else table
    edges = tuple(
        _edge(schema, fk, schema_keys.primary)
        for schema, schema_keys in keys.items() for fk in schema_keys.foreign
        if (schema, fk.table) in chosen and (fk.ref_schema, fk.ref_table) in chosen
    )
    return Selection(tables, {}, edges)


def find_table(listing: dict[str, tuple[str, ...]], name: str, where: str) -> Node:
    """The table ``SCHEMA.Table`` names: Table is its class name (``Session.Trial`` for a part) or
    its SQL name (``_clustering``). Raises LookupError naming what is missing, with close names."""
    schema, dot, table = name.partition(".")
    if not dot or not table:
        raise ValueError(f"name a table as SCHEMA.Table (e.g. ephys.Clustering), got {name!r}")
    if schema not in listing:
        close = difflib.get_close_matches(schema, listing, n=3)
        hint = f"; close names: {', '.join(close)}" if close else ""
        raise LookupError(f"no schema `{schema}` you can see on {where}{hint}")
    names = {qualified_class_name(t): t for t in listing[schema] if tier_of(t)[0]}
    names.update((t, t) for t in listing[schema] if not hidden(t))
    if table in names:
        return schema, names[table]
    shown = {t: (qualified_class_name(t) if tier_of(t)[0] else t) for t in names.values()}
    similar = dict.fromkeys(shown[names[match]] for match in difflib.get_close_matches(table, names, n=3))
    hint = f"; close names: {', '.join(f'{schema}.{c}' for c in similar)}" if similar else ""
    raise LookupError(f"no table {table!r} in schema `{schema}` on {where}{hint}")


def _within(start: Node, neighbours: dict[Node, set[Node]], depth: int) -> set[Node]:
    """The tables at most ``depth`` steps from ``start`` along ``neighbours``."""
    found: set[Node] = set()
    frontier = {start}
    for _ in range(depth):
        frontier = {n for node in frontier for n in neighbours.get(node, ())} - found - {start}
        if not frontier:
            break
        found |= frontier
    return found


def _edge(schema: str, fk: ForeignKey, primary: dict[str, tuple[str, ...]]) -> Edge:
    child_key = set(primary.get(fk.table, ()))
    return Edge(
        (fk.ref_schema, fk.ref_table), (schema, fk.table), fk.columns, fk.ref_columns,
        primary=set(fk.columns) <= child_key, one_to_many=set(fk.columns) != child_key,
    )
