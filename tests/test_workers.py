"""Worker processes: parallel populate, and classes and queries sent to multiprocessing, concurrent.futures and Dask."""

import concurrent.futures
import functools
import importlib
import json
import multiprocessing
import pickle
import sys
import threading
import warnings

import datajoint as dj
import pytest

import djimport
from tests.helpers import drop_schema_raw

pytestmark = pytest.mark.filterwarnings("ignore:fetch\\(\\) is deprecated:DeprecationWarning")  # 2.x; fetch() serves both lines


@pytest.fixture
def worker_config(server, tmp_path, monkeypatch):
    """Worker processes find the server as a lab's do: DataJoint's config file in the working directory
    (0.14) and DJ_* variables (2.x). Under spawn, settings made in code stay in the parent."""
    config = {
        "database.host": server.host, "database.port": server.port, "database.user": server.user,
        "database.password": server.password, "database.use_tls": False,
    }
    (tmp_path / "dj_local_conf.json").write_text(json.dumps(config))
    monkeypatch.chdir(tmp_path)
    for name, value in [("DJ_HOST", server.host), ("DJ_PORT", str(server.port)), ("DJ_USER", server.user),
                        ("DJ_PASS", server.password), ("DJ_BACKEND", server.backend), ("DJ_USE_TLS", "false")]:
        monkeypatch.setenv(name, value)


@pytest.fixture
def pipeline(university, worker_config, connection, monkeypatch):
    """tests.workers_pipeline on ``university``, which has gained a Computed table ``Initial`` meanwhile."""
    with djimport.create_tables(university) as uni:

        @uni.schema
        class Initial(dj.Computed):
            definition = """
            -> uni.Student
            ---
            initial : char(1)
            """

    del sys.modules[uni.__name__]  # the pipeline imports the schema afresh, as its workers will
    monkeypatch.setenv("DJIMPORT_TEST_WORKERS_SCHEMA", university)
    yield importlib.import_module("tests.workers_pipeline")
    del sys.modules["tests.workers_pipeline"]
    drop_schema_raw(connection, university + "_own")


@pytest.fixture(params=["spawn", "fork"])
def start_method(request):
    previous = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method(request.param, force=True)
    yield request.param
    multiprocessing.set_start_method(previous, force=True)


def populate_in_pool(table, seconds: float = 120) -> None:
    """``table.populate(reserve_jobs=True, processes=2)``; pool workers still alive after ``seconds`` are
    killed, with a warning, so that a hang ends in this test's assertions instead of stopping the run.

    Seen once in ~40 runs, DataJoint 2.3.5 on MariaDB under fork: the pool's shutdown (Pool.__exit__ ->
    terminate -> join) waited forever on a worker blocked on the pool's task-queue lock, its sibling gone.
    DataJoint's, with or without djimport: the workers inherit populate's Python SIGTERM handler, which can miss
    the pool's SIGTERM (docs/threads-and-forks.md; counted by benchmarks/populate_hang.py).
    """
    done = threading.Event()

    def watchdog() -> None:
        if not done.wait(seconds):
            stuck = multiprocessing.active_children()
            warnings.warn(f"populate's pool still had {len(stuck)} worker(s) after {seconds:g} s: killed")
            for child in stuck:
                child.kill()

    threading.Thread(target=watchdog, name="populate-watchdog", daemon=True).start()
    try:
        table.populate(reserve_jobs=True, processes=2)
    finally:
        done.set()


def test_parallel_populate_fills_every_row(pipeline, start_method):
    # Initial is a table of the imported schema; NameLength one of the pipeline's own, in a process
    # that imported djimport. DataJoint 0.14 pickles the table and its connection into the pool.
    for table in (pipeline.Initial, pipeline.NameLength):
        populate_in_pool(table)
        assert len(table()) == len(pipeline.uni.Student()) > 0


def seen_by_worker(query) -> tuple:
    """What a process makes of ``query``: its class's module and name, whether the class is the one
    that module has (not a copy), and the query's rows."""
    cls = query if isinstance(query, type) else type(query)
    module = importlib.import_module(cls.__module__)
    same = functools.reduce(getattr, cls.__qualname__.split("."), module) is cls
    rows = (query() if isinstance(query, type) else query).fetch(as_dict=True, order_by="KEY")
    return cls.__module__, cls.__qualname__, same, rows


def queries(uni) -> list:
    return [
        uni.Student,
        uni.Student(),
        uni.Student & {"sex": "F"},
        uni.Student - uni.StudentMajor,
        uni.Student.proj("last_name"),
        uni.Enroll & (uni.Student & {"sex": "M"}),
    ]


def in_pool(items: list) -> list:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.map(seen_by_worker, items)


def in_executor(items: list) -> list:
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as executor:
        return list(executor.map(seen_by_worker, items))


def on_dask(items: list) -> list:
    import distributed

    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        with distributed.Client(cluster) as client:
            return client.gather(client.map(seen_by_worker, items, pure=False))


@pytest.mark.parametrize("run", [in_pool, in_executor, on_dask], ids=["multiprocessing", "futures", "dask"])
def test_classes_and_queries_travel_to_worker_processes(university, worker_config, run):
    uni = djimport.load(university)
    items = queries(uni)
    here = [seen_by_worker(item) for item in items]
    assert all(same for _, _, same, _ in here) and all(rows for *_, rows in here)
    assert run(items) == here


def test_a_join_holds_the_connection_and_does_not_travel(university):
    # DataJoint keeps the connection in a join; the README says what to send instead.
    uni = djimport.load(university)
    with pytest.raises(TypeError, match="cannot pickle"):
        pickle.dumps(uni.Student * uni.StudentMajor)


def test_djimport_stores_nothing_on_datajoint_objects(university, connection):
    uni = djimport.load(university)
    assert uni.Student.heading.names  # headings loaded, through djimport's schema-wide reader
    importlib.reload(uni)
    with djimport.create_tables(uni):

        @uni.schema
        class Example(dj.Manual):
            definition = "-> uni.Student"

    assert not [name for name in vars(connection) if "djimport" in name]
    plain = dj.Schema(university, connection=connection, create_schema=False)
    assert set(vars(uni.schema)) <= set(vars(plain))
    # DataJoint 0.14 pickles the schemas of a connection into populate's workers: the module's
    # namespace (the schema's context) must pickle, and stand for the same module on the other side
    # (but for the connection, which DataJoint closes first, and for Example, a class local to this test).
    namespace = {name: value for name, value in vars(uni).items() if name not in ("schema", "Example")}
    restored = pickle.loads(pickle.dumps(namespace))
    assert restored["__loader__"] is uni.__loader__ and restored["Student"] is uni.Student
    assert type(pickle.loads(pickle.dumps(uni.Student.heading))) is type(uni.Student.heading)
