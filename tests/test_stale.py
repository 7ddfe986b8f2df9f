"""Within the TTL, a statement on a table dropped or altered on the server since the module was listed fails with
an error that names the table and the fix, DataJoint's error chained; other errors pass unchanged."""

from __future__ import annotations

import importlib
import re

import datajoint as dj
import pytest

import djimport
from tests.helpers import quote, shown
from tests.synthetic import declare_pipeline


def _hint(exc: BaseException) -> str:
    match = re.search(r"`(import djimport[^`]*)`$", str(exc))
    assert match, str(exc)
    return match[1]


@pytest.fixture
def module(connection, schema_name):
    declare_pipeline(schema_name, 10)
    module = djimport.load(schema_name)
    for cls in module.__loader__.classes.values():
        cls.heading.names
    return module


def _alter(connection, schema_name: str, statement: str) -> None:
    connection.query(statement.format(t=quote(connection, schema_name, "#node5")))


def test_a_dropped_table_says_which_and_how_to_reload(connection, schema_name, module):
    _alter(connection, schema_name, "DROP TABLE {t}")
    with pytest.raises(dj.errors.MissingTableError) as failure:
        module.Node5.fetch()
    assert f"Table {shown(connection, schema_name, '#node5')} is no longer on the server" in str(failure.value)
    assert type(failure.value.__cause__) is dj.errors.MissingTableError
    with pytest.raises(dj.errors.MissingTableError, match="is no longer on the server"):
        len(module.Node5 & "node5_id > 1")
    exec(_hint(failure.value), {})  # the fix runs as written
    assert not hasattr(module, "Node5")


def test_a_dropped_column_says_which_and_how_to_reload(connection, schema_name, module):
    _alter(connection, schema_name, "ALTER TABLE {t} DROP COLUMN label")
    with pytest.raises(dj.errors.UnknownAttributeError) as failure:
        module.Node5.fetch("label")
    assert (f"Table {shown(connection, schema_name, '#node5')} has no column {shown(connection, 'label')} any more "
            f"on the server" in str(failure.value))
    assert type(failure.value.__cause__) is dj.errors.UnknownAttributeError
    with pytest.raises(dj.errors.UnknownAttributeError, match="has no column .label. any more"):
        module.Node5.insert1({"node2_id": 1, "node5_id": 2, "label": "x"})
    exec(_hint(failure.value), {})
    assert "label" not in module.Node5.heading.names
    assert len(module.Node5.fetch()) == 0


def test_a_table_dropped_before_its_heading_was_read_says_so(connection, schema_name):
    declare_pipeline(schema_name, 10)
    module = djimport.load(schema_name)
    _alter(connection, schema_name, "DROP TABLE {t}")
    with pytest.raises(dj.DataJointError, match="is no longer on the server") as failure:
        module.Node5.heading.names
    assert "is not defined" in str(failure.value.__cause__)
    exec(_hint(failure.value), {})
    assert "Node5" not in module.__all__


def test_other_errors_pass_unchanged(connection, schema_name, module):
    with pytest.raises(dj.errors.UnknownAttributeError) as failure:
        module.Node5.proj(x="no_such_column + 1").fetch()
    assert "djimport" not in str(failure.value) and failure.value.__cause__ is None
    module.Node4.insert1({"node4_id": 1})
    with pytest.raises(dj.errors.DuplicateError) as duplicate:
        module.Node4.insert1({"node4_id": 1})
    assert "djimport" not in str(duplicate.value)
    other = quote(connection, schema_name, "elsewhere")
    with pytest.raises(dj.errors.MissingTableError) as missing:
        module.Node4.proj(x=f"(SELECT count(*) FROM {other})").fetch()
    assert "djimport" not in str(missing.value)


def test_the_hint_reloads_a_module_whose_name_is_no_identifier():
    from djimport._stale import reload_hint

    assert reload_hint("djschemas.my-lab") == (
        "import djimport, importlib, sys; djimport.invalidate_caches(); "
        "importlib.reload(sys.modules['djschemas.my-lab'])"
    )
    assert reload_hint("lab.uni") == "import djimport, importlib, lab.uni; djimport.invalidate_caches(); importlib.reload(lab.uni)"


def test_a_table_dropped_while_the_headings_are_read_says_so(connection, schema_name, monkeypatch):
    """The headings are read in several statements: a table dropped between them gets no key (each statement
    sees the server at its own moment); that is the stale-table error, not a heading without key."""
    from djimport import _headings

    declare_pipeline(schema_name, 10)
    module = djimport.load(schema_name)
    read, kinds = _headings.heading_rows, []

    def heading_rows(connection_, schema: str, kind: str):
        rows = read(connection_, schema, kind)
        kinds.append(kind)
        if len(kinds) == 1:  # after the first statement, which lists the tables
            _alter(connection, schema_name, "DROP TABLE {t}")
        return rows

    monkeypatch.setattr(_headings, "heading_rows", heading_rows)
    with pytest.raises(dj.DataJointError, match="is no longer on the server"):
        module.Node5.heading.names
    monkeypatch.undo()
    djimport.invalidate_caches()
    importlib.reload(module)
    assert "Node5" not in module.__all__
