"""DataJoint's notices that repeat without news (MariaDB not officially supported, the fallback from TLS when
``use_tls`` is unset, a join without lineage) are shown once per process, the log lines on one line: a user sees
the line that matters."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from djimport._datajoint import IS_V2
from tests.test_server_kind import postgresql_address  # noqa: F401  (fixture: the PostgreSQL server over TCP)


pytestmark = pytest.mark.skipif(not IS_V2, reason="DataJoint 2.x's notices")

# Three connections to the server, as a process with djimport and mounts of its own has them.
SCRIPT = textwrap.dedent("""
    import importlib, os, sys
    import datajoint as dj
    import djimport
    host, port, user, backend, schema = sys.argv[1:]
    settings = dict(host=host, port=int(port), user=user, password=os.environ["DJIMPORT_TEST_PASSWORD"])
    dj.config["database.backend"] = backend
    for key, value in settings.items():
        dj.config[f"database.{key}"] = value
    uni = djimport.load(schema)
    for name in ("one", "two"):
        djimport.mount(name, connection=dj.Connection(settings["host"], settings["user"], settings["password"],
                                                      settings["port"]))
        importlib.import_module(f"{name}.{schema}")
    print("done")
""")


def _stderr_of(server, host: str, port: int, university: str) -> list[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJ_")}
    env.update(DJIMPORT_TEST_PASSWORD=server.password, DJ_LOG_STREAM="stderr")
    result = subprocess.run([sys.executable, "-c", SCRIPT, host, str(port), server.user, server.backend, university],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.stdout == "done\n", result.stdout + result.stderr
    return [line for line in result.stderr.splitlines() if " connected to " not in line]


def test_mariadb_notice_once_per_process(university, server):
    if server.backend != "mysql":
        pytest.skip("a notice about MariaDB")
    lines = _stderr_of(server, server.host, server.port, university)
    notices = [line for line in lines if "MariaDB is not officially supported" in line]
    if not notices:
        pytest.skip("the server is MySQL, not MariaDB")
    assert len(notices) == 1, lines


def test_tls_fallback_notice_once_per_process_on_one_line(university, server, request):
    if server.backend != "postgresql":
        pytest.skip("the PostgreSQL driver's fallback from TLS")
    # Over TCP: psycopg2 tries TLS first, which the embedded server lacks.
    host, port = request.getfixturevalue("postgresql_address")
    lines = [line for line in _stderr_of(server, host, port, university) if "SSL" in line]
    assert [line.split("]", 2)[-1] for line in lines] == [
        f": SSL connection failed (connection to server at \"{host}\", port {port} failed: server does not support "
        "SSL, but SSL was required ). Falling back to non-SSL connection. To require SSL, set use_tls=True explicitly."
    ], lines


def test_join_without_lineage_notice_once_per_process(university, server, connection):
    if server.backend != "mysql":
        pytest.skip("DataJoint 0.14 never declared a PostgreSQL schema: no schema lacks its lineage there")
    from tests.helpers import quote

    connection.query(f"DROP TABLE IF EXISTS {quote(connection, university, '~lineage')}")
    joins = textwrap.dedent("""
        import datajoint as dj, djimport, os, sys
        host, port, user, backend, schema = sys.argv[1:]
        for key, value in dict(host=host, port=int(port), user=user, backend=backend,
                               password=os.environ["DJIMPORT_TEST_PASSWORD"]).items():
            dj.config[f"database.{key}"] = value
        uni = djimport.load(schema)
        for _ in range(3):
            try:
                len(uni.Student - uni.StudentMajor)
            except dj.DataJointError:  # the first join, before DataJoint notices the missing table
                pass
    """)
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJ_")}
    env.update(DJIMPORT_TEST_PASSWORD=server.password, DJ_LOG_STREAM="stderr")
    result = subprocess.run([sys.executable, "-c", joins, server.host, str(server.port), server.user, server.backend,
                             university], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if "Semantic check disabled" in line]
    assert len(said) == 1, result.stderr
