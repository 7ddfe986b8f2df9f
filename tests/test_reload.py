"""importlib.reload: nothing within the TTL, the server's changes after it, nothing on failure."""

import importlib
import re

import datajoint as dj
import pytest

import djimport
from conftest import drop_schema
from tests.helpers import create_table_like, quote, server_queries
from tests.synthetic import declare_pipeline


def snapshot(module):
    return {name: value for name, value in vars(module).items()}, module.__doc__


def test_reload_within_ttl_issues_no_query_and_changes_nothing(clock, connection, schema_name):
    declare_pipeline(schema_name, 10)
    module = djimport.load(schema_name)
    before = snapshot(module)
    clock.now = 59
    with server_queries(connection) as count:
        assert importlib.reload(module) is module
    assert count.queries == 0
    assert snapshot(module) == before


def test_reload_after_ttl_without_change_queries_once_and_keeps_everything(clock, connection, schema_name):
    declare_pipeline(schema_name, 10)
    module = djimport.load(schema_name)
    before = snapshot(module)
    clock.now = 61
    with server_queries(connection) as count:
        importlib.reload(module)
    assert count.queries == 1
    assert snapshot(module) == before


def test_reload_after_ttl_shows_added_and_dropped_tables(clock, connection, schema_name):
    declare_pipeline(schema_name, 10)
    module = djimport.load(schema_name)
    kept, dropped = module.Node2, module.Node5
    context = {}
    schema = dj.Schema(schema_name, context=context)

    class Added(dj.Manual):
        definition = "added_id : int\n"

        class Piece(dj.Part):
            definition = "-> master\npiece : int\n"

    schema(Added)
    create_table_like(connection, schema_name, "__node3__extra", "__node3__item")
    connection.query(f"DROP TABLE {quote(connection, schema_name, '#node5')}")
    clock.now = 61
    importlib.reload(module)
    assert module.Node2 is kept
    assert module.Added.Piece.master is module.Added and module.Added is not Added
    assert module.Node3.Extra.master is module.Node3
    assert not hasattr(module, "Node5") and "Node5" not in module.__all__ and "Added" in module.__all__
    assert "Node5" not in module.__doc__ and "Added.Piece" in module.__doc__
    assert dropped.__name__ == "Node5"  # code that held it still holds a class
    connection.query(f"DROP TABLE {quote(connection, schema_name, '__node3__extra')}")
    djimport.invalidate_caches()
    importlib.reload(module)
    assert not hasattr(module.Node3, "Extra") and module.Node3.Item


def test_failed_reload_of_dropped_schema_leaves_module_as_it_was(connection, schema_name):
    declare_pipeline(schema_name, 5)
    module = djimport.load(schema_name)
    before, spec, loader = snapshot(module), module.__spec__, module.__loader__
    drop_schema(schema_name)
    djimport.invalidate_caches()
    with pytest.raises(ModuleNotFoundError, match=schema_name):
        importlib.reload(module)
    assert snapshot(module) == before
    assert module.__spec__ is spec and module.__loader__ is loader


def test_failed_reload_with_server_down_leaves_module_as_it_was(server, connection, schema_name):
    declare_pipeline(schema_name, 5)
    module = djimport.load(schema_name)
    before = snapshot(module)
    djimport.invalidate_caches()
    server.stop()
    try:
        with pytest.raises(ImportError, match=re.escape(f"{server.user}@{server.host}:{server.port}")):
            importlib.reload(module)
        assert snapshot(module) == before
    finally:
        server.start()
        dj.conn(reset=True)  # DataJoint 2.x does not reconnect a PostgreSQL connection the restart closed


def test_rebuilding_on_purpose_gives_new_classes_like_virtual_module(university):
    """The README's replacement for calling dj.VirtualModule(...) again: forget the module, load it anew."""
    import sys

    old = djimport.load(university)
    sys.modules.pop(f"djschemas.{university}", None)
    new = djimport.load(university)
    assert new is not old and new.Student is not old.Student
    assert len(new.Student()) == len(old.Student()) > 0
    assert djimport.load(university) is new
