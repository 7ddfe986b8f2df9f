"""One fresh benchmark process: ``python -m benchmarks.child`` with a JSON job on stdin.

It imports DataJoint, connects through the latency proxy, builds one schema's
module with one tool and prints one JSON line of results. Queries are counted
at the server through a direct (unproxied) connection, so they include
everything any connection of this process sends.
"""

from __future__ import annotations

import gc
import importlib
import json
import linecache
import statistics
import sys
import time
import tracemalloc

from benchmarks.backend import BACKENDS, Counter

TOOLS = ("djimport", "virtualmodule")


def _configure(job: dict) -> object:
    import datajoint as dj

    dj.config["database.host"] = "127.0.0.1"
    dj.config["database.port"] = job["proxy_port"]
    dj.config["database.user"] = job["user"]
    dj.config["database.password"] = job["password"]
    dj.config["database.use_tls"] = False
    if int(dj.__version__.split(".")[0]) >= 2:
        dj.config["database.backend"] = job["backend"]
    dj.config["loglevel"] = "WARNING"
    return dj


def _import_djimport():
    import djschemas  # noqa: F401  (installs the finder)
    import djimport

    return djimport


def _build(tool: str, schema: str):
    if tool == "djimport":
        return importlib.import_module(f"djschemas.{schema}")
    import datajoint as dj

    return dj.VirtualModule("bench", schema)


def _rebuild(tool: str, module, schema: str):
    if tool == "djimport":
        return importlib.reload(module)
    return _build(tool, schema)


def tables_of(module) -> list[type]:
    """Every table class of a module, parts included, whichever tool built it."""
    from datajoint.user_tables import Part, UserTable

    found = []
    for value in list(vars(module).values()):
        if isinstance(value, type) and issubclass(value, UserTable) and not issubclass(value, Part):
            found.append(value)
            found.extend(v for v in vars(value).values() if isinstance(v, type) and issubclass(v, Part))
    return found


class _Phases:
    def __init__(self, counter: Counter) -> None:
        self.counter, self.results = counter, {}

    def measure(self, phase: str, action, repeat: int = 1):
        """Run ``action`` ``repeat`` times; record the median seconds and the queries of one run."""
        times, before = [], self.counter.read()
        for _ in range(repeat):
            start = time.perf_counter()
            value = action()
            times.append(time.perf_counter() - start)
        self.results[phase] = {"s": statistics.median(times), "q": self.counter.since(before) / repeat}
        return value


def run_import(job: dict) -> dict:
    """Cold import, heading loads and reloads of one schema with one tool."""
    start = time.perf_counter()
    dj = _configure(job)
    import_datajoint = time.perf_counter() - start
    backend = BACKENDS[job["backend"]].attach(job)
    admin = backend.admin()
    counter = Counter(backend, admin)
    phases = _Phases(counter)
    tool, schema = job["tool"], job["schema"]
    phases.measure("connect", dj.conn)
    if tool == "djimport":
        djimport = phases.measure("import djschemas", _import_djimport)
        # "Within TTL" must be within it however long the heading loads take (DataJoint's own
        # per-table loads on PostgreSQL: 85 s at N = 1000, +10 ms); expiry is invalidate_caches().
        djimport.set_ttl(3600)
    module = phases.measure("cold import", lambda: _build(tool, schema))
    n_classes = len(tables_of(module))
    phases.measure("first use of every table (headings)", lambda: [t.heading.attributes for t in tables_of(module)])
    if tool == "djimport":
        phases.measure("reload within TTL", lambda: _rebuild(tool, module, schema), repeat=20)

        def expired():
            djimport.invalidate_caches()  # exactly what TTL expiry does: the cached listing is gone
            return _rebuild(tool, module, schema)

        phases.measure("reload after TTL, no change", expired)
    else:
        # A VirtualModule has no cache: "reloading" is building it again, the same work each time.
        phases.measure("reload within TTL", lambda: _rebuild(tool, module, schema))
        phases.results["reload after TTL, no change"] = phases.results["reload within TTL"]
    backend.execute(admin, backend.add_table_sql(schema))
    try:
        if tool == "djimport":
            module = phases.measure("reload after TTL, one table added", expired)
        else:
            module = phases.measure("reload after TTL, one table added", lambda: _rebuild(tool, module, schema))
        added = len(tables_of(module)) - n_classes
    finally:
        backend.execute(admin, backend.drop_added_sql(schema))
    module = expired() if tool == "djimport" else _rebuild(tool, module, schema)  # the added table gone again
    [t.heading.attributes for t in tables_of(module)]
    backend.execute(admin, backend.alter_table_sql(schema))
    try:
        if tool == "djimport":
            module = phases.measure("reload after TTL, one table altered", expired)
        else:
            module = phases.measure("reload after TTL, one table altered", lambda: _rebuild(tool, module, schema))
        phases.measure("first use after it", lambda: [t.heading.attributes for t in tables_of(module)])
        altered = "bench_weight" in module.Node0.heading.names
    finally:
        backend.execute(admin, backend.unalter_sql(schema))
    return {
        "import datajoint": import_datajoint, "tables": n_classes, "added": added, "altered": altered,
        "phases": phases.results,
    }


def _settled() -> int:
    """Traced bytes once garbage is collected and the connection has let go of its last result
    (the client library keeps the rows of the last query until the next one)."""
    import datajoint as dj

    dj.conn().query("SELECT 1").fetchall()
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def run_memory(job: dict) -> dict:
    """Bytes traced (tracemalloc) per table: building the module, then loading every heading."""
    dj = _configure(job)
    dj.conn()
    if job["tool"] == "djimport":
        import djschemas  # noqa: F401  (the package itself is not per-schema memory)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    module = _build(job["tool"], job["schema"])
    tables = tables_of(module)
    built = _settled()
    own = [stat for stat in tracemalloc.take_snapshot().statistics("lineno") if "/djimport/" in stat.traceback[0].filename]
    for table in tables:
        table.heading.attributes
    loaded = _settled()
    n = len(tables)
    lines = [
        (f"{frame.filename.rpartition('/djimport/')[2]}:{frame.lineno} `{linecache.getline(frame.filename, frame.lineno).strip()}`",
         stat.size / n)
        for stat in own[:4]
        for frame in [stat.traceback[0]]
    ]
    return {
        "tables": n, "module": (built - base) / n, "djimport code": sum(stat.size for stat in own) / n,
        "djimport lines": lines, "headings": (loaded - built) / n,
    }


def run_first(job: dict) -> dict:
    """Import plus the first use of every heading, in a fresh process already connected (issue 28); with
    ``profile``, the cProfile statistics of that step too; with ``phases``, where its time went (:func:`_phases`)."""
    dj = _configure(job)
    backend = BACKENDS[job["backend"]].attach(job)
    counter = Counter(backend, backend.admin())
    dj.conn()
    if job["tool"] == "djimport":
        _import_djimport()
    spent = _phases() if job.get("phases") else None
    before = counter.read()
    profiler = None
    if job.get("profile"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    module = _build(job["tool"], job["schema"])
    tables = tables_of(module)
    for table in tables:
        table.heading.attributes
    elapsed = time.perf_counter() - start
    result = {"s": elapsed, "q": counter.since(before), "tables": len(tables)}
    if spent is not None:
        result["phases"] = {**spent, "djimport": elapsed - spent["server"] - spent["datajoint"]}
    if profiler is not None:
        import io
        import pstats

        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        result["profile"] = out.getvalue()
    return result


def _phases() -> dict[str, float]:
    """Seconds spent from now on in the server's round trips (djimport's statements sent, and their rows read
    by the driver: ``_catalog.send``) and in DataJoint building headings from the rows djimport hands it
    (``Heading._init_from_database`` less djimport's answers to its statements), by wrapping those functions;
    ``imports`` is the time, before that, of importing what djimport builds modules with (the plain run pays
    it within its import)."""
    start = time.perf_counter()
    from djimport import _catalog, _datajoint, _headings  # noqa: F401  (the building layer)

    spent = {"imports": time.perf_counter() - start, "server": 0.0, "datajoint": 0.0}

    def timed(function, key: str, sign: float = 1.0):
        def wrapper(*args, **kwargs):
            begun = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[key] += sign * (time.perf_counter() - begun)
        return wrapper

    _catalog.send = timed(_catalog.send, "server")
    heading = _datajoint.Heading
    heading._init_from_database = timed(heading._init_from_database, "datajoint")
    _headings.SchemaHeadings.answer = timed(_headings.SchemaHeadings.answer, "datajoint", -1.0)
    return spent


def run_stubs(job: dict) -> dict:
    """``djimport stubs`` of the schemas named (``schemas``) into a new directory, then ``stubs --check`` of them,
    in a fresh process already connected (issue 28): the time and the statements of each."""
    import tempfile
    import warnings

    dj = _configure(job)
    backend = BACKENDS[job["backend"]].attach(job)
    counter = Counter(backend, backend.admin())
    connection = dj.conn()
    _import_djimport()
    from djimport.stubs import check_stubs, write_stubs

    warnings.filterwarnings("ignore", "Schema .* has no ~lineage table")  # the benchmark's schemas are plain SQL
    with tempfile.TemporaryDirectory() as directory:
        before = counter.read()
        start = time.perf_counter()
        write_stubs(job["schemas"], directory)
        written, after = time.perf_counter() - start, counter.read()
        start = time.perf_counter()
        report = check_stubs(directory, job["schemas"], connection)
        checked = time.perf_counter() - start
    assert report == [], report
    return {"s": written, "q": counter.between(before, after), "check_s": checked, "check_q": counter.since(after)}


def run_many(job: dict) -> dict:
    """One of many simultaneous clients: connect, report ready, import on 'go'."""
    dj = _configure(job)
    dj.conn()
    print("ready", flush=True)
    sys.stdin.readline()
    start = time.perf_counter()
    module = _build(job["tool"], job["schema"])
    return {"s": time.perf_counter() - start, "tables": len(tables_of(module))}


if __name__ == "__main__":
    job = json.loads(sys.stdin.readline())
    result = {"import": run_import, "memory": run_memory, "many": run_many, "first": run_first,
              "stubs": run_stubs}[job["mode"]](job)
    print(json.dumps(result), flush=True)
