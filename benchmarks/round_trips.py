"""Issue 28's benchmark: import plus the first use of every heading in fresh processes, beside
``dj.VirtualModule``, through the latency proxy.

    python -m benchmarks.round_trips [--backend postgresql] [--sizes 10 50 300] [--latencies 0 50] [--runs 5]
                                     [--tools djimport virtualmodule]
    python -m benchmarks.round_trips --profile 300   # where djimport's own time goes at N = 300, +0 ms
    python -m benchmarks.round_trips --phases 300    # the same step split: server, DataJoint, djimport

Each row is the median of ``--runs`` fresh processes (each already connected) with its range; a
VirtualModule row whose first run takes over 20 s is run once (its ``runs`` column says so): at
N = 300, +50 ms one run is two minutes.
"""

from __future__ import annotations

import argparse
import statistics

from benchmarks import child
from benchmarks.backend import BACKENDS
from benchmarks.run import _child, _declare, _proxies, _schema

SLOW = 20.0  # seconds: a tool this slow is run once


def measure(backend, ports: dict, sizes: list[int], runs: int, tools: list[str]) -> list[dict]:
    rows = []
    for n in sizes:
        for ms, port in ports.items():
            for tool in tools:
                job = {**backend.job(), "mode": "first", "tool": tool, "schema": _schema(n), "proxy_port": port}
                results = [_child(job)]
                while len(results) < runs and results[0]["s"] < SLOW:
                    results.append(_child(job))
                times = sorted(result["s"] * 1000 for result in results)
                rows.append({"n": n, "latency": ms, "tool": tool, "runs": len(results),
                             "median": statistics.median(times), "low": times[0], "high": times[-1],
                             "queries": sorted({result["q"] for result in results}), "tables": results[0]["tables"]})
                print(_row(rows[-1]), flush=True)
    return rows


def _row(row: dict) -> str:
    queries = "/".join(str(q) for q in row["queries"])
    return (f"| {row['n']} ({row['tables']} classes) | +{row['latency']} ms | {row['tool']} | {row['runs']} | "
            f"{row['median']:.1f} ms | {row['low']:.1f}-{row['high']:.1f} ms | {queries} |")


def _djimport_at_zero(backend, n: int, option: str, runs: int) -> list[dict]:
    """``runs`` fresh processes of djimport's import + every heading at ``n`` tables, +0 ms, with ``option``."""
    _declare(backend, [n])
    with _proxies(backend, [0]) as ports:
        job = {**backend.job(), "mode": "first", "tool": "djimport", "schema": _schema(n), "proxy_port": ports[0],
               option: True}
        _child(job)  # bytecode compiled, server caches warm
        return [_child(job) for _ in range(runs)]


def _phase_table(results: list[dict]) -> str:
    lines = ["| part | median | range |", "|---|---:|---:|"]
    for part in ("imports", "server", "datajoint", "djimport"):
        times = sorted(result["phases"][part] * 1000 for result in results)
        lines.append(f"| {part} | {statistics.median(times):.1f} ms | {times[0]:.1f}-{times[-1]:.1f} ms |")
    times = sorted(result["s"] * 1000 for result in results)
    lines.append(f"| import + every heading | {statistics.median(times):.1f} ms | {times[0]:.1f}-{times[-1]:.1f} ms |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=sorted(BACKENDS), default="mysql")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 300])
    parser.add_argument("--latencies", type=float, nargs="+", default=[0, 50])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tools", nargs="+", choices=child.TOOLS, default=list(child.TOOLS))
    parser.add_argument("--profile", type=int, metavar="N", help="print cProfile's statistics of djimport at N tables")
    parser.add_argument("--phases", type=int, metavar="N",
                        help="at N tables, +0 ms: the median of --runs processes of each part of the time")
    args = parser.parse_args()
    backend = BACKENDS[args.backend].private()
    try:
        if args.profile or args.phases:
            results = _djimport_at_zero(backend, args.profile or args.phases, "profile" if args.profile else "phases",
                                        1 if args.profile else args.runs)
            print(results[0]["profile"] if args.profile else _phase_table(results))
            return
        _declare(backend, args.sizes)
        print("| N | latency | tool | runs | median | range | statements |\n|---|---:|---|---:|---:|---:|---:|")
        with _proxies(backend, [int(ms) if ms == int(ms) else ms for ms in args.latencies]) as ports:
            measure(backend, ports, args.sizes, args.runs, args.tools)
    finally:
        backend.stop()


if __name__ == "__main__":
    main()
