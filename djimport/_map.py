"""The pipeline map: one self-contained HTML page of a diagram to pan, zoom and search, with a panel per table.

The page inlines the diagram as SVG laid out by Graphviz's ``dot`` (:mod:`._diagram`), for 10 schemas or
more an overview of the schemas alone (neato), the tables' details as JSON (with each table's definition as
DataJoint writes it, from the catalog), and the script and style of ``_map.js`` and ``_map.css``: it fetches
nothing, and its Content-Security-Policy forbids it to (only its own script and style run, by their hashes). Names and
comments are data: dot escapes them in the SVG, the JSON escapes ``<``, ``>`` and ``&`` and holds them with their
invisible characters made visible (:func:`._text.visible`: a bidi override would reorder what follows it on
screen), the script writes them with ``textContent`` only, and a table's definition is written only when a
DataJoint definition can carry its text (:func:`._text.definition_problem`) and the page can show it as it is.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from importlib import resources
from pathlib import Path

import graphviz

from ._catalog import ColumnDetails, Index, TableDescription, describe_attributes_of, list_indexes_of
from . import _datajoint
from ._datajoint import Connection, tier_of
from ._diagram import _node_id as node_id
from ._diagram import draw, draw_overview, schema_node_id
from ._selection import Edge, Node, Selection
from ._names import quoted
from ._settings import DEFAULT_ROOT
from ._text import definition_problem, has_invisible, python_name, visible


class PipelineMap:
    """The map of some schemas' tables: :meth:`save` writes it as one HTML page; a notebook shows it as
    the cell's output (:meth:`_repr_html_`)."""

    def __init__(
        self, graph: graphviz.Digraph, tables: dict[str, dict], overview: graphviz.Digraph | None = None,
        focus: str | None = None,
    ) -> None:
        self.graph = graph
        """The diagram drawn, a :class:`graphviz.Digraph`."""
        self.tables = tables
        """Node id (``schema.table``) -> what the panel of that table shows."""
        self.overview = overview
        """The schema-level graph the page opens on (a pipeline of many schemas), or None."""
        self.focus = focus
        """The node id of the table the page opens on (``around=``), or None."""

    def html(self) -> str:
        """The page: a complete HTML document that fetches nothing. Needs Graphviz's ``dot``."""
        svg = _svg(self.graph)
        overview = ""
        schemas = {}
        if self.overview is not None:
            overview = _svg(self.overview)
            overview = f"<div id=\"overview\">{overview[overview.index('<svg'):]}</div>"
            schemas = {schema_node_id(entry["schema"]): visible(entry["schema"]) for entry in self.tables.values()}
        assets = resources.files(__package__)
        script, style = (assets.joinpath(name).read_text("utf-8") for name in ("_map.js", "_map.css"))
        data = json.dumps(
            {"tables": {node: _on_page(entry) for node, entry in self.tables.items()}, "schemas": schemas,
             "focus": self.focus}, ensure_ascii=False, separators=(",", ":")
        )
        # In a <script> element only "</script" or "<!--" could end the data early: no "<" is left.
        data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        policy = f"default-src 'none'; script-src {_hash(script)}; style-src {_hash(style)}"
        title = html.escape(self._title())
        return (
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{title}</title>\n<style>{style}</style>\n</head><body>\n"
            "<header><input id=\"search\" type=\"search\" placeholder=\"Find a table, column or comment ( / )\" "
            "autocomplete=\"off\" aria-label=\"Find a table\"><ol id=\"results\" hidden></ol>"
            "<input id=\"filter\" type=\"search\" placeholder=\"Filter: +Session+ ephys.*\" autocomplete=\"off\" "
            "aria-label=\"Filter (dbt's selection syntax)\"><output id=\"filtered\"></output>"
            "<span class=\"buttons\"><button id=\"back\" title=\"Back to the schemas (Esc)\" hidden>Schemas</button>"
            "<button id=\"zoom-in\" title=\"Zoom in (+)\">+</button>"
            "<button id=\"zoom-out\" title=\"Zoom out (\u2212)\">&minus;</button>"
            "<button id=\"fit\" title=\"Show the whole map (F)\">Fit</button></span>"
            f"<span id=\"title\">{title}</span></header>\n"
            f"<main id=\"map\" tabindex=\"0\">{overview}<div id=\"tables\">{svg[svg.index('<svg'):]}</div>"
            f"{_LEGEND}</main>\n"
            "<aside id=\"panel\" hidden></aside>\n"
            f"<script type=\"application/json\" id=\"map-data\">{data}</script>\n"
            f"<script>{script}</script>\n</body></html>\n"
        )

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` (``pipeline.html``); returns the path."""
        path = Path(path)
        path.write_text(self.html(), encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        """The page in a sandboxed frame (its script runs apart from the notebook's), over a picture of the map
        (the overview's, for many schemas). The picture shows where the frame is removed: JupyterLab's sanitizer
        removes it from an untrusted notebook, and keeps an image."""
        picture = _svg(self.overview if self.overview is not None else self.graph)
        source = "data:image/svg+xml;base64," + base64.b64encode(picture.encode("utf-8")).decode()
        return (
            "<div style=\"position: relative; height: 640px\">"
            f"<img src=\"{source}\" alt=\"{html.escape(self._title())}\" style=\"max-width: 100%; max-height: 640px\">"
            f"<iframe srcdoc=\"{html.escape(self.html())}\" sandbox=\"allow-scripts\" style=\"position: absolute; "
            "top: 0; left: 0; width: 100%; height: 100%; border: 1px solid #ccc; background: #fff\"></iframe></div>"
        )

    def _title(self) -> str:
        return f"{self.graph.name}: {len(self.tables)} tables"


def _on_page(entry: dict) -> dict:
    """A table's entry as the page shows it: its names, comments, types and defaults with their invisible
    characters made visible; the ids, the import line (escaped code) and the definition (written only without
    such characters, :func:`_unwritable`) as they are."""
    return {
        **entry,
        **{key: visible(entry[key]) for key in ("schema", "table", "class", "comment")},
        "attributes": [[visible(name), visible(type_), visible(comment), in_key, nullable,
                        None if given is None else visible(given)]
                       for name, type_, comment, in_key, nullable, given in entry["attributes"]],
        "indexes": [[[visible(column) for column in columns], unique] for columns, unique in entry["indexes"]],
    }


# The tiers as the diagram draws them (_diagram._TIER_STYLE), for the legend.
_LEGEND = (
    "<ul id=\"legend\" aria-label=\"Tiers\">"
    + "".join(f"<li><span class=\"tier {tier.lower()}\">{tier}</span></li>"
              for tier in ("Manual", "Lookup", "Imported", "Computed", "Part"))
    + "</ul>"
)
# From this many schemas on, the page opens on the schema-level graph: the tables of more read badly at once.
OVERVIEW_FROM = 10


def build(connection: Connection, selection: Selection, root: str, focus: Node | None = None) -> PipelineMap:
    """The map of a :class:`._selection.Selection` of root package ``root``'s schemas, opening on table ``focus``
    if given; two queries: the columns of every table shown (with their nullability and defaults), their indexes."""
    shown = {schema: dict(tables) for schema, tables in selection.tables.items()}
    for schema, referenced in selection.referenced.items():
        shown.setdefault(schema, {}).update(referenced)
    described = describe_attributes_of(connection, list(shown))
    indexes = list_indexes_of(connection, list(shown))
    backend = _datajoint.backend(connection)
    keys: dict[Node, list[Edge]] = {}
    for edge in selection.edges:
        keys.setdefault(edge.child, []).append(edge)
    tables: dict[str, dict] = {}
    for schema, classes in shown.items():
        for table, label in classes.items():
            description = described[schema].get(table) or TableDescription("", ())
            # A foreign key's own index is the server's (InnoDB makes one), not the definition's.
            references = {key.columns for key in keys.get((schema, table), [])}
            declared = tuple(i for i in indexes[schema].get(table, ()) if i.unique or i.columns not in references)
            tier = tier_of(table)[0]
            tables[node_id(schema, table)] = {
                "schema": schema,
                "table": table,
                "class": label,
                "tier": tier.__name__ if tier else "",
                "comment": description.comment,
                # name, type, comment, in the primary key, nullable, default (DataJoint's way: null, "text", 3)
                "attributes": [[*c.column, c.nullable, _default(c)] for c in description.columns],
                "indexes": [[list(index.columns), index.unique] for index in declared],
                "definition": definition(description, declared, keys.get((schema, table), []), schema, shown, backend),
                "import": import_line(root, schema, table, label, backend),
                "parents": [],
                "children": [],
            }
    for parent, child in sorted({(edge.parent, edge.child) for edge in selection.edges}):
        parent_id, child_id = node_id(*parent), node_id(*child)
        tables[child_id]["parents"].append(parent_id)
        tables[parent_id]["children"].append(child_id)
    graph = draw(selection)
    # Top to bottom, as dj.Diagram draws: the schemas of a pipeline then sit side by side, and the whole map
    # fits a screen, wider than tall, at a larger scale than left to right (0.235 against 0.183 for the
    # benchmark's 300 tables in a 1600x815 view).
    graph.attr(rankdir="TB")
    overview = draw_overview(selection) if len(selection.tables) >= OVERVIEW_FROM else None
    return PipelineMap(graph, tables, overview, node_id(*focus) if focus else None)


def definition(
    description: TableDescription, indexes: tuple[Index, ...], keys: list[Edge], schema: str,
    labels: dict[str, dict[str, str]], backend: str,
) -> str:
    """A table's definition as DataJoint writes it, from the catalog: its comment, the primary key's attributes
    and foreign keys (``-> Parent``, ``-> Parent.proj(new="old")`` when renamed), ``---``, the other attributes
    and foreign keys (``-> [nullable] Parent``), then the secondary indexes. ``No definition: <why>.`` when a
    definition cannot carry the table's text faithfully (:func:`._text.definition_problem`) or name a parent."""
    problem = _unwritable(description, keys, schema, backend)
    if problem is not None:
        return f"No definition: {problem}."
    by_column = {column: key for key in keys for column in key.columns}
    nullable = {c.column.name for c in description.columns if c.nullable}
    lines = [f"# {description.comment}"] if description.comment else []
    written: set[Edge] = set()
    for in_key in (True, False):
        if not in_key:
            lines.append("---")
        for details in description.columns:
            column = details.column
            if column.in_key != in_key:
                continue
            key = by_column.get(column.name)
            if key is None:
                default = _default(details)
                given = f" = {default}" if default is not None else ""
                comment = f"  # {column.comment}" if column.comment else ""
                lines.append(f"{column.name}{given} : {_declared(column.type)}{comment}")
            elif key not in written:
                written.add(key)
                label = labels.get(key.parent[0], {}).get(key.parent[1], key.parent[1])
                parent = label if key.parent[0] == schema else f"{key.parent[0]}.{label}"
                optional = not in_key and any(c in nullable for c in key.columns)
                renamed = ", ".join(f'{new}="{old}"' for new, old in zip(key.columns, key.ref_columns) if new != old)
                lines.append(f"-> {'[nullable] ' if optional else ''}{parent}{f'.proj({renamed})' if renamed else ''}")
    lines += [f"{'unique ' if index.unique else ''}index ({', '.join(index.columns)})" for index in indexes]
    return "\n".join(lines)


def _unwritable(description: TableDescription, keys: list[Edge], schema: str, backend: str) -> str | None:
    """Why :func:`definition` cannot write a table (None when it can): its comment, a column's name, type,
    default or comment (as written: a string default is the text between its quotes) that a DataJoint
    definition cannot carry or that holds an invisible character (bidi, zero width, separator), or a parent
    that no ``-> Parent`` line names (no class; a schema or a renamed column whose name is not a Python name)."""
    attributes = []
    for details in description.columns:
        column, default = details.column, _default(details) or ""
        attributes.append((column.name, _declared(column.type),
                           json.loads(default) if default.startswith('"') else default, column.comment))
    problem = definition_problem(description.comment, attributes, backend)
    if problem is not None:
        return problem
    texts = {"its comment": description.comment}
    for name, type_, default, comment in attributes:
        texts.update({f"the {what} of its column {name}": text
                      for what, text in (("type", type_), ("default", default), ("comment", comment))})
    for where, text in texts.items():
        if has_invisible(text):  # the page shows it escaped: a definition copied from it would not be the table's
            return f"{where} ({text!r}) holds an invisible character, which this page shows escaped"
    for key in keys:
        parent = visible(quoted(backend, *key.parent))
        if tier_of(key.parent[1])[0] is None:
            return f"it references {parent}, which has no class"
        if (key.parent[0] != schema and not python_name(key.parent[0])) or not all(map(python_name, key.ref_columns)):
            return f"its reference to {parent} holds a name that a DataJoint definition cannot write"
    return None


def _declared(column_type: str) -> str:
    """The type DataJoint declared (``int32`` of ``int32 (int(11))``, see :func:`._catalog.describe_attributes_of`)."""
    return column_type.split(" (", 1)[0] if column_type.endswith(")") and " (" in column_type else column_type


def _default(details: ColumnDetails) -> str | None:
    """A column's default as a DataJoint definition writes it (``null``, ``"text"``, ``3``,
    ``CURRENT_TIMESTAMP``), None without one. Servers write them otherwise: MariaDB quotes strings
    (``'a'``) and writes ``NULL``, MySQL does neither, PostgreSQL adds a cast (``'a'::character varying``)."""
    nullable, value = details.nullable, details.default
    value = None if value is None else re.sub(r"::[\w \"\[\]]+$", "", value)
    if value is None or value.upper() == "NULL":
        return "null" if nullable else None
    if value.startswith("'") and value.endswith("'"):
        return json.dumps(value[1:-1].replace("''", "'"), ensure_ascii=False)
    if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?|\w+\(.*\)|current_timestamp", value, re.IGNORECASE):
        return value
    return json.dumps(value, ensure_ascii=False)


def import_line(root: str, schema: str, table: str, label: str, backend: str) -> str:
    """The statement that gives a table's class (its master's, for a part): ``from djschemas.ephys import
    Clustering``; for a table without a class (a name outside DataJoint's conventions), its ``dj.FreeTable``.
    Names are checked or written as literals: the line does what it says whatever the names hold."""
    name = label.split(".")[0]
    if tier_of(table)[0] is None or not python_name(name):
        return f"table = dj.FreeTable(dj.conn(), {quoted(backend, schema, table)!r})"
    if python_name(schema):
        return f"from {root}.{schema} import {name}"
    if root == DEFAULT_ROOT:
        return f"{name} = djimport.load({schema!r}).{name}"
    return f"{name} = importlib.import_module({f'{root}.{schema}'!r}).{name}"


def _svg(graph: graphviz.Digraph) -> str:
    """``graph`` laid out as SVG; FileNotFoundError saying what to install without Graphviz."""
    try:
        return graph.pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound:
        raise FileNotFoundError(
            "the pipeline map needs Graphviz's `dot` program to lay out the tables; install Graphviz "
            "(e.g. `apt-get install graphviz`, `brew install graphviz` or `conda install graphviz`)"
        ) from None


def _hash(text: str) -> str:
    """``text``'s source expression for a Content-Security-Policy: this very script or style may run."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"
