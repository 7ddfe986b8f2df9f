"""Soak: one process reloads a schema's module with a TTL of 0.05 s and uses every table, for minutes, while
another process adds, alters, fills and drops tables of that schema, as colleagues would.

    python -m benchmarks.soak                          # 10 minutes on a private MariaDB
    python -m benchmarks.soak --backend postgresql     # on the embedded PostgreSQL (DataJoint 2.x)
    python -m benchmarks.soak --minutes 1

It prints what the reloading process saw: reloads, table uses, errors (the stale-table error that djimport
documents, which a table dropped or altered between a reload and its use raises, and any other, which is a
bug), its RSS after warm-up and at the end, and the table classes alive at the end (counted through ``gc``).
Run it from the repository root with the Python of the environment to measure.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import random
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The two processes import djimport as this one does: from the working directory (a clone, where the benchmarks
# run) or the installed package (the test suite, which runs elsewhere); this module from the repository.
CHILD = f"import runpy, sys; sys.path.append({str(REPO)!r}); runpy.run_module('benchmarks.soak', run_name='__main__')"
STALE = " was listed"  # in every message of djimport's stale-table error (djimport/_stale.py)
SCHEMA = "djsoak"
TTL = 0.05


def _connect(job: dict):
    import datajoint as dj

    dj.config["database.host"] = job["host"]
    dj.config["database.port"] = job["port"]
    dj.config["database.user"] = job["user"]
    dj.config["database.password"] = job["password"]
    dj.config["database.use_tls"] = False
    dj.config["loglevel"] = "WARNING"
    if int(dj.__version__.split(".")[0]) >= 2:
        dj.config["database.backend"] = job["backend"]
    return dj.conn()


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def live_table_classes(module_name: str) -> int:
    """The classes of module ``module_name``'s tables still alive, after a full collection."""
    from datajoint.user_tables import UserTable

    gc.collect()
    return sum(
        1 for obj in gc.get_objects()
        if isinstance(obj, type) and issubclass(obj, UserTable) and obj.__module__ == module_name
    )


def reload_loop(job: dict) -> dict:
    """Reload the module and use each of its tables (two statements each: ``len`` of the table and of a join)
    until ``job["seconds"]`` have passed."""
    import datajoint as dj

    _connect(job)
    import djschemas  # noqa: F401  (installs the finder)
    import djimport
    from djimport._datajoint import server_errors

    djimport.set_ttl(job["ttl"])
    module = djimport.load(job["schema"])
    start = time.monotonic()
    warm_until, end = start + job["warmup"], start + job["seconds"]
    result: dict = {"reloads": 0, "uses": 0, "stale": 0, "errors": 0, "error_kinds": {}, "unexpected": [], "most_tables": 0}
    rss_warm = None
    while time.monotonic() < end:
        if rss_warm is None and time.monotonic() >= warm_until:
            rss_warm = _rss_mb()
        classes: list[type] = []
        try:
            importlib.reload(module)
            result["reloads"] += 1
            classes = list(module.__loader__.classes.values())
            result["most_tables"] = max(result["most_tables"], len(classes))
            for cls in classes:
                len(cls())
                # a join (without DataJoint 2.x's lineage check, which the changing process's tables fail)
                len(cls().join(cls.proj(), semantic_check=False))
                result["uses"] += 2
        except (*server_errors(), ImportError, dj.DataJointError) as exc:
            if STALE in str(exc):
                result["stale"] += 1
            else:
                result["errors"] += 1
                kind = f"{type(exc).__name__}: {str(exc).splitlines()[0][:100]}"
                result["error_kinds"][kind] = result["error_kinds"].get(kind, 0) + 1
                if len(result["unexpected"]) < 10:
                    result["unexpected"].append(f"{time.monotonic() - start:.3f} s: {type(exc).__name__}: {exc}")
        del classes
    result.update(
        rss_after_warmup_mb=round(rss_warm or _rss_mb(), 1), rss_end_mb=round(_rss_mb(), 1),
        tables_at_end=len(module.__loader__.classes), live_classes_at_end=live_table_classes(module.__name__),
    )
    return result


def change_loop(job: dict) -> dict:
    """Add, alter, fill and drop tables ``extra0`` .. ``extra4`` (declared again with other definitions) until
    ``job["seconds"]`` have passed."""
    connection = _connect(job)
    postgres = job["backend"] == "postgresql"

    def name(table: str) -> str:
        mark = '"' if postgres else "`"
        return f"{mark}{job['schema']}{mark}.{mark}{table}{mark}"

    rng = random.Random(16)
    counts = {"create": 0, "alter": 0, "insert": 0, "drop": 0}
    columns: dict[str, list[str]] = {}  # extra table -> its added columns
    end = time.monotonic() + job["seconds"]
    while time.monotonic() < end:
        table = f"extra{rng.randrange(5)}"
        if table not in columns:
            key = rng.choice(["extra_id int", "code varchar(8)"])
            connection.query(f"CREATE TABLE {name(table)} ({key} NOT NULL PRIMARY KEY, note varchar(20))")
            columns[table] = []
            counts["create"] += 1
        else:
            action = rng.random()
            if action < 0.4:
                added = f"c{rng.randrange(100)}"
                if added in columns[table]:
                    connection.query(f"ALTER TABLE {name(table)} DROP COLUMN {added}")
                    columns[table].remove(added)
                else:
                    connection.query(f"ALTER TABLE {name(table)} ADD COLUMN {added} int")
                    columns[table].append(added)
                counts["alter"] += 1
            elif action < 0.8:
                values = ", ".join([f"'{rng.randrange(10**6)}'", "'x'", *["NULL"] * len(columns[table])])
                connection.query(
                    f"INSERT INTO {name(table)} VALUES ({values}) ON CONFLICT DO NOTHING" if postgres
                    else f"INSERT IGNORE INTO {name(table)} VALUES ({values})"
                )
                counts["insert"] += 1
            else:
                connection.query(f"DROP TABLE {name(table)}")
                del columns[table]
                counts["drop"] += 1
        time.sleep(rng.uniform(0.005, 0.05))
    return counts


def run(server: dict, schema: str, seconds: float, warmup: float, ttl: float = TTL) -> dict:
    """Declare a 20-table pipeline in ``schema`` on ``server`` (host, port, user, password, backend), run the
    reloading and the changing process for ``seconds``, drop the schema; the two processes' reports."""
    if str(REPO) not in sys.path:
        sys.path.append(str(REPO))
    from tests.synthetic import declare_pipeline

    connection = _connect(server)
    declare_pipeline(schema, 20, connection)
    job = {**server, "schema": schema, "seconds": seconds, "warmup": warmup, "ttl": ttl}
    try:
        procs = {
            role: subprocess.Popen(
                [sys.executable, "-c", CHILD, "--role", role], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            )
            for role in ("reload", "change")
        }
        for proc in procs.values():  # both start now
            assert proc.stdin is not None
            proc.stdin.write(json.dumps(job))
            proc.stdin.close()
        reports = {}
        for role, proc in procs.items():
            assert proc.stdout is not None
            out = proc.stdout.read()
            proc.wait(timeout=seconds + 300)
            if proc.returncode:
                raise RuntimeError(f"the {role} process failed (exit status {proc.returncode})")
            reports[role] = json.loads(out.strip().splitlines()[-1])
    finally:
        mark = '"' if server["backend"] == "postgresql" else "`"
        kind = "SCHEMA" if server["backend"] == "postgresql" else "DATABASE"
        cascade = " CASCADE" if server["backend"] == "postgresql" else ""
        connection.query(f"DROP {kind} IF EXISTS {mark}{schema}{mark}{cascade}")
    return {"reload": reports["reload"], "change": reports["change"]}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["mysql", "postgresql"], default="mysql")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=60.0, help="seconds before the RSS baseline (default 60)")
    parser.add_argument("--role", choices=["reload", "change"], help=argparse.SUPPRESS)  # the two processes
    args = parser.parse_args()
    if args.role:
        job = json.loads(sys.stdin.read())
        print(json.dumps(reload_loop(job) if args.role == "reload" else change_loop(job)))
        return
    from tests import servers

    with servers.serve(args.backend) as server:
        fields = {"host": server.host, "port": server.port, "user": server.user, "password": server.password,
                  "backend": args.backend}
        started = time.monotonic()
        report = run(fields, SCHEMA, args.minutes * 60, args.warmup)
    import datajoint as dj

    reload, change = report["reload"], report["change"]
    print(f"DataJoint {dj.__version__}, {args.backend}, TTL {TTL} s, {args.minutes:g} min "
          f"({time.monotonic() - started:.0f} s with the server's start)")
    print(f"changes: {change}")
    print(f"reloads: {reload['reloads']}, table uses: {reload['uses']}, most tables: {reload['most_tables']}")
    print(f"stale-table errors (documented): {reload['stale']}; other errors: {reload['errors']} (the first ones:)")
    for line in reload["unexpected"]:
        print(f"    {line}")
    for kind, count in reload["error_kinds"].items():
        print(f"    {count} x {kind}")
    growth = reload["rss_end_mb"] - reload["rss_after_warmup_mb"]
    print(f"RSS after {args.warmup:g} s warm-up: {reload['rss_after_warmup_mb']} MB, at the end: "
          f"{reload['rss_end_mb']} MB (growth {growth:+.1f} MB; goal < 20 MB)")
    print(f"table classes alive at the end: {reload['live_classes_at_end']} "
          f"(the module has {reload['tables_at_end']} tables)")


if __name__ == "__main__":
    main()
