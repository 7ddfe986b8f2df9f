"""Issue 28's stubs benchmark: ``djimport stubs`` of every schema of a server of 400 schemas of 4 tables (the
catalog benchmark's), then ``stubs --check`` of them, in fresh processes through the latency proxy.

    python -m benchmarks.stubs [--backend postgresql] [--schemas 400] [--latencies 0 50] [--runs 5]

Each row is the median of ``--runs`` fresh processes (each already connected) with its range, and the
statements the server counted.
"""

from __future__ import annotations

import argparse
import statistics

from benchmarks.backend import BACKENDS
from benchmarks.catalog import PREFIX, _populate
from benchmarks.run import _child, _declare, _proxies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=sorted(BACKENDS), default="mysql")
    parser.add_argument("--schemas", type=int, default=400)
    parser.add_argument("--latencies", type=float, nargs="+", default=[0, 50])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    backend = BACKENDS[args.backend].private()
    try:
        _populate(backend, args.schemas, 0)
        _declare(backend, [])  # DataJoint's settings for this server
        schemas = [f"{PREFIX}{n:03}" for n in range(args.schemas)]
        print("| schemas | latency | step | runs | median | range | statements |\n|---|---:|---|---:|---:|---:|---:|")
        with _proxies(backend, [int(ms) if ms == int(ms) else ms for ms in args.latencies]) as ports:
            for ms, port in ports.items():
                job = {**backend.job(), "mode": "stubs", "schemas": schemas, "proxy_port": port}
                results = [_child(job) for _ in range(args.runs)]
                for step, key, queries in (("stubs", "s", "q"), ("stubs --check", "check_s", "check_q")):
                    times = sorted(result[key] * 1000 for result in results)
                    counts = "/".join(str(q) for q in sorted({result[queries] for result in results}))
                    print(f"| {args.schemas} | +{ms} ms | {step} | {len(times)} | {statistics.median(times):.1f} ms | "
                          f"{times[0]:.1f}-{times[-1]:.1f} ms | {counts} |", flush=True)
    finally:
        backend.stop()


if __name__ == "__main__":
    main()
