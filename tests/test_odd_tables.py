"""Tables that break DataJoint's conventions (made by hand or by other tools) never break an
import: each is skipped with one warning, or silently for DataJoint's own hidden tables."""

from __future__ import annotations

import importlib
import uuid
import warnings

import datajoint as dj
import pytest

import djimport
from tests.helpers import DATAJOINT_PG_NAMES, backend, create_schema_raw, drop_schema_raw, quote, shown

# `#subject` and `subject` would both be class Subject: the first in name order wins.
ODD = ["MixedCase", "with space", "a`b", "subject_view", "missing__part", "subject"]


@pytest.fixture
def odd_schema(connection):
    name = f"djtest_{uuid.uuid4().hex[:10]}"
    create_schema_raw(connection, name, ("subject", "#kind", "~hidden", "MixedCase", "with space", "a`b",
                                         "missing__part", "#subject"))
    connection.query(f"CREATE VIEW {quote(connection, name)}.{quote(connection, 'subject_view')} AS "
                     f"SELECT * FROM {quote(connection, name)}.{quote(connection, 'subject')}")
    yield name
    drop_schema_raw(connection, name)


def _import(name: str):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = djimport.load(name)
    messages = [str(w.message) for w in caught if "djimport" in w.filename or "skipped" in str(w.message)]
    return module, [message for message in messages if "~lineage" not in message]  # 2.x: see test_lineage.py


def test_odd_tables_are_skipped_with_one_warning_each(odd_schema, connection):
    module, messages = _import(odd_schema)
    assert module.__all__ == ["Kind", "Subject"]
    assert len(messages) == len(ODD), messages
    for table in ODD:
        assert sum(shown(connection, odd_schema, table) in message for message in messages) == 1, (table, messages)
    assert not any("hidden" in message for message in messages)  # DataJoint's own ~tables: silently
    assert "is a view" in next(m for m in messages if "subject_view" in m)
    assert "no master" in next(m for m in messages if "missing__part" in m)
    hatch = f"dj.FreeTable(conn, {shown(connection, odd_schema, 'MixedCase')!r})"  # the escape hatch
    assert hatch in next(m for m in messages if "MixedCase" in m)
    assert "like another table" in next(m for m in messages if shown(connection, odd_schema, "subject") in m)
    assert module.Subject.table_name == "#subject"
    connection.query(f"CREATE TABLE {quote(connection, odd_schema)}.{quote(connection, 'added')} (id int PRIMARY KEY)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        djimport.invalidate_caches()
        importlib.reload(module)  # the listing changed, so the module is updated ...
    assert [w for w in caught if "skipped" in str(w.message)] == []  # ... but warns once per table, not per reload
    assert module.Added.table_name == "added"
    assert len(module.Subject()) == 0 and module.Kind.table_name == "#kind"
    assert module.__all__ == ["Added", "Kind", "Subject"]


def test_escape_hatch_reaches_a_skipped_table(odd_schema, connection, request):
    if backend(connection) == "postgresql":
        request.applymarker(
            pytest.mark.xfail(strict=True, raises=dj.errors.MissingTableError, reason=DATAJOINT_PG_NAMES)
        )
    _import(odd_schema)
    table = dj.FreeTable(connection, quote(connection, odd_schema, "MixedCase"))
    assert len(table) == 0 and table.heading.names == ["id"]


def test_a_view_is_skipped_with_a_warning_on_every_backend(university, connection):
    view = quote(connection, university, "student_view")
    connection.query(f"CREATE VIEW {view} AS SELECT * FROM {quote(connection, university, 'student')}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        uni = djimport.load(university)
    assert [str(w.message) for w in caught if "student_view" in str(w.message)] == [
        f"{shown(connection, university, 'student_view')} is a view; skipped"
    ]
    assert not hasattr(uni, "StudentView") and len(uni.Student())

