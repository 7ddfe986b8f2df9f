"""Importing, listing and reloading never change the server; only create_tables does.

Checked with the server's own statement counters, so nothing djimport or DataJoint
does on our behalf can slip through."""

from __future__ import annotations

import importlib
import uuid

import datajoint as dj
import pytest

import djimport
from conftest import drop_schema
from tests.helpers import changed, write_statements


@pytest.fixture
def mysql_only(server):
    if server.backend != "mysql":
        pytest.skip("statement counters are read from MySQL's Com_* status variables")


@pytest.fixture
def foreign_schema(connection, mysql_only):
    """A schema made without DataJoint, so it has none of DataJoint's bookkeeping tables."""
    name = f"djtest_{uuid.uuid4().hex[:10]}"
    connection.query(f"CREATE DATABASE `{name}`")
    connection.query(f"CREATE TABLE `{name}`.`subject` (subject_id int PRIMARY KEY) COMMENT 'mice'")
    connection.query(f"CREATE TABLE `{name}`.`#species` (species varchar(20) PRIMARY KEY)")
    yield name
    drop_schema(name)


def _tables(connection, schema: str) -> set[str]:
    rows = connection.query("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,))
    return {row[0] for row in rows.fetchall()}


def test_import_list_reload_write_nothing(connection, university, foreign_schema):
    import djschemas

    tables_before = _tables(connection, foreign_schema)
    before = write_statements(connection)
    for name in (university, foreign_schema):
        module = djimport.load(name)
        repr(module), module.__doc__, module.__all__, dir(module)
        djimport.invalidate_caches()
        importlib.reload(module)
    assert {university, foreign_schema} <= set(dir(djschemas))
    with pytest.raises(ModuleNotFoundError):
        djimport.load("djtest_no_such_schema")
    with pytest.raises(dj.DataJointError):  # declaring without create_tables is refused, not attempted
        module.schema(type("Extra", (dj.Manual,), {"definition": "extra_id : int\n"}))
    assert changed(before, write_statements(connection)) == {}
    assert _tables(connection, foreign_schema) == tables_before  # no DataJoint bookkeeping tables either
    assert sorted(module.__all__) == ["Species", "Subject"]


def test_create_tables_is_what_writes(connection, foreign_schema):
    # The control for the test above: the counters do see djimport's writes.
    module = djimport.load(foreign_schema)
    before = write_statements(connection)
    with djimport.create_tables(module):
        module.schema(type("Extra", (dj.Manual,), {"definition": "extra_id : int\n"}))
    assert changed(before, write_statements(connection)).get("Com_create_table", 0) >= 1
    assert "extra" in _tables(connection, foreign_schema)
