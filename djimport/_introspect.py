"""The SQL that lists schemas and tables, per backend: the only SQL djimport writes itself.

Names always travel as query parameters, never inside the SQL text.
"""

from __future__ import annotations

from typing import NamedTuple

from . import _compat


class TableRow(NamedTuple):
    """One table of a schema as the server lists it."""

    name: str
    comment: str
    is_view: bool


_SQL = {
    "mysql": {
        "schemas": (
            "SELECT schema_name FROM information_schema.schemata "
            "WHERE schema_name NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')"
        ),
        # One round trip answers both "does the schema exist?" and "what tables does it hold?".
        "tables": (
            "SELECT s.schema_name, t.table_name, t.table_comment, t.table_type "
            "FROM information_schema.schemata AS s "
            "LEFT JOIN information_schema.tables AS t ON t.table_schema = s.schema_name "
            "WHERE s.schema_name = %s"
        ),
        "table_exists": (
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = %s"
        ),
    },
}


def _sql(connection: object, what: str) -> str:
    return _SQL[_compat.backend(connection)][what]


def list_schemas(connection: object) -> tuple[str, ...]:
    """Sorted names of the schemas the connection's user can see."""
    return tuple(sorted(row[0] for row in _compat.query(connection, _sql(connection, "schemas"))))


def unusable_schema_name(connection: object, name: str) -> str | None:
    """Why no schema of the server can be called ``name`` and be used by DataJoint, or None.

    Such names are answered without a query: the server would reject them or
    match them loosely, and DataJoint puts names in its SQL between quote
    characters without escaping them.
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "the name is not valid Unicode (it holds a lone surrogate)"
    if "\0" in name:
        return "schema names cannot hold the NUL character"
    if "%" in name:  # DataJoint's SQL text passes through the driver's %-formatting
        return "DataJoint cannot use a schema name that holds a percent sign (%)"
    if _compat.backend(connection) == "postgresql":
        if len(name.encode("utf-8")) > 63:
            return "PostgreSQL schema names are at most 63 bytes long"
        if '"' in name:
            return "DataJoint cannot use a schema name that holds a double quote (\")"
        return None
    if len(name) > 64:
        return "MySQL schema names are at most 64 characters long"
    if name.endswith(" "):
        return "MySQL schema names cannot end with a space"
    if any(ord(char) > 0xFFFF for char in name):
        return "MySQL schema names cannot hold characters beyond U+FFFF (such as emoji)"
    if "`" in name:
        return "DataJoint cannot use a schema name that holds a backtick (`)"
    return None


def list_tables(connection: object, schema: str) -> tuple[TableRow, ...] | None:
    """The tables of ``schema`` sorted by name, or None when the schema does not exist."""
    if unusable_schema_name(connection, schema):
        return None
    rows = _compat.query(connection, _sql(connection, "tables"), (schema,))
    # The server may compare names case-insensitively; a schema is only ours when spelled exactly.
    rows = [row for row in rows if row[0] == schema]
    if not rows:
        return None
    return tuple(
        sorted(TableRow(name, comment or "", kind == "VIEW") for _, name, comment, kind in rows if name is not None)
    )


def table_exists(connection: object, schema: str, table: str) -> bool:
    return bool(_compat.query(connection, _sql(connection, "table_exists"), (schema, table)))
