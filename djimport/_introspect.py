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
        # A UNION, not a join: MariaDB reads information_schema.tables for one schema only when
        # the schema is a constant in its WHERE (0.3 ms instead of 20 ms, benchmarks/).
        "tables": (
            "SELECT s.schema_name, NULL, NULL, NULL FROM information_schema.schemata AS s "
            "WHERE s.schema_name = %s "
            "UNION ALL SELECT t.table_schema, t.table_name, t.table_comment, t.table_type "
            "FROM information_schema.tables AS t WHERE t.table_schema = %s"
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


def list_tables(connection: object, schema: str) -> tuple[TableRow, ...] | None:
    """The tables of ``schema`` sorted by name, or None when the schema does not exist."""
    sql = _sql(connection, "tables")
    rows = _compat.query(connection, sql, (schema,) * sql.count("%s"))  # the name, wherever the SQL needs it
    # The server may compare names case-insensitively; a schema is only ours when spelled exactly.
    rows = [row for row in rows if row[0] == schema]
    if not rows:
        return None
    return tuple(
        sorted(TableRow(name, comment or "", kind == "VIEW") for _, name, comment, kind in rows if name is not None)
    )


def table_exists(connection: object, schema: str, table: str) -> bool:
    return bool(_compat.query(connection, _sql(connection, "table_exists"), (schema, table)))


# The rows DataJoint reads to load one table's heading, for every table of a schema at once:
# each kind is one round trip, in the shape of DataJoint's own per-table statement for it.
# Rows are grouped by the column named in _HEADING_TABLE (default `_table`, which is removed).
_HEADING_SQL = {
    "mysql": {
        # SHOW takes no parameters: the schema name goes in as a quoted identifier.
        "table_status": "SHOW TABLE STATUS FROM {schema}",
        "table_info": "SELECT * FROM information_schema.tables WHERE table_schema = %s",
        # SHOW FULL COLUMNS, for all tables; MariaDB quotes defaults here (see _show_default).
        "columns": (
            "SELECT TABLE_NAME AS `_table`, VERSION() LIKE '%%MariaDB%%' AS `_mariadb`, COLUMN_NAME AS `Field`, "
            "COLUMN_TYPE AS `Type`, COLLATION_NAME AS `Collation`, IS_NULLABLE AS `Null`, COLUMN_KEY AS `Key`, "
            "COLUMN_DEFAULT AS `Default`, EXTRA AS `Extra`, PRIVILEGES AS `Privileges`, COLUMN_COMMENT AS `Comment` "
            "FROM information_schema.columns WHERE table_schema = %s ORDER BY TABLE_NAME, ORDINAL_POSITION"
        ),
        # SHOW KEYS, for all tables, in the server's own order of indexes.
        "keys": (
            "SELECT TABLE_NAME AS `_table`, TABLE_NAME AS `Table`, NON_UNIQUE AS `Non_unique`, "
            "INDEX_NAME AS `Key_name`, SEQ_IN_INDEX AS `Seq_in_index`, COLUMN_NAME AS `Column_name`, "
            "COLLATION AS `Collation`, CARDINALITY AS `Cardinality`, SUB_PART AS `Sub_part`, PACKED AS `Packed`, "
            "NULLABLE AS `Null`, INDEX_TYPE AS `Index_type`, COMMENT AS `Comment`, INDEX_COMMENT AS `Index_comment` "
            "FROM information_schema.statistics WHERE table_schema = %s"
        ),
        "primary_key": (
            "SELECT TABLE_NAME AS `_table`, COLUMN_NAME AS column_name FROM information_schema.key_column_usage "
            "WHERE table_schema = %s AND constraint_name = 'PRIMARY' ORDER BY TABLE_NAME, ordinal_position"
        ),
        "indexes": (
            "SELECT TABLE_NAME AS `_table`, INDEX_NAME AS index_name, COLUMN_NAME AS column_name, "
            "NON_UNIQUE AS non_unique, SEQ_IN_INDEX AS seq_in_index FROM information_schema.statistics "
            "WHERE table_schema = %s AND index_name != 'PRIMARY' ORDER BY TABLE_NAME, index_name, seq_in_index"
        ),
        "lineage": "SELECT table_name AS `_table`, attribute_name, lineage FROM {schema}.`~lineage`",
    },
}
_HEADING_TABLE = {"table_status": "Name", "table_info": "TABLE_NAME"}


def heading_rows(connection: object, schema: str, kind: str) -> dict[str, list[dict] | None] | None:
    """Rows of ``kind`` for every table of ``schema``: table name -> rows, None for a table whose
    rows cannot be given exactly as DataJoint's per-table statement would. A table missing from
    the result has no rows of that kind. Returns None when the backend has no such statement."""
    sql = _HEADING_SQL.get(_compat.backend(connection), {}).get(kind)
    if sql is None:
        return None
    if "{schema}" in sql:
        rows = _compat.query(connection, sql.format(schema=_identifier(schema)), as_dict=True)
    else:
        rows = _compat.query(connection, sql, (schema,), as_dict=True)
    grouped: dict[str, list[dict] | None] = {}
    key = _HEADING_TABLE.get(kind)
    for row in rows:
        table = row[key] if key else row.pop("_table")
        if not _exact(kind, row):
            grouped[table] = None
        elif grouped.setdefault(table, []) is not None:
            grouped[table].append(row)
    return grouped


def _identifier(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _exact(kind: str, row: dict) -> bool:
    """Whether ``row`` is (made) exactly what DataJoint's per-table statement returns."""
    if kind == "columns":
        return _show_default(row)
    if kind == "keys":  # a functional index (MySQL 8): SHOW KEYS adds an Expression column we do not give
        return row["Column_name"] is not None
    return True


def _show_default(row: dict) -> bool:
    """Turn ``row``'s information_schema default into what SHOW FULL COLUMNS says; False if unsure.

    MariaDB's information_schema writes defaults as SQL (`'text'`, `NULL`) where SHOW COLUMNS
    gives the bare value; MySQL's agree.
    """
    default = row["Default"]
    if row.pop("_mariadb") and default is not None:
        if default == "NULL":
            row["Default"] = None
        elif len(default) >= 2 and default[0] == default[-1] == "'":
            if "\\" in default:  # escapes other than '' are not worth reproducing: let DataJoint ask
                return False
            row["Default"] = default[1:-1].replace("''", "'")
    return True
