"""Looking at djschemas imports nothing: DataJoint's class-name lookups (describe, Diagram, lookup_class_name), which
walk the caller's namespace with inspect.getmembers, pydoc and dir() never import a schema, with 400 other schemas
on the server; import and attribute access in user code still do."""

from __future__ import annotations

import importlib
import inspect
import sys

import datajoint as dj
import pytest

from tests.helpers import create_schema_raw, drop_schema_raw
from tests.synthetic import declare_pipeline

OTHERS = 400


@pytest.fixture
def others(connection, schema_name):
    """400 empty schemas besides ``schema_name``, dropped at the end."""
    names = [f"{schema_name}_o{i:03}" for i in range(OTHERS)]
    try:
        for name in names:
            create_schema_raw(connection, name)
        yield names
    finally:
        for name in names:
            drop_schema_raw(connection, name)


def _imported() -> set[str]:
    return {name for name in sys.modules if name.startswith("djschemas.")}


def _schemas_in_graph(connection) -> set[str]:
    names = (node for node in connection.dependencies.nodes if not node.isdigit())
    return {name.split(".")[0].strip('`"') for name in names}


def test_datajoint_lookups_import_no_schema(connection, schema_name, others):
    import djschemas

    declare_pipeline(schema_name, 4)
    module = importlib.import_module(f"djschemas.{schema_name}")
    assert set(others) <= set(dir(djschemas))  # dir() lists every schema, importing none
    imported = _imported()
    assert imported == {f"djschemas.{schema_name}"}

    definition = module.Node1().describe()  # `djschemas` and `module` in this namespace
    assert "-> module.Node0" in definition
    dj.Diagram(module).make_dot()
    found = dj.table.lookup_class_name(module.Node0.full_table_name, {"djschemas": djschemas})
    assert found == f"djschemas.{schema_name}.Node0"
    assert dict(inspect.getmembers(djschemas)).keys() <= {schema_name, *vars(djschemas)}
    assert _imported() == imported
    assert _schemas_in_graph(connection) == {schema_name}  # what DataJoint itself loads: the registered schema

    assert getattr(djschemas, others[0]).__name__ == f"djschemas.{others[0]}"  # user code's access imports
    assert importlib.import_module(f"djschemas.{others[1]}") is getattr(djschemas, others[1])
    assert _imported() == imported | {f"djschemas.{others[0]}", f"djschemas.{others[1]}"}


def test_pydoc_of_djschemas_imports_no_schema(schema_name, others):
    import pydoc

    import djschemas

    pydoc.render_doc(djschemas)
    assert not _imported()
