"""Issue 28's catalog benchmark: the time of each statement djimport writes, on a server of 400 schemas of
4 tables (1,600 tables, each with a primary key, a comment, a foreign key to the one before) and one schema
of 1,000 tables, each statement sent directly (no proxy), median of 5 with its range, in one process.

    python -m benchmarks.catalog [--backend postgresql] [--schemas 400] [--tables 1000]

On loopback with no proxy a statement's time is the server's plus reading its rows.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings

from benchmarks.backend import BACKENDS
from benchmarks.run import _declare

PREFIX = "djcat_"


def _populate(backend, schemas: int, tables: int) -> None:
    """The schemas ``djcat_000`` ... (4 tables each) and ``djcat_big`` (``tables`` tables), by plain SQL."""
    q = '"' if backend.name == "postgresql" else "`"
    create = "CREATE SCHEMA" if backend.name == "postgresql" else "CREATE DATABASE"

    def table_sql(schema: str, number: int) -> str:
        name, before = f"t{number}", f"t{number - 1}"
        ref = f", FOREIGN KEY (t{number - 1}_id) REFERENCES {q}{schema}{q}.{q}{before}{q} (t{number - 1}_id)" if number else ""
        prev = f"t{number - 1}_id int NOT NULL, " if number else ""
        key = f"PRIMARY KEY (t{number}_id)"
        sql = (f"CREATE TABLE {q}{schema}{q}.{q}{name}{q} ({prev}t{number}_id int NOT NULL, note varchar(40), "
               f"{key}{ref})")
        return sql + ("" if backend.name == "postgresql" else " COMMENT 'a table'")

    with backend.admin() as admin:
        for schema, count in [*((f"{PREFIX}{n:03}", 4) for n in range(schemas)), (f"{PREFIX}big", tables)]:
            backend.execute(admin, backend.drop_schema_sql(schema))
            backend.execute(admin, f"{create} {q}{schema}{q}")
            for number in range(count):
                backend.execute(admin, table_sql(schema, number))


def _time(action) -> str:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return f"{statistics.median(times):.1f} ms | {times[0]:.1f}-{times[-1]:.1f} ms"


def _import_all(schemas: list[str], preload: bool) -> None:
    import djimport

    warnings.filterwarnings("ignore", "Schema .* has no ~lineage table")  # these schemas are plain SQL
    djimport.invalidate_caches()
    for name in schemas:
        sys.modules.pop(f"djschemas.{name}", None)
    if preload:
        djimport.preload(f"{PREFIX}[0-9]*")
    for name in schemas:
        djimport.load(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=sorted(BACKENDS), default="mysql")
    parser.add_argument("--schemas", type=int, default=400)
    parser.add_argument("--tables", type=int, default=1000)
    args = parser.parse_args()
    backend = BACKENDS[args.backend].private()
    try:
        _populate(backend, args.schemas, args.tables)
        _declare(backend, [])  # DataJoint's settings for this server
        import datajoint as dj

        from djimport import _catalog, _datajoint

        connection = dj.conn()
        many = [f"{PREFIX}{n:03}" for n in range(args.schemas)]
        big, kind = f"{PREFIX}big", _datajoint.backend(connection)
        kinds = tuple(kind for kind in _datajoint.heading_statements(connection, big) if kind != "lineage")
        print(f"{backend.describe()}, {args.schemas} schemas of 4 tables and one of {args.tables} tables\n")
        print("| statement | median | range |\n|---|---:|---:|")
        for name, action in [
            ("schemas (every schema's name)", lambda: _catalog.list_schemas(connection)),
            ("tables: the listing of a 4-table schema", lambda: _catalog.list_tables(connection, many[0])),
            (f"tables: the listing of the {args.tables}-table schema", lambda: _catalog.list_tables(connection, big)),
            (f"headings: every heading row of the {args.tables}-table schema",
             lambda: _catalog.heading_rows(connection, [big], kinds)),
            (f"headings: every heading row of the {args.schemas} schemas (stubs)",
             lambda: _catalog.heading_rows(connection, many, kinds)),
            (f"tables of {args.schemas} schemas (preload)", lambda: _catalog.list_tables_of(connection, many)),
            ("all_tables (every schema with its tables)", lambda: _catalog.list_all_tables(connection)),
            (f"keys of {args.schemas} schemas", lambda: _catalog.list_keys_of(connection, many)),
            (f"columns of {args.schemas} schemas (stubs --check, map)",
             lambda: _catalog.describe_attributes_of(connection, many)),
            (f"indexes of {args.schemas} schemas (map)", lambda: _catalog.list_indexes_of(connection, many)),
            (f"keys of the {args.tables}-table schema", lambda: _catalog.list_keys_of(connection, [big])),
            (f"columns of the {args.tables}-table schema", lambda: _catalog.describe_attributes_of(connection, [big])),
            ("character_set of a schema", lambda: _catalog.schema_character_set(connection, many[0])),
            ("table_exists", lambda: _catalog.table_exists(connection, big, "t5")),
            ("column_names of a table", lambda: _catalog.column_names(connection, big, "t5")),
        ]:
            print(f"| {name} | {_time(action)} |", flush=True)
        print(f"\n| importing the {args.schemas} schemas (one process, +0 ms) | median | range |\n|---|---:|---:|")
        for preload in (False, True):
            label = "after `djimport.preload`" if preload else "one by one"
            print(f"| {label} | {_time(lambda: _import_all(many, preload))} |", flush=True)
    finally:
        backend.stop()


if __name__ == "__main__":
    main()
