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
