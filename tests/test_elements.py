"""Real pipelines: the published DataJoint Elements, declared through their own ``activate()``
functions (tests/elements.py). For every schema, djimport's module matches ``dj.VirtualModule``'s,
and the export declares again. ``tox -e dj014-elements`` installs the Elements; elsewhere the
module is skipped."""

from __future__ import annotations

import os
import types
import uuid

import pytest

if os.environ.get("DJIMPORT_TEST_ELEMENTS") != "required":
    pytest.importorskip("element_lab", reason="the DataJoint Elements are installed by `tox -e dj014-elements`")

import datajoint as dj

import djimport
from djimport.export import export
from tests import elements
from tests.helpers import declare_exported

PREFIX = f"djel{uuid.uuid4().hex[:6]}_"


@pytest.fixture(scope="module")
def pipeline(mysql_server):
    """Every Element activated into schemas ``PREFIX...``; yields their names; drops every ``PREFIX`` schema."""
    mysql_server.start()
    mysql_server.configure_datajoint()
    dj.conn(reset=True)
    try:
        yield elements.activate(PREFIX)
    finally:
        connection = dj.conn()
        connection.query("SET FOREIGN_KEY_CHECKS = 0")  # the schemas reference one another
        for name in dj.list_schemas():
            if name.startswith(PREFIX):
                connection.query(f"DROP DATABASE `{name}`")
        connection.query("SET FOREIGN_KEY_CHECKS = 1")
        connection.close()


def test_every_element_schema_is_declared(pipeline):
    assert pipeline == sorted(PREFIX + name for name in elements.SCHEMAS)


@pytest.fixture(params=elements.SCHEMAS)
def schema(request, pipeline) -> str:
    return PREFIX + request.param


def tables(module: types.ModuleType) -> dict[str, type]:
    """Qualified class name -> table class, parts included, as the module holds them."""
    found = {}
    for name, cls in vars(module).items():
        if isinstance(cls, type) and issubclass(cls, dj.Table):
            found[name] = cls
            found.update({f"{name}.{part}": c for part, c in vars(cls).items()
                          if isinstance(c, type) and issubclass(c, dj.Part)})
    return found


def tier(cls: type) -> str:
    return next(base.__name__ for base in cls.__mro__ if base in (dj.Manual, dj.Lookup, dj.Imported, dj.Computed, dj.Part))


def foreign_keys(cls: type, *schemas: str) -> list[tuple]:
    """The table's foreign keys (parent, attribute map, primary), with ``schemas`` named ``SELF``."""
    keys = []
    for parent, info in cls().parents(foreign_key_info=True):
        for name in schemas:
            parent = parent.replace(f"`{name}`.", "`SELF`.")
        keys.append((parent, sorted(info["attr_map"].items()), info["primary"]))
    return sorted(keys)


def headings(module: types.ModuleType, *, without: tuple[str, ...] = ()) -> dict[str, list[dict]]:
    """Every attribute of every table, with every property DataJoint reads (except those ``without``)."""
    return {
        name: [{k: v for k, v in a._asdict().items() if k not in without} for a in cls.heading.attributes.values()]
        for name, cls in tables(module).items()
    }


def test_module_matches_virtual_module(schema):
    virtual, module = dj.VirtualModule(schema, schema), djimport.load(schema)
    expected, found = tables(virtual), tables(module)
    assert expected
    assert {n: (tier(c), c.full_table_name) for n, c in found.items()} == {
        n: (tier(c), c.full_table_name) for n, c in expected.items()
    }
    assert {n: c.primary_key for n, c in found.items()} == {n: c.primary_key for n, c in expected.items()}
    assert headings(module) == headings(virtual)
    for name, cls in expected.items():
        assert found[name].heading.table_status == cls.heading.table_status, name
        assert found[name].heading.indexes == cls.heading.indexes, name
        assert found[name]().describe(printout=False) == cls().describe(printout=False), name
        assert foreign_keys(found[name]) == foreign_keys(cls), name


def drawn(diagram: dj.Diagram) -> tuple[dict, list]:
    """The tables a diagram shows (with their properties) and the foreign keys between them (with theirs);
    a renamed foreign key's numbered alias node stands for its parent."""
    shown = diagram.nodes_to_show

    def parent(node: str) -> str:
        return next(iter(diagram.predecessors(node))) if node.isdigit() else node

    edges = sorted(
        (parent(u), v, sorted({**data, "attr_map": sorted(data["attr_map"].items())}.items()))
        for u, v, data in diagram.edges(data=True)
        if v in shown and parent(u) in shown
    )
    return {node: diagram.nodes[node] for node in shown}, edges


def test_diagram_matches_virtual_module(schema):
    expected = drawn(dj.Diagram(dj.VirtualModule(schema, schema)))
    assert expected[0]
    assert drawn(dj.Diagram(djimport.load(schema))) == expected


def test_export_declares_again(schema):
    copy = PREFIX + "copy_" + schema[len(PREFIX):]
    declare_exported(export(schema), schema, copy)
    original, again = dj.VirtualModule(schema, schema), dj.VirtualModule(copy, copy)
    expected, found = tables(original), tables(again)
    assert sorted(found) == sorted(expected)
    assert {n: tier(c) for n, c in found.items()} == {n: tier(c) for n, c in expected.items()}
    assert {n: c.primary_key for n, c in found.items()} == {n: c.primary_key for n, c in expected.items()}
    assert headings(again, without=("database",)) == headings(original, without=("database",))
    for name, cls in expected.items():
        assert found[name].heading.table_status["comment"] == cls.heading.table_status["comment"], name
        assert found[name].heading.indexes == cls.heading.indexes, name
        assert foreign_keys(found[name], copy, schema) == foreign_keys(cls, schema), name
