"""Threads and processes importing, reloading and declaring at once: no deadlock, no error,
every table present afterwards, and no half-built module visible."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

import datajoint as dj
import pytest

import djimport
from conftest import drop_schema
from tests.helpers import forget_default_connection

JOIN = 60  # seconds: far above the expected, far below "hung"


def _run(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN)
    assert not any(thread.is_alive() for thread in threads), "deadlock: threads still running"


def _item(name: str) -> type:
    return type(name, (dj.Manual,), {"definition": "item_id : int\n---\nvalue : int\n"})


def _second_connection(server):
    """A connection of its own, for changing the server behind djimport's back."""
    return dj.Connection(server.host, server.user, server.password, port=server.port, use_tls=False)


@pytest.fixture
def small_schemas(connection):
    """Four schemas of two tables each (a master with a part, and a lookup)."""
    names = [f"djtest_{uuid.uuid4().hex[:10]}" for _ in range(4)]
    for name in names:
        schema = dj.Schema(name, connection=connection, context={})

        @schema
        class Thing(dj.Manual):
            definition = "thing_id : int\n"

            class Piece(dj.Part):
                definition = "-> master\npiece : int\n"

        @schema
        class Kind(dj.Lookup):
            definition = "kind : varchar(8)\n"

    yield names
    for name in names:
        drop_schema(name)


def test_sixteen_threads_import_same_and_different_schemas(small_schemas):
    forget_default_connection()  # the threads also race to open DataJoint's connection
    barrier = threading.Barrier(16)
    got: dict[int, object] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            barrier.wait()
            got[i] = djimport.load(small_schemas[i % len(small_schemas)])
        except BaseException as exc:
            errors.append(exc)

    _run([threading.Thread(target=work, args=(i,)) for i in range(16)])
    assert not errors, errors
    assert len({id(module.schema.connection) for module in got.values()}) == 1
    for i, module in got.items():
        assert module is sys.modules[f"djschemas.{small_schemas[i % len(small_schemas)]}"]
        assert module.__all__ == ["Kind", "Thing"]
        assert module.Thing.Piece.table_name == "thing__piece"
        assert len(module.Thing()) == 0


def test_reloads_racing_attribute_access(server, small_schemas):
    name = small_schemas[0]
    module = djimport.load(name)
    stable = {attr: getattr(module, attr) for attr in module.__all__}
    done = threading.Event()
    errors: list[BaseException] = []

    def reload_loop() -> None:
        try:
            while not done.is_set():
                djimport.invalidate_caches()
                importlib.reload(module)
        except BaseException as exc:
            errors.append(exc)

    def read_loop() -> None:
        try:
            while not done.is_set():
                for attr, cls in stable.items():
                    assert getattr(module, attr) is cls
                for attr in list(module.__all__):
                    cls = getattr(module, attr)  # a name in __all__ is always there ...
                    assert cls.database == name and cls._heading is not None  # ... and fully bound
        except BaseException as exc:
            errors.append(exc)

    other = _second_connection(server)
    try:
        behind = dj.Schema(name, connection=other, context={})

        def add_tables() -> None:
            try:
                for k in range(6):
                    behind(_item(f"Added{k}"))
                    time.sleep(0.05)
            except BaseException as exc:
                errors.append(exc)
            finally:
                done.set()

        _run([threading.Thread(target=f) for f in (reload_loop, read_loop, read_loop, add_tables)])
    finally:
        other.close()
    assert not errors, errors
    djimport.invalidate_caches()
    importlib.reload(module)
    assert module.__all__ == sorted(["Kind", "Thing"] + [f"Added{k}" for k in range(6)])
    assert all(getattr(module, attr) is cls for attr, cls in stable.items())


def test_two_threads_inside_create_tables_on_one_schema(small_schemas):
    name = small_schemas[0]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def declare(tag: str) -> None:
        try:
            with djimport.create_tables(name) as module:
                barrier.wait()
                for k in range(3):
                    module.schema(_item(f"Thread{tag}Item{k}"))
        except BaseException as exc:
            errors.append(exc)

    _run([threading.Thread(target=declare, args=(tag,)) for tag in "AB"])
    assert not errors, errors
    expected = sorted(["Kind", "Thing"] + [f"Thread{t}Item{k}" for t in "AB" for k in range(3)])
    module = sys.modules[f"djschemas.{name}"]
    assert module.__all__ == expected
    djimport.invalidate_caches()
    before = {attr: getattr(module, attr) for attr in module.__all__}
    importlib.reload(module)
    assert {attr: getattr(module, attr) for attr in module.__all__} == before  # the server agrees
    for attr in expected:
        assert len(getattr(module, attr)()) == 0  # each table is really there


SCRIPT = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    import datajoint as dj
    import djimport

    host, port, user, backend, name, tag, go = sys.argv[1:]
    password = os.environ["DJIMPORT_TEST_PASSWORD"]  # not on the command line, where ps shows it
    for key, value in [("host", host), ("port", int(port)), ("user", user), ("password", password),
                       ("use_tls", False)]:
        dj.config[f"database.{key}"] = value
    if int(dj.__version__.split(".")[0]) >= 2:
        dj.config["database.backend"] = backend
    while not Path(go).exists():
        time.sleep(0.01)
    with djimport.create_tables(name) as module:
        for k in range(3):
            module.schema(type(f"Proc{tag}Item{k}", (dj.Manual,), {"definition": "item_id : int\\n"}))
    print(" ".join(module.__all__))
""")


def test_two_processes_add_different_tables_at_once(server, small_schemas, tmp_path: Path):
    name = small_schemas[0]
    go = tmp_path / "go"
    args = [server.host, str(server.port), server.user, server.backend, name]
    env = {**os.environ, "DJIMPORT_TEST_PASSWORD": server.password}
    procs = [
        subprocess.Popen([sys.executable, "-c", SCRIPT, *args, tag, str(go)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env)
        for tag in "AB"
    ]
    time.sleep(0.5)
    go.touch()
    outputs = [proc.communicate(timeout=JOIN) for proc in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
    for tag, (out, _) in zip("AB", outputs):
        assert {f"Proc{tag}Item{k}" for k in range(3)} <= set(out.split())
    module = djimport.load(name)
    assert module.__all__ == sorted(["Kind", "Thing"] + [f"Proc{t}Item{k}" for t in "AB" for k in range(3)])


def test_sixteen_threads_reloading_after_the_ttl_list_the_schema_once(small_schemas, monkeypatch):
    from djimport._cache import Listings
    from djimport._root import roots

    module = djimport.load(small_schemas[0])
    root = roots["djschemas"]
    now = [0.0]
    listed: list[str] = []

    def fetch_tables(schema: str) -> tuple | None:
        listed.append(schema)
        return root._fetch_tables(schema)

    monkeypatch.setattr(root, "listings", Listings(root._fetch_schemas, fetch_tables, ttl=10, timer=lambda: now[0]))
    importlib.reload(module)
    assert listed == [small_schemas[0]]
    now[0] = 10  # the listing has expired
    barrier = threading.Barrier(16)
    errors: list[BaseException] = []

    def reload() -> None:
        try:
            barrier.wait()
            importlib.reload(module)
        except BaseException as exc:
            errors.append(exc)

    _run([threading.Thread(target=reload) for _ in range(16)])
    assert not errors, errors
    assert listed == [small_schemas[0]] * 2  # once more for all sixteen: importlib runs one reload at a time
