"""Building a module costs a constant number of server queries, whatever the number of tables."""

import sys

import datajoint as dj
import pytest

import djimport
from djimport import _catalog
from tests.helpers import create_schema_raw, drop_schema_raw, server_queries
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


def test_import_and_every_heading_take_two_statements(connection, schema_name):
    """The listing, then every kind of heading row of every table in one statement (DataJoint 0.14 and 2.x)."""
    declare_pipeline(schema_name, 30)
    djimport.invalidate_caches()
    with server_queries(connection) as count:
        module = djimport.load(schema_name)
        for cls in module.__loader__.classes.values():
            cls.heading.attributes
            cls.heading.indexes
    assert len(module.__loader__.classes) == 30 and count.queries == 2


@pytest.mark.filterwarnings("ignore:Schema .* has no ~lineage table")
def test_importing_20_preloaded_schemas_takes_two_statements(connection, schema_name):
    """djimport.preload: the schema names, then the tables of every schema matched, in one statement each."""
    names = [f"{schema_name}_{number:02}" for number in range(20)]
    try:
        for name in names:
            create_schema_raw(connection, name, ("item",))
        create_schema_raw(connection, schema_name, ("item",))  # not matched: not listed
        djimport.invalidate_caches()
        with server_queries(connection) as count:
            assert djimport.preload(f"{schema_name}_*") == names
            modules = [djimport.load(name) for name in names]
        assert count.queries == 2
        assert all(module.__all__ == ["Item"] for module in modules)
        # The rows of one schema's own listing: a reload after the TTL sees nothing changed.
        assert _catalog.list_tables_of(connection, names[:2]) == {
            name: _catalog.list_tables(connection, name) for name in names[:2]}
        with server_queries(connection) as count:
            djimport.load(schema_name)
        assert count.queries == 1
    finally:
        for name in (*names, schema_name):
            drop_schema_raw(connection, name)
            sys.modules.pop(f"djschemas.{name}", None)
            vars(sys.modules["djschemas"]).pop(name, None)
