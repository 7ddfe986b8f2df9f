"""A 20-second soak (benchmarks/soak.py runs it for 10 minutes): reloading with a TTL of 0.05 s while another
process adds, alters, fills and drops tables leaks no table class and raises no error but the stale-table one."""

from __future__ import annotations

from benchmarks import soak

def test_reloading_while_tables_change_leaks_no_class_and_raises_only_stale_errors(server, connection, schema_name):
    fields = {"host": server.host, "port": server.port, "user": server.user, "password": server.password,
              "backend": server.backend}
    report = soak.run(fields, schema_name, seconds=20, warmup=5)
    reload, change = report["reload"], report["change"]
    assert change["create"] > 10 and change["alter"] > 10 and change["drop"] > 10 and change["insert"] > 10
    assert reload["reloads"] > 100 and reload["most_tables"] > 20  # it saw the tables added
    assert reload["error_kinds"] == {}
    assert reload["live_classes_at_end"] == reload["tables_at_end"]
