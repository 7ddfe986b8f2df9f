"""The bound on how long an import waits for a DataJoint server.

PyMySQL bounds only the TCP connect (``connect_timeout``); it then reads the
server's greeting with no timeout at all (``sock.settimeout(None)`` before
``_get_server_information``), and DataJoint passes it no read timeout on
either line. A server that accepts connections and stays silent (a stalled
SSH tunnel, an overloaded server) would hang every import forever. So the
server work of an import (connecting and listing) runs in a helper thread and
the import gives up after ``DJIMPORT_TIMEOUT`` seconds; the abandoned thread
ends by itself when the server answers or drops the connection (imports made
meanwhile queue behind it on djimport's locks, and give up in turn).
"""

from __future__ import annotations

import threading
import time
from typing import Callable, TypeVar

from ._settings import timeout

T = TypeVar("T")

CHECK_AFTER = 0.5
"""Seconds of work after which ``bounded``'s ``check`` runs: a server connects within them, or is slow or wrong."""


def bounded(work: Callable[[], T], check: Callable[[], None] | None = None) -> T:
    """``work()``'s result (or exception), or TimeoutError after :func:`timeout` seconds.

    ``check``, if given, runs when the work is still going after :data:`CHECK_AFTER` seconds; it raises to fail
    the work at once (e.g. a server of another kind at the port), instead of after the whole timeout.
    """
    seconds = timeout()
    start = time.monotonic()
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(work())
        except BaseException as exc:  # handed to the waiting thread below
            errors.append(exc)

    worker = threading.Thread(target=run, name="djimport-server", daemon=True)
    worker.start()
    if check is not None:
        worker.join(min(CHECK_AFTER, seconds))
        if worker.is_alive():
            check()
    worker.join(max(0.0, seconds - (time.monotonic() - start)))
    if worker.is_alive():
        raise TimeoutError(f"the server did not answer within {seconds:g} s (set DJIMPORT_TIMEOUT to wait longer)")
    if errors:
        raise errors[0]
    return results[0]
