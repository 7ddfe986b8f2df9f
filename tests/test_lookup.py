"""Any table by its full name (djimport.table), and DataJoint 2.x's schema API on a module's schema:
the answers are the module's own classes."""

from __future__ import annotations

import sys

import pytest

import djimport
from djimport._datajoint import DataJointError
from tests.helpers import create_table_like, datajoint_foreign_keys, quote, server_queries
from tests.sessions import sessions  # noqa: F401  (fixture)


def test_full_names_in_every_spelling_give_the_module_class(university):
    uni = djimport.load(university)
    for name in (f"`{university}`.`#letter_grade`", f'"{university}"."#letter_grade"',
                 f"{university}.#letter_grade", (university, "#letter_grade")):
        assert djimport.table(name) is uni.LetterGrade, name
    assert djimport.table(f"{university}.student") is uni.Student


def test_part_tables_give_the_class_nested_in_their_master(university, sessions):
    module = djimport.load(sessions)
    assert djimport.table(f"`{sessions}`.`session__trial`") is module.Session.Trial
    assert djimport.table((sessions, "__score")) is module.Score


def test_the_schema_is_imported_when_needed(university, connection):
    assert f"djschemas.{university}" not in sys.modules
    with server_queries(connection) as cold:
        cls = djimport.table((university, "student"))
    assert cls is sys.modules[f"djschemas.{university}"].Student
    assert cold.queries == 1  # the import's listing
    with server_queries(connection) as warm:
        for _ in range(3):
            djimport.table((university, "student"))
    assert warm.queries == 0


def test_full_names_from_datajoints_dependency_graph_resolve(university, sessions, connection):
    module = djimport.load(sessions)
    connection.dependencies.load()
    names = [name for name in connection.dependencies.nodes if not name.isdigit() and sessions in name]
    assert names, "DataJoint's graph holds the schema's tables"
    classes = {djimport.table(name) for name in names}
    assert classes == {module.Session, module.Session.Trial, module.Score}


def test_a_missing_table_names_the_schema_and_close_matches(university, connection):
    with server_queries(connection) as count, pytest.raises(LookupError) as error:
        djimport.table(f"{university}.studnet")
    message = str(error.value)
    assert f"No table `studnet` in schema `{university}`" in message
    assert f"Did you mean `{university}`.`student` (Student)" in message
    assert count.queries == 1  # the import; the second look within the TTL asks nothing
    with pytest.raises(LookupError, match=rf"`{university}`\.`#letter_grade` \(LetterGrade\)"):
        djimport.table(f"{university}.LetterGrade")  # a class name is not a table name, but close


def test_a_table_added_since_is_found_once_the_ttl_has_passed(university, connection):
    uni = djimport.load(university)
    create_table_like(connection, university, "#room", "#letter_grade")
    with server_queries(connection) as count, pytest.raises(LookupError):
        djimport.table((university, "#room"))
    assert count.queries == 0  # within the TTL the listing is trusted
    djimport.invalidate_caches()
    room = djimport.table((university, "#room"))
    assert room is uni.Room and room.__name__ == "Room"


def test_a_table_djimport_skipped_says_so_and_how_to_reach_it(university, connection):
    connection.query(f"CREATE TABLE {quote(connection, university, 'MixedCase')} (id int PRIMARY KEY)")
    with pytest.warns(UserWarning, match="naming conventions"):
        djimport.load(university)
    with pytest.raises(LookupError, match=r"djimport skipped it .* dj\.FreeTable"):
        djimport.table((university, "MixedCase"))


def test_a_missing_schema_is_module_not_found(connection):
    with pytest.raises(ModuleNotFoundError, match="No schema [`\"]djtest_no_such_schema[`\"]"):
        djimport.table("djtest_no_such_schema.student")


@pytest.mark.parametrize("name", ["student", "a.b.c", "`a`.b`", "", 42, ("a",), ("a", "")])
def test_what_is_not_a_full_table_name_is_a_value_error(name):
    with pytest.raises(ValueError, match=r"expected a full table name such as '`ephys`\.`_clustering`'"):
        djimport.table(name)


# DataJoint 2.x's schema API on the module's schema (added on 0.14 too)

def test_getitem_get_table_and_in_answer_with_the_module_classes(university, sessions, connection):
    uni, ses = djimport.load(university), djimport.load(sessions)
    with server_queries(connection) as count:
        assert uni.schema["Student"] is uni.Student
        for name in ("LetterGrade", "letter_grade", "#letter_grade"):
            assert uni.schema.get_table(name) is uni.LetterGrade, name
        for name in ("Session.Trial", "session__trial"):
            assert ses.schema[name] is ses.Session.Trial, name
        assert ses.schema["score"] is ses.Score
        assert "StudentMajor" in uni.schema and "student_major" in uni.schema
        assert "Studnet" not in uni.schema and "Trial" not in ses.schema
    assert count.queries == 0


def test_an_unknown_name_is_datajoints_error_with_close_matches(university):
    uni = djimport.load(university)
    with pytest.raises(DataJointError, match=rf"Table `Studnt` does not exist in schema `{university}`.*"
                                             rf"Did you mean `{university}`\.`student` \(Student\)"):
        uni.schema["Studnt"]


def test_iteration_gives_the_module_classes_in_dependency_order(university, sessions, connection):
    for name in (university, sessions):
        module = djimport.load(name)
        with server_queries(connection) as count:
            classes = list(module.schema)
        assert count.queries == 1  # the schema's foreign keys
        assert sorted(classes, key=lambda c: c.table_name) == sorted(
            module.__loader__.classes.values(), key=lambda c: c.table_name)
        position = {cls.table_name: i for i, cls in enumerate(classes)}
        for table, _, ref_schema, ref_table in datajoint_foreign_keys(connection, name):
            if ref_schema == name:
                assert position[ref_table] < position[table], (table, ref_table)
    ses = list(djimport.load(sessions).schema)
    session = next(i for i, cls in enumerate(ses) if cls.__qualname__ == "Session")
    assert ses[session + 1].__qualname__ == "Session.Trial"  # a part right after its master


def test_a_table_declared_through_the_module_joins_the_schema_api(university):
    import datajoint as dj

    uni = djimport.load(university)
    with djimport.create_tables(uni):
        Room = uni.schema(type("Room", (dj.Lookup,), {"definition": "room : varchar(12)"}))
    assert uni.schema["Room"] is uni.Room is Room
    assert Room in list(uni.schema)
