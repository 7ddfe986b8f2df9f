"""What the stale-table checks cost a fetch and a populate loop (issue 22): run it once with the djimport to
measure and once with an older one, e.g. the commit before the checks:

    python -m benchmarks.stale_checks                      # private MariaDB
    python -m benchmarks.stale_checks --backend postgresql # embedded PostgreSQL (DataJoint 2.x)
    git worktree add /tmp/before <commit>; PYTHONPATH=/tmp/before python -m benchmarks.stale_checks

It declares a 10-table pipeline (tests/synthetic.py) with 100 rows in ``Node4`` and 10 in ``Node1``, then
times, in one process with warm headings (the steady state): ``Node4.fetch()`` (100 rows), a fetch1 by a dict
key, the same with a key of extra attributes (the check of a dict naming attributes the heading lacks), ``len``
of a join, and
``populate`` of a computed table of 100 keys (``-> Node4``, ``-> Node1``) whose ``make`` fetches from both
parents with its key (extra attributes for each) and inserts. Each figure is the median of 7 repeats with
the spread.
"""

from __future__ import annotations

import argparse
import statistics
import timeit

SCHEMA = "djbench_stale"


def _median(run, number: int, repeat: int = 7) -> tuple[float, float, float]:
    times = [t / number for t in timeit.repeat(run, number=number, repeat=repeat)]
    return statistics.median(times), min(times), max(times)


def measure(schema: str) -> dict[str, tuple[float, float, float]]:
    import datajoint as dj

    import djimport
    from tests.synthetic import declare_pipeline

    declare_pipeline(schema, 10)
    module = djimport.load(schema)
    module.Node0.insert1({"node0_id": 1})
    module.Node1.insert({"node0_id": 1, "node1_id": i} for i in range(10))
    module.Node4.insert({"node4_id": i} for i in range(100))
    context = {"Node4": module.Node4, "Node1": module.Node1}

    @dj.Schema(schema, context=context)
    class Derived(dj.Computed):
        definition = "-> Node4\n-> Node1\n---\ntotal = null : float\n"

        def make(self, key):
            (module.Node4 & key).fetch1("value4")
            (module.Node1 & key).fetch1("value1")
            self.insert1({**key, "total": 1.0})

    for cls in module.__loader__.classes.values():
        cls.heading.names  # noqa: B018  (the steady state: headings read)
    key = {"node4_id": 7}
    extra = {"node4_id": 7, "node0_id": 1, "node1_id": 3}

    def populate() -> None:
        Derived.populate()
        Derived.delete_quick()

    return {
        "Node4.fetch() (100 rows)": _median(lambda: module.Node4.fetch(), 200),
        "(Node4 & key).fetch1()": _median(lambda: (module.Node4 & key).fetch1(), 500),
        "(Node4 & key with extra attributes).fetch1()": _median(lambda: (module.Node4 & extra).fetch1(), 500),
        "len(Node4 * Node4.proj())": _median(lambda: len(module.Node4 * module.Node4.proj()), 200),
        "Derived.populate() (100 keys)": _median(populate, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stale_checks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["mysql", "postgresql"], default="mysql")
    args = parser.parse_args()
    import datajoint as dj

    import djimport
    from tests import servers

    with servers.serve(args.backend) as server:
        server.start()
        server.configure_datajoint()
        connection = dj.conn(reset=True)
        try:
            results = measure(SCHEMA)
        finally:
            mark = '"' if args.backend == "postgresql" else "`"
            kind = "SCHEMA" if args.backend == "postgresql" else "DATABASE"
            connection.query(f"DROP {kind} IF EXISTS {mark}{SCHEMA}{mark}{' CASCADE' * (args.backend == 'postgresql')}")
    print(f"DataJoint {dj.__version__}, {args.backend}, djimport from {djimport.__file__}")
    for name, (median, low, high) in results.items():
        print(f"{name}: {median * 1e3:.3f} ms (median of 7; {low * 1e3:.3f}-{high * 1e3:.3f})")


if __name__ == "__main__":
    main()
