"""Importing, listing, reloading and diagrams never change the server; only create_tables does.

Checked with the server's own record (MySQL's statement counters, PostgreSQL's statement log),
so nothing djimport or DataJoint does on our behalf can slip through."""

from __future__ import annotations

import importlib
import uuid

import datajoint as dj
import pytest

import djimport
from conftest import drop_schema
from tests.helpers import create_schema_raw, server_writes


@pytest.fixture
def foreign_schema(connection):
    """A schema made without DataJoint, so it has none of DataJoint's bookkeeping tables."""
    name = f"djtest_{uuid.uuid4().hex[:10]}"
    create_schema_raw(connection, name, ("subject", "#species"))
    yield name
    drop_schema(name)


def _tables(connection, schema: str) -> set[str]:
    rows = connection.query("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,))
    return {row[0] for row in rows.fetchall()}


def test_import_list_reload_write_nothing(connection, university, foreign_schema):
    import djschemas

    tables_before = _tables(connection, foreign_schema)
    with server_writes(connection) as writes:
        for name in (university, foreign_schema):
            module = djimport.load(name)
            repr(module), module.__doc__, module.__all__, dir(module), djimport.diagram(module).source
            [cls.heading.attributes for cls in module.__loader__.classes.values()]
            djimport.invalidate_caches()
            importlib.reload(module)
        assert {university, foreign_schema} <= set(dir(djschemas))
        with pytest.raises(ModuleNotFoundError):
            djimport.load("djtest_no_such_schema")
        with pytest.raises(dj.DataJointError):  # declaring without create_tables is refused, not attempted
            module.schema(type("Extra", (dj.Manual,), {"definition": "extra_id : int\n"}))
    assert writes == {}
    assert _tables(connection, foreign_schema) == tables_before  # no DataJoint bookkeeping tables either
    assert sorted(module.__all__) == ["Species", "Subject"]


def test_create_tables_is_what_writes(connection, foreign_schema):
    # The control for the test above: the server's record does see djimport's writes.
    module = djimport.load(foreign_schema)
    with server_writes(connection) as writes:
        with djimport.create_tables(module):
            module.schema(type("Extra", (dj.Manual,), {"definition": "extra_id : int\n"}))
    assert any("create" in statement.lower() for statement in writes), writes
    assert "extra" in _tables(connection, foreign_schema)
