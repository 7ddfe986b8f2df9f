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

import os
import threading
from typing import Callable, TypeVar

T = TypeVar("T")

DEFAULT_TIMEOUT = 10.0
"""Seconds an import waits for the server when ``DJIMPORT_TIMEOUT`` is not set."""


def timeout() -> float:
    """``DJIMPORT_TIMEOUT`` in seconds, else :data:`DEFAULT_TIMEOUT`."""
    raw = os.environ.get("DJIMPORT_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = float("nan")
    if not seconds > 0:  # also rejects NaN
        raise ValueError(f"DJIMPORT_TIMEOUT={raw!r} is not a number of seconds > 0; set it to e.g. DJIMPORT_TIMEOUT=10")
    return seconds


def bounded(work: Callable[[], T]) -> T:
    """``work()``'s result (or exception), or TimeoutError after :func:`timeout` seconds."""
    seconds = timeout()
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # handed to the waiting thread below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="djimport-server", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeoutError(f"the server did not answer within {seconds:g} s (set DJIMPORT_TIMEOUT to wait longer)")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
