"""Building a module costs a constant number of server queries, whatever the number of tables."""

import datajoint as dj
import pytest

import djimport
from tests.helpers import server_queries
from tests.synthetic import declare_pipeline

MAX_IMPORT_QUERIES = 3


def import_queries(connection, schema: str) -> int:
    djimport.invalidate_caches()
    with server_queries(connection) as count:
        module = djimport.load(schema)
    assert len(module.__all__) > 0
    return count.queries


def test_import_of_50_tables_with_parts_is_constant_and_lazy(connection, schema_name):
    declare_pipeline(schema_name, 50)
    queries = import_queries(connection, schema_name)
    assert queries <= MAX_IMPORT_QUERIES
    with server_queries(connection) as vm:
        virtual = dj.VirtualModule(schema_name, schema_name, connection=connection)
    # The same server counter sees VirtualModule pay (at least) one query per table.
    assert vm.queries >= 50 > queries
    module = djimport.load(schema_name)
    assert sorted(module.__all__) == sorted(n for n in vars(virtual) if n[0].isupper())


@pytest.mark.parametrize("tables", [10, 50])
def test_import_costs_the_same_for_any_size(connection, schema_name, tables):
    declare_pipeline(schema_name, tables)
    assert import_queries(connection, schema_name) == 1


def test_headings_load_on_first_use_not_on_import(connection, schema_name):
    declare_pipeline(schema_name, 10)
    module = djimport.load(schema_name)
    with server_queries(connection) as count:
        module.Node0.heading.names
    assert count.queries >= 1  # the heading was not loaded at import
