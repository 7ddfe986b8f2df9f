"""``djimport.mount``: a second root package bound to an explicit connection, beside ``djschemas``."""

from __future__ import annotations

import importlib
import sys

import datajoint as dj
import pytest

import djimport
from djimport._datajoint import IS_V2
from djimport._root import roots
from tests.helpers import server_queries


@pytest.fixture
def open_connection():
    """``open_connection(server)``: a connection of its own to ``server``, not DataJoint's default one;
    closed after the test."""
    opened = []

    def open_connection(server):
        if IS_V2:
            conn = dj.Instance(
                host=server.host, user=server.user, password=server.password, port=server.port, use_tls=False,
                backend=server.backend,
            ).connection
        else:
            conn = dj.Connection(server.host, server.user, server.password, port=server.port, use_tls=False)
        opened.append(conn)
        return conn

    yield open_connection
    for conn in opened:
        conn.close()


@pytest.fixture
def mount():
    """``djimport.mount``, unmounting whatever the test mounted."""
    names = []

    def mount(name, connection):
        package = djimport.mount(name, connection=connection)
        names.append(name)
        return package

    yield mount
    for name in names:
        if name in roots:
            djimport.unmount(name)


def test_mounted_root_imports_schemas_of_its_connection(university, server, mount, open_connection):
    conn = open_connection(server)
    labdb = mount("labdb", conn)
    assert sys.modules["labdb"] is labdb and labdb.__path__ == []
    namespace = {}
    exec(f"import labdb.{university} as uni", namespace)  # the import statement itself
    uni = namespace["uni"]
    assert uni is sys.modules[f"labdb.{university}"]
    assert uni.Student.connection is conn
    assert university in dir(labdb)
    assert getattr(labdb, university) is uni
    assert len(uni.Student - uni.StudentMajor) > 0


def test_each_root_has_its_own_cache(university, server, connection, mount, open_connection):
    conn = open_connection(server)
    mount("labdb", conn)
    djimport.load(university)
    with server_queries(conn) as count:
        importlib.import_module(f"labdb.{university}")
    assert count.queries == 1, "djschemas' cached listing is not labdb's"
    djimport.invalidate_caches()
    with server_queries(conn) as count:
        importlib.reload(sys.modules[f"labdb.{university}"])
    assert count.queries == 1


def test_create_tables_by_name_under_a_mounted_root(schema_name, server, mount, open_connection):
    mount("labdb", open_connection(server))
    with djimport.create_tables(f"labdb.{schema_name}", create_schema=True) as mod:

        @mod.schema
        class Thing(dj.Manual):
            definition = "thing_id : int\n"

    assert sys.modules[f"labdb.{schema_name}"].Thing is Thing


def test_missing_schema_under_a_mounted_root_names_the_root(university, server, mount, open_connection):
    mount("labdb", open_connection(server))
    with pytest.raises(ModuleNotFoundError, match=r"create_tables\('labdb\.nope'"):
        importlib.import_module("labdb.nope")


def test_unreachable_mounted_server_is_an_import_error_naming_the_mount(university, server, mount, open_connection):
    mount("labdb", open_connection(server))
    server.stop()
    try:
        with pytest.raises(ImportError, match="Check the connection mounted as 'labdb'"):
            importlib.import_module(f"labdb.{university}")
    finally:
        server.start()
        dj.conn(reset=True)  # DataJoint 2.x does not reconnect a PostgreSQL connection the restart closed


def test_unmount_removes_the_root_and_its_modules(university, server, mount, open_connection):
    mount("labdb", open_connection(server))
    importlib.import_module(f"labdb.{university}")
    djimport.unmount("labdb")
    assert not [name for name in sys.modules if name == "labdb" or name.startswith("labdb.")]
    assert "labdb" not in roots
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(f"labdb.{university}")


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        ("lab-db", ValueError, "identifier"),
        ("class", ValueError, "identifier"),
        ("json", ValueError, "already an importable module"),
        ("djschemas", ValueError, "already"),
    ],
)
def test_mount_rejects_bad_names(name, error, message, server, connection):
    with pytest.raises(error, match=message):
        djimport.mount(name, connection=connection)


def test_mount_needs_a_connection_and_a_free_name(server, connection, mount):
    with pytest.raises(TypeError, match="needs a DataJoint connection"):
        djimport.mount("labdb", connection="mysql://root@localhost")
    mount("labdb", connection)
    with pytest.raises(ValueError, match="already mounted"):
        djimport.mount("labdb", connection=connection)
    with pytest.raises(ValueError, match="not mounted"):
        djimport.unmount("djschemas")


def test_mysql_and_postgresql_at_once(mysql_server, postgresql_server, mount, open_connection):
    """Two servers in one process: djschemas on MySQL, a mounted root on PostgreSQL."""
    from djimport import example

    mysql_server.start()
    postgresql_server.start()
    mysql_server.configure_datajoint()
    dj.conn(reset=True)
    pg = open_connection(postgresql_server)
    name = "djtest_two_servers"
    pg.query(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    example.fill(example.declare(name, connection=pg))
    try:
        pgdb = mount("pgdb", pg)
        assert name in dir(pgdb) and name not in dir(importlib.import_module("djschemas"))
        pg_uni = importlib.import_module(f"pgdb.{name}")
        assert pg_uni.Student.connection is pg and len(pg_uni.Student()) == 60
    finally:
        pg.query(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.mark.skipif(not IS_V2, reason="thread-safe mode is DataJoint 2.x's")
def test_thread_safe_mode_works_through_a_mounted_instance(university, server, mount, monkeypatch, open_connection):
    monkeypatch.setenv("DJ_THREAD_SAFE", "true")
    with pytest.raises(dj.errors.ThreadSafetyError):
        dj.conn()
    with pytest.raises(ImportError, match=r"thread-safe mode .*djimport\.mount"):
        djimport.load(university)
    conn = open_connection(server)
    mount("labdb", conn)
    uni = importlib.import_module(f"labdb.{university}")
    assert len(uni.Student - uni.StudentMajor) > 0
    with djimport.create_tables(uni):

        @uni.schema
        class Advisor(dj.Manual):
            definition = """
            -> Student
            ---
            advisor_name : varchar(40)
            """

    Advisor.insert1({"student_id": 0, "advisor_name": "Dr. Who"})
    djimport.invalidate_caches()
    importlib.reload(uni)
    assert uni.Advisor is Advisor and len(uni.Advisor()) == 1
