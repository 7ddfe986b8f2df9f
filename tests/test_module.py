"""What an imported schema module holds, and the ways to reach it."""

import importlib
import sys

import datajoint as dj
import pytest

import djimport
from tests.helpers import quote
from tests.synthetic import declare_pipeline


@pytest.fixture
def pipeline(schema_name):
    declare_pipeline(schema_name, 12)
    return schema_name


def test_module_has_schema_with_create_tables_off(university):
    uni = importlib.import_module(f"djschemas.{university}")
    assert isinstance(uni.schema, dj.Schema)
    assert uni.schema.database == university
    assert uni.schema.create_tables is False


def test_one_class_per_table_with_tier_from_its_name(pipeline):
    mod = djimport.load(pipeline)
    expected = {"Node0": dj.Manual, "Node1": dj.Lookup, "Node2": dj.Imported, "Node3": dj.Computed}
    for name, tier in expected.items():
        cls = getattr(mod, name)
        assert issubclass(cls, tier) and cls.__module__ == f"djschemas.{pipeline}"
    assert mod.Node0.table_name == "node0" and mod.Node1.table_name == "#node1"
    assert mod.Node2.table_name == "_node2" and mod.Node3.table_name == "__node3"


def test_part_tables_are_nested_on_their_masters(pipeline):
    mod = djimport.load(pipeline)
    part = mod.Node3.Item
    assert issubclass(part, dj.Part) and part.master is mod.Node3
    assert part.__qualname__ == "Node3.Item"
    assert part.full_table_name == quote(dj.conn(), pipeline, "__node3__item")
    assert "Item" not in vars(mod)


def test_all_lists_master_classes_and_doc_lists_tables_with_tier_and_comment(pipeline):
    mod = djimport.load(pipeline)
    assert mod.__all__ == sorted(n for n in vars(mod) if n.startswith("Node"))
    assert "Node3.Item" in mod.__doc__
    line = next(line for line in mod.__doc__.splitlines() if line.split()[:1] == ["Node1"])
    assert line.split() == ["Node1", "Lookup", "node", "1"]


def test_star_import_brings_the_table_classes(university):
    namespace = {}
    exec(f"from djschemas.{university} import *", namespace)
    assert {"Student", "StudentMajor", "LetterGrade"} <= set(namespace)
    assert "schema" not in namespace


def test_from_imports_and_lazy_attribute_reach_the_same_module(university):
    namespace = {}
    exec(f"from djschemas import {university} as a\nfrom djschemas.{university} import Student", namespace)
    import djschemas

    lazy = getattr(djschemas, university)
    assert namespace["a"] is lazy is sys.modules[f"djschemas.{university}"]
    assert namespace["Student"] is lazy.Student


def test_dir_of_djschemas_lists_visible_schemas(university):
    import djschemas

    names = set(dir(djschemas))
    assert university in names
    system = {"information_schema", "mysql", "performance_schema", "sys", "pg_catalog", "pg_toast", "public"}
    assert not system & names


def test_schema_names_that_are_not_identifiers_load_by_function(connection):
    from tests.university import declare

    name = "djtest-dashed-name"
    try:
        declare(name)
        import djschemas

        assert name not in dir(djschemas)  # dir() is for tab completion: identifiers only
        mod = djimport.load(name)
        assert mod is sys.modules[f"djschemas.{name}"]
        assert len(mod.LetterGrade()) == 0
    finally:
        from conftest import drop_schema

        drop_schema(name)


@pytest.mark.parametrize("bad", ["", "a.b", None])
def test_load_refuses_names_that_cannot_be_schema_modules(bad):
    with pytest.raises(ValueError, match="schema name"):
        djimport.load(bad)


def test_diagram_of_module_equals_diagram_of_its_schema(university):
    uni = djimport.load(university)
    assert set(dj.Diagram(uni).nodes) == set(dj.Diagram(uni.schema).nodes)
    assert len(dj.Diagram(uni).nodes) == 10


def test_table_classes_pickle_by_reference_for_worker_processes(university):
    import pickle

    uni = djimport.load(university)
    assert pickle.loads(pickle.dumps(uni.Student)) is uni.Student
    restriction = uni.Student & {"home_state": "UT"}
    assert len(pickle.loads(pickle.dumps(restriction))) == len(restriction)
