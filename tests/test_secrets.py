"""The password never shows: not in exception messages or tracebacks, reprs, log records,
warnings, or anything printed, whatever fails."""

from __future__ import annotations

import importlib
import logging
import socket
import traceback
import uuid
import warnings

import datajoint as dj
import pytest

import djimport
from conftest import drop_schema
from tests.helpers import backend, forget_default_connection, signed_in_as_limited_user

SECRET = "Zq7-pw-5e1f0c-unmistakable"


def _texts(exc: BaseException) -> list[str]:
    return [str(exc), repr(exc), "".join(traceback.format_exception(exc)), *map(str, exc.args)]


@pytest.fixture
def captured(caplog, capfd):
    """Everything the test shows anywhere; checked for the password when the test ends."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="datajoint")
    texts: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield texts
    out, err = capfd.readouterr()
    everything = [out, err, caplog.text, *(r.getMessage() for r in caplog.records), *(str(w.message) for w in caught),
                  *texts]
    assert any(everything), "nothing was captured: the check would be empty"
    leaks = [text for text in everything if SECRET in text]
    assert not leaks, leaks[0][:2000]


@pytest.fixture
def secret_user(server, connection, monkeypatch):
    """DataJoint configured for a user whose password is SECRET, with rights on one schema."""
    name = f"djtest_{uuid.uuid4().hex[:10]}"
    schema = dj.Schema(name, connection=connection, context={})
    schema(type("Subject", (dj.Manual,), {"definition": "subject_id : int\n"}))
    try:
        with signed_in_as_limited_user(connection, SECRET, name, monkeypatch):
            yield name
    finally:
        drop_schema(name)


def _expect_failure(texts: list[str], exc_type, call, *args):
    with pytest.raises(exc_type) as err:
        call(*args)
    texts.extend(_texts(err.value))


def test_success_shows_no_password(secret_user, captured):
    import djschemas

    module = djimport.load(secret_user)
    djimport.invalidate_caches()
    importlib.reload(module)
    captured.extend([repr(module), str(module.__doc__), repr(module.schema), repr(module.Subject()),
                     repr(module.__loader__.__dict__), repr(module.schema.connection), " ".join(dir(djschemas))])


def test_failed_imports_show_no_password(secret_user, captured):
    _expect_failure(captured, ModuleNotFoundError, djimport.load, f"djtest_absent_{uuid.uuid4().hex[:6]}")
    hidden = "mysql" if backend(dj.conn()) == "mysql" else "pg_toast"  # exists, but not for this user
    _expect_failure(captured, ModuleNotFoundError, djimport.load, hidden)
    _expect_failure(captured, ModuleNotFoundError, djimport.load, "x" * 70)
    module = djimport.load(secret_user)

    def declare():
        with djimport.create_tables(module):
            module.schema(type("Session", (dj.Manual,), {"definition": "-> Subject\nsession : int\n"}))

    _expect_failure(captured, dj.DataJointError, declare)


def test_wrong_password_shows_neither_password(secret_user, captured, monkeypatch):
    monkeypatch.setitem(dj.config, "database.password", SECRET + "-wrong")
    forget_default_connection()
    _expect_failure(captured, ImportError, djimport.load, secret_user)


@pytest.fixture
def private_server(server):
    """The test server, which the test may stop; skipped (before ``captured`` checks anything) if not private."""
    if not server.private:
        pytest.skip("stopping the server needs a private test server")
    return server


def test_outage_shows_no_password(private_server, connection, secret_user, captured):
    server = private_server
    module = djimport.load(secret_user)
    djimport.invalidate_caches()
    forget_default_connection()
    server.stop()
    try:
        _expect_failure(captured, ImportError, importlib.reload, module)
    finally:
        server.start()
        connection.connect()  # the fixtures' connection, for their teardown (DataJoint reconnects MySQL only)


def test_silent_server_shows_no_password(secret_user, captured, monkeypatch):
    monkeypatch.setenv("DJIMPORT_TIMEOUT", "1")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        monkeypatch.setitem(dj.config, "database.host", "127.0.0.1")  # not the embedded PostgreSQL's socket directory
        monkeypatch.setitem(dj.config, "database.port", listener.getsockname()[1])
        forget_default_connection()
        _expect_failure(captured, ImportError, djimport.load, secret_user)
    forget_default_connection()
