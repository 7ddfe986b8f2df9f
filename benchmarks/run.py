"""Run the djimport vs ``dj.VirtualModule`` benchmark and print (or write) a markdown report.

    python -m benchmarks            # full run: N = 10, 50, 200, 1000 at +0, 1, 10 ms (< 10 min)
    python -m benchmarks --quick    # N = 10, 50 at +0, 10 ms, 8 clients (< 1 min)

Run it from the repository root with the Python of the environment to measure
(DataJoint 0.14 or 2.x installed, djimport installed or importable).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

from benchmarks import child, report
from benchmarks.backend import BACKENDS, Counter

REPO = Path(__file__).resolve().parent.parent
FULL = {"sizes": [10, 50, 200, 1000], "latencies": [0, 1, 10], "clients": 32, "many_size": 200, "startup_runs": 60}
QUICK = {"sizes": [10, 50], "latencies": [0, 10], "clients": 8, "many_size": 50, "startup_runs": 20}


def _schema(n: int) -> str:
    return f"djbench_n{n}"


def _child(job: dict) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.child"], input=json.dumps(job) + "\n",
        capture_output=True, text=True, cwd=REPO, timeout=600,
    )
    if result.returncode:
        raise RuntimeError(f"benchmark process failed for {job['mode']} {job.get('tool')}:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def _proxies(backend, latencies: list[float]):
    procs, ports = [], {}
    try:
        for ms in latencies:
            proc = subprocess.Popen(
                [sys.executable, "-m", "benchmarks.proxy", backend.proxy_target(), str(ms)],
                stdout=subprocess.PIPE, text=True, cwd=REPO,
            )
            procs.append(proc)
            ports[ms] = int(proc.stdout.readline())
        yield ports
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)


def _declare(backend, sizes: list[int]) -> None:
    import datajoint as dj

    from tests.synthetic import declare_pipeline

    dj.config["database.host"], dj.config["database.port"] = backend.host, backend.port
    dj.config["database.user"], dj.config["database.password"] = backend.user, backend.password
    dj.config["database.use_tls"] = False
    if int(dj.__version__.split(".")[0]) >= 2:
        dj.config["database.backend"] = backend.name
    logging.getLogger("datajoint").setLevel(logging.ERROR)  # native-type advice on the synthetic tables
    with backend.admin() as admin:
        for n in sizes:
            backend.execute(admin, backend.drop_schema_sql(_schema(n)))
            declare_pipeline(_schema(n), n)


def _drop(backend, sizes: list[int]) -> None:
    with backend.admin() as admin:
        for n in sizes:
            backend.execute(admin, backend.drop_schema_sql(_schema(n)))


def measure_imports(backend, ports: dict, sizes: list[int], log) -> list[dict]:
    rows = []
    for n in sizes:
        for ms, port in ports.items():
            for tool in child.TOOLS:
                log(f"  N={n} +{ms} ms {tool}")
                job = {**backend.job(), "mode": "import", "tool": tool, "schema": _schema(n), "proxy_port": port}
                rows.append({"n": n, "latency": ms, "tool": tool, **_child(job)})
    return rows


def measure_memory(backend, port: int, n: int) -> dict:
    job = {**backend.job(), "mode": "memory", "schema": _schema(n), "proxy_port": port}
    return {tool: _child({**job, "tool": tool}) for tool in child.TOOLS}


def measure_many(backend, port: int, n: int, clients: int) -> dict:
    results = {}
    with backend.admin() as admin:
        counter = Counter(backend, admin)
        for tool in child.TOOLS:
            job = json.dumps({**backend.job(), "mode": "many", "tool": tool, "schema": _schema(n), "proxy_port": port})
            start_connections = backend.connections(admin)
            start_queries = counter.read()
            with tempfile.TemporaryFile("w+") as errors:
                procs = [
                    subprocess.Popen([sys.executable, "-m", "benchmarks.child"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=errors, text=True, cwd=REPO)
                    for _ in range(clients)
                ]
                for proc in procs:
                    proc.stdin.write(job + "\n")
                    proc.stdin.flush()
                ready = [proc.stdout.readline() for proc in procs]
                if any(line.strip() != "ready" for line in ready):
                    errors.seek(0)
                    raise RuntimeError(f"a client failed before importing:\n{errors.read()}")
                go_queries = counter.read()
                connect_queries = counter.between(start_queries, go_queries)
                for proc in procs:
                    proc.stdin.write("go\n")
                    proc.stdin.flush()
                times = [json.loads(proc.communicate(timeout=600)[0].strip().splitlines()[-1])["s"] for proc in procs]
            import_queries = counter.since(go_queries)
            results[tool] = {
                "import queries": import_queries,
                "total queries": connect_queries + import_queries,
                "connections": backend.connections(admin) - start_connections,
                "p50": statistics.median(times),
                "p99": statistics.quantiles(times, n=100, method="inclusive")[98],
            }
    return results


def _timed_runs(commands: list[list[str]], runs: int, cwd: str) -> list[list[float]]:
    """Interleaved wall times of each command, so drift on a shared machine hits all alike."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for i, command in enumerate(commands):
            start = time.perf_counter()
            subprocess.run(command, check=True, cwd=cwd)
            times[i].append(time.perf_counter() - start)
    return times


def measure_startup(runs: int) -> dict:
    """``python -c pass`` without and with djimport installed, and ``import djschemas``'s own cost."""
    with tempfile.TemporaryDirectory(prefix="djimport-startup-") as tmp:
        pythons = []
        for name in ("without", "with"):
            venv = Path(tmp) / name
            subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
            pythons.append(str(venv / "bin" / "python"))
        site = subprocess.run([pythons[1], "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                              check=True, capture_output=True, text=True).stdout.strip()
        for package in ("djimport", "djschemas"):  # what a wheel installs: two packages, no .pth, no hook
            shutil.copytree(REPO / package, Path(site) / package, ignore=shutil.ignore_patterns("__pycache__"))
        without, with_ = _timed_runs([[p, "-c", "pass"] for p in pythons], runs, tmp)
        loaded = subprocess.run(
            [pythons[1], "-c", "import sys; print(' '.join(m for m in sys.modules if m.startswith('dj')))"],
            check=True, capture_output=True, text=True, cwd=tmp,
        ).stdout.strip()
        here, imported = _timed_runs([[sys.executable, "-c", c] for c in ("pass", "import djschemas")], runs, tmp)
    return {
        "runs": runs,
        "without": statistics.median(without), "with": statistics.median(with_),
        "without min": min(without), "with min": min(with_), "loaded at start-up": loaded,
        "this env": statistics.median(here), "import djschemas": statistics.median(imported),
    }


def measure_finder() -> dict:
    """Seconds per ``find_spec`` call of djimport's finder for names that are not ours."""
    from djimport._finder import finder

    names = {"json.decoder": "a submodule", "numpy": "a top-level name", "djschemas_like": "a near miss"}
    timer = {}
    for name in names:
        t = timeit.Timer("find(name, None)", globals={"find": finder.find_spec, "name": name})
        number = 200_000
        timer[name] = min(t.repeat(5, number)) / number
    return timer


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    import datajoint as dj

    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, DataJoint {dj.__version__}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, two latencies, 8 clients (< 1 min)")
    parser.add_argument("--backend", choices=sorted(BACKENDS), default="mysql")
    parser.add_argument("--server", metavar="URL",
                        help="use this MySQL server (mysql://user:password@host:port) instead of starting a private one")
    parser.add_argument("--sizes", type=int, nargs="+", metavar="N", help="schema sizes (multiples of 5)")
    parser.add_argument("--latencies", type=float, nargs="+", metavar="MS", help="added ms per round trip")
    parser.add_argument("--clients", type=int, help="simultaneous importing processes")
    parser.add_argument("--output", type=Path,
                        help="also write the report into this file, replacing the section of the same "
                             "DataJoint line and backend (so runs with each line fill one file)")
    args = parser.parse_args(argv)
    import datajoint as dj

    if args.backend == "postgresql" and int(dj.__version__.split(".")[0]) < 2:
        parser.error(f"--backend postgresql needs DataJoint 2.x; this environment has DataJoint {dj.__version__}")
    plan = dict(QUICK if args.quick else FULL)
    for key in ("sizes", "latencies", "clients"):
        if getattr(args, key):
            plan[key] = getattr(args, key)
    plan["many_size"] = max((n for n in plan["sizes"] if n <= plan["many_size"]), default=min(plan["sizes"]))

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.perf_counter()
    backend_class = BACKENDS[args.backend]
    backend = backend_class.from_url(args.server) if args.server else backend_class.private()
    try:
        log(f"declaring schemas of {plan['sizes']} tables")
        _declare(backend, plan["sizes"])
        with _proxies(backend, plan["latencies"]) as ports:
            log("cold imports, heading loads and reloads")
            imports = measure_imports(backend, ports, plan["sizes"], log)
            log(f"memory at N={max(plan['sizes'])}")
            memory = measure_memory(backend, ports[min(ports)], max(plan["sizes"]))
            many_latency = max(ports)
            log(f"{plan['clients']} simultaneous clients, N={plan['many_size']}, +{many_latency} ms")
            many = measure_many(backend, ports[many_latency], plan["many_size"], plan["clients"])
        server = backend.describe()
        if args.server:  # a private server goes with its data directory
            _drop(backend, plan["sizes"])
    finally:
        backend.stop()
    log("start-up and finder costs")
    startup = measure_startup(plan["startup_runs"])
    finder = measure_finder()
    shown = sys.argv[1:] if argv is None else argv
    command = " ".join(["python -m benchmarks", *("URL" if prev == "--server" else arg for prev, arg in zip([""] + shown, shown))])
    text = report.markdown(
        machine=machine(), server=server, backend=args.backend, counting=backend.counting, command=command, plan=plan, imports=imports,
        memory=memory, many=many, many_latency=many_latency, startup=startup, finder=finder,
        elapsed=time.perf_counter() - started,
    )
    print(text)
    if args.output:
        report.write_section(args.output, text)
