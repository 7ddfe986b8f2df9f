"""The SQL djimport writes itself, per backend: listings of schemas, tables, keys and columns, and
the rows of the heading accelerator; the statement lock; the one quoting function.

Names travel as query parameters; where SQL needs an identifier, :func:`quoted` writes it.
"""

from __future__ import annotations

import re
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
        _datajoint.ensure_open(connection)
        return connection.query(sql, args, as_dict=as_dict).fetchall()


_SQL = {
    "mysql": {
        "schemas": (
            "SELECT schema_name FROM information_schema.schemata "
            "WHERE schema_name NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')"
        ),
        # One round trip answers both "does the schema exist?" and "what tables does it hold?".
        # A UNION, not a join: MariaDB reads information_schema.tables for one schema only when
        # the schema is a constant in its WHERE (0.3 ms instead of 20 ms, benchmarks/).
        # Each table's fingerprint sums a CRC32 of each row that DataJoint's heading is made of (columns,
        # indexes, foreign keys) with their counts: exact integers whatever the length, where GROUP_CONCAT
        # would be cut at group_concat_max_len (1 kB on MySQL). Each derived table reads one schema.
        "tables": (
            "SELECT s.schema_name, NULL, NULL, NULL, NULL FROM information_schema.schemata AS s "
            "WHERE s.schema_name = %s "
            "UNION ALL SELECT t.table_schema, t.table_name, t.table_comment, t.table_type, "
            "CONCAT_WS(' ', c.n, c.h, i.n, i.h, k.n, k.h) "
            "FROM information_schema.tables AS t "
            "LEFT JOIN (SELECT table_name, COUNT(*) AS n, SUM(CRC32(CONCAT_WS('|', ordinal_position, column_name, "
            "column_type, is_nullable, IFNULL(column_default, '(none)'), column_comment, extra, "
            "IFNULL(collation_name, ''), IFNULL(generation_expression, '')))) AS h "
            "FROM information_schema.columns WHERE table_schema = %s GROUP BY table_name) AS c "
            "ON c.table_name = t.table_name "
            "LEFT JOIN (SELECT table_name, COUNT(*) AS n, SUM(CRC32(CONCAT_WS('|', index_name, seq_in_index, "
            "column_name, non_unique, IFNULL(sub_part, ''), index_type, index_comment))) AS h "
            "FROM information_schema.statistics WHERE table_schema = %s GROUP BY table_name) AS i "
            "ON i.table_name = t.table_name "
            "LEFT JOIN (SELECT table_name, COUNT(*) AS n, SUM(CRC32(CONCAT_WS('|', constraint_name, "
            "ordinal_position, column_name, referenced_table_schema, referenced_table_name, "
            "referenced_column_name))) AS h "
            "FROM information_schema.key_column_usage WHERE table_schema = %s AND referenced_table_name IS NOT NULL "
            "GROUP BY table_name) AS k "
            "ON k.table_name = t.table_name "
            "WHERE t.table_schema = %s"
        ),
        "table_exists": (
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = %s"
        ),
        "column_names": (
            "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s"
        ),
        # Every schema with its base tables, for `djimport list`.
        "all_tables": (
            "SELECT s.schema_name, t.table_name "
            "FROM information_schema.schemata AS s "
            "LEFT JOIN information_schema.tables AS t "
            "ON t.table_schema = s.schema_name AND t.table_type = 'BASE TABLE' "
            "WHERE s.schema_name NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')"
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
        # The columns of the base tables of the schemas named, with their tables' comments, for
        # `djimport stubs --check` and the pipeline map.
        "columns": (
            "SELECT c.table_schema, c.table_name, c.column_name, c.column_type, c.column_comment, "
            "c.column_key = 'PRI', t.table_comment "
            "FROM information_schema.columns AS c JOIN information_schema.tables AS t "
            "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
            "WHERE c.table_schema IN %s AND t.table_schema IN %s AND t.table_type = 'BASE TABLE' "
            "ORDER BY c.table_schema, c.table_name, c.ordinal_position"
        ),
        # The pipeline map's panel: each column's nullability and default, then each index but the primary key,
        # a row per column of it.
        "details": (
            "SELECT 'column', table_schema, table_name, column_name, is_nullable = 'YES', column_default, "
            "ordinal_position FROM information_schema.columns WHERE table_schema IN %s "
            "UNION ALL SELECT 'index', table_schema, table_name, index_name, non_unique = 0, column_name, "
            "seq_in_index FROM information_schema.statistics WHERE table_schema IN %s AND index_name <> 'PRIMARY' "
            "ORDER BY 1, 2, 3, 4, 7"
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
        # Each table's fingerprint: an MD5 of its oid (a table dropped and declared again has a new one), columns
        # with their defaults and comments, indexes and constraints, from the catalogs' indexes on oid. Raw catalog
        # columns only: functions that open a relation (pg_get_expr, pg_get_indexdef) fail on one dropped meanwhile.
        "tables": (
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
            "WHERE n.nspname = %s AND has_schema_privilege(n.oid, 'USAGE')"
        ),
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
        "columns": (
            "SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), "
            "col_description(c.oid, a.attnum), coalesce(a.attnum = ANY(p.conkey), false), "
            "obj_description(c.oid, 'pg_class') "
            "FROM pg_catalog.pg_attribute AS a "
            "JOIN pg_catalog.pg_class AS c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p') "
            "JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_catalog.pg_constraint AS p ON p.conrelid = c.oid AND p.contype = 'p' "
            "WHERE n.nspname = ANY(%s) AND a.attnum > 0 AND NOT a.attisdropped "
            "ORDER BY n.nspname, c.relname, a.attnum"
        ),
        "details": (
            "SELECT 'column', n.nspname, c.relname, a.attname, NOT a.attnotnull, pg_get_expr(d.adbin, d.adrelid), "
            "a.attnum::bigint FROM pg_catalog.pg_attribute AS a "
            "JOIN pg_catalog.pg_class AS c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p') "
            "JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_catalog.pg_attrdef AS d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE n.nspname = ANY(%s) AND a.attnum > 0 AND NOT a.attisdropped "
            "UNION ALL SELECT 'index', n.nspname, c.relname, i.relname, x.indisunique, a.attname::text, k.ord "
            "FROM pg_catalog.pg_index AS x JOIN pg_catalog.pg_class AS i ON i.oid = x.indexrelid "
            "JOIN pg_catalog.pg_class AS c ON c.oid = x.indrelid "
            "JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
            "CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) "
            "JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid AND a.attnum = k.attnum "
            "WHERE n.nspname = ANY(%s) AND NOT x.indisprimary ORDER BY 1, 2, 3, 4, 7"
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
    if unusable_schema_name(connection, schema):
        return None
    sql = _sql(connection, "tables")
    rows = query(connection, sql, (schema,) * sql.count("%s"))  # the name, wherever the SQL needs it
    # The server may compare names case-insensitively; a schema is only ours when spelled exactly.
    rows = [row for row in rows if row[0] == schema]
    if not rows:
        return None
    return tuple(
        sorted(
            TableRow(name, comment or "", kind == "VIEW", str(fingerprint))
            for _, name, comment, kind, fingerprint in rows if name is not None
        )
    )


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
    """One column of a table: its type (see :func:`describe_tables_of`), comment, and whether it is in the primary key."""

    name: str
    type: str
    comment: str
    in_key: bool


class TableDescription(NamedTuple):
    """A base table's comment and columns, in order."""

    comment: str
    columns: tuple[Column, ...]


def describe_tables_of(connection: Connection, schemas: list[str]) -> dict[str, dict[str, TableDescription]]:
    """Schema -> base table -> its comment and columns, for each of ``schemas``, in one query.

    A column's type is the server's, after the one DataJoint declared when it keeps it at the start of the
    column's comment (``:int32:``) and it reads otherwise: ``int32 (int(11))``, ``varchar(60) (character
    varying(60))``; that mark is not part of the comment.
    """
    tables: dict[str, dict[str, tuple[str, list[Column]]]] = {schema: {} for schema in schemas}
    sql = _sql(connection, "columns")
    rows = query(connection, sql, (_names(connection, schemas),) * sql.count("%s")) if schemas else ()
    for schema, table, column, column_type, comment, in_key, table_comment in rows:
        if schema in tables:
            declared = re.match(r":([^:\s]+):", comment or "")
            if declared:
                comment = comment[declared.end():]
                if declared[1] != column_type:
                    column_type = f"{declared[1]} ({column_type})"
            entry = tables[schema].setdefault(table, (table_comment or "", []))
            entry[1].append(Column(column, column_type, (comment or "").strip(), bool(in_key)))
    return {
        schema: {table: TableDescription(comment, tuple(columns)) for table, (comment, columns) in described.items()}
        for schema, described in tables.items()
    }


class Index(NamedTuple):
    """A secondary index of a table: its columns in order, and whether it is unique."""

    columns: tuple[str, ...]
    unique: bool


class Details(NamedTuple):
    """What the pipeline map's panel adds to a :class:`TableDescription`: column -> (nullable, default as the
    server writes it or None), and the secondary indexes (with those a server made for a foreign key)."""

    columns: dict[str, tuple[bool, str | None]]
    indexes: tuple[Index, ...]


def describe_details_of(connection: Connection, schemas: list[str]) -> dict[str, dict[str, Details]]:
    """Schema -> table -> its :class:`Details`, for each of ``schemas``, in one query."""
    columns: dict[tuple[str, str], dict[str, tuple[bool, str | None]]] = {}
    indexes: dict[tuple[str, str], dict[str, tuple[list[str], bool]]] = {}
    sql = _sql(connection, "details")
    rows = query(connection, sql, (_names(connection, schemas),) * sql.count("%s")) if schemas else ()
    for kind, schema, table, name, flag, value, _ in rows:
        if kind == "column":
            columns.setdefault((schema, table), {})[name] = (bool(flag), value)
        else:
            indexes.setdefault((schema, table), {}).setdefault(name, ([], bool(flag)))[0].append(value)
    described: dict[str, dict[str, Details]] = {schema: {} for schema in schemas}
    for (schema, table), table_columns in columns.items():
        kept = tuple(Index(tuple(names), unique) for names, unique in indexes.get((schema, table), {}).values())
        described.setdefault(schema, {})[table] = Details(table_columns, kept)
    return described


def list_columns_of(connection: Connection, schemas: list[str]) -> dict[str, dict[str, tuple[tuple[str, str], ...]]]:
    """Schema -> base table -> its columns as ``(name, type)`` in order, for each of ``schemas``, in one query
    (the types of :func:`describe_tables_of`)."""
    return {
        schema: {table: tuple((c.name, c.type) for c in described.columns) for table, described in tables.items()}
        for schema, tables in describe_tables_of(connection, schemas).items()
    }


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


# The rows DataJoint reads to load one table's heading, for every table of a schema at once:
# each kind is one round trip, in the shape of DataJoint's own per-table statement for it.
# Rows are grouped by their `_table` column (which is removed), else by the column named in _HEADING_TABLE.
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
        # SHOW KEYS, for all tables, in the server's own order of indexes (on MariaDB; see _key_order_known).
        "keys": (
            "SELECT TABLE_NAME AS `_table`, VERSION() LIKE '%%MariaDB%%' AS `_mariadb`, TABLE_NAME AS `Table`, "
            "NON_UNIQUE AS `Non_unique`, "
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
    # DataJoint 2.x's PostgreSQL statements (adapters/postgres.py) name one table by '<schema>.<table>'::regclass;
    # joining pg_class on the names instead gives the same comments for every name, odd ones included.
    "postgresql": {
        "table_info": (
            "SELECT t.table_name AS _table, t.*, obj_description(c.oid, 'pg_class') AS table_comment "
            "FROM information_schema.tables AS t "
            "JOIN pg_catalog.pg_namespace AS n ON n.nspname = t.table_schema "
            "JOIN pg_catalog.pg_class AS c ON c.relnamespace = n.oid AND c.relname = t.table_name "
            "WHERE t.table_schema = %s"
        ),
        "columns": (
            "SELECT c.table_name AS _table, c.column_name, c.data_type, c.udt_name, c.is_nullable, c.column_default, "
            "c.character_maximum_length, c.numeric_precision, c.numeric_scale, d.description AS column_comment "
            "FROM information_schema.columns AS c "
            "JOIN pg_catalog.pg_namespace AS n ON n.nspname = c.table_schema "
            "JOIN pg_catalog.pg_class AS r ON r.relnamespace = n.oid AND r.relname = c.table_name "
            # what col_description(oid, position) looks up, as a join: a function call per row costs 10 times more
            "LEFT JOIN pg_catalog.pg_description AS d "
            "ON d.objoid = r.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = c.ordinal_position "
            "WHERE c.table_schema = %s ORDER BY c.table_name, c.ordinal_position"
        ),
        "primary_key": (
            "SELECT k.table_name AS _table, k.column_name FROM information_schema.key_column_usage AS k "
            "WHERE k.table_schema = %s AND (k.table_name, k.constraint_name) IN ("
            "SELECT c.table_name, c.constraint_name FROM information_schema.table_constraints AS c "
            "WHERE c.table_schema = %s AND c.constraint_type = 'PRIMARY KEY') "
            "ORDER BY k.table_name, k.ordinal_position"
        ),
        # DataJoint's statement has no ORDER BY either.
        "indexes": "SELECT tablename AS _table, indexname, indexdef FROM pg_catalog.pg_indexes WHERE schemaname = %s",
        "lineage": 'SELECT table_name AS _table, attribute_name, lineage FROM {schema}."~lineage"',
    },
}
_HEADING_TABLE = {"table_status": "Name", "table_info": "TABLE_NAME"}  # MySQL's rows that name their table


def heading_rows(connection: Connection, schema: str, kind: str) -> dict[str, list[dict] | None] | None:
    """Rows of ``kind`` for every table of ``schema``: table name -> rows, None for a table whose
    rows cannot be given exactly as DataJoint's per-table statement would. A table missing from
    the result has no rows of that kind. Returns None when the backend has no such statement."""
    backend = _datajoint.backend(connection)
    sql = _HEADING_SQL.get(backend, {}).get(kind)
    if sql is None:
        return None
    if "{schema}" in sql:
        sql = sql.format(schema=quoted(backend, schema))
    rows = query(connection, sql, (schema,) * sql.count("%s"), as_dict=True)
    grouped: dict[str, list[dict] | None] = {}
    for row in rows:
        table = row.pop("_table") if "_table" in row else row[_HEADING_TABLE[kind]]
        if not _exact(backend, kind, row):
            grouped[table] = None
        else:
            table_rows = grouped.setdefault(table, [])
            if table_rows is not None:
                table_rows.append(row)
    if kind == "keys" and backend == "mysql":
        for table, table_rows in grouped.items():
            if table_rows is not None and not _key_order_known(table_rows):
                grouped[table] = None
    return grouped


def _key_order_known(rows: list[dict]) -> bool:
    """Whether one table's information_schema.statistics ``rows`` (their ``_mariadb`` column removed) list its
    indexes in SHOW KEYS's order.

    MariaDB lists them so. MySQL 8 and later list them in an order that depends on the query plan (by index
    name under some), while SHOW KEYS gives the server's key order (unique ones first, then as created), which
    information_schema does not show: a table with two secondary indexes or more is left to DataJoint's SHOW KEYS.
    """
    mariadb = [row.pop("_mariadb") for row in rows][0]
    return bool(mariadb) or len({row["Key_name"] for row in rows} - {"PRIMARY"}) < 2


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
