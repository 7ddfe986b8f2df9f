"""What djimport promises holds on every backend: MySQL/MariaDB and (DataJoint 2.x) PostgreSQL.

Each test runs once per backend through the parametrized ``server`` fixture.
"""

from __future__ import annotations

import importlib
import sys
import warnings

import datajoint as dj
import pytest

import djimport
from tests.helpers import quote, server_queries


def declare_extra(schema_name: str, name: str = "Extra", comment: str = "added elsewhere") -> None:
    """Declare a table the way another process would: plain DataJoint, not through djimport."""
    schema = dj.Schema(schema_name, connection=dj.conn(), create_schema=False)
    schema(type(name, (dj.Manual,), {"definition": f"# {comment}\nextra_id : int\n"}), context={})


def test_import_builds_module_with_table_classes(university, connection):
    uni = djimport.load(university)
    assert uni.__name__ == f"djschemas.{university}"
    assert {"Student", "StudentMajor", "LetterGrade", "Grade"} <= set(uni.__all__)
    assert issubclass(uni.LetterGrade, dj.Lookup)
    without_major = uni.Student - uni.StudentMajor
    assert 0 < len(without_major) < len(uni.Student())
    assert len(uni.Student * uni.StudentMajor) == len(uni.StudentMajor())


def test_dir_lists_user_schemas_not_system_ones(university, connection):
    import djschemas

    names = dir(djschemas)
    assert university in names
    assert not {"information_schema", "mysql", "performance_schema", "sys", "pg_catalog", "pg_toast", "public"} & set(
        names
    )


def test_import_costs_one_query_and_a_cached_reload_none(university, connection):
    with server_queries(connection) as first:
        uni = djimport.load(university)
    with server_queries(connection) as again:
        importlib.reload(uni)
    assert (first.queries, again.queries) == (1, 0)


def test_reload_sees_new_tables_once_the_listing_expires(university, connection):
    uni = djimport.load(university)
    student = uni.Student
    declare_extra(university)
    importlib.reload(uni)
    assert not hasattr(uni, "Extra"), "the listing is trusted for its TTL"
    djimport.invalidate_caches()
    importlib.reload(uni)
    assert uni.Extra.full_table_name == quote(connection, university, "extra")
    assert uni.Student is student
    assert "added elsewhere" in uni.__doc__


def test_create_tables_declares_into_the_module(university, connection):
    uni = djimport.load(university)
    with djimport.create_tables(uni):

        @uni.schema
        class Advisor(dj.Manual):
            definition = """
            -> Student
            ---
            advisor_name : varchar(40)
            """

    assert uni.Advisor is Advisor
    Advisor.insert1({"student_id": 0, "advisor_name": "Dr. Who"})
    importlib.reload(uni)
    assert uni.Advisor is Advisor
    assert len(uni.Student & uni.Advisor) == 1


def test_create_tables_with_create_schema_makes_a_new_schema(schema_name, connection):
    with djimport.create_tables(schema_name, create_schema=True) as mod:

        @mod.schema
        class Thing(dj.Manual):
            definition = "thing_id : int\n"

    assert sys.modules[f"djschemas.{schema_name}"].Thing is Thing
    assert schema_name in djimport.load(schema_name).schema.database


def test_declaring_without_create_tables_is_refused(university, connection):
    uni = djimport.load(university)
    with pytest.raises(dj.DataJointError, match="create_tables"):

        @uni.schema
        class Refused(dj.Manual):
            definition = "refused_id : int\n"


def test_missing_schema_is_module_not_found_with_a_hint(university, connection):
    with pytest.raises(ModuleNotFoundError, match=f"Did you mean '{university}'"):
        djimport.load(university[:-1] + "x")


def test_views_are_skipped_with_a_warning(university, connection):
    view = quote(connection, university, "student_view")
    connection.query(f"CREATE VIEW {view} AS SELECT * FROM {quote(connection, university, 'student')}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        uni = djimport.load(university)
    assert any("student_view" in str(w.message) and "view" in str(w.message) for w in caught)
    assert not hasattr(uni, "StudentView")


def test_unreachable_server_is_an_import_error_naming_it(university, server, connection):
    server.stop()
    try:
        with pytest.raises(ImportError, match="is unavailable"):
            djimport.load(university)
    finally:
        server.start()
        dj.conn(reset=True)
