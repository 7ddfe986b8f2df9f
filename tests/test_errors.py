"""Errors name what went wrong, where, and how to fix it."""

import socket
import subprocess
import sys

import pytest

import djimport


def test_missing_schema_names_it_the_server_close_matches_and_the_fix(university, server):
    typo = university[:-1] + "x"
    with pytest.raises(ModuleNotFoundError) as info:
        __import__(f"djschemas.{typo}")
    message = str(info.value)
    assert f"`{typo}`" in message
    assert f"{server.user}@{server.host}:{server.port}" in message
    assert f"Did you mean '{university}'" in message
    assert "create_schema=True" in message
    assert info.value.name == f"djschemas.{typo}"
    assert f"djschemas.{typo}" not in sys.modules


def test_from_import_of_missing_schema_gives_the_same_message(university):
    with pytest.raises(ModuleNotFoundError, match="Did you mean"):
        exec(f"from djschemas import {university}x")


def test_missing_schema_through_load(university):
    with pytest.raises(ModuleNotFoundError, match="No schema `no-such-schema`"):
        djimport.load("no-such-schema")


def test_unreachable_server_raises_import_error_naming_it(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    code = (
        "import datajoint as dj\n"
        f"dj.config['database.host'] = '127.0.0.1:{port}'\n"
        "dj.config['database.user'] = 'alice'\n"
        "dj.config['database.password'] = 'pw-do-not-show'\n"
        "dj.config['database.use_tls'] = False\n"
        "try:\n"
        "    import djschemas.anything\n"
        "except ImportError as e:\n"
        "    print(type(e).__name__, '|', e)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.stdout.startswith("ImportError |"), result.stdout + result.stderr
    assert f"alice@127.0.0.1:{port}" in result.stdout
    assert "pw-do-not-show" not in result.stdout + result.stderr
