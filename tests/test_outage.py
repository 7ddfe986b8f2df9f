"""A server that is down or silent: imports fail within DJIMPORT_TIMEOUT, reloads change nothing,
and everything works again once the server is back, without restarting Python."""

from __future__ import annotations

import importlib
import socket
import sys
import threading
import time

import pytest

import djimport
from tests.helpers import forget_default_connection

TIMEOUT = 3.0
SLACK = 2.0  # thread start, DataJoint's own set-up, a loaded CI machine


@pytest.fixture
def short_timeout(monkeypatch):
    monkeypatch.setenv("DJIMPORT_TIMEOUT", str(TIMEOUT))


def _not_missing(exc: BaseException) -> None:
    # An outage must not be reported as "no such schema".
    assert type(exc) is ImportError, f"expected a plain ImportError, got {exc!r}"


def _snapshot(module):
    return dict(vars(module)), module.__spec__, module.__loader__


def _assert_unchanged(module, snapshot) -> None:
    namespace, spec, loader = snapshot
    assert module.__spec__ is spec and module.__loader__ is loader
    assert vars(module).keys() == namespace.keys()
    for key, value in namespace.items():
        # importlib.reload re-sets __package__ etc. from the same spec: equal strings, maybe new objects.
        assert vars(module)[key] == value if isinstance(value, str) else vars(module)[key] is value, key
    assert sys.modules[module.__name__] is module


@pytest.mark.parametrize("connected", [True, False], ids=["connection-open", "no-connection-yet"])
def test_import_during_outage_fails_fast_then_works_after_restart(server, university, short_timeout, connected):
    if not server.private:
        pytest.skip("stopping the server needs a private test server")
    if not connected:
        forget_default_connection()
    server.stop()
    try:
        start = time.monotonic()
        with pytest.raises(ImportError) as err:
            djimport.load(university)
        assert time.monotonic() - start < TIMEOUT + SLACK
        _not_missing(err.value)
        assert "unavailable" in str(err.value) and f"djschemas.{university}" in str(err.value)
        assert f"djschemas.{university}" not in sys.modules
    finally:
        server.start()
    uni = djimport.load(university)
    assert uni.Student().fetch(limit=1) is not None


def test_reload_during_outage_raises_and_changes_nothing(server, university, short_timeout):
    if not server.private:
        pytest.skip("stopping the server needs a private test server")
    uni = djimport.load(university)
    snapshot = _snapshot(uni)
    djimport.invalidate_caches()
    server.stop()
    try:
        start = time.monotonic()
        with pytest.raises(ImportError) as err:
            importlib.reload(uni)
        assert time.monotonic() - start < TIMEOUT + SLACK
        _not_missing(err.value)
        _assert_unchanged(uni, snapshot)
    finally:
        server.start()
    assert importlib.reload(uni) is uni
    _assert_unchanged(uni, snapshot)  # nothing changed on the server, so nothing changes in the module
    assert len(uni.Student()) > 0


@pytest.fixture
def silent_server(server, monkeypatch, short_timeout):
    """A port where connections are accepted (by the kernel's backlog) and never answered."""
    import datajoint as dj

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    forget_default_connection()
    monkeypatch.setitem(dj.config, "database.host", "127.0.0.1")
    monkeypatch.setitem(dj.config, "database.port", listener.getsockname()[1])
    yield listener
    listener.close()  # resets the pending connections, which ends the abandoned connect attempts
    for thread in threading.enumerate():
        if thread.name == "djimport-server":
            thread.join(TIMEOUT)
    forget_default_connection()


def _outcome_within(seconds: float, call, *args) -> BaseException | None:
    """Run ``call`` in a thread; its exception, or a test failure if it is still running after ``seconds``
    (the thread is left to the silent server's teardown, which ends it)."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call(*args)
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"still waiting for the server after {seconds} s"
    return outcome[0]


def test_silent_server_import_fails_within_timeout(silent_server):
    start = time.monotonic()
    error = _outcome_within(TIMEOUT + SLACK, djimport.load, "djtest_silent")
    assert time.monotonic() - start > TIMEOUT - 0.5
    assert isinstance(error, ImportError)
    _not_missing(error)
    assert "did not answer" in str(error) and "DJIMPORT_TIMEOUT" in str(error)


def test_silent_server_listing_fails_within_timeout(silent_server):
    import djschemas

    error = _outcome_within(TIMEOUT + SLACK, dir, djschemas)
    _not_missing(error)  # the same error as an import's
    assert "did not answer" in str(error) and "DJIMPORT_TIMEOUT" in str(error)


def test_other_imports_proceed_while_one_waits_for_a_silent_server(silent_server, tmp_path, monkeypatch):
    (tmp_path / "djtest_unrelated_module.py").write_text("VALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    failure: list[BaseException] = []

    def import_schema():
        try:
            djimport.load("djtest_silent")
        except ImportError as exc:
            failure.append(exc)

    waiting = threading.Thread(target=import_schema)
    waiting.start()
    try:
        time.sleep(0.5)  # let it reach the server
        assert waiting.is_alive()
        start = time.monotonic()
        other = threading.Thread(target=importlib.import_module, args=("djtest_unrelated_module",))
        other.start()
        other.join(TIMEOUT / 2)
        assert not other.is_alive(), "an unrelated import waited for the silent server"
        assert sys.modules["djtest_unrelated_module"].VALUE == 42
        assert time.monotonic() - start < 1.0
        assert waiting.is_alive()  # the schema import is still waiting, and did not block the other
    finally:
        waiting.join(TIMEOUT + SLACK)
        sys.modules.pop("djtest_unrelated_module", None)
    assert not waiting.is_alive() and len(failure) == 1


def test_timeout_setting_is_checked(monkeypatch):
    from djimport._settings import DEFAULT_TIMEOUT, timeout

    assert DEFAULT_TIMEOUT <= 10
    monkeypatch.delenv("DJIMPORT_TIMEOUT", raising=False)
    assert timeout() == DEFAULT_TIMEOUT
    for bad in ("0", "-1", "soon", "nan"):
        monkeypatch.setenv("DJIMPORT_TIMEOUT", bad)
        with pytest.raises(ValueError, match="DJIMPORT_TIMEOUT"):
            timeout()
