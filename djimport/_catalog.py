"""The SQL djimport writes itself, per backend: listings of schemas, tables, keys and columns, and
the rows of the heading accelerator; the statement lock; the one quoting function.

Names travel as query parameters; where SQL needs an identifier, :func:`quoted` writes it.
"""

from __future__ import annotations

import json
import re
from operator import itemgetter
from typing import Any, NamedTuple

from . import _datajoint
from ._connection_state import PerConnection
from ._datajoint import Connection
from ._locks import RLock
from ._names import quoted


class TableRow(NamedTuple):
    """One table of a schema as the server lists it."""

    name: str
    comment: str
    is_view: bool
    fingerprint: str  # changes whenever the table's heading does (columns, indexes, foreign keys), not with its rows


class ForeignKey(NamedTuple):
    """One foreign key of a table: its columns and the columns they reference, in order."""

    table: str
    name: str
    columns: tuple[str, ...]
    ref_schema: str
    ref_table: str
    ref_columns: tuple[str, ...]


class Keys(NamedTuple):
    """The primary keys (table -> columns) and foreign keys of one schema's tables."""

    primary: dict[str, tuple[str, ...]]
    foreign: tuple[ForeignKey, ...]


_statement_locks: PerConnection[RLock] = PerConnection(RLock)


def statement_lock(connection: Connection) -> RLock:
    """The lock djimport holds while it uses ``connection``.

    A DataJoint connection is shared by all threads, but its PyMySQL connection
    serves one statement at a time: two threads querying at once garble the
    protocol.
    """
    return _statement_locks(connection)


def query(connection: Connection, sql: str, args: Any = (), as_dict: bool = False) -> list:
    """The rows of one statement, sent through DataJoint's connection under :func:`statement_lock`."""
    with statement_lock(connection):
        return send(connection, sql, args, as_dict).fetchall()


def _described_query(connection: Connection, sql: str, args: Any = ()) -> tuple[list[str], list[tuple]]:
    """The column names and the rows of one statement, as :func:`query`."""
    with statement_lock(connection):
        cursor = send(connection, sql, args)
        return [column[0] for column in cursor.description], cursor.fetchall()


def send(connection: Connection, sql: str, args: Any = (), as_dict: bool = False) -> Any:
    """The cursor of one statement: every statement djimport writes goes out here (under :func:`statement_lock`)."""
    _datajoint.ensure_open(connection)
    return connection.query(sql, args, as_dict=as_dict)


# MySQL's listing of the schemas that match {schema}. One round trip answers both "does the schema exist?" and
# "what tables does it hold?". A UNION, not a join: MariaDB reads information_schema.tables for one schema only
# when the schema is a constant in its WHERE (0.3 ms instead of 20 ms, benchmarks/).
# Each table's fingerprint sums a CRC32 of each row that DataJoint's heading is made of (columns,
# indexes, foreign keys) with their counts: exact integers whatever the length, where GROUP_CONCAT
# would be cut at group_concat_max_len (1 kB on MySQL). Each derived table reads the schemas named.
_MYSQL_TABLES = (
    "SELECT s.schema_name, NULL, NULL, NULL, NULL FROM information_schema.schemata AS s "
    "WHERE s.schema_name {schema} "
    "UNION ALL SELECT t.table_schema, t.table_name, t.table_comment, t.table_type, "
    "CONCAT_WS(' ', c.n, c.h, i.n, i.h, k.n, k.h) "
    "FROM information_schema.tables AS t "
    "LEFT JOIN (SELECT table_schema, table_name, COUNT(*) AS n, SUM(CRC32(CONCAT_WS('|', ordinal_position, "
    "column_name, column_type, is_nullable, IFNULL(column_default, '(none)'), column_comment, extra, "
    "IFNULL(collation_name, ''), IFNULL(generation_expression, '')))) AS h "
    "FROM information_schema.columns WHERE table_schema {schema} GROUP BY table_schema, table_name) AS c "
    "ON c.table_schema = t.table_schema AND c.table_name = t.table_name "
    "LEFT JOIN (SELECT table_schema, table_name, COUNT(*) AS n, SUM(CRC32(CONCAT_WS('|', index_name, "
    "seq_in_index, column_name, non_unique, IFNULL(sub_part, ''), index_type, index_comment))) AS h "
    "FROM information_schema.statistics WHERE table_schema {schema} GROUP BY table_schema, table_name) AS i "
    "ON i.table_schema = t.table_schema AND i.table_name = t.table_name "
    "LEFT JOIN (SELECT table_schema, table_name, COUNT(*) AS n, SUM(CRC32(CONCAT_WS('|', constraint_name, "
    "ordinal_position, column_name, referenced_table_schema, referenced_table_name, "
    "referenced_column_name))) AS h "
    "FROM information_schema.key_column_usage WHERE table_schema {schema} AND referenced_table_name IS NOT NULL "
    "GROUP BY table_schema, table_name) AS k "
    "ON k.table_schema = t.table_schema AND k.table_name = t.table_name "
    "WHERE t.table_schema {schema}"
)

# PostgreSQL's listing of the schemas that match {schema}. Each table's fingerprint: an MD5 of its oid (a table
# dropped and declared again has a new one), columns with their defaults and comments, indexes and constraints,
# from the catalogs' indexes on oid. Raw catalog columns only: functions that open a relation (pg_get_expr,
# pg_get_indexdef) fail on one dropped meanwhile.
_PG_TABLES = (
    "SELECT n.nspname, c.relname, obj_description(c.oid, 'pg_class'), "
    "CASE WHEN c.relkind IN ('v', 'm') THEN 'VIEW' ELSE 'BASE TABLE' END, "
    "md5(concat_ws('|', c.oid, "
    "(SELECT string_agg(concat_ws(',', a.attnum, quote_ident(a.attname), a.atttypid, a.atttypmod, "
    "a.attnotnull, quote_nullable(d.adbin::text), quote_nullable(ds.description)), ';' "
    "ORDER BY a.attnum) FROM pg_catalog.pg_attribute AS a "
    "LEFT JOIN pg_catalog.pg_attrdef AS d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "LEFT JOIN pg_catalog.pg_description AS ds ON ds.objoid = a.attrelid "
    "AND ds.classoid = 'pg_catalog.pg_class'::regclass AND ds.objsubid = a.attnum "
    "WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), "
    "(SELECT string_agg(concat_ws(',', i.indexrelid, i.indkey, i.indisunique, i.indisprimary, "
    "quote_nullable(i.indexprs::text), quote_nullable(i.indpred::text)), ';' ORDER BY i.indexrelid) "
    "FROM pg_catalog.pg_index AS i WHERE i.indrelid = c.oid), "
    "(SELECT string_agg(concat_ws(',', quote_ident(k.conname), k.contype, k.conkey, k.confrelid, k.confkey), "
    "';' ORDER BY k.conname) FROM pg_catalog.pg_constraint AS k WHERE k.conrelid = c.oid))) "
    "FROM pg_catalog.pg_namespace AS n "
    "LEFT JOIN pg_catalog.pg_class AS c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
    "WHERE n.nspname {schema} AND has_schema_privilege(n.oid, 'USAGE')"
)

_SQL = {
    "mysql": {
        "schemas": (
            "SELECT schema_name FROM information_schema.schemata "
            "WHERE schema_name NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')"
        ),
        "tables": _MYSQL_TABLES.format(schema="= %s"),
        # The listings of many schemas: the same rows, one parameter (a tuple) for all.
        "tables_of": _MYSQL_TABLES.format(schema="IN %s"),
        "table_exists": (
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = %s"
        ),
        "column_names": (
            "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s"
        ),
        # Every schema, then the base tables of each, for `djimport list` and the map (a UNION: see "columns").
        "all_tables": (
            "SELECT schema_name, NULL FROM information_schema.schemata "
            "WHERE schema_name NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys') "
            "UNION ALL SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys') "
            "AND table_type = 'BASE TABLE'"
        ),
        # All primary-key and foreign-key columns of the schemas named (a tuple: PyMySQL writes it as
        # a parenthesized list) in one round trip; rows are (schema, table, constraint, column,
        # referenced schema, referenced table, referenced column), referenced_* NULL for the primary key.
        # MariaDB reads one schema only when the list has one name, all of them otherwise.
        "keys": (
            "SELECT table_schema, table_name, constraint_name, column_name, "
            "referenced_table_schema, referenced_table_name, referenced_column_name "
            "FROM information_schema.key_column_usage "
            "WHERE table_schema IN %s AND (constraint_name = 'PRIMARY' OR referenced_table_name IS NOT NULL) "
            "ORDER BY table_schema, table_name, constraint_name, ordinal_position"
        ),
        # The base tables of the schemas named with their comments, each followed by its columns (a column of
        # another table is a view's) with whether each is nullable, its default and (on PostgreSQL) its enum's
        # values, for `djimport stubs`, `stubs --check` and the pipeline map. A UNION, not a join: MariaDB joins
        # these views over many schemas 80 times slower than it reads each (benchmarks/).
        "columns": (
            "SELECT c.table_schema, c.table_name, c.column_name, c.column_type, c.column_comment, "
            "c.column_key = 'PRI', NULL, c.ordinal_position, c.is_nullable = 'YES', c.column_default, NULL "
            "FROM information_schema.columns AS c WHERE c.table_schema IN %s "
            "UNION ALL SELECT t.table_schema, t.table_name, NULL, NULL, NULL, NULL, t.table_comment, 0, NULL, NULL, "
            "NULL FROM information_schema.tables AS t WHERE t.table_schema IN %s AND t.table_type = 'BASE TABLE' "
            "ORDER BY 1, 2, 8"
        ),
        # The pipeline map's indexes: each index but the primary key, a row per column of it, in order.
        "indexes": (
            "SELECT table_schema, table_name, index_name, non_unique = 0, column_name "
            "FROM information_schema.statistics WHERE table_schema IN %s AND index_name <> 'PRIMARY' "
            "ORDER BY table_schema, table_name, index_name, seq_in_index"
        ),
        # One SELECT per table, joined by UNION ALL into a single query; {table} is a quoted name.
        "count_rows": "SELECT %s, COUNT(*) FROM {table}",
        # A schema's character set and collation, and what CREATE DATABASE gives without them.
        "character_set": (
            "SELECT default_character_set_name, default_collation_name, @@character_set_server, @@collation_server "
            "FROM information_schema.schemata WHERE schema_name = %s"
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
        "tables": _PG_TABLES.format(schema="= %s"),
        # The listings of many schemas: the same rows, one parameter (a list) for all.
        "tables_of": _PG_TABLES.format(schema="= ANY(%s)"),
        "table_exists": (
            "SELECT 1 FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relname = %s AND c.relkind IN ('r', 'p')"
        ),
        "column_names": (
            "SELECT a.attname FROM pg_catalog.pg_attribute AS a JOIN pg_catalog.pg_class AS c ON c.oid = a.attrelid "
            "JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped"
        ),
        "all_tables": (
            "SELECT n.nspname, c.relname "
            "FROM pg_catalog.pg_namespace AS n "
            "LEFT JOIN pg_catalog.pg_class AS c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p') "
            "WHERE left(n.nspname, 3) <> 'pg_' AND n.nspname NOT IN ('information_schema', 'public') "
            "AND has_schema_privilege(n.oid, 'USAGE')"
        ),
        # unnest pairs each key column with the column it references (NULL for a primary key).
        "keys": (
            "SELECT n.nspname, cl.relname, con.conname, a.attname, rn.nspname, rc.relname, ra.attname "
            "FROM pg_catalog.pg_constraint AS con "
            "JOIN pg_catalog.pg_class AS cl ON cl.oid = con.conrelid "
            "JOIN pg_catalog.pg_namespace AS n ON n.oid = cl.relnamespace "
            "CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, refnum, position) "
            "JOIN pg_catalog.pg_attribute AS a ON a.attrelid = con.conrelid AND a.attnum = k.attnum "
            "LEFT JOIN pg_catalog.pg_class AS rc ON rc.oid = con.confrelid "
            "LEFT JOIN pg_catalog.pg_namespace AS rn ON rn.oid = rc.relnamespace "
            "LEFT JOIN pg_catalog.pg_attribute AS ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refnum "
            "WHERE n.nspname = ANY(%s) AND con.contype IN ('p', 'f') "
            "ORDER BY n.nspname, cl.relname, con.conname, k.position"
        ),
        # As MySQL's: each base table in a row of its own (its comment, ordinal 0), then its columns.
        "columns": (
            "SELECT n.nspname, c.relname, NULL, NULL, NULL, NULL, obj_description(c.oid, 'pg_class'), 0, NULL, NULL, "
            "NULL FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p') "
            "UNION ALL SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), "
            "col_description(c.oid, a.attnum), coalesce(a.attnum = ANY(p.conkey), false), NULL, a.attnum, "
            "NOT a.attnotnull, pg_get_expr(d.adbin, d.adrelid), "
            # an enum is a type of its own: its values, in order
            "(SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum AS e "
            "WHERE e.enumtypid = a.atttypid) "
            "FROM pg_catalog.pg_attribute AS a "
            "JOIN pg_catalog.pg_class AS c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p') "
            "JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_catalog.pg_constraint AS p ON p.conrelid = c.oid AND p.contype = 'p' "
            "LEFT JOIN pg_catalog.pg_attrdef AS d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE n.nspname = ANY(%s) AND a.attnum > 0 AND NOT a.attisdropped "
            "ORDER BY 1, 2, 8"
        ),
        "indexes": (
            "SELECT n.nspname, c.relname, i.relname, x.indisunique, a.attname::text "
            "FROM pg_catalog.pg_index AS x JOIN pg_catalog.pg_class AS i ON i.oid = x.indexrelid "
            "JOIN pg_catalog.pg_class AS c ON c.oid = x.indrelid "
            "JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
            "CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) "
            "LEFT JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid AND a.attnum = k.attnum "
            "WHERE n.nspname = ANY(%s) AND NOT x.indisprimary ORDER BY 1, 2, 3, k.ord"
        ),
        "count_rows": "SELECT %s, COUNT(*) FROM {table}",
    },
}


# Table names cannot be query parameters: quote them as identifiers.
def full_table_name(connection: Connection, schema: str, table: str) -> str:
    """``schema``.``table`` quoted as identifiers for the connection's server (backticks or double quotes)."""
    return quoted(_datajoint.backend(connection), schema, table)


def _sql(connection: Connection, what: str) -> str:
    return _SQL[_datajoint.backend(connection)][what]


def list_schemas(connection: Connection) -> tuple[str, ...]:
    """Sorted names of the schemas the connection's user can see."""
    return tuple(sorted(row[0] for row in query(connection, _sql(connection, "schemas"))))


def unusable_schema_name(connection: Connection, name: str) -> str | None:
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
    if _datajoint.backend(connection) == "postgresql":
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


def list_tables(connection: Connection, schema: str) -> tuple[TableRow, ...] | None:
    """The tables of ``schema`` sorted by name, or None when the schema does not exist."""
    return list_tables_of(connection, [schema])[schema]


def list_tables_of(connection: Connection, schemas: list[str]) -> dict[str, tuple[TableRow, ...] | None]:
    """The tables of each of ``schemas`` (as :func:`list_tables`) in one query, none for no schema.

    One schema's listing names it as a constant (MariaDB then reads information_schema for it alone); many
    schemas are one list parameter: 400 one-schema listings joined by UNION ALL took 0.5 s on MariaDB, 1.8 s
    on MySQL 9.7 and 1.2 s on PostgreSQL (benchmarks/catalog.py). Either way the rows are those of
    :func:`list_tables`.
    """
    usable = [schema for schema in dict.fromkeys(schemas) if not unusable_schema_name(connection, schema)]
    rows: list = []
    if len(usable) == 1:
        rows = query(connection, _sql(connection, "tables"), (usable[0],) * _sql(connection, "tables").count("%s"))
    elif usable:
        sql = _sql(connection, "tables_of")
        rows = query(connection, sql, (_names(connection, usable),) * sql.count("%s"))
    by_schema: dict[str, list[tuple]] = {}  # the server may compare names case-insensitively: exact ones only
    for row in rows:
        by_schema.setdefault(row[0], []).append(row)
    return {
        schema: tuple(
            sorted(
                TableRow(name, comment or "", kind == "VIEW", str(fingerprint))
                for _, name, comment, kind, fingerprint in by_schema[schema] if name is not None
            )
        ) if schema in by_schema else None
        for schema in schemas
    }


def table_exists(connection: Connection, schema: str, table: str) -> bool:
    return bool(query(connection, _sql(connection, "table_exists"), (schema, table)))


def column_names(connection: Connection, schema: str, table: str) -> frozenset[str]:
    """The names of the columns of table ``schema.table`` (none when there is no such table)."""
    return frozenset(row[0] for row in query(connection, _sql(connection, "column_names"), (schema, table)))


def list_all_tables(connection: Connection) -> dict[str, tuple[str, ...]]:
    """Every schema the connection's user can see, with the names of its base tables, sorted."""
    tables: dict[str, list[str]] = {}
    for schema, table in query(connection, _sql(connection, "all_tables")):
        names = tables.setdefault(schema, [])
        if table is not None:
            names.append(table)
    return {schema: tuple(sorted(names)) for schema, names in sorted(tables.items())}


def list_keys(connection: Connection, schema: str) -> Keys:
    """Primary and foreign keys of every table in ``schema``, in one query."""
    return list_keys_of(connection, [schema])[schema]


def list_keys_of(connection: Connection, schemas: list[str]) -> dict[str, Keys]:
    """Primary and foreign keys of every table in each of ``schemas``, in one query (none for no schema)."""
    primary: dict[str, dict[str, list[str]]] = {schema: {} for schema in schemas}
    foreign: dict[str, dict[tuple[str, str], list[tuple]]] = {schema: {} for schema in schemas}
    rows = query(connection, _sql(connection, "keys"), (_names(connection, schemas),)) if schemas else ()
    for schema, table, constraint, column, ref_schema, ref_table, ref_column in rows:
        if schema not in primary:  # the server matched a name loosely (case)
            continue
        if ref_table is None:
            primary[schema].setdefault(table, []).append(column)
        else:
            foreign[schema].setdefault((table, constraint), []).append((column, ref_schema, ref_table, ref_column))
    return {
        schema: Keys(
            {table: tuple(columns) for table, columns in primary[schema].items()},
            tuple(
                ForeignKey(table, name, tuple(c[0] for c in cols), cols[0][1], cols[0][2], tuple(c[3] for c in cols))
                for (table, name), cols in foreign[schema].items()
            ),
        )
        for schema in schemas
    }


class Column(NamedTuple):
    """One column of a table: its type (see :func:`describe_attributes_of`), comment, and whether it is in the
    primary key."""

    name: str
    type: str
    comment: str
    in_key: bool


class ColumnDetails(NamedTuple):
    """A :class:`Column` with whether it may be NULL, its default as the server writes it (None for none) and
    the values of its enum type on PostgreSQL (None otherwise: MySQL's are in its type)."""

    column: Column
    nullable: bool
    default: str | None
    enum_values: tuple[str, ...] | None


class TableDescription(NamedTuple):
    """A base table's comment and columns, in order."""

    comment: str
    columns: tuple[ColumnDetails, ...]


def describe_attributes_of(connection: Connection, schemas: list[str]) -> dict[str, dict[str, TableDescription]]:
    """Schema -> base table -> its comment and columns (each with its nullability, default and PostgreSQL's
    enum values), for each of ``schemas``, in one query.

    A column's type is the server's, after the one DataJoint declared when it keeps it at the start of the
    column's comment (``:int32:``) and it reads otherwise: ``int32 (int(11))``, ``varchar(60) (character
    varying(60))``; that mark is not part of the comment.
    """
    sql = _sql(connection, "columns")
    rows = query(connection, sql, (_names(connection, schemas),) * sql.count("%s")) if schemas else ()
    asked = set(schemas)
    base: dict[tuple[str, str], str] = {}
    tables: dict[str, dict[str, tuple[str, list[ColumnDetails]]]] = {schema: {} for schema in schemas}
    for schema, table, column, column_type, comment, in_key, table_comment, ordinal, nullable, default, labels in rows:
        if schema not in asked:  # the server matched a name loosely (case)
            continue
        if not ordinal:  # a base table, before its columns
            base[schema, table] = table_comment or ""
            continue
        if (schema, table) not in base:  # a view's
            continue
        declared = re.match(r":([^:\s]+):", comment or "")
        if declared:
            comment = comment[declared.end():]
            if declared[1] != column_type:
                column_type = f"{declared[1]} ({column_type})"
        if table not in tables[schema]:
            tables[schema][table] = (base[schema, table], [])
        tables[schema][table][1].append(ColumnDetails(
            Column(column, column_type, (comment or "").strip(), bool(in_key)), bool(nullable), default,
            None if labels is None else tuple(labels),
        ))
    return {
        schema: {table: TableDescription(comment, tuple(columns)) for table, (comment, columns) in described.items()}
        for schema, described in tables.items()
    }


class Index(NamedTuple):
    """A secondary index of a table: its columns in order, and whether it is unique."""

    columns: tuple[str, ...]
    unique: bool


def list_indexes_of(connection: Connection, schemas: list[str]) -> dict[str, dict[str, tuple[Index, ...]]]:
    """Schema -> table -> its secondary indexes (with those a server made for a foreign key), for each of
    ``schemas``, in one query; a table without one is not listed. An index on an expression is left out: its
    parts have no column name, and no DataJoint definition declares one."""
    found: dict[tuple[str, str], dict[str, tuple[list[str], bool]]] = {}
    sql = _sql(connection, "indexes")
    rows = query(connection, sql, (_names(connection, schemas),) * sql.count("%s")) if schemas else ()
    for schema, table, name, unique, column in rows:
        found.setdefault((schema, table), {}).setdefault(name, ([], bool(unique)))[0].append(column)
    indexes: dict[str, dict[str, tuple[Index, ...]]] = {schema: {} for schema in schemas}
    for (schema, table), by_name in found.items():
        if schema in indexes:  # not a name the server matched loosely (case)
            indexes[schema][table] = tuple(Index(tuple(columns), unique) for columns, unique in by_name.values()
                                           if None not in columns)
    return indexes


def schema_character_set(connection: Connection, schema: str) -> tuple[str, str, str] | None:
    """``(character set, collation, the server's default character set)`` of a MySQL schema whose character
    set or collation is not the server's default, in one query; None otherwise, and on PostgreSQL (where a
    schema has no character set of its own) without a query."""
    if _datajoint.backend(connection) != "mysql":
        return None
    rows = query(connection, _sql(connection, "character_set"), (schema,))
    if not rows:
        return None
    charset, collation, server_charset, server_collation = rows[0]
    if (charset, collation) == (server_charset, server_collation):
        return None
    return charset, collation, server_charset


def _names(connection: Connection, names: list[str]) -> tuple[str, ...] | list[str]:
    """A list of names as one query parameter: a tuple for PyMySQL (``IN %s``), a list for psycopg2 (``ANY(%s)``)."""
    return list(names) if _datajoint.backend(connection) == "postgresql" else tuple(names)


def count_rows(connection: Connection, schema: str, tables: list[str]) -> dict[str, int]:
    """Exact number of rows of each table of ``schema`` named, in one query."""
    if not tables:
        return {}
    select = _sql(connection, "count_rows")
    sql = " UNION ALL ".join(select.format(table=full_table_name(connection, schema, table)) for table in tables)
    return {table: int(count) for table, count in query(connection, sql, tuple(tables))}


# The rows DataJoint reads to load one table's heading, for every table of one or many schemas in one round trip:
# a row per table of the first kind's view `t` (every column of it, `t.*`, whose count differs by server), then a
# row per other kind holding all its rows, of every table, as one JSON array (each a JSON array: its schema, its
# table, its number in the order of DataJoint's statement, then the values DataJoint's statement gives; a kind
# without `order` in the server's own, as DataJoint's statement has no ORDER BY) and their count; such a row's
# `t` is padded by an empty read of the same view. Not a UNION of every kind's rows (PyMySQL read 150,000
# fields, most of them padding, for 300 tables: half the time of an import), nor the kinds aggregated per table
# and joined (MariaDB took 230 ms for the join against 50 ms for this; benchmarks/round_trips.py --profile).
class _Kind(NamedTuple):
    source: str  # FROM, aliased `x` (`t` for the first kind)
    where: str  # the schemas as `{in}`
    columns: tuple[tuple[str, str], ...] = ()  # (SQL expression, the name DataJoint's statement gives it)
    order: str = ""  # DataJoint's ORDER BY within a table
    ordinal: bool = False  # whether `order` is one number, which then places the row: ROW_NUMBER sorts (15 ms of 24 for
    # the columns of 300 tables on MariaDB)
    star: bool = False  # whether the rows are every column of `t`, besides `columns` (the first kind only)
    table: str = "x.table_name"  # the expression naming the row's table
    schema: str = "x.table_schema"  # and its schema (for `~lineage`, which names none, its number in `lineages`)


_MYSQL_MARIADB = ("VERSION() LIKE '%%MariaDB%%'", "_mariadb")
_MYSQL_TABLE_STATUS = _Kind(
    "information_schema.tables AS t", "t.table_schema {in}", star=True, table="t.table_name", schema="t.table_schema"
)
# information_schema.columns computes character_maximum_length, numeric_precision and numeric_scale with a function
# per row that takes the column's whole catalog rows (_pg_char_max_length(_pg_truetypid(a.*, t.*), ...)): the columns
# of 300 tables took 38 ms on PostgreSQL 15, 17 ms as below. Those functions give NULL but for the types named below
# (a domain's data_type is its base type's), and constants for integers and floats: the view computes a number only
# where it depends on the column (tests/test_headings.py compares every type's rows with DataJoint's statement).
_PG_SIZES = (
    ("CASE WHEN x.data_type IN ('character', 'character varying', 'bit', 'bit varying') "
     "THEN x.character_maximum_length END", "character_maximum_length"),
    ("CASE x.data_type WHEN 'smallint' THEN 16 WHEN 'integer' THEN 32 WHEN 'bigint' THEN 64 WHEN 'real' THEN 24 "
     "WHEN 'double precision' THEN 53 WHEN 'numeric' THEN x.numeric_precision END", "numeric_precision"),
    ("CASE WHEN x.data_type IN ('smallint', 'integer', 'bigint') THEN 0 WHEN x.data_type = 'numeric' "
     "THEN x.numeric_scale END", "numeric_scale"),
)
_HEADING_KINDS: dict[str, dict[str, _Kind]] = {
    "mysql": {
        "table_status": _MYSQL_TABLE_STATUS,  # SHOW TABLE STATUS, from the view it shows (see _show_status_name)
        "table_info": _MYSQL_TABLE_STATUS,
        # SHOW FULL COLUMNS, for all tables; MariaDB quotes defaults here (see _show_default).
        "columns": _Kind(
            "information_schema.columns AS x", "x.table_schema {in}",
            (_MYSQL_MARIADB, *((f"x.{column}", name) for column, name in (
                ("COLUMN_NAME", "Field"), ("COLUMN_TYPE", "Type"), ("COLLATION_NAME", "Collation"),
                ("IS_NULLABLE", "Null"), ("COLUMN_KEY", "Key"), ("COLUMN_DEFAULT", "Default"), ("EXTRA", "Extra"),
                ("PRIVILEGES", "Privileges"), ("COLUMN_COMMENT", "Comment")))),
            order="x.ORDINAL_POSITION", ordinal=True,
        ),
        # SHOW KEYS, for all tables: the primary key, then the other index (see _key_order_known).
        "keys": _Kind(
            "information_schema.statistics AS x", "x.table_schema {in}",
            tuple((f"x.{column}", name) for column, name in (
                ("TABLE_NAME", "Table"), ("NON_UNIQUE", "Non_unique"), ("INDEX_NAME", "Key_name"),
                ("SEQ_IN_INDEX", "Seq_in_index"), ("COLUMN_NAME", "Column_name"), ("COLLATION", "Collation"),
                ("CARDINALITY", "Cardinality"), ("SUB_PART", "Sub_part"), ("PACKED", "Packed"), ("NULLABLE", "Null"),
                ("INDEX_TYPE", "Index_type"), ("COMMENT", "Comment"), ("INDEX_COMMENT", "Index_comment"))),
            order="x.INDEX_NAME != 'PRIMARY', x.INDEX_NAME, x.SEQ_IN_INDEX",
        ),
        "primary_key": _Kind(
            "information_schema.key_column_usage AS x", "x.table_schema {in} AND x.constraint_name = 'PRIMARY'",
            (("x.COLUMN_NAME", "column_name"),),
            order="x.ordinal_position", ordinal=True,
        ),
        "indexes": _Kind(
            "information_schema.statistics AS x", "x.table_schema {in} AND x.index_name != 'PRIMARY'",
            (("x.INDEX_NAME", "index_name"), ("x.COLUMN_NAME", "column_name"), ("x.NON_UNIQUE", "non_unique"),
             ("x.SEQ_IN_INDEX", "seq_in_index")),
            order="x.index_name, x.seq_in_index",
        ),
        "lineage": _Kind("{schema}.`~lineage` AS x", "", (("x.attribute_name", "attribute_name"), ("x.lineage", "lineage"))),
    },
    # DataJoint 2.x's PostgreSQL statements (adapters/postgres.py) name one table by '<schema>.<table>'::regclass;
    # joining pg_class on the names instead gives the same comments for every name, odd ones included.
    # PostgreSQL types a UNION's columns two branches at a time (two NULLs make text): numbers are cast.
    "postgresql": {
        "table_info": _Kind(
            "information_schema.tables AS t JOIN pg_catalog.pg_namespace AS n ON n.nspname = t.table_schema "
            "JOIN pg_catalog.pg_class AS c ON c.relnamespace = n.oid AND c.relname = t.table_name",
            "t.table_schema {in}",
            (("obj_description(c.oid, 'pg_class')", "table_comment"),),
            star=True, table="t.table_name", schema="t.table_schema",
        ),
        "columns": _Kind(
            "information_schema.columns AS x "
            "JOIN pg_catalog.pg_namespace AS n ON n.nspname = x.table_schema "
            "JOIN pg_catalog.pg_class AS r ON r.relnamespace = n.oid AND r.relname = x.table_name "
            # what col_description(oid, position) looks up, as a join: a function call per row costs 10 times more
            "LEFT JOIN pg_catalog.pg_description AS d "
            "ON d.objoid = r.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = x.ordinal_position",
            "x.table_schema {in}",
            (*((f"x.{name}::text", name) for name in (
                "column_name", "data_type", "udt_name", "is_nullable", "column_default")),
             *((f"({expression})::integer", name) for expression, name in _PG_SIZES),
             ("d.description", "column_comment")),
            order="x.ordinal_position", ordinal=True,
        ),
        # DataJoint's statement joins information_schema.key_column_usage with .table_constraints (13 ms for 300
        # tables on PostgreSQL 18); this reads those views' catalogs with their privilege filters (2 ms): a user
        # with SELECT alone is shown no constraint by table_constraints, hence no key, by DataJoint and by us.
        "primary_key": _Kind(
            "pg_catalog.pg_constraint AS c JOIN pg_catalog.pg_class AS r ON r.oid = c.conrelid "
            "JOIN pg_catalog.pg_namespace AS n ON n.oid = r.relnamespace "
            "CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, position) "
            "JOIN pg_catalog.pg_attribute AS a ON a.attrelid = r.oid AND a.attnum = k.attnum",
            "n.nspname {in} AND c.contype = 'p' AND r.relkind IN ('r', 'p') AND NOT a.attisdropped "
            "AND (pg_has_role(r.relowner, 'USAGE') "
            "OR has_table_privilege(r.oid, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') "
            "OR has_any_column_privilege(r.oid, 'INSERT, UPDATE, REFERENCES')) "
            "AND (pg_has_role(r.relowner, 'USAGE') "
            "OR has_column_privilege(r.oid, a.attnum, 'SELECT, INSERT, UPDATE, REFERENCES'))",
            (("a.attname::text", "column_name"),),
            order="k.position", ordinal=True, table="r.relname", schema="n.nspname",
        ),
        # DataJoint's statement has no ORDER BY either.
        "indexes": _Kind(
            "pg_catalog.pg_indexes AS x", "x.schemaname {in}",
            (("x.indexname::text", "indexname"), ("x.indexdef", "indexdef")), table="x.tablename", schema="x.schemaname",
        ),
        "lineage": _Kind('{schema}."~lineage" AS x', "", (("x.attribute_name::text", "attribute_name"),
                                                          ("x.lineage::text", "lineage"))),
    },
}
_IN = {"mysql": "IN %s", "postgresql": "= ANY(%s)"}
_ARRAY = {"mysql": ("JSON_ARRAYAGG", "JSON_ARRAY"), "postgresql": ("json_agg", "json_build_array")}
LINEAGE = "{schema}"  # where the heading statement's text names a schema whose ~lineage it reads


def heading_statement(backend: str, kinds: tuple[str, ...], lineages: tuple[str, ...] = (LINEAGE,)) -> str:
    """The one statement that reads the heading rows of ``kinds`` for every table of the schemas given as one
    list parameter (each ``%s``), with the ``~lineage`` tables of the schemas whose quoted names are
    ``lineages`` (a row of ``lineages[i]``'s names its schema ``i``: a name in JSON_ARRAY beside the table's
    own text can make the server refuse to mix their collations, as MariaDB did)."""
    specs = [_HEADING_KINDS[backend][kind] for kind in kinds]
    base = specs[0]

    def where(spec: _Kind) -> str:
        return spec.where.replace("{in}", _IN[backend])

    extra = [f"{expression} AS _0_{slot}" for slot, (expression, _) in enumerate(base.columns)]
    branches = [f"(SELECT 0 AS _kind, {base.schema} AS _schema, {base.table} AS _table, t.*, "
                f"{''.join(e + ', ' for e in extra)}NULL AS _rows, NULL AS _count FROM {base.source} WHERE {where(base)})"]
    aggregate, array = _ARRAY[backend]
    for number, (kind, spec) in enumerate(zip(kinds[1:], specs[1:]), 1):
        place = spec.order if spec.ordinal else f"ROW_NUMBER() OVER ({f'ORDER BY {spec.order}' if spec.order else ''})"
        values = [f"{place} AS _n",
                  *(f"{expression} AS _{slot}" for slot, (expression, _) in enumerate(spec.columns))]
        if kind == "lineage":
            rows = " UNION ALL ".join(f"SELECT {i} AS _s, {spec.table} AS _t, {', '.join(values)} "
                                      f"FROM {spec.source.format(schema=name)}" for i, name in enumerate(lineages))
        else:
            rows = f"SELECT {spec.schema} AS _s, {spec.table} AS _t, {', '.join(values)} FROM {spec.source} WHERE {where(spec)}"
        element = ", ".join(["y._s", "y._t", "y._n", *(f"y._{slot}" for slot in range(len(spec.columns)))])
        padding = f"(SELECT * FROM information_schema.tables WHERE table_schema {_IN[backend]} LIMIT 0)"
        branches.append(f"(SELECT {number}, NULL, NULL, t.*, {''.join('NULL, ' for _ in extra)}"
                        f"a.j, a.n FROM (SELECT {aggregate}({array}({element})) AS j, COUNT(*) AS n FROM ({rows}) AS y) AS a "
                        f"LEFT JOIN {padding} AS t ON TRUE)")
    return " UNION ALL ".join(branches)


def heading_rows(
    connection: Connection, schemas: list[str], kinds: tuple[str, ...], lineages: tuple[str, ...] = ()
) -> dict[str, dict[str, dict[str, list[dict] | None]]] | None:
    """Rows of each of ``kinds`` for every table of each of ``schemas`` (with ``~lineage`` read in ``lineages``,
    those that have it), in one statement: schema -> kind -> table name -> rows, None for a table whose rows
    cannot be given exactly as DataJoint's per-table statement would. A table missing from a kind has no rows
    of that kind. Returns None when the backend has no such statements."""
    backend = _datajoint.backend(connection)
    if not all(kind in _HEADING_KINDS.get(backend, {}) for kind in kinds):
        return None
    if not lineages:
        kinds = tuple(kind for kind in kinds if kind != "lineage")
    sql = heading_statement(backend, kinds, tuple(quoted(backend, schema) for schema in lineages))
    names, rows = _described_query(connection, sql, (_names(connection, schemas),) * sql.count("%s"))
    # The names of the first kind (as DataJoint's statement gives them) and their positions in the row.
    spec = _HEADING_KINDS[backend][kinds[0]]
    chosen = [(name, position) for position, name in enumerate(names) if name[0] != "_"] if spec.star else []
    if kinds[0] == "table_status":
        chosen = [(_show_status_name(name), position) for name, position in chosen if name.upper() not in _NOT_SHOWN]
    chosen += [(name, names.index(f"_0_{slot}")) for slot, (_, name) in enumerate(spec.columns)]
    grouped: dict[str, dict[str, dict[str, list[dict] | None]]] = {
        schema: {kind: {} for kind in kinds if kind != "lineage" or schema in lineages} for schema in schemas}
    cut: list[str] = []
    for row in rows:
        kind = kinds[row[0]]
        if kind == kinds[0]:
            if row[1] in grouped:  # else the server matched a name loosely (case)
                grouped[row[1]][kind][row[2]] = _checked(backend, kind, [{name: row[p] for name, p in chosen}])
            continue
        value, count = row[-2], row[-1]
        try:
            elements = [] if value is None else json.loads(value) if isinstance(value, str) else value
        except ValueError:  # cut short mid-text: no longer JSON
            elements = []
        if len(elements) != count:  # cut at MariaDB's group_concat_max_len (1 MB): DataJoint asks table by table
            cut.append(kind)
            continue
        kind_names = [name for _, name in _HEADING_KINDS[backend][kind].columns]
        by_table: dict[tuple[Any, str], list[dict]] = {}  # (schema, or its number in `lineages`; table)
        for element in sorted(elements, key=itemgetter(2)):
            by_table.setdefault((element[0], element[1]), []).append(dict(zip(kind_names, element[3:])))
        for (named, table), table_rows in by_table.items():
            schema = lineages[named] if kind == "lineage" else named
            if schema in grouped and kind in grouped[schema]:
                grouped[schema][kind][table] = _checked(backend, kind, table_rows)
    for schema, by_kind in grouped.items():
        for kind in cut:
            if kind in by_kind:
                by_kind[kind] = dict.fromkeys(by_kind[kinds[0]])
    return grouped


def _checked(backend: str, kind: str, rows: list[dict]) -> list[dict] | None:
    """One table's ``rows`` of ``kind`` made exactly what DataJoint's per-table statement returns, or None."""
    if not all(_exact(backend, kind, row) for row in rows):
        return None
    if kind == "keys" and backend == "mysql" and not _key_order_known(rows):
        return None
    return rows


_NOT_SHOWN = ("TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_TYPE")  # columns of information_schema.tables


def _show_status_name(column: str) -> str:
    """The name SHOW TABLE STATUS gives a column of information_schema.tables (``TABLE_ROWS`` -> ``Rows``) but
    those of ``_NOT_SHOWN``, which it does not show."""
    return re.sub("^TABLE_", "", column.upper()).capitalize()


def _key_order_known(rows: list[dict]) -> bool:
    """Whether one table's information_schema.statistics ``rows``, the primary key first, list its indexes in
    SHOW KEYS's order: the server's key order (unique ones first, then as created), which information_schema
    does not show. A table with two secondary indexes or more is left to DataJoint's SHOW KEYS.

    MariaDB's information_schema lists a table's keys in that order, MySQL 8's by the query plan; numbering the
    rows of all tables by a window keeps neither (with ``ROW_NUMBER() OVER ()``, one CI run on MariaDB gave an
    index on `day` before the unique one on `(quote, word)`). So the heading statement numbers them by name, the
    primary key first: SHOW KEYS's order while a table has one secondary index at most.
    """
    return len({row["Key_name"] for row in rows} - {"PRIMARY"}) < 2


def _exact(backend: str, kind: str, row: dict) -> bool:
    """Whether ``row`` is (made) exactly what DataJoint's per-table statement returns."""
    if backend == "postgresql":  # read from the very views and functions of DataJoint's statements
        return True
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
