"""DataJoint 0.14 with no user or password configured prompts for them at a terminal: the prompt runs as with
DataJoint alone (no timeout while a person types), answering it gives the import, and no abandoned prompt
keeps reading the terminal. DataJoint 2.x never prompts: the import fails at once, and the next line runs."""

from __future__ import annotations

import importlib
import json
import os
import re
import sys
import time

import pytest

from djimport._datajoint import IS_V2

pexpect = pytest.importorskip("pexpect")


def _python_at_a_terminal(server, tmp_path):
    """An interactive Python in a pseudo-terminal pointed at ``server`` with no user or password configured."""
    settings = {"database.host": server.host, "database.port": server.port, "database.use_tls": False}
    if IS_V2:
        settings = {"database": {"host": server.host, "port": server.port, "use_tls": False,
                                 "backend": server.backend}}
    (tmp_path / ("datajoint.json" if IS_V2 else "dj_local_conf.json")).write_text(json.dumps(settings))
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJ_")}
    env.update(HOME=str(tmp_path), DJIMPORT_TIMEOUT="1", PYTHONWARNINGS="ignore")
    child = pexpect.spawn(sys.executable, ["-q", "-i"], cwd=str(tmp_path), env=env, encoding="utf-8", timeout=60)
    child.expect_exact(">>> ")
    return child


# DataJoint 2.2.2 to 2.3.1 print an uncaught exception as "[ERROR]: Uncaught exception" alone (their
# sys.excepthook logs it through a formatter that drops the traceback and message; 2.3.2 removed the hook).
_DATAJOINT_HIDES_UNCAUGHT_EXCEPTIONS = IS_V2 and hasattr(importlib.import_module("datajoint.logging"), "excepthook")

_ESCAPES = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|[=>])")


def _shown_until_the_next_line_runs(child) -> str:
    """What the terminal showed until Python ran the next line typed, escape codes removed.

    The next line prints a marker that its own echo does not contain, so the marker appears only once the lines
    before it have run and Python reads again. A prompt alone says nothing: Python 3.13's REPL draws
    ``>>> `` again for every key typed, and colours prompts and tracebacks.
    """
    child.sendline("print('next', 6 * 7)")
    child.expect_exact("next 42")
    return _ESCAPES.sub("", child.before)


def _leave(child) -> None:
    """Python ends when told to: no prompt's thread or connection left behind holds it open.

    Told by a typed line rather than ^D: CI once saw Python 3.11 wait 60 s at an empty prompt after ``sendeof()``
    without printing the newline it prints on reading EOF (not reproduced here in 740 tries); a line reaches
    the REPL the same way whatever mode the terminal is in when it arrives.
    """
    child.sendline("raise SystemExit")
    child.expect(pexpect.EOF)


@pytest.mark.skipif(IS_V2, reason="DataJoint 2.x does not prompt")
def test_answering_the_prompt_gives_the_import_however_long_one_takes(university, server, tmp_path):
    child = _python_at_a_terminal(server, tmp_path)
    child.sendline(f"import djschemas.{university} as uni")
    child.expect_exact("Please enter DataJoint username: ")
    time.sleep(2)  # twice DJIMPORT_TIMEOUT: a person typing is not a server that does not answer
    child.sendline(server.user)
    child.expect_exact("Please enter DataJoint password: ")
    child.sendline(server.password)
    shown = _shown_until_the_next_line_runs(child)
    assert "Error" not in shown, shown
    child.sendline("print('students:', len(uni.Student()))")
    child.expect(r"students: (\d+)")
    assert int(child.match.group(1)) > 0
    child.sendline("print('the next line', 'runs')")  # read by Python, not by a prompt left behind
    child.expect_exact("the next line runs")
    _leave(child)


@pytest.mark.skipif(not IS_V2, reason="DataJoint 0.14 prompts")
def test_without_a_user_the_import_fails_at_once_and_the_next_line_runs(university, server, tmp_path):
    child = _python_at_a_terminal(server, tmp_path)
    child.sendline(f"import djschemas.{university} as uni")
    shown = _shown_until_the_next_line_runs(child)
    child.sendline("import sys; print('raised', repr(sys.last_value))")
    child.expect(r"raised \w+Error\((.*)\)\r\n")
    raised = child.match.group(1)
    assert "No user or password is configured for DataJoint server" in raised, raised
    assert "dj.config['database.user']" in raised
    if not _DATAJOINT_HIDES_UNCAUGHT_EXCEPTIONS:
        assert "No user or password is configured for DataJoint server" in shown, shown
        assert "dj.config['database.user']" in shown
    child.sendline("print('the next line', 'runs')")
    child.expect_exact("the next line runs")
    _leave(child)


@pytest.mark.skipif(IS_V2, reason="DataJoint 2.x does not prompt")
def test_a_wrong_password_typed_at_the_prompt_names_the_user_typed(server, tmp_path):
    child = _python_at_a_terminal(server, tmp_path)
    child.sendline("import djschemas.anything")
    child.expect_exact("Please enter DataJoint username: ")
    child.sendline("nobody_here")
    child.expect_exact("Please enter DataJoint password: ")
    child.sendline("wrong-pw")
    message = " ".join(_shown_until_the_next_line_runs(child).split())
    assert f"DataJoint server nobody_here@{server.host}:{server.port} refused the login of user 'nobody_here'" \
        in message, message
    assert "wrong-pw" not in message  # neither echoed by the prompt nor named by the error
    child.sendline("print('the next line', 'runs')")
    child.expect_exact("the next line runs")
    _leave(child)
