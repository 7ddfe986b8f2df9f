"""Hunting the rare hang of ``populate(reserve_jobs=True, processes=2)`` under fork (DataJoint 2.x), issue 16.

Runs the populate of tests/test_workers.py (``test_parallel_populate_fills_every_row[fork]``) many times,
in child processes that import djimport (the test's pipeline: a Computed table of an imported schema and
one of the lab's own) and in child processes that never import it (the same tables declared with plain
DataJoint), and counts how many runs finish, fail or hang. A run that has not finished after
``--timeout`` seconds is a hang: every process of the child's tree is dumped with py-spy (if on PATH or
``--py-spy``), then the tree is killed and a fresh child continues with the remaining runs.

    PYTHONPATH=$PWD /work/venvs/dj2/bin/python -m benchmarks.populate_hang --runs 200 --out /tmp/hang

The variants ``pool`` and ``pool-handler-after`` need neither DataJoint nor a server: the same fork pool
populate makes, with a Python SIGTERM handler installed before the pool forks (as populate does) or after.

    python -m benchmarks.populate_hang --variants pool pool-handler-after --runs 300 --timeout 20

The DataJoint variants need a MariaDB (a private one is started, as the test suite does). Prints one line per variant:
``<variant>: <ok> ok, <failed> failed, <hung> hung of <runs>``.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

STUDENTS = 12  # rows to compute per table and run: enough keys for both workers
INITIAL = "-> Student\n---\ninitial : char(1)\n"
LENGTH = "-> Student\n---\nlength : smallint\n"
VARIANTS = ["djimport", "plain", "pool", "pool-handler-after"]


def _square(x: int) -> int:
    return x * x


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit("SIGTERM received")  # DataJoint 2.x populate's handler, as autopopulate.py has it


def pool_child(variant: str, runs: int) -> None:
    """The pool of DataJoint 2.x's populate without DataJoint or a server: a Python SIGTERM handler installed
    before the fork pool is made (``pool``, as populate does) or after (``pool-handler-after``), two pool runs
    of 12 tasks per run."""
    import multiprocessing
    import signal

    for i in range(runs):
        for _ in range(2):
            if variant == "pool":
                signal.signal(signal.SIGTERM, _terminated)
            pool = multiprocessing.get_context("fork").Pool(2)
            signal.signal(signal.SIGTERM, _terminated)
            with pool:
                list(pool.imap(_square, range(STUDENTS), chunksize=1))
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        print(f"RUN ok {i}", flush=True)


def child(job: dict, variant: str, runs: int) -> None:
    """Populate both tables ``runs`` times; print ``RUN ok <i>`` (or ``RUN failed <i> <error>``) after each run."""
    if variant.startswith("pool"):
        pool_child(variant, runs)
        return
    import datajoint as dj

    if variant == "djimport":
        import djimport

        uni = djimport.load(job["schema"])

        class Initial(uni.Initial):  # as tests/workers_pipeline.py
            def make(self, key):
                self.insert1({**key, "initial": (uni.Student & key).fetch1("first_name")[0]})

        student: type = uni.Student
    else:
        plain = dj.Schema(job["schema"])

        @plain
        class Student(dj.Manual):
            definition = job["student"]

        @plain
        class Initial(dj.Computed):  # type: ignore[no-redef]
            definition = INITIAL

            def make(self, key):
                self.insert1({**key, "initial": (Student & key).fetch1("first_name")[0]})

        student = Student
    own = dj.Schema(f"{job['schema']}_{variant}", context={"Student": student})

    @own
    class NameLength(dj.Computed):
        definition = LENGTH

        def make(self, key):
            self.insert1({**key, "length": len((student & key).fetch1("first_name"))})

    assert ("djimport" in sys.modules) == (variant == "djimport")
    for i in range(runs):
        try:
            for table in (Initial, NameLength):
                table.jobs.delete_quick()
                table.delete_quick()
                table.populate(reserve_jobs=True, processes=2)
                assert len(table()) == len(student()), (len(table()), len(student()))
        except Exception as exc:  # reported to the parent, which counts it
            print(f"RUN failed {i} {exc!r}".replace("\n", " "), flush=True)
        else:
            print(f"RUN ok {i}", flush=True)


def _tree(pid: int) -> list[int]:
    import psutil

    try:
        process = psutil.Process(pid)
        return [pid] + [p.pid for p in process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _dump(pids: list[int], py_spy: str | None, path: Path) -> None:
    with path.open("w") as out:
        for pid in pids:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(bytes(1), b" ").decode()
            out.write(f"===== pid {pid}: {command}\n")
            status = Path(f"/proc/{pid}/status").read_text().splitlines()
            out.write("\n".join(line for line in status if line.startswith(("SigPnd", "ShdPnd", "SigBlk", "SigCgt"))))
            out.write("  (SigCgt bit 15 (0x4000): SIGTERM has a Python handler)\n")
            if py_spy:
                out.flush()
                subprocess.run([py_spy, "dump", "--locals", "--pid", str(pid)], stdout=out, stderr=out, timeout=60)


def hunt(job: dict, variant: str, runs: int, timeout: float, py_spy: str | None, out: Path) -> dict[str, int]:
    counts = {"ok": 0, "failed": 0, "hung": 0}
    env = {**os.environ, **job["env"]}
    done = 0
    while done < runs:
        proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.populate_hang", "--child", variant, "--runs", str(runs - done)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=(out / f"{variant}-stderr.log").open("a"),
            text=True, env=env, start_new_session=True,
        )
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(json.dumps(job))
        proc.stdin.close()
        deadline = time.monotonic() + timeout + 30  # the first run also imports DataJoint and declares
        while done < runs:
            ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
            line = proc.stdout.readline() if ready else ""
            if not line:
                if ready:  # the child ended without finishing: count the run as failed
                    counts["failed"] += 1
                    print(f"{variant} run {done}: child exited with {proc.wait(timeout)}", flush=True)
                else:
                    counts["hung"] += 1
                    dump = out / f"{variant}-hang-{done}.txt"
                    _dump(_tree(proc.pid), py_spy, dump)
                    print(f"{variant} run {done}: hung, py-spy dump in {dump}", flush=True)
                done += 1
                break
            if not line.startswith("RUN "):
                continue  # DataJoint's own output
            kind = line.split()[1]
            counts[kind] += 1
            if kind == "failed":
                print(f"{variant} run {done}: {line.strip()}", flush=True)
            done += 1
            deadline = time.monotonic() + timeout
        for pid in reversed(_tree(proc.pid)):  # the child and its pool's workers, if a run hung
            os.kill(pid, signal.SIGKILL)
        proc.wait(timeout)
        proc.stdout.close()
    return counts


def report(variant: str, counts: dict[str, int], runs: int) -> None:
    print(f"{variant}: {counts['ok']} ok, {counts['failed']} failed, {counts['hung']} hung of {runs}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="runs per variant")
    parser.add_argument("--timeout", type=float, default=60, help="seconds one run may take before it is a hang")
    parser.add_argument("--variants", nargs="+", default=["djimport", "plain"], choices=VARIANTS)
    parser.add_argument("--out", type=Path, default=Path("populate-hang"), help="directory for logs and py-spy dumps")
    parser.add_argument("--py-spy", default=shutil.which("py-spy"), help="py-spy executable (pip install py-spy)")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(json.load(sys.stdin), args.child, args.runs)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    for variant in [v for v in args.variants if v.startswith("pool")]:
        report(variant, hunt({"env": {}}, variant, args.runs, args.timeout, args.py_spy, args.out), args.runs)
    variants = [v for v in args.variants if not v.startswith("pool")]
    if not variants:
        return
    import datajoint as dj

    import djimport
    from djimport.example import DEFINITIONS, declare, fill
    from tests import servers

    with servers.serve("mysql") as server:
        server.configure_datajoint()
        schema = f"djtest_{uuid.uuid4().hex[:10]}"
        fill(declare(schema), students=STUDENTS)
        with djimport.create_tables(schema) as uni:

            @uni.schema
            class Initial(dj.Computed):
                definition = INITIAL

        env = {"DJ_HOST": server.host, "DJ_PORT": str(server.port), "DJ_USER": server.user,
               "DJ_PASS": server.password, "DJ_BACKEND": "mysql", "DJ_USE_TLS": "false"}
        job = {"schema": schema, "student": DEFINITIONS["Student"][1], "env": env}
        try:
            for variant in variants:
                report(variant, hunt(job, variant, args.runs, args.timeout, args.py_spy, args.out), args.runs)
        finally:
            connection = dj.conn()
            for name in (f"{schema}_djimport", f"{schema}_plain", schema):
                connection.query(f"DROP DATABASE IF EXISTS `{name}`")


if __name__ == "__main__":
    main()
