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
    # PostgreSQL's catalogs rather than information_schema: they carry table comments
    # (obj_description) and list every relation, whoever owns it.
    "postgresql": {
        # pg_* (catalog, toast, temp) and information_schema belong to the server; public is
        # the schema initdb creates, which DataJoint never declares into.
        "schemas": (
            "SELECT nspname FROM pg_catalog.pg_namespace "
            "WHERE left(nspname, 3) <> 'pg_' AND nspname NOT IN ('information_schema', 'public') "
            "AND has_schema_privilege(oid, 'USAGE')"
        ),
        "tables": (
            "SELECT n.nspname, c.relname, obj_description(c.oid, 'pg_class'), "
            "CASE WHEN c.relkind IN ('v', 'm') THEN 'VIEW' ELSE 'BASE TABLE' END "
            "FROM pg_catalog.pg_namespace AS n "
            "LEFT JOIN pg_catalog.pg_class AS c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
            "WHERE n.nspname = %s AND has_schema_privilege(n.oid, 'USAGE')"
        ),
        "table_exists": (
            "SELECT 1 FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relname = %s AND c.relkind IN ('r', 'p')"
        ),
    },
}


def _sql(connection: object, what: str) -> str:
    return _SQL[_compat.backend(connection)][what]


def list_schemas(connection: object) -> tuple[str, ...]:
    """Sorted names of the schemas the connection's user can see."""
    return tuple(sorted(row[0] for row in _compat.query(connection, _sql(connection, "schemas"))))


def list_tables(connection: object, schema: str) -> tuple[TableRow, ...] | None:
    """The tables of ``schema`` sorted by name, or None when the schema does not exist."""
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
