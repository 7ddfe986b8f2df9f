"""djimport's locks, which a process forked while another thread held one gets back free.

``os.fork()`` copies only the thread that calls it. A lock that another thread
of the parent held at that moment (a listing or a query waiting on the server,
a module being built) stays held in the child by a thread that does not exist
there, and the child's first import, reload or query would wait on it forever.
Every lock of djimport is an :class:`RLock` of this module; after a fork the
child makes each one anew, free, except those the forking thread holds itself,
which it goes on to release as usual.
"""

from __future__ import annotations

import os
import threading
import weakref
from typing import Any

_all: weakref.WeakSet[RLock] = weakref.WeakSet()  # weak: a lock goes with its owner (a loader, a listing)


class RLock:
    """A reentrant lock (``threading.RLock``) made anew, free, in a forked child process."""

    __slots__ = ("_lock", "__weakref__")

    def __init__(self) -> None:
        self._lock = threading.RLock()
        _all.add(self)

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        return self._lock.acquire(blocking, timeout)

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> bool:
        return self._lock.acquire()

    def __exit__(self, *exc_info: Any) -> None:
        self._lock.release()


def _renew() -> None:
    for lock in list(_all):
        if not lock._lock._is_owned():  # type: ignore[attr-defined]  # held here: the forking thread releases it
            lock._lock = threading.RLock()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_renew)
