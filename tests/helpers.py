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
