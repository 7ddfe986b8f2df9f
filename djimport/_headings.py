"""The heading accelerator: the headings of all tables of a schema read at once, for every backend.

DataJoint loads a table's heading with 3 (0.14) or 7 (2.x) statements of its own. A table of an
imported module has a :class:`SchemaHeading`, which loads through its schema's
:class:`SchemaHeadings`: the rows of every table and every kind are read with one statement
(:func:`._catalog.heading_rows`) and DataJoint's per-table statements (:func:`._datajoint.heading_statements`)
are answered from them, by their exact text. This is the one module besides :mod:`._datajoint` that
touches a DataJoint private: it overrides ``Heading._init_from_database``.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import time
from typing import Any, Callable, Iterator

from . import _datajoint, _stale
from ._catalog import heading_rows, table_exists
from ._connection_state import PerConnection
from ._datajoint import Connection, DataJointError, Heading
from ._locks import RLock
from ._names import quoted

logger = logging.getLogger("djimport")


class SchemaHeadings:
    """What DataJoint reads to load the headings of one schema's tables, read for all tables at once.

    DataJoint loads a heading with 3 (0.14) or 7 (2.x) statements for one table.
    When the first heading of the schema is needed, the rows of every table are
    read with one statement (every kind of row) and DataJoint's own
    per-table statements are answered from them: the very statement text, so
    that anything else (a row that cannot be reproduced exactly, another
    backend) goes to the server as usual. Rows are as fresh as the listings:
    they are read again when older than ``ttl()`` seconds (not at all with a TTL
    of 0) or when a table the last read did not see (added since) needs its
    heading, and each table's rows are dropped once its heading has them.
    """

    def __init__(self, connection: Connection, database: str, ttl: Callable[[], float]) -> None:
        self.connection, self.database, self._ttl = connection, database, ttl
        self.lock = RLock()
        self._answers: dict[tuple, list[dict]] = {}  # each given once
        self._shared: dict[tuple, list[dict] | None] = {}  # asked for every table
        self._read_at: float | None = None
        self._tables: frozenset[str] | None = None  # the tables of the last read, if it succeeded
        self._listed: frozenset[str] = frozenset()

    def fresh(self) -> bool:
        """Read the rows again if they are older than ``ttl()`` seconds (under :attr:`lock`); False when nothing
        may be kept (a TTL of 0): DataJoint then asks table by table."""
        ttl = self._ttl()
        if ttl <= 0:
            return False
        if self._read_at is None or time.monotonic() - self._read_at > ttl:
            self._read()
        return True

    def answer(self, sql: str, args: tuple) -> list[dict] | None:
        """DataJoint's rows for statement ``sql``, or None when it must go to the server (under :attr:`lock`,
        after :meth:`fresh`)."""
        key = _key(sql, args)
        if key in self._shared:
            return self._shared[key]
        rows = self._answers.pop(key, None)
        if not self._answers:
            self._answers = {}  # a dict keeps its size after pops: let the emptied one go
        return rows

    def expect(self, table: str) -> None:
        """Read all rows again at the next :meth:`fresh` if the last read did not see ``table``."""
        if self._tables is not None and table not in self._tables:
            self._read_at = None

    def forget(self) -> None:
        """Read all rows again at the next :meth:`fresh`."""
        with self.lock:
            self._answers, self._shared, self._read_at, self._tables = {}, {}, None, None

    def listed(self, tables: frozenset[str]) -> None:
        """Tell which tables the schema's latest listing holds (whether to read ``~lineage``)."""
        self._listed = tables

    def _read(self) -> None:
        read_together(self.connection, [self])

    def _fill(self, rows: dict[str, dict[str, list[dict] | None]] | None) -> None:
        """Keep the rows one read gave for this schema (none: DataJoint asks table by table)."""
        self._answers, self._shared, self._read_at, self._tables = {}, {}, time.monotonic(), None
        if rows is None:
            return
        statements = _datajoint.heading_statements(self.connection, self.database)
        tables = rows[next(iter(statements))]  # the first kind lists every table
        self._tables = frozenset(tables)
        for kind, by_table in rows.items():
            for table in (t for t in tables if not t.startswith("~")):  # DataJoint's own: never a class
                answer = by_table.get(table, [])
                if answer is not None:
                    self._answers[_key(statements[kind](table), (table,) if kind == "lineage" else ())] = answer
        probe = _datajoint.lineage_probe(self.connection, self.database)
        if probe is not None:  # whether ~lineage exists is asked for every table
            self._shared[_key(probe, ())] = tables.get("~lineage", [])


def read_together(connection: Connection, schemas: list[SchemaHeadings]) -> None:
    """Read the heading rows of every table of ``schemas`` (of ``connection``, each locked by its caller or
    not in use yet) in one statement."""
    statements = _datajoint.heading_statements(connection, schemas[0].database)
    # ~lineage is read only where listed (a table that is not there fails the whole statement); one made
    # since shows in the first kind's rows, and DataJoint then asks for its lineage itself.
    lineages = tuple(headings.database for headings in schemas if "~lineage" in headings._listed)
    try:
        rows = heading_rows(connection, [headings.database for headings in schemas], tuple(statements), lineages)
    except (DataJointError, _datajoint.driver_error(connection)) as exc:
        # DataJoint's own statements will meet (and report) the same problem.
        logger.debug("headings of %s not read together: %s", ", ".join(h.database for h in schemas), exc)
        rows = None
    for headings in schemas:
        headings._fill(None if rows is None else rows[headings.database])


def read_now(connection: Connection, databases: list[str]) -> None:
    """Read the heading rows of every table of ``databases`` (schemas djimport built on ``connection``) in one
    statement, for headings about to be used: ``djimport stubs`` of many schemas."""
    # Locked in the order of their names: two callers locking the same schemas cannot wait for each other.
    tracked = [_schema_headings(connection)[database] for database in sorted(set(databases))
               if database in _schema_headings(connection)]
    tracked = [headings for headings in tracked if headings._ttl() > 0]  # a TTL of 0 keeps nothing
    if not tracked:
        return
    with contextlib.ExitStack() as stack:
        for headings in tracked:
            stack.enter_context(headings.lock)
        read_together(connection, tracked)


def _key(sql: str, args: tuple) -> tuple:
    return " ".join(sql.split()), tuple(args)


class _Answered:
    """A cursor over rows given without asking the server."""

    def __init__(self, rows: list[dict], as_dict: bool) -> None:
        self._rows: Iterator[Any] = iter(rows if as_dict else [tuple(row.values()) for row in rows])

    def fetchone(self) -> Any:
        return next(self._rows, None)

    def fetchall(self) -> list:
        return list(self._rows)

    def __iter__(self) -> Iterator[Any]:
        return self._rows


class _Answering:
    """A connection that answers what its :class:`SchemaHeadings` knows and passes the rest on."""

    def __init__(self, connection: Connection, headings: SchemaHeadings) -> None:
        self._connection, self._headings = connection, headings

    def query(self, sql: str, args: tuple = (), *, as_dict: bool = False, **kwargs: Any) -> Any:
        rows = self._headings.answer(sql, args)
        if rows is None:
            return self._connection.query(sql, args, as_dict=as_dict, **kwargs)
        return _Answered(rows, as_dict)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


# The SchemaHeadings of each connection's schemas, by schema name.
_schema_headings: PerConnection[dict[str, SchemaHeadings]] = PerConnection(dict)


class SchemaHeading(Heading):  # type: ignore[misc]  # DataJoint has no type information
    """The heading of a table of an imported module: it loads through its schema's
    :class:`SchemaHeadings`, and pickles by reference.

    Pickled (``T.proj()`` keeps its table's heading), it stands for the heading
    of the same table in the receiving process, which imports the module: a
    heading holds the connection, which cannot travel (issue #9).
    """

    def _init_from_database(self) -> None:
        try:
            self._load_together()
        except DataJointError as exc:
            stale = _stale.explain_undefined(self.table_info["context"], self.table_info["table_name"], exc)
            if stale is None:
                raise
            raise stale from exc

    def _load_together(self) -> None:
        connection = self.table_info["conn"]
        headings = _schema_headings(connection).get(self.table_info["database"])
        if headings is None:  # a schema djimport did not build on this connection
            super()._init_from_database()
            return
        with headings.lock:
            headings.expect(self.table_info["table_name"])
            if headings.fresh():  # once per heading: all of its statements are answered from the same read
                self.table_info["conn"] = _Answering(connection, headings)
            try:
                super()._init_from_database()
            finally:
                self.table_info["conn"] = connection
        # DataJoint reads a heading in several statements, each seeing the server at its own moment: one read
        # while the table is dropped (and declared again) can give its columns without its key, which no
        # DataJoint table lacks. Gone: the stale-table error; there: read it again, alone.
        if not self.primary_key:
            table = self.table_info["table_name"]
            if not table_exists(connection, self.table_info["database"], table):
                _datajoint.unload_heading(self)
                raise _stale.dropped(self.table_info["context"], table)
            super()._init_from_database()

    def as_sql(self, fields: list[str], *args: Any, **kwargs: Any) -> str:
        """DataJoint's ``as_sql`` with each column named with its table: ``schema.table.column``."""
        # A restriction by this table (`a & b`) is `(c) IN (SELECT c FROM b)`: if b lost column c on the server
        # since this heading was read, a bare `c` would name a's c, and every row of a would match. Named with b,
        # it is refused, and the stale-table error says why. A table's heading computes no column.
        if not set(fields) <= _datajoint.attribute_names(self):  # DataJoint's own error
            return super().as_sql(fields, *args, **kwargs)
        info = self.table_info
        backend = _datajoint.backend(info["conn"])
        table = quoted(backend, info["database"], info["table_name"])
        return ",".join(f"{table}.{quoted(backend, name)}" for name in fields)

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
    loader: Any = importlib.import_module(module_name).__loader__
    return _datajoint.class_heading(loader.classes[table_name])


def table_info(module_name: str, table_name: str) -> TableInfo:
    return table_heading(module_name, table_name).table_info


def track(connection: Connection, database: str, ttl: Callable[[], float]) -> None:
    """Read the headings of ``database``'s tables together from now on, again when older than ``ttl()`` seconds."""
    _schema_headings(connection)[database] = SchemaHeadings(connection, database, ttl)


def listed(connection: Connection, database: str, tables: frozenset[str]) -> None:
    """Tell the headings of ``database`` which tables its latest listing holds."""
    headings = _schema_headings(connection).get(database)
    if headings is not None:
        headings.listed(tables)


def forget(connection: Connection, database: str) -> None:
    """Make the next heading of ``database``'s tables read all rows again (the schema changed on the server)."""
    headings = _schema_headings(connection).get(database)
    if headings is not None:
        headings.forget()


def heading_of(connection: Connection, database: str, table_name: str, context: dict) -> SchemaHeading:
    """The lazy heading of one table of a module (``context`` is the module's namespace)."""
    info = TableInfo(conn=connection, database=database, table_name=table_name, context=context)
    return SchemaHeading(table_info=info)
