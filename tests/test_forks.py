"""A process forked while another thread holds one of djimport's locks imports, reloads and queries
in the child without waiting on that lock forever (djimport/_locks.py)."""

from __future__ import annotations

import gc
import importlib
import os
import sys
import threading
import time
import traceback

import pytest

import djimport
from djimport import _catalog, _datajoint, _finder, _headings, _locks
from djimport._root import roots
from tests.helpers import forget_default_connection

WAIT = 30  # seconds for the child: its work takes well under 2 s; a deadlocked child never ends

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")


def in_forked_child(work) -> tuple[int, str]:
    """Fork, run ``work()`` in the child, and return its exit status (0: ``work`` returned) and what it wrote
    to stderr; a child still running after WAIT seconds is killed and reported as deadlocked."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never back into pytest
        status = 1
        try:
            os.close(read)
            os.dup2(write, 2)
            work()
            status = 0
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(status)
    os.close(write)
    deadline = time.monotonic() + WAIT
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            with os.fdopen(read) as err:
                return os.waitstatus_to_exitcode(status), err.read()
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            os.close(read)
            pytest.fail(f"the forked child deadlocked: still running after {WAIT} s")
        time.sleep(0.05)


def held_by_another_thread(lock):
    """Start a thread that holds ``lock`` until the returned function is called."""
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with lock:
            holding.set()
            release.wait(WAIT * 2)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert holding.wait(WAIT)

    def stop() -> None:
        release.set()
        thread.join(WAIT)
        assert not thread.is_alive()

    return stop


LOCKS = {
    "statement": lambda uni: _catalog.statement_lock(uni.schema.connection),
    "connection state": lambda uni: _catalog._statement_locks._lock,
    "listings": lambda uni: roots["djschemas"].listings.lock,
    "loader": lambda uni: uni.__loader__.lock,
    "headings": lambda uni: _headings._schema_headings(uni.schema.connection)[uni.schema.database].lock,
    "finder installation": lambda uni: _finder._install_lock,
    "default connection": lambda uni: _datajoint._connecting,
}


@pytest.mark.parametrize("which", LOCKS)
def test_a_child_forked_while_another_thread_holds_a_lock_imports_reloads_and_queries(university, which):
    uni = djimport.load(university)  # built, its headings not read yet: the child's query reads them
    release = held_by_another_thread(LOCKS[which](uni))

    def work() -> None:
        djimport.invalidate_caches()
        importlib.reload(uni)  # lists the schema again
        assert len(uni.Student()) > 0  # reads the headings
        del sys.modules[uni.__name__]
        assert djimport.load(university) is not uni  # a new import, with a new loader
        _finder.install()
        forget_default_connection()
        # On this thread: a new thread of the child may get the ident of the parent's thread that held the
        # lock (glibc reuses its stack), and a reentrant lock takes it for its owner.
        assert _datajoint.default_connection() is not uni.schema.connection  # DataJoint's, opened anew

    try:
        status, err = in_forked_child(work)
    finally:
        release()
    assert status == 0, err
    assert len(uni.Student()) > 0  # the parent goes on as before


def test_a_lock_the_forking_thread_holds_stays_its_own_in_the_child():
    lock = _locks.RLock()

    def work() -> None:
        lock.release()  # still held by this thread: released as usual (a fresh lock would raise)

    with lock:
        status, err = in_forked_child(work)
    assert status == 0, err


def test_locks_are_held_weakly():
    gc.collect()  # locks of earlier tests' objects, still in cycles
    before = len(_locks._all)
    locks = [_locks.RLock() for _ in range(100)]
    assert len(_locks._all) == before + 100
    del locks
    gc.collect()
    assert len(_locks._all) == before
