"""Fixtures of the test suite: the database servers (tests/servers.py), DataJoint pointed at each backend
under test in turn, fresh schemas, and the import state restored after each test.

When no server can be had the tests that need it are skipped with the reason,
unless ``DJIMPORT_REQUIRE_BACKENDS`` names the backend (CI sets it): then the
missing backend is an error. On DataJoint 0.14 the PostgreSQL tests are skipped
whatever ``DJIMPORT_REQUIRE_BACKENDS`` says.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests import servers
from tests.servers import BACKENDS


def _required(backend: str) -> bool:
    """A backend under test (DJIMPORT_TEST_BACKENDS) that must not be skipped; a test that also
    wants another backend (two servers at once) skips when that one is missing."""
    required = os.environ.get("DJIMPORT_REQUIRE_BACKENDS", "").replace(",", " ").split()
    return backend in required and backend in BACKENDS


def _serve(backend: str):
    try:
        with servers.serve(backend) as server:
            yield server
    except servers.Unavailable as exc:
        if _required(backend):
            pytest.fail(f"{backend} backend required by DJIMPORT_REQUIRE_BACKENDS but unavailable: {exc}")
        pytest.skip(f"no {backend} server: {exc}")


@pytest.fixture(scope="session", autouse=True)
def _outside_the_checkout(tmp_path_factory):
    """The tests test the installed djimport: they run in an empty directory, because a child Python
    (``python -c``, ``python -m``) puts its working directory first on sys.path, where the checkout's
    djimport/ would shadow the installed one (tests/test_installed.py checks both)."""
    compiled = Path(__file__).parent / "djimport" / "__pycache__"
    fresh = not compiled.exists()
    checkout = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("cwd"))
    yield
    os.chdir(checkout)
    # In a fresh clone (CI's), the checkout's djimport/ compiled means a process of the run imported it.
    if fresh and compiled.exists() and "TOX_ENV_DIR" in os.environ:
        pytest.fail(f"a process of this test run imported the checkout's djimport/ (Python wrote {compiled})")


@pytest.fixture(scope="session")
def mysql_server():
    """A MySQL/MariaDB server: external through DJIMPORT_TEST_MYSQL, else a private one."""
    yield from _serve("mysql")


@pytest.fixture(scope="session")
def postgresql_server():
    """A PostgreSQL server (DataJoint 2.x only): external through DJIMPORT_TEST_POSTGRESQL, else the embedded one."""
    import datajoint as dj

    if int(dj.__version__.split(".")[0]) < 2:
        pytest.skip(f"PostgreSQL needs DataJoint 2.x; this is DataJoint {dj.__version__}")
    yield from _serve("postgresql")


@pytest.fixture(autouse=True)
def _private_servers_alive():
    """A private server that dies during the run ends the run at once, with one error naming it and its log
    (instead of every later test failing on its own)."""
    _exit_if_a_server_died()
    yield
    _exit_if_a_server_died()


def _exit_if_a_server_died() -> None:
    for server in servers.running():
        if server.died():
            pytest.exit(server.death_notice(), returncode=pytest.ExitCode.INTERNAL_ERROR)


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


class Clock:
    """A clock that tests move by hand (``clock.now += 61``)."""

    now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    """The default root's listings on a clock the test moves."""
    import djschemas  # noqa: F401
    from djimport._cache import Listings
    from djimport._root import roots

    root = roots["djschemas"]
    saved = root.listings
    clock = Clock()
    root.listings = Listings(root._fetch_schemas, root._fetch_tables, ttl=60, timer=clock)
    yield clock
    root.listings = saved
