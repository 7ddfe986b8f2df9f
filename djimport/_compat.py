"""Everything djimport needs from DataJoint's internals, for both lines (0.14.x and 2.x).

Keep every private attribute of DataJoint that djimport touches in this module,
so that a new DataJoint release is checked here and nowhere else.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import json
import logging
import re
import sys
import threading
import time
from typing import Callable, Iterable, Iterator

import datajoint as dj
from datajoint.errors import DataJointError
from datajoint.heading import Heading
from datajoint.user_tables import Computed, Imported, Lookup, Manual, Part
from datajoint.utils import to_camel_case

from ._connection_state import PerConnection

__all__ = ["DataJointError", "IS_V2", "Part"]

IS_V2 = int(dj.__version__.split(".")[0]) >= 2
if IS_V2:
    from datajoint import instance as _instance
MASTER_TIERS = (Manual, Lookup, Imported, Computed)


logger = logging.getLogger("djimport")
_connecting = threading.Lock()


def thread_safe() -> bool:
    """DataJoint 2.x's thread-safe mode (``DJ_THREAD_SAFE``), which has no default connection or config."""
    return IS_V2 and _instance._load_thread_safe()


def default_connection():
    """DataJoint's own default connection (``dj.conn()``), opened on first use.

    One thread at a time: ``dj.conn()`` is not thread-safe, and threads that
    import at once must share one connection, not race to replace it.
    """
    if thread_safe():
        raise DataJointError(
            "DataJoint runs in thread-safe mode (DJ_THREAD_SAFE), where there is no default connection for "
            "djschemas: mount one instead, e.g. djimport.mount('lab', connection=dj.Instance(...).connection)"
        )
    with _connecting:
        return dj.conn()


def backend(connection) -> str:
    """``"mysql"`` or ``"postgresql"``."""
    return connection.adapter.backend if IS_V2 else "mysql"


def is_connection(obj: object) -> bool:
    return isinstance(obj, dj.Connection)


def query(connection, sql: str, args: tuple = (), as_dict: bool = False) -> list:
    with statement_lock(connection):
        if backend(connection) == "postgresql" and connection._conn.closed:
            # DataJoint reconnects a lost MySQL connection, but once psycopg2 has closed one (the server
            # went away) every query fails with InterfaceError before DataJoint can: reconnect it here.
            connection.connect()
        return connection.query(sql, args, as_dict=as_dict).fetchall()


_statement_locks: PerConnection[threading.RLock] = PerConnection(threading.RLock)


def statement_lock(connection) -> threading.RLock:
    """The lock djimport holds while it uses ``connection``.

    A DataJoint connection is shared by all threads, but its PyMySQL connection
    serves one statement at a time: two threads querying at once garble the
    protocol.
    """
    return _statement_locks(connection)


def describe(connection) -> str:
    """``user@host:port`` of an open connection; never the password."""
    info = connection.conn_info
    return f"{info['user']}@{info['host']}:{info['port']}"


def quoted(backend: str, *names: str) -> str:
    """``schema.table`` quoted as identifiers, as the server of ``backend`` quotes them: `a`.`b` or "a"."b"
    (a quote character inside a name doubled); the one quoting function, for SQL and messages alike."""
    mark = '"' if backend == "postgresql" else "`"
    return ".".join(mark + name.replace(mark, mark * 2) + mark for name in names)


def existing_default_connection():
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
    return f"{dj.config['database.user']}@{host}:{port}"


def backend_configured() -> str:
    return dj.config["database.backend"] if IS_V2 else "mysql"


def tier_of(table_name: str) -> tuple[type | None, str | None]:
    """The tier class of a table, and for a part table the name of its master.

    Returns ``(None, None)`` for names outside DataJoint's conventions.
    """
    for tier in MASTER_TIERS:
        if re.fullmatch(tier.tier_regexp, table_name):
            return tier, None
    match = re.fullmatch(Part.tier_regexp, table_name)
    if match:
        return Part, match.group("master")
    return None, None


def class_name(table_name: str) -> str:
    """The class name DataJoint gives a table: ``#letter_grade`` -> ``LetterGrade``,
    ``__session__trial`` -> ``Trial``."""
    match = re.fullmatch(Part.tier_regexp, table_name)
    return to_camel_case(match.group("part") if match else table_name)


def qualified_class_name(table_name: str) -> str:
    """``Session.Trial`` for part table ``__session__trial``, else :func:`class_name`."""
    master = tier_of(table_name)[1]
    return f"{class_name(master)}.{class_name(table_name)}" if master else class_name(table_name)


def bind(table_class: type, schema, context: dict) -> None:
    """Attach a table class to an existing table without any query.

    This is what ``Schema._decorate_table`` does minus its ``is_declared``
    query per table (and, in 2.x with create_tables, the heading load): the
    heading stays lazy and is read on first use, with those of the whole
    schema (:class:`SchemaHeadings`).
    """
    table_class.database = schema.database
    table_class._connection = schema.connection
    table_class._heading = SchemaHeading(
        table_info=TableInfo(
            conn=schema.connection, database=schema.database, table_name=table_class.table_name, context=context
        )
    )
    table_class._support = [table_class.full_table_name]
    table_class.declaration_context = context


def driver_error(connection) -> type[Exception]:
    """The base class of the errors the connection's database driver raises (PEP 249's ``Connection.Error``)."""
    return connection._conn.Error


class SchemaHeadings:
    """What DataJoint reads to load the headings of one schema's tables, read for all tables at once.

    DataJoint loads a heading with 3 (0.14) or 7 (2.x) statements for one table.
    When the first heading of the schema is needed, the rows of every table are
    read with one statement per kind (3 on 0.14, 5 on 2.x) and DataJoint's own
    per-table statements are answered from them: the very statement text, so
    that anything else (a row that cannot be reproduced exactly, another
    backend) goes to the server as usual. Rows are as fresh as the listings:
    they are read again when older than ``ttl()`` seconds (not at all with a TTL
    of 0) or when a table the last read did not see (added since) needs its
    heading, and each table's rows are dropped once its heading has them.
    """

    def __init__(self, connection, database: str, ttl: Callable[[], float]) -> None:
        self.connection, self.database, self._ttl = connection, database, ttl
        self.lock = threading.RLock()
        self._answers: dict[tuple, list[dict]] = {}  # each given once
        self._shared: dict[tuple, list[dict]] = {}  # asked for every table
        self._read_at: float | None = None
        self._tables: frozenset[str] | None = None  # the tables of the last read, if it succeeded

    def answer(self, sql: str, args: tuple) -> list[dict] | None:
        """DataJoint's rows for statement ``sql``, or None when it must go to the server."""
        ttl = self._ttl()
        if ttl <= 0:
            return None  # nothing may be kept: DataJoint asks table by table
        with self.lock:
            if self._read_at is None or time.monotonic() - self._read_at > ttl:
                self._read()
            key = _key(sql, args)
            if key in self._shared:
                return self._shared[key]
            rows = self._answers.pop(key, None)
            if not self._answers:
                self._answers = {}  # a dict keeps its size after pops: let the emptied one go
            return rows

    def expect(self, table: str) -> None:
        """Read all rows again before the next answer if the last read did not see ``table``."""
        if self._tables is not None and table not in self._tables:
            self._read_at = None

    def _read(self) -> None:
        from ._introspect import heading_rows

        self._answers, self._shared, self._read_at, self._tables = {}, {}, time.monotonic(), None
        statements = (_statements_v2 if IS_V2 else _statements_014)(self.connection, self.database)
        first = next(iter(statements))  # the kind that lists every table
        try:
            tables = heading_rows(self.connection, self.database, first)
            if tables is None:
                return  # a backend without these statements: DataJoint asks table by table
            kinds = [kind for kind in statements if kind != first and (kind != "lineage" or "~lineage" in tables)]
            rows = {first: tables, **{kind: heading_rows(self.connection, self.database, kind) for kind in kinds}}
        except (DataJointError, driver_error(self.connection)) as exc:
            # DataJoint's own statements will meet (and report) the same problem.
            logger.debug("headings of `%s` not read together: %s", self.database, exc)
            return
        except Exception:
            logger.debug("headings of `%s` not read together: unexpected error", self.database, exc_info=True)
            return
        self._tables = frozenset(tables)
        for kind, by_table in rows.items():
            for table in (t for t in tables if not t.startswith("~")):  # DataJoint's own: never a class
                answer = by_table.get(table, [])
                if answer is not None:
                    self._answers[_key(statements[kind](table), (table,) if kind == "lineage" else ())] = answer
        if IS_V2:  # whether ~lineage exists is asked for every table
            key = _key(self.connection.adapter.get_table_info_sql(self.database, "~lineage"), ())
            self._shared[key] = tables.get("~lineage", [])


def _key(sql: str, args: tuple) -> tuple:
    return " ".join(sql.split()), tuple(args)


def _statements_014(connection, database: str) -> dict[str, Callable[[str], str]]:
    """DataJoint 0.14's statements in ``Heading._init_from_database``, by kind of rows."""
    return {
        "table_status": lambda table: f'SHOW TABLE STATUS FROM `{database}` WHERE name="{table}"',
        "columns": lambda table: f"SHOW FULL COLUMNS FROM `{table}` IN `{database}`",
        "keys": lambda table: f"SHOW KEYS FROM `{database}`.`{table}`",
    }


def _statements_v2(connection, database: str) -> dict[str, Callable[[str], str]]:
    """DataJoint 2.x's statements in ``Heading._init_from_database`` and ``lineage.get_table_lineages``."""
    adapter = connection.adapter
    lineage = f"{adapter.quote_identifier(database)}.{adapter.quote_identifier('~lineage')}"
    return {
        "table_info": lambda table: adapter.get_table_info_sql(database, table),
        "columns": lambda table: adapter.get_columns_sql(database, table),
        "primary_key": lambda table: adapter.get_primary_key_sql(database, table),
        "indexes": lambda table: adapter.get_indexes_sql(database, table),
        "lineage": lambda table: f"SELECT attribute_name, lineage FROM {lineage} WHERE table_name = %s",
    }


class _Answered:
    """A cursor over rows given without asking the server."""

    def __init__(self, rows: list[dict], as_dict: bool) -> None:
        self._rows = iter(rows if as_dict else [tuple(row.values()) for row in rows])

    def fetchone(self):
        return next(self._rows, None)

    def fetchall(self) -> list:
        return list(self._rows)

    def __iter__(self):
        return self._rows


class _Answering:
    """A connection that answers what its :class:`SchemaHeadings` knows and passes the rest on."""

    def __init__(self, connection, headings: SchemaHeadings) -> None:
        self._connection, self._headings = connection, headings

    def query(self, sql: str, args: tuple = (), *, as_dict: bool = False, **kwargs):
        rows = self._headings.answer(sql, args)
        if rows is None:
            return self._connection.query(sql, args, as_dict=as_dict, **kwargs)
        return _Answered(rows, as_dict)

    def __getattr__(self, name: str):
        return getattr(self._connection, name)


# The SchemaHeadings of each connection's schemas, by schema name.
_schema_headings: PerConnection[dict[str, SchemaHeadings]] = PerConnection(dict)


class SchemaHeading(Heading):
    """The heading of a table of an imported module: it loads through its schema's
    :class:`SchemaHeadings`, and pickles by reference.

    Pickled (``T.proj()`` keeps its table's heading), it stands for the heading
    of the same table in the receiving process, which imports the module: a
    heading holds the connection, which cannot travel (issue #9).
    """

    def _init_from_database(self) -> None:
        connection = self.table_info["conn"]
        headings = _schema_headings(connection).get(self.table_info["database"])
        if headings is None:  # a schema djimport did not build on this connection
            super()._init_from_database()
            return
        with headings.lock:
            headings.expect(self.table_info["table_name"])
            self.table_info["conn"] = _Answering(connection, headings)
            try:
                super()._init_from_database()
            finally:
                self.table_info["conn"] = connection

    def __reduce__(self) -> tuple:
        return table_heading, (self.table_info["context"]["__name__"], self.table_info["table_name"])


class TableInfo(dict):
    """``Heading.table_info`` of a table of an imported module (connection, schema, table, context); it
    pickles by reference, like the heading.

    DataJoint 2.x hands it on to the headings of projections (``T.proj()``); pickled, it stands for the
    same table's in the receiving process: the connection it holds cannot travel (issue #9).
    """

    def __reduce__(self) -> tuple:
        return table_info, (self["context"]["__name__"], self["table_name"])


def table_heading(module_name: str, table_name: str) -> Heading:
    """The heading of table ``table_name`` of the schema module ``module_name``, imported if need be."""
    return importlib.import_module(module_name).__loader__.classes[table_name]._heading


def table_info(module_name: str, table_name: str) -> TableInfo:
    return table_heading(module_name, table_name).table_info


def reload_headings_using(classes: Iterable[type], names: Iterable[str]) -> None:
    """Make each loaded heading of ``classes`` with an attribute of adapted type ``<name>``, for one of
    ``names``, load again on next use: it was loaded without that adapter (DataJoint 0.14 then defers
    the error to the first fetch or insert)."""
    adapted = {f"<{name}>" for name in names}
    for cls in classes:
        heading = cls._heading
        if heading._attributes is not None and any(a.type in adapted for a in heading._attributes.values()):
            heading._attributes = None


def forget_dependencies(connection) -> None:
    """Make DataJoint reload its foreign-key graph (diagrams, cascades) on next use."""
    connection.dependencies.clear()


def make_table_class(table_name: str, tier: type, module_name: str, master: type | None = None) -> type:
    name = class_name(table_name)
    namespace = {"__module__": module_name, "__qualname__": f"{master.__qualname__}.{name}" if master else name}
    if master is not None:
        namespace.update(definition=..., _master=master)
    return type(name, (tier,), namespace)


class ModuleSchema(dj.Schema):
    """The ``schema`` of an imported module.

    Unlike a plain Schema with ``create_tables=False``, which binds a class to a
    table that does not exist and fails later, it refuses at once to declare a
    new table unless ``djimport.create_tables`` is in force, and it hands every
    class it binds to its module. It carries nothing of djimport's but its
    context, the module's namespace, whose ``__loader__`` does both and holds
    the module's classes.

    DataJoint 2.x's schema API (``schema["Student"]``, ``get_table``, ``in``,
    iteration) answers with the module's own classes, on DataJoint 0.14 too.
    """

    def _classes(self) -> dict[str, type]:
        """The module's classes by table name, parts included."""
        return dict(self.context["__loader__"].classes)

    def get_table(self, name: str) -> type:
        """The module's class of table ``name``: ``"LetterGrade"``, ``"letter_grade"``,
        ``"#letter_grade"``, ``"Session.Trial"`` or ``"session__trial"``; no query.

        Raises DataJointError, as DataJoint 2.x does, when the module has no such table.
        """
        from ._lookup import did_you_mean, find_class

        cls = find_class(self._classes(), name)
        if cls is None:
            raise DataJointError(
                f"Table `{name}` does not exist in schema `{self.database}` ({self.context['__name__']})."
                + did_you_mean(self.database, self._classes(), name)
            )
        return cls

    def __getitem__(self, name: str) -> type:
        return self.get_table(name)

    def __contains__(self, name: str) -> bool:
        from ._lookup import find_class

        return find_class(self._classes(), name) is not None

    def __iter__(self) -> Iterator[type]:
        """The module's classes in dependency order (each after the tables it references, parts right
        after their master); one query for the schema's foreign keys."""
        from ._introspect import list_keys
        from .export import dependency_order

        classes = self._classes()
        keys = list_keys(self.connection, self.database)
        return iter([classes[table] for table in dependency_order(self.database, classes, keys)])

    def __call__(self, cls, *, context=None):
        if context is None:
            caller = inspect.currentframe().f_back
            # The module's classes first, so that `-> Student` works as well as `-> uni.Student`.
            context = {**self.context, **caller.f_globals, **caller.f_locals}
            del caller
        loader = self.context["__loader__"]
        with statement_lock(self.connection):
            if not self.create_tables and not loader.table_exists(cls.table_name):
                module = self.context["__name__"]
                root, _, schema = module.partition(".")
                name = schema if root == "djschemas" else module  # what create_tables() takes
                table = quoted(backend(self.connection), self.database, cls.table_name)
                raise DataJointError(
                    f"Table {table} does not exist and {module} was imported without create_tables. Declare it inside "
                    f"`with djimport.create_tables({name!r}):`."
                )
            failure = None
            try:
                cls = super().__call__(cls, context=context)
            except DataJointError as exc:
                failure = exc
            # DataJoint 0.14 skips a CREATE TABLE it has no privilege for without a word.
            if self.create_tables and not loader.table_exists(cls.table_name):
                raise DataJointError(
                    f"Cannot declare table {quoted(backend(self.connection), self.database, cls.table_name)}: the "
                    f"server did not create it. Check that your user has the CREATE privilege on schema "
                    f"{quoted(backend(self.connection), self.database)}."
                ) from failure
            if failure is not None:
                raise failure
        loader.adopt(self.context, cls)
        return cls


def make_schema(connection, database: str, module_dict: dict, ttl: Callable[[], float]) -> ModuleSchema:
    """A schema object for an existing database, without the query ``Schema()`` runs to check it exists.

    Its tables' headings are read together, and again when older than ``ttl()`` seconds.
    """
    schema = ModuleSchema(context=module_dict, connection=connection, create_schema=False, create_tables=False)
    schema.database = database
    _schema_headings(connection)[database] = SchemaHeadings(connection, database, ttl)
    connection.register(schema)
    return schema


# A PostgreSQL default expression as DataJoint 2.x prints it in a definition: `x='0'::smallint`,
# `note="''::character varying"` (string attributes get double quotes).
_PG_DEFAULT = re.compile(
    r"""=("?)'((?:[^']|'')*)'::(?:"[^"]*"|[a-z][\w ]*)(?:\.(?:"[^"]*"|\w+))?(?:\([\d, ]*\))?\1(?=\s*:)"""
)


# A server-side timestamp default as DataJoint prints it: MariaDB stores CURRENT_TIMESTAMP (and NOW(), ...)
# as `current_timestamp()`, which DataJoint quotes like a string in some temporal types.
_SERVER_TIMESTAMP = re.compile(r'"?current_timestamp(?:\(\)|(\(\d+\)))?"?', re.I)
_TEMPORAL = re.compile(r"(timestamp|datetime|date|time|year)\b", re.I)


def definition(table_class: type, context: dict) -> str:
    """The definition DataJoint reconstructs for a table (``Table.describe``), declarable again.

    Server-side timestamp defaults become ``CURRENT_TIMESTAMP`` / ``CURRENT_TIMESTAMP(n)``, the only
    spelling DataJoint declares as an expression (it would declare ``"current_timestamp()"`` as a
    string, which the server refuses). DataJoint 2.x on PostgreSQL prints the server's default
    expressions (``omega='0'::smallint``) and type names (``timestamp without time zone``), which it
    cannot declare; they become plain values and DataJoint's type names.
    """
    text = table_class().describe(context=context)
    for attribute in table_class.heading.attributes.values():
        match = attribute.default and _SERVER_TIMESTAMP.fullmatch(attribute.default)
        if match and _TEMPORAL.match(attribute.type):
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
    return _PG_DEFAULT.sub(value, text)


def declared_comment(table_class: type) -> str:
    """The table comment in a class's ``definition``: its first line if that starts with ``#`` (DataJoint's rule)."""
    definition = table_class.definition if isinstance(table_class.definition, str) else ""
    first = definition.strip().split("\n", 1)[0].strip()
    return first[1:].strip() if first.startswith("#") else ""


def create_schema(connection, database: str) -> None:
    """Create an empty schema on the server (DataJoint's own CREATE, with its bookkeeping)."""
    dj.Schema(database, connection=connection, create_schema=True, create_tables=False)


@contextlib.contextmanager
def logs_to_stderr() -> Iterator[None]:
    """Send DataJoint's log lines to stderr for the block (2.x logs to stdout unless DJ_LOG_STREAM=stderr)."""
    handlers = [
        handler for handler in logging.getLogger("datajoint").handlers
        if type(handler) is logging.StreamHandler and handler.stream is not sys.stderr
    ]
    streams = [handler.setStream(sys.stderr) for handler in handlers]
    try:
        yield
    finally:
        for handler, stream in zip(handlers, streams):
            handler.setStream(stream)
