"""Everything djimport needs from DataJoint, for both lines (0.14.x and 2.x): version shims and every
private attribute of DataJoint's that djimport reads or writes (the heading accelerator's override of
``Heading._init_from_database`` is the one exception, in :mod:`._headings`).

A new DataJoint release is checked here. This module imports nothing of djimport's but its locks (:mod:`._locks`),
the quoting of names (:mod:`._names`) and the escaping of text (:mod:`._text`).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import re
import sys
import warnings
from typing import Any, Callable, Iterable, Iterator, Protocol

import datajoint as dj
from datajoint.errors import AccessError, DataJointError, MissingTableError, UnknownAttributeError
from datajoint.expression import Aggregation, QueryExpression, Union
from datajoint.heading import Heading
from datajoint.user_tables import Computed, Imported, Lookup, Manual, Part
from datajoint.utils import to_camel_case

from ._locks import RLock
from ._names import quoted
from ._text import attribute_name

__all__ = [
    "AccessError", "Aggregation", "Computed", "DataJointError", "Heading", "IS_V2", "Imported", "MissingTableError",
    "Part", "QueryExpression", "Union", "UnknownAttributeError", "dj",
]

IS_V2 = int(dj.__version__.split(".")[0]) >= 2
if IS_V2:
    from datajoint import instance as _instance
MASTER_TIERS = (Manual, Lookup, Imported, Computed)
TIERS = (*MASTER_TIERS, Part)
# Compiled once: building a module asks each table's tier several times, and a class attribute of a tier is read
# through DataJoint's metaclass.
_MASTER_PATTERNS = tuple((tier, re.compile(tier.tier_regexp)) for tier in MASTER_TIERS)
_PART_PATTERN = re.compile(Part.tier_regexp)
# DataJoint 0.14 measures the name of a table it declares with a backquote left on it (declare.declare).
LONGEST_DECLARABLE_NAME = 64 if IS_V2 else 63


class Connection(Protocol):
    """What djimport uses of a DataJoint connection (``dj.Connection``; DataJoint has no type information)."""

    conn_info: dict[str, Any]

    def query(self, sql: str, args: Any = ..., *, as_dict: bool = ...) -> Any: ...


# DataJoint's notices that repeat without news: the first of each kind is shown, on one line, and the rest not.
# The warning on each connection to MariaDB (2.x): see default_connection. The log lines on each connection with
# use_tls unset to a server without TLS (2.x: two lines, the driver's message ends in a newline), and on each join
# of tables whose schema has no ~lineage table (2.x):
_REPEATED_LOG_LINES = ("SSL connection failed", "Semantic check disabled: ~lineage table not found")


class _FirstOfEachKind(logging.Filter):
    """Passes the first record of each kind of :data:`_REPEATED_LOG_LINES`, made one line, and every other record."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        kind = next((kind for kind in _REPEATED_LOG_LINES if text.startswith(kind)), None)
        if kind is None:
            return True
        if kind in self.seen:
            return False
        self.seen.add(kind)
        record.msg, record.args = " ".join(text.split()), ()
        return True


logging.getLogger("datajoint").addFilter(_FirstOfEachKind())

_connecting = RLock()


def thread_safe() -> bool:
    """DataJoint 2.x's thread-safe mode (``DJ_THREAD_SAFE``), which has no default connection or config."""
    return IS_V2 and _instance._load_thread_safe()


def default_connection(**credentials: str) -> Connection:
    """DataJoint's own default connection (``dj.conn()``), opened on first use, with the ``user`` and
    ``password`` of :func:`ask_credentials` if any.

    One thread at a time: ``dj.conn()`` is not thread-safe, and threads that
    import at once must share one connection, not race to replace it.
    """
    if thread_safe():
        raise DataJointError(
            "DataJoint runs in thread-safe mode (DJ_THREAD_SAFE is set), which has no default connection for "
            "djschemas to use. Mount a connection of your own and import from its name: "
            "djimport.mount('lab', connection=dj.Instance(host=HOST, user=USER, password=PASSWORD).connection), "
            "then import lab.<schema>; or unset DJ_THREAD_SAFE."
        )
    with _connecting:
        connection = dj.conn(**credentials)
        if not _quieted:
            # DataJoint 2.x warns of MariaDB on each connection it opens: shown for the first, that is enough for
            # the process (Python's "once" is once per module). Appended: a filter of the user's comes first, wins.
            warnings.filterwarnings("ignore", "MariaDB is not officially supported", UserWarning, append=True)
            _quieted.append(True)
        return connection


_quieted: list[bool] = []  # [True] once default_connection has quieted DataJoint's MariaDB notice


_asking = RLock()
_asked: dict[str, str] = {}  # the user typed at the prompt, named in messages about the server until it connects


def ask_credentials() -> dict[str, str]:
    """DataJoint 0.14's own prompts for the user and password its configuration lacks, asked here rather
    than inside ``dj.conn()``, for :func:`default_connection`; empty when nothing is to be asked (2.x never
    prompts: it raises "Database user not configured").

    djimport bounds ``dj.conn()`` by ``DJIMPORT_TIMEOUT`` in a helper thread: a prompt there would be
    abandoned and keep reading the terminal. Asked in the caller's thread, a person typing has all the
    time they need, as with DataJoint alone, and only the server is then bounded. Without a terminal,
    ``input()`` raises EOFError at the end of stdin, as in DataJoint.
    """
    if IS_V2:
        return {}
    with _asking:  # threads importing at once: one prompt
        if existing_default_connection() is not None:
            return {}
        asked = {}
        if dj.config["database.user"] is None:
            _refuse_without_terminal("user")
            asked["user"] = _asked["user"] = input("Please enter DataJoint username: ")
        if dj.config["database.password"] is None:
            from getpass import getpass  # once a password is asked for

            _refuse_without_terminal("password")
            asked["password"] = getpass(prompt="Please enter DataJoint password: ")
        return asked


def _refuse_without_terminal(what: str) -> None:
    """Raise EOFError when no one can answer a prompt: stdin is not a terminal and ``input`` is Python's own
    (Jupyter's kernels replace it with one that asks in the notebook). DataJoint alone would print its prompt
    into the output and then fail at the end of stdin."""
    import builtins

    if getattr(builtins.input, "__module__", None) != "builtins":
        return
    if sys.stdin is None or not sys.stdin.isatty():
        raise EOFError(f"no database.{what} is configured, and there is no terminal to ask for it")


def backend(connection: Connection) -> str:
    """``"mysql"`` or ``"postgresql"``."""
    return connection.adapter.backend if IS_V2 else "mysql"  # type: ignore[attr-defined]


def is_connection(obj: object) -> bool:
    return isinstance(obj, dj.Connection)


def ensure_open(connection: Connection) -> None:
    """Reopen a PostgreSQL connection that psycopg2 has closed.

    DataJoint reconnects a lost MySQL connection, but once psycopg2 has closed one (the server
    went away) every query fails with InterfaceError before DataJoint can: reconnect it here.
    """
    if backend(connection) == "postgresql" and connection._conn.closed:  # type: ignore[attr-defined]
        connection.connect()  # type: ignore[attr-defined]


def describe(connection: Connection) -> str:
    """``user@host:port`` of an open connection; never the password."""
    info = connection.conn_info
    return f"{info['user']}@{info['host']}:{info['port']}"


def server_version(connection: Connection) -> str:
    """The kind and version of the server of an open connection (``MariaDB 10.11.6``, ``MySQL 8.0.36``,
    ``PostgreSQL 16.4``), as its driver learnt them at connection time: no query, no user, host or port."""
    driver = connection._conn  # type: ignore[attr-defined]
    if backend(connection) == "postgresql":
        number = driver.server_version  # e.g. 160004
        return f"PostgreSQL {number // 10000}.{number % 10000}"
    info = driver.get_server_info()  # e.g. 5.5.5-10.11.6-MariaDB-0+deb12u1 (MariaDB's prefix for old clients)
    if "mariadb" in info.lower():
        return f"MariaDB {info.removeprefix('5.5.5-').split('-')[0]}"
    return f"MySQL {info.split('-')[0]}"


def existing_default_connection() -> Connection | None:
    """DataJoint's default connection if it is open already, else None; never connects."""
    return _instance._singleton_connection if IS_V2 else getattr(dj.conn, "connection", None)


def describe_default() -> str:
    """``user@host:port`` of DataJoint's default connection, or of the server it would
    connect to when there is none yet; never the password."""
    if thread_safe():
        return "(none: DataJoint's thread-safe mode has no default server)"
    existing = existing_default_connection()
    if existing is not None:
        return describe(existing)
    host = str(dj.config["database.host"])
    port = dj.config["database.port"] or (5432 if backend_configured() == "postgresql" else 3306)
    if ":" in host:
        host, port = host.rsplit(":", 1)
    user = dj.config["database.user"] if dj.config["database.user"] is not None else _asked.get("user")
    return f"{host}:{port}" if user is None else f"{user}@{host}:{port}"


def backend_configured() -> str:
    return dj.config["database.backend"] if IS_V2 else "mysql"


def tier_of(table_name: str) -> tuple[Any, str | None]:
    """The tier class of a table (``Manual``, ... ``Part``), and for a part table the name of its master.

    Returns ``(None, None)`` for names outside DataJoint's conventions.
    """
    for tier, pattern in _MASTER_PATTERNS:
        if pattern.fullmatch(table_name):
            return tier, None
    match = _PART_PATTERN.fullmatch(table_name)
    if match:
        return Part, match.group("master")
    return None, None


def class_name(table_name: str) -> str:
    """The class name DataJoint gives a table: ``#letter_grade`` -> ``LetterGrade``,
    ``__session__trial`` -> ``Trial``."""
    match = _PART_PATTERN.fullmatch(table_name)
    return to_camel_case(match.group("part") if match else table_name)


def qualified_class_name(table_name: str) -> str:
    """``Session.Trial`` for part table ``__session__trial``, else :func:`class_name`; a class named after a
    Python keyword as its module has it (``False_``)."""
    master = tier_of(table_name)[1]
    name = attribute_name(class_name(table_name))
    return f"{attribute_name(class_name(master))}.{name}" if master else name


def bind(table_class: type[Any], schema: Any, context: dict, heading: Heading) -> None:
    """Attach a table class to an existing table without any query.

    This is what ``Schema._decorate_table`` does minus its ``is_declared``
    query per table (and, in 2.x with create_tables, the heading load): the
    heading stays lazy and is read on first use (``heading`` is a
    :class:`._headings.SchemaHeading`, read with those of the whole schema).
    """
    table_class.database = schema.database
    table_class._connection = schema.connection
    table_class._heading = heading
    table_class._support = [table_class.full_table_name]
    table_class.declaration_context = context


def server_errors() -> tuple[type[BaseException], ...]:
    """What connecting to or listing a server raises for a cause of the server's or the settings': DataJoint's
    errors, the drivers' (PEP 249 ``Error``), the network's and djimport's timeout (``OSError``), and 0.14's
    password prompt without a terminal (``EOFError``). Anything else is a bug, not a server's answer."""
    import pymysql

    errors: tuple[type[BaseException], ...] = (DataJointError, pymysql.err.Error, OSError, EOFError)
    try:
        import psycopg2
    except ImportError:  # no PostgreSQL driver: no PostgreSQL errors either
        return errors
    return (*errors, psycopg2.Error)


def driver_error(connection: Connection) -> type[Exception]:
    """The base class of the errors the connection's database driver raises (PEP 249's ``Connection.Error``)."""
    return connection._conn.Error  # type: ignore[attr-defined]


def refused_statement(connection: Connection, exc: BaseException) -> bool:
    """Whether ``exc`` is the driver's error for a statement the server refused (a missing table or column, an
    ambiguous name, an unknown database, ...), not for the connection (PEP 249's ``InterfaceError``, and
    ``OperationalError`` but for MySQL's server errors, numbered below 2000: 2000 and up are the client's, e.g.
    2013 "Lost connection")."""
    driver = connection._conn  # type: ignore[attr-defined]
    if not isinstance(exc, driver.Error) or isinstance(exc, driver.InterfaceError):
        return False
    if isinstance(exc, driver.OperationalError):
        code = exc.args[0] if exc.args else None
        return backend(connection) == "mysql" and isinstance(code, int) and code < 2000
    return True


def _statements_014(connection: Connection, database: str) -> dict[str, Callable[[str], str]]:
    """DataJoint 0.14's statements in ``Heading._init_from_database``, by kind of rows."""
    return {
        "table_status": lambda table: f'SHOW TABLE STATUS FROM `{database}` WHERE name="{table}"',
        "columns": lambda table: f"SHOW FULL COLUMNS FROM `{table}` IN `{database}`",
        "keys": lambda table: f"SHOW KEYS FROM `{database}`.`{table}`",
    }


def _statements_v2(connection: Connection, database: str) -> dict[str, Callable[[str], str]]:
    """DataJoint 2.x's statements in ``Heading._init_from_database`` and ``lineage.get_table_lineages``."""
    adapter = connection.adapter  # type: ignore[attr-defined]
    lineage = f"{adapter.quote_identifier(database)}.{adapter.quote_identifier('~lineage')}"
    return {
        "table_info": lambda table: adapter.get_table_info_sql(database, table),
        "columns": lambda table: adapter.get_columns_sql(database, table),
        "primary_key": lambda table: adapter.get_primary_key_sql(database, table),
        "indexes": lambda table: adapter.get_indexes_sql(database, table),
        "lineage": lambda table: f"SELECT attribute_name, lineage FROM {lineage} WHERE table_name = %s",
    }


def heading_statements(connection: Connection, database: str) -> dict[str, Callable[[str], str]]:
    """DataJoint's own per-table statements that load a heading, by kind of rows: kind -> table -> SQL.
    The first kind lists every table."""
    return (_statements_v2 if IS_V2 else _statements_014)(connection, database)


def lineage_probe(connection: Connection, database: str) -> str | None:
    """The statement DataJoint 2.x sends for every table to ask whether ``~lineage`` exists (None on 0.14)."""
    return connection.adapter.get_table_info_sql(database, "~lineage") if IS_V2 else None  # type: ignore[attr-defined]


def connection_of(table_class: type[Any]) -> Connection:
    """The connection a table class is bound to (no query)."""
    return table_class._connection


def class_heading(table_class: type[Any]) -> Heading:
    """The heading object of a table class, not loaded if it is not yet."""
    return table_class._heading


def reload_headings_using(classes: Iterable[type[Any]], names: Iterable[str]) -> None:
    """Make each loaded heading of ``classes`` with an attribute of adapted type ``<name>``, for one of
    ``names``, load again on next use: it was loaded without that adapter (DataJoint 0.14 then defers
    the error to the first fetch or insert)."""
    adapted = {f"<{name}>" for name in names}
    for cls in classes:
        heading = cls._heading
        if heading._attributes is not None and any(a.type in adapted for a in heading._attributes.values()):
            heading._attributes = None


def unload_heading(heading: Heading) -> None:
    """Make a heading load again from the server on next use."""
    heading._attributes = None


def forget_dependencies(connection: Connection) -> None:
    """Make DataJoint reload its foreign-key graph (diagrams, cascades) on next use."""
    connection.dependencies.clear()  # type: ignore[attr-defined]


def attribute_names(heading: Heading) -> set[str]:
    """The attribute names of a heading, hidden ones included (loaded if it is not yet)."""
    heading.attributes  # noqa: B018  (the property loads the heading)
    return set(heading._attributes)


def loaded_names(table_class: type[Any]) -> list[str] | None:
    """The attribute names of a table class's heading, hidden ones included; None if it is not loaded (no query)."""
    attributes = table_class._heading._attributes
    return None if attributes is None else list(attributes)


def tables_read(expression: Any) -> tuple[set[str], str]:
    """The full names of the tables in a query expression's FROM clauses, its subqueries' included, and the text of
    their conditions: where DataJoint writes a restriction by another query (``a & b``, ``a - b``), that query's
    statement, which names its tables."""
    names: set[str] = set()
    texts: list[str] = []
    todo = [expression]
    while todo:
        query = todo.pop()
        conditions = [] if isinstance(query, Union) else list(query.restriction)  # a union's are its operands'
        if isinstance(query, Aggregation):  # its WHERE clause; its restriction is its HAVING clause
            conditions.extend(query._left_restrict or ())
        while conditions:
            condition = conditions.pop()
            if isinstance(condition, list):  # the AndList of a join's operand
                conditions.extend(condition)
            else:
                texts.append(str(condition))
        for source in query.support:
            if isinstance(source, QueryExpression):
                todo.append(source)
            else:
                names.add(source)
    return names, "\n".join(texts)


def from_clause_using(expression: Any, columns: Callable[[str], list[str] | None]) -> str | None:
    """DataJoint 0.14's FROM clause of ``expression`` with each ``NATURAL JOIN`` that its headings say joins on
    columns written ``JOIN ... USING (those columns)``, ``columns(table)`` giving each table's; None on 2.x (which
    writes USING itself), for one table, or where ``columns`` does not know a table.

    The server then refuses a join column that a table lost since its heading was read, where ``NATURAL JOIN``
    would pair every row with every row and answer without an error. With true headings the two are the same
    join: DataJoint 0.14 makes an operand a subquery whenever the tables share columns it does not join on.
    """
    if IS_V2 or len(expression.support) < 2:
        return None
    names: list[list[str]] = []
    for source in expression.support:
        own = source.heading.names if isinstance(source, QueryExpression) else columns(source)
        if own is None:
            return None
        names.append(own)
    clause, joined = "", set()
    for k, (source, own) in enumerate(zip(expression.support, names)):
        if isinstance(source, QueryExpression):
            source = f"({source.make_sql()}) as `${next(QueryExpression._subquery_alias_count):x}`"
        using = ", ".join(quoted("mysql", name) for name in own if name in joined)
        left = "LEFT " if k and expression._left[k - 1] else ""
        if not k:
            clause = source
        elif using:
            clause += f" {left}JOIN {source} USING ({using})"
        else:  # no column in common by the headings: DataJoint's own join
            clause += f" NATURAL {left}JOIN {source}"
        joined.update(own)
    return clause


# The kind of number of a column, by the type code of the drivers' cursor description (PyMySQL's FIELD_TYPE,
# PostgreSQL's type oids), and by the first word of a heading attribute's type; any other column is of no kind.
_SERVER_KINDS = {
    "mysql": {0: "decimal", 246: "decimal", 1: "integer", 2: "integer", 3: "integer", 8: "integer", 9: "integer",
              4: "floating point", 5: "floating point"},
    "postgresql": {20: "integer", 21: "integer", 23: "integer", 700: "floating point", 701: "floating point",
                   1700: "decimal"},
}
_HEADING_KINDS = {
    "tinyint": "integer", "smallint": "integer", "mediumint": "integer", "int": "integer", "integer": "integer",
    "bigint": "integer", "float": "floating point", "double": "floating point", "real": "floating point",
    "decimal": "decimal", "numeric": "decimal",
}


@functools.lru_cache(maxsize=None)  # a few dozen type names: once each, not once per column of every fetch
def _heading_kind(type_name: str) -> str | None:
    return _HEADING_KINDS.get(re.split(r"[\s(]", type_name.lower(), maxsplit=1)[0])


def retyped_column(heading: Heading, description: Any, backend: str) -> str | None:
    """The table's name of the first column of a result (its cursor's ``description``) whose kind of number
    (integer, floating point, decimal, or none) is not that of its attribute in ``heading``, the heading the
    query was made from; None when all agree. Computed attributes are not compared (renamed ones are).
    DataJoint converts a column's values by its heading (0.14 fetches an ``int`` column into integers), so a
    column retyped on the server since the heading was read comes back wrong, e.g. 10.75 as 10."""
    server = _SERVER_KINDS[backend]
    attributes = heading._attributes  # loaded by the query; `heading.attributes` copies it on every call
    for column in description or ():
        attribute = attributes.get(column[0])
        expression = attribute and attribute.attribute_expression
        if attribute is None or (expression is not None and not re.fullmatch(r"[`\"][^`\"]+[`\"]", expression)):
            continue  # not a column, nor one renamed (`proj(new="old")`), but a computed attribute
        if server.get(column[1]) != _heading_kind(attribute.type):
            return expression.strip("`\"") if expression else attribute.name  # the table's name of the column
    return None


def not_in_heading(table_class: type[Any], names: Iterable[str]) -> list[str]:
    """Of ``names``, those the loaded heading of a table class lacks (none if it is not loaded; no query)."""
    attributes = table_class._heading._attributes
    return [] if attributes is None else [name for name in names if name not in attributes]


def make_table_class(
    table_name: str, tier: type[Any], module_name: str, methods: dict[str, Any], master: type[Any] | None = None
) -> type[Any]:
    """A class of DataJoint tier ``tier`` for table ``table_name``, with ``methods`` in its namespace."""
    name = class_name(table_name)
    qualname = f"{master.__qualname__}.{attribute_name(name)}" if master else attribute_name(name)
    namespace: dict[str, Any] = {"__module__": module_name, "__qualname__": qualname, **methods}
    if master is not None:
        namespace.update(definition=..., _master=master)
    return type(name, (tier,), namespace)


def attach_schema(schema: Any, connection: Connection, database: str) -> None:
    """Point ``schema`` (made with ``create_schema=False`` and no name) at the existing ``database``
    without the query ``Schema.activate`` runs to check that it exists."""
    schema.database = database
    connection.register(schema)  # type: ignore[attr-defined]


# Patterns of definition(), as text: compiled on first use (re caches them), not when a module is built.
# A PostgreSQL default expression as DataJoint 2.x prints it in a definition: `x='0'::smallint`,
# `note="''::character varying"` (string attributes get double quotes).
_PG_DEFAULT = (
    r"""=("?)'((?:[^']|'')*)'::(?:"[^"]*"|[a-z][\w ]*)(?:\.(?:"[^"]*"|\w+))?(?:\([\d, ]*\))?\1(?=\s*:)"""
)


# A server-side timestamp default as DataJoint prints it: MariaDB stores CURRENT_TIMESTAMP (and NOW(), ...)
# as `current_timestamp()`, which DataJoint quotes like a string in some temporal types.
_SERVER_TIMESTAMP = r'(?i)"?current_timestamp(?:\(\)|(\(\d+\)))?"?'
_TEMPORAL = r"(?i)(timestamp|datetime|date|time|year)\b"


def definition(table_class: type[Any], context: dict) -> str:
    """The definition DataJoint reconstructs for a table (``Table.describe``), declarable again.

    Server-side timestamp defaults become ``CURRENT_TIMESTAMP`` / ``CURRENT_TIMESTAMP(n)``, the only
    spelling DataJoint declares as an expression (it would declare ``"current_timestamp()"`` as a
    string, which the server refuses). DataJoint 2.x on PostgreSQL prints the server's default
    expressions (``omega='0'::smallint``) and type names (``timestamp without time zone``), which it
    cannot declare; they become plain values and DataJoint's type names.
    """
    # DataJoint 0.14 keeps the table status of a heading it failed to read and takes it as read: its
    # attributes first, so that a second attempt raises DataJoint's error again, not an AttributeError.
    table_class.heading.attributes  # noqa: B018
    text = table_class().describe(context=context)
    for attribute in table_class.heading.attributes.values():
        match = attribute.default and re.fullmatch(_SERVER_TIMESTAMP, attribute.default)
        if match and re.match(_TEMPORAL, attribute.type):
            text = re.sub(
                rf"^{re.escape(attribute.name)}={re.escape(attribute.default)}(?=\s*:)",
                lambda _: f"{attribute.name}=CURRENT_TIMESTAMP{match.group(1) or ''}",
                text,
                flags=re.M,
            )
    if backend(table_class.connection) != "postgresql":
        return text

    def value(match: re.Match) -> str:
        literal = match.group(2).replace("''", "'")
        if not match.group(1) and re.fullmatch(r"-?\d+(\.\d+)?", literal):
            return f"={literal}"
        return "=" + json.dumps(literal)

    text = re.sub(r"(?<=: )(timestamp|time)(\(\d+\))? without time zone\b", r"\1\2", text)
    return re.sub(_PG_DEFAULT, value, text)


def declared_comment(table_class: type[Any]) -> str:
    """The table comment in a class's ``definition``: its first line if that starts with ``#`` (DataJoint's rule)."""
    definition = table_class.definition if isinstance(table_class.definition, str) else ""
    first = definition.strip().split("\n", 1)[0].strip()
    return first[1:].strip() if first.startswith("#") else ""


_without_lineage: set[tuple[str, str]] = set()  # (server, schema) warned about, once per process


def lineage_missing(backend: str, schema: str, tables: Iterable[str]) -> str | None:
    """What to know when ``tables`` (a schema's listing, hidden tables included: no query) hold DataJoint
    tables but no ``~lineage`` table, as a schema declared by DataJoint 0.14 does: DataJoint 2.x then
    refuses joins of its tables with "lineage missing on one side (None vs None)". None otherwise.

    The fix writes to the server, so it is the schema owner's to run, not djimport's. MySQL only:
    DataJoint 0.14 never declared a PostgreSQL schema, and 2.x's ``rebuild_lineage`` reads MySQL's
    information_schema columns, which PostgreSQL lacks (DataJoint 2.3.5)."""
    if not IS_V2 or backend != "mysql":
        return None
    names = set(tables)
    count = sum(1 for name in names if tier_of(name)[0])
    if "~lineage" in names or not count:
        return None
    return (
        f"Schema {schema!r} has no ~lineage table (it was declared by DataJoint 0.14, or before DataJoint 2.x "
        f"tracked lineage): DataJoint {dj.__version__} may refuse joins of its {count} table{'s' * (count != 1)} "
        f"with \"Cannot join on attribute ...: lineage missing on one side (None vs None)\". The schema's owner "
        f"can add the table once with dj.Schema({schema!r}).rebuild_lineage(), then restart Python; djimport "
        f"writes nothing to the server."
    )


class LineageMissing(UserWarning):
    """The warning of :func:`warn_without_lineage`: one per schema, one line, with what to do."""


def warn_without_lineage(connection: Connection, schema: str, tables: Iterable[str]) -> None:
    """Warn (:class:`LineageMissing`, a ``UserWarning``) of :func:`lineage_missing`, once per schema and process."""
    key = (describe(connection), schema)
    if key in _without_lineage:
        return
    message = lineage_missing(backend(connection), schema, tables)
    if message is None:
        return
    _without_lineage.add(key)
    warnings.warn(message, LineageMissing, stacklevel=3)


def create_refused(failure: DataJointError | None, table_class: type[Any]) -> bool:
    """Whether declaring ``table_class``, which left no table, failed because the server refused the CREATE
    (MySQL error 1044/1142, PostgreSQL 42501, which DataJoint turns into ``AccessError``).

    DataJoint 2.x raises ``AccessError``. DataJoint 0.14 skips a refused CREATE without a word, and fails
    afterwards, if at all, only when a part table reads its master's heading: "The table ... is not defined".
    """
    if failure is None or isinstance(failure, AccessError):
        return True
    return not IS_V2 and str(failure) == f"The table {table_class.full_table_name} is not defined."


def create_schema(connection: Connection, database: str) -> None:
    """Create an empty schema on the server (DataJoint's own CREATE, with its bookkeeping)."""
    dj.Schema(database, connection=connection, create_schema=True, create_tables=False)


@contextlib.contextmanager
def logs_to_stderr(level: int = logging.NOTSET) -> Iterator[None]:
    """Send DataJoint's log lines to stderr for the block (2.x logs to stdout unless DJ_LOG_STREAM=stderr), those
    of ``level`` and above (e.g. ``logging.WARNING``: not "connected to ...")."""
    handlers = [
        handler for handler in logging.getLogger("datajoint").handlers if type(handler) is logging.StreamHandler
    ]
    streams = [handler.setStream(sys.stderr) for handler in handlers]
    levels = [handler.level for handler in handlers]
    for handler in handlers:
        handler.setLevel(max(handler.level, level))
    try:
        yield
    finally:
        for handler, stream, previous in zip(handlers, streams, levels):
            handler.setLevel(previous)
            if stream is not None:
                handler.setStream(stream)
