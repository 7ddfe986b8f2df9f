"""Helpers shared by the tests: counting what the server executes."""

from __future__ import annotations

import contextlib
import re
import types
from dataclasses import dataclass
from typing import Iterator

import pytest

from tests import servers
from tests.servers import LIMITED_USER_PREFIX


@dataclass
class Count:
    queries: int = 0


DATAJOINT_PG_NAMES = (
    "DataJoint 2.3's PostgreSQL adapter names a table in get_table_info_sql and get_columns_sql as "
    "('<schema>' || '.' || '<table>')::regclass, unquoted, so its own heading loads (dj.FreeTable, and delete's "
    "cascade, which uses it) fail for a schema or table whose name has capitals, spaces or punctuation"
)


def backend(connection) -> str:
    return getattr(getattr(connection, "adapter", None), "backend", "mysql")


def quote(connection, *names: str) -> str:
    """``name`` or ``schema.table`` quoted as identifiers for the connection's server: `a`.`b` or "a"."b"
    (for tests' own SQL, which the drivers run through %-formatting, hence the doubled %)."""
    if backend(connection) == "postgresql":
        quoted = ('"' + name.replace('"', '""') + '"' for name in names)
    else:
        quoted = ("`" + name.replace("`", "``") + "`" for name in names)
    return ".".join(quoted).replace("%", "%%")


def shown(connection, *names: str) -> str:
    """``name`` or ``schema.table`` as djimport's messages show them: `a`.`b` on MySQL, "a"."b" on PostgreSQL
    (a quote character inside a name doubled, as the server reads it)."""
    mark = '"' if backend(connection) == "postgresql" else "`"
    return ".".join(mark + name.replace(mark, mark * 2) + mark for name in names)


def _split(full_name: str) -> tuple[str, str]:
    schema, table = re.fullmatch(r"[`\"](.+)[`\"]\.[`\"](.+)[`\"]", full_name).groups()
    return schema, table


def datajoint_foreign_keys(connection, schema: str) -> set[tuple[str, tuple[tuple[str, str], ...], str, str]]:
    """The foreign keys of ``schema``'s tables as (table, its columns -> referenced columns, referenced schema,
    referenced table), from DataJoint's own dependency graph: an oracle independent of djimport's key reading."""
    graph = connection.dependencies
    graph.load()
    keys = set()
    for child in graph.nodes:
        if child.isdigit() or _split(child)[0] != schema:
            continue
        for parent, _, props in graph.in_edges(child, data=True):
            if parent.isdigit():  # an alias node stands between a child and a parent referenced under other names
                parent = next(iter(graph.predecessors(parent)))
            keys.add((_split(child)[1], tuple(sorted(props["attr_map"].items())), *_split(parent)))
    assert keys, f"DataJoint's dependency graph has no foreign key of {schema}"
    return keys


def create_table_like(connection, schema: str, table: str, like: str) -> None:
    """Create ``table`` with the columns of ``like`` behind DataJoint's back, as another client would."""
    target, source = quote(connection, schema, table), quote(connection, schema, like)
    if backend(connection) == "postgresql":
        connection.query(f"CREATE TABLE {target} (LIKE {source} INCLUDING ALL)")
    else:
        connection.query(f"CREATE TABLE {target} LIKE {source}")


def _questions(connection) -> int:
    return int(connection.query("SHOW SESSION STATUS LIKE 'Questions'").fetchone()[1])


@contextlib.contextmanager
def _mysql_queries(connection) -> Iterator[Count]:
    count = Count()
    before = _questions(connection)
    yield count
    # Questions counts the SHOW STATUS statement that reads it, hence the 1.
    count.queries = _questions(connection) - before - 1


_LOGGED_STATEMENT = re.compile(rb"\[(\d+)\] LOG:  statement: (.*)")


@contextlib.contextmanager
def _statement_log(connection) -> Iterator[list[tuple[int, str]]]:
    """The statements the PostgreSQL test server logs inside the block, from every session, as
    (process id of the session, first line of the statement), once the block has ended."""
    log = servers.statement_log(connection.conn_info["host"])
    if log is None:
        pytest.skip("reading the statements PostgreSQL runs needs the private test server's statement log")
    statements: list[tuple[int, str]] = []
    # The server writes the line before it runs the statement, so it is there when the result is back.
    with log.open("rb") as file:
        file.seek(0, 2)
        yield statements
        for line in file:
            match = _LOGGED_STATEMENT.search(line)
            if match:
                statements.append((int(match[1]), match[2].decode("utf-8", "replace")))


@contextlib.contextmanager
def _postgresql_queries(connection) -> Iterator[Count]:
    count = Count()
    with _statement_log(connection) as statements:
        yield count
    count.queries = sum(1 for pid, _ in statements if pid == connection.connection_id)


def server_queries(connection) -> contextlib.AbstractContextManager[Count]:
    """Count the statements ``connection``'s session sends inside the block, as the server counts them.

    MySQL counts them in the session's ``Questions``; PostgreSQL test servers
    log every statement with the session's process id.
    """
    if backend(connection) == "postgresql":
        return _postgresql_queries(connection)
    return _mysql_queries(connection)


def forget_default_connection(close: bool = False) -> None:
    """Make DataJoint's next ``dj.conn()`` open a new connection, without opening one now
    (and without closing the current one, which whoever opened it closes, unless ``close``).

    ``dj.conn(reset=True)`` would connect at once; tests of unreachable servers need the
    connection to be opened by the import under test.
    """
    import datajoint as dj

    if int(dj.__version__.split(".")[0]) >= 2:
        from datajoint import instance

        current, instance._singleton_connection = instance._singleton_connection, None
    else:
        current = vars(dj.conn).pop("connection", None)
    if close and current is not None:
        current.close()


WRITES = ("create", "alter", "drop", "insert", "update", "delete", "replace", "truncate", "rename", "load", "grant",
          "revoke", "comment", "copy")


def _write_counters(connection) -> dict[str, int]:
    pattern = f"^Com_({'|'.join(WRITES)})"
    rows = connection.query(f"SHOW GLOBAL STATUS WHERE Variable_name REGEXP '{pattern}'").fetchall()
    return {name: int(value) for name, value in rows}


@contextlib.contextmanager
def server_writes(connection) -> Iterator[dict[str, int]]:
    """The statements that changed the server inside the block, from every session (djimport may
    use a connection other than ``connection``), filled in when the block ends: MySQL's ``Com_*``
    counters that grew, or the statements PostgreSQL logged, each with how often it ran."""
    writes: dict[str, int] = {}
    if backend(connection) == "postgresql":
        verb = re.compile(rf"\s*({'|'.join(WRITES)})\b", re.IGNORECASE)
        with _statement_log(connection) as statements:
            yield writes
        for _, statement in statements:
            if verb.match(statement):
                writes[statement] = writes.get(statement, 0) + 1
    else:
        before = _write_counters(connection)
        yield writes
        after = _write_counters(connection)
        writes.update({name: after[name] - before.get(name, 0) for name in after if after[name] != before.get(name)})


def create_schema_raw(connection, name: str, tables: tuple[str, ...] = ()) -> None:
    """Create a schema and tables of one int column by plain SQL, as other tools would."""
    postgres = getattr(getattr(connection, "adapter", None), "backend", "mysql") == "postgresql"
    connection.query(f"CREATE {'SCHEMA' if postgres else 'DATABASE'} {quote(connection, name)}")
    for table in tables:
        connection.query(f"CREATE TABLE {quote(connection, name)}.{quote(connection, table)} (id int PRIMARY KEY)")


def drop_schema_raw(connection, name: str) -> None:
    postgres = getattr(getattr(connection, "adapter", None), "backend", "mysql") == "postgresql"
    connection.query(f"DROP {'SCHEMA' if postgres else 'DATABASE'} IF EXISTS {quote(connection, name)}"
                     + (" CASCADE" if postgres else ""))


@contextlib.contextmanager
def signed_in_as_limited_user(connection, password: str, readable: str, monkeypatch) -> Iterator[str]:
    """DataJoint's default connection, from now on, is a new user with the rights of
    :func:`limited_user` on ``readable``; yields the user name. Afterwards DataJoint connects
    as the test server's user again (fixtures' teardowns need it)."""
    import uuid

    import datajoint as dj

    user = f"{LIMITED_USER_PREFIX}{uuid.uuid4().hex[:8]}"
    with limited_user(connection, user, password, readable):
        monkeypatch.setitem(dj.config, "database.user", user)
        monkeypatch.setitem(dj.config, "database.password", password)
        forget_default_connection()
        try:
            yield user
        finally:
            forget_default_connection(close=True)
            monkeypatch.undo()
            dj.conn(reset=True)


@contextlib.contextmanager
def limited_user(connection, user: str, password: str, readable: str) -> Iterator[None]:
    """A user who may read and change rows of schema ``readable`` only (no CREATE): a MySQL
    user, or a PostgreSQL role with USAGE on ``readable`` and no other schema of ours."""
    name, schema = quote(connection, user), quote(connection, readable)
    if backend(connection) == "postgresql":
        connection.query(f"CREATE ROLE {name} LOGIN PASSWORD %s", (password,))
        drop = [f"DROP OWNED BY {name}", f"DROP ROLE {name}"]  # DROP OWNED also revokes the grants
        grants = [f"GRANT USAGE ON SCHEMA {schema} TO {name}",
                  f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {name}"]
    else:
        connection.query("CREATE USER %s@'%%' IDENTIFIED BY %s", (user, password))
        drop = ["DROP USER %s@'%%'"]
        grants = [f"GRANT SELECT, INSERT, UPDATE, DELETE ON {schema}.* TO %s@'%%'"]
    try:
        for grant in grants:
            connection.query(grant, (user,) * grant.count("%s"))
        yield
    finally:
        for statement in drop:
            connection.query(statement, (user,) * statement.count("%s"))


def declare_exported(source: str, exported: str, target: str) -> types.ModuleType:
    """Run exported source as a module whose tables go to schema ``target`` instead."""
    line = f"schema = dj.Schema({exported!r})"
    assert source.count(line) == 1
    module = types.ModuleType(f"exported_{target}")
    exec(compile(source.replace(line, f"schema = dj.Schema({target!r})"), f"<export of {exported}>", "exec"),
         vars(module))
    return module
