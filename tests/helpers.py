"""Helpers shared by the tests: counting what the server executes."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

statement_logs: dict[str, Path] = {}
"""Host of a PostgreSQL test server -> its log, where it writes every statement (log_statement = all)."""


@dataclass
class Count:
    queries: int = 0


def backend(connection) -> str:
    return getattr(getattr(connection, "adapter", None), "backend", "mysql")


def quote(connection, *names: str) -> str:
    """``name`` or ``schema.table`` quoted for ``connection``'s backend: `a`.`b` or "a"."b"."""
    mark = '"' if backend(connection) == "postgresql" else "`"
    return ".".join(f"{mark}{name}{mark}" for name in names)


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


@contextlib.contextmanager
def _postgresql_queries(connection) -> Iterator[Count]:
    log = statement_logs.get(connection.conn_info["host"])
    if log is None:
        pytest.skip("counting statements at PostgreSQL needs the private test server's statement log")
    count = Count()
    # The server writes the line before it runs the statement, so it is there when the result is back.
    with log.open("rb") as file:
        file.seek(0, 2)
        yield count
        statement = re.compile(rb"\[%d\] LOG:  statement: " % connection.connection_id)
        count.queries = sum(1 for line in file if statement.search(line))


def server_queries(connection) -> contextlib.AbstractContextManager[Count]:
    """Count the statements ``connection``'s session sends inside the block, as the server counts them.

    MySQL counts them in the session's ``Questions``; PostgreSQL test servers
    log every statement with the session's process id.
    """
    if backend(connection) == "postgresql":
        return _postgresql_queries(connection)
    return _mysql_queries(connection)
