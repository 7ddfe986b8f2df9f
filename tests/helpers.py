"""Helpers shared by the tests: counting what the server executes."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Iterator


@dataclass
class Count:
    queries: int = 0


def _questions(connection) -> int:
    return int(connection.query("SHOW SESSION STATUS LIKE 'Questions'").fetchone()[1])


@contextlib.contextmanager
def server_queries(connection) -> Iterator[Count]:
    """Count the statements ``connection``'s session sends inside the block, as the server counts them."""
    count = Count()
    before = _questions(connection)
    yield count
    # Questions counts the SHOW STATUS statement that reads it, hence the 1.
    count.queries = _questions(connection) - before - 1


def forget_default_connection() -> None:
    """Make DataJoint's next ``dj.conn()`` open a new connection, without opening one now
    (nor closing the current one, which whoever opened it closes).

    ``dj.conn(reset=True)`` would connect at once; tests of unreachable servers need the
    connection to be opened by the import under test.
    """
    import datajoint as dj

    if int(dj.__version__.split(".")[0]) >= 2:
        from datajoint import instance

        instance._singleton_connection = None
    else:
        vars(dj.conn).pop("connection", None)


WRITES = r"^Com_(create|alter|drop|insert|update|delete|replace|truncate|rename|load|grant|revoke)"


def write_statements(connection) -> dict[str, int]:
    """The server's counters of statements that change it (MySQL's ``Com_*`` status variables),
    over all sessions: djimport may use a connection other than ``connection``."""
    rows = connection.query(f"SHOW GLOBAL STATUS WHERE Variable_name REGEXP '{WRITES}'").fetchall()
    return {name: int(value) for name, value in rows}


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {name: after[name] - before[name] for name in after if after[name] != before.get(name)}


def quote(connection, name: str) -> str:
    """``name`` quoted as an identifier for the connection's server (for tests' own SQL, which
    the drivers run through %-formatting, hence the doubled %)."""
    if getattr(getattr(connection, "adapter", None), "backend", "mysql") == "postgresql":
        quoted = '"' + name.replace('"', '""') + '"'
    else:
        quoted = "`" + name.replace("`", "``") + "`"
    return quoted.replace("%", "%%")


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
def limited_user(connection, user: str, password: str, readable: str) -> Iterator[None]:
    """A MySQL user who may read and change rows of schema ``readable`` only (no CREATE)."""
    if getattr(getattr(connection, "adapter", None), "backend", "mysql") != "mysql":
        import pytest

        pytest.skip("limited users are made with MySQL's account statements")
    connection.query("CREATE USER %s@'%%' IDENTIFIED BY %s", (user, password))
    try:
        connection.query(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {quote(connection, readable)}.* TO %s@'%%'", (user,))
        yield
    finally:
        connection.query("DROP USER %s@'%%'", (user,))
