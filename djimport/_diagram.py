"""Schema diagrams with graphviz: one node per table, one edge per foreign key.

Nodes are styled by tier as in DataJoint's own ``dj.Diagram`` (0.14 palette):
Manual green boxes, Lookup grey plain text, Imported blue and Computed red
ellipses, Part small plain text. An edge is solid when the foreign key is part
of the child's primary key and dashed otherwise, thin when the child's primary
key has more attributes than the foreign key brings (one-to-many). Tables of
other schemas that the schema references sit in a cluster labelled with their
schema's name; the edges from them have arrowheads (parent to child). A diagram
of several schemas (a pipeline's map) draws each in a cluster of its own, left to
right, and the foreign keys between them in dark blue; the pipeline map's overview draws
the schemas alone (:func:`draw_overview`). What is drawn is chosen by :mod:`._selection`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from typing import Any, Iterable

import graphviz

from ._build import ModuleState, modelled
from ._catalog import list_keys_of
from ._datajoint import Connection, qualified_class_name, tier_of
from ._selection import Edge, Selection, of_schemas
from ._text import visible

_SCALE = 1.2
_TIER_STYLE: dict[str | None, dict[str, Any]] = {
    "Manual": dict(shape="box", color="#00FF0030", fontcolor="darkgreen", fontsize=_SCALE * 10, size=0.4),
    "Lookup": dict(shape="plaintext", color="#00000020", fontcolor="black", fontsize=_SCALE * 8, size=0.4),
    "Imported": dict(shape="ellipse", color="#00007F40", fontcolor="#00007FA0", fontsize=_SCALE * 10, size=0.4),
    "Computed": dict(shape="ellipse", color="#FF000020", fontcolor="#7F0000A0", fontsize=_SCALE * 10, size=0.3),
    "Part": dict(shape="plaintext", color="#00000000", fontcolor="black", fontsize=_SCALE * 8, size=0.1),
    None: dict(shape="circle", color="#FFFF0040", fontcolor="black", fontsize=_SCALE * 8, size=0.4),
}
_EDGE_COLOR = "#00000040"
_CROSS_SCHEMA_EDGE_COLOR = "#1F4E9ACC"  # a dark blue: the links between the clusters of a map
_RENAMED_EDGE_COLOR = "#FF880080"  # a foreign key whose columns are renamed (``-> T.proj(a='b')``)


def render(connection: Connection, drawn: dict[str, dict[str, str]]) -> graphviz.Digraph:
    """The diagram of the tables ``drawn`` (schema -> table -> label), with the tables of other schemas
    they reference; one query for the foreign keys of all the schemas drawn."""
    return draw(of_schemas(drawn, list_keys_of(connection, list(drawn))))


def draw(selection: Selection) -> graphviz.Digraph:
    """The Graphviz diagram of a :class:`Selection`: one node per table, one edge per foreign key."""
    drawn = selection.tables
    single = len(drawn) == 1
    graph = graphviz.Digraph(name=_label(next(iter(drawn))) if single else "pipeline")
    if not single:
        # A pipeline of many schemas reads left to right, each schema a box of tables. (newrank would make the
        # picture a fifth smaller but put the clusters out of the schemas' order.)
        graph.attr(rankdir="LR", ranksep="1.2", nodesep="0.15", fontname="arial")
    clusters = {schema: f"cluster_{i}" for i, schema in enumerate({**drawn, **selection.referenced})}
    for schema, classes in drawn.items():
        with contextlib.ExitStack() as stack:
            target = graph
            if not single:
                target = stack.enter_context(graph.subgraph(name=clusters[schema]))
                target.attr(
                    label=_label(schema), style="solid", color="#00000080", fontname="arial", fontsize="16"
                )
            for table, label in sorted(classes.items(), key=lambda item: item[1]):
                target.node(_node_id(schema, table), **_node_style(table, label))
    for edge in selection.edges:
        graph.edge(_node_id(*edge.parent), _node_id(*edge.child), **_edge_style(edge, single))
    for other, tables in selection.referenced.items():
        with contextlib.ExitStack() as stack:
            target = graph
            if not (single and other in drawn):  # a drawn schema's cluster opens again for its unmodelled tables
                target = stack.enter_context(graph.subgraph(name=clusters[other]))
            if other not in drawn:
                target.attr(label=_label(other), style="dashed", color="#00000040", fontname="arial")
            for table, label in tables.items():
                target.node(_node_id(other, table), **_node_style(table, label))
    return graph


def draw_overview(selection: Selection) -> graphviz.Digraph:
    """The schema-level graph of a many-schema :class:`Selection`: one node per schema drawn that has tables,
    labelled with its name and number of tables, one edge per pair of schemas linked by foreign keys, labelled with their number."""
    # Laid out by neato, overlaps removed (prism): dot's ranks put a pipeline whose schemas build on each other
    # in a column 100 schemas tall, too thin to read; neato's drawing of 100 schemas fills a screen.
    graph = graphviz.Digraph(name="overview", engine="neato")
    graph.attr(overlap="prism", sep="+8", fontname="arial")
    graph.attr("node", shape="box", style="rounded,filled", fillcolor="#F6F7F9", color="#00000080",
               fontname="arial", fontsize="16")
    graph.attr("edge", color=_CROSS_SCHEMA_EDGE_COLOR, fontname="arial", fontsize="12", fontcolor="#1F4E9A")
    for schema, tables in selection.tables.items():
        if tables:  # a schema of DataJoint's hidden tables only has nothing to open
            count = f"{len(tables)} table{'s' if len(tables) != 1 else ''}"
            graph.node(schema_node_id(schema), label=f"{_label(schema)}\\n{count}")
    links: dict[tuple[str, str], int] = {}
    for edge in selection.edges:
        pair = (edge.parent[0], edge.child[0])
        if edge.between_schemas and pair[0] in selection.tables and pair[1] in selection.tables:
            links[pair] = links.get(pair, 0) + 1
    for (parent, child), keys in links.items():
        graph.edge(schema_node_id(parent), schema_node_id(child), label=str(keys))
    return graph


def schema_node_id(schema: str) -> str:
    """A schema's node in the overview: an ID that is not its name, as :func:`_node_id`."""
    return "s" + hashlib.sha256(json.dumps([schema]).encode()).hexdigest()[:16]


def tables_of(modules: Iterable[ModuleState]) -> dict[str, dict[str, str]]:
    """Schema -> table -> label (its class's name) of the tables of imported schema modules (their loaders)."""
    return {state.schema: {table: cls.__qualname__ for table, cls in dict(state.classes).items()} for state in modules}


def labelled(listing: dict[str, tuple[str, ...]]) -> dict[str, dict[str, str]]:
    """Schema -> table -> label of the schemas of ``listing`` (schema -> its tables) that have tables
    a module would have."""
    drawn = {schema: {table: qualified_class_name(table) for table in modelled(tables)} for schema, tables in listing.items()}
    return {schema: tables for schema, tables in drawn.items() if tables}


def _label(text: str) -> str:
    """Catalog text as Graphviz shows it: control and bidi characters visible (raw, they would make the SVG
    ill-formed XML or reorder what it shows), backslashes and ``<...>`` literal (graphviz's own escaping)."""
    return graphviz.escape(visible(text))


def _node_id(schema: str, table: str) -> str:
    """A table's node: an ID that is not its name (a name is read by Graphviz as syntax: ``a:b`` a port, a trailing
    backslash an escape), the same in every diagram."""
    return "t" + hashlib.sha256(json.dumps([schema, table]).encode()).hexdigest()[:16]


def _node_style(table: str, label: str) -> dict[str, str]:
    tier = tier_of(table)[0]
    style = _TIER_STYLE[tier.__name__ if tier else None]
    return dict(
        label=_label(label),  # a name is text: no HTML-like label (<b>x</b>), no escape (\N, \l, \)
        shape=style["shape"],
        style="filled",
        color=style["color"],
        fontcolor=style["fontcolor"],
        fontsize=str(round(style["fontsize"])),
        fontname="arial",
        width=str(round(style["size"] * _SCALE, 2)),
        height=str(round(style["size"] * _SCALE, 2)),
    )


def _edge_style(edge: Edge, single: bool) -> dict[str, str]:
    color = _RENAMED_EDGE_COLOR if edge.renamed else _EDGE_COLOR
    style = dict(
        style="solid" if edge.primary else "dashed",
        color=color,
        penwidth="0.75" if edge.one_to_many else "2",
        arrowhead="none",
    )
    if edge.between_schemas:
        # DataJoint draws no arrowheads: a schema's tables are ranked from the tables they depend on. An edge
        # to another schema's cluster may run any way, so it shows its direction, parent to child.
        tooltip = _label(f"{'.'.join(edge.parent)} -> {'.'.join(edge.child)}")
        style.update(arrowhead="normal", arrowsize="0.8", tooltip=tooltip)
        if not single and not edge.renamed:
            style.update(color=_CROSS_SCHEMA_EDGE_COLOR, penwidth=str(max(float(style["penwidth"]), 1.2)))
    return style


def svg(graph: graphviz.Digraph) -> str | None:
    """``graph`` rendered as SVG text; None when Graphviz's ``dot`` is missing."""
    try:
        return graph.pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound:
        return None
