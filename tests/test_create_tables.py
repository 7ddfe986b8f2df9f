"""Declaring tables through a module's schema: refused by default, allowed inside create_tables."""

import importlib
import textwrap

import datajoint as dj
import pytest

import djimport
from djimport._catalog import table_exists


def declare_example(uni):
    @uni.schema
    class Example(dj.Manual):
        definition = """
        -> uni.Student
        ---
        example : varchar(255)
        """

    return Example


def test_declaring_is_refused_by_default_and_creates_nothing(university, connection):
    uni = djimport.load(university)
    with pytest.raises(dj.DataJointError, match=r"create_tables") as refused:
        declare_example(uni)
    assert not table_exists(connection, university, "example")
    assert not hasattr(uni, "Example")
    # The refusal's hint runs as written, in a session that never named the module.
    hint = str(refused.value).split("`")[-2]
    assert hint == f"with djimport.create_tables({university!r}):"
    exec(f"{hint}\n    declare_example(uni)", {"djimport": djimport, "declare_example": declare_example, "uni": uni})
    assert table_exists(connection, university, "example") and hasattr(uni, "Example")


def test_binding_a_class_to_an_existing_table_is_allowed(university):
    uni = djimport.load(university)

    @uni.schema
    class Student(dj.Manual):
        definition = uni.Student.describe()

    assert len(Student()) == len(uni.Student())
    assert uni.Student is not Student  # the module keeps its own class


def test_create_tables_declares_and_the_module_gets_the_same_class(university, connection):
    uni = djimport.load(university)
    with djimport.create_tables(uni) as module:
        assert module is uni and uni.schema.create_tables is True
        example = declare_example(uni)
    assert uni.schema.create_tables is False
    assert uni.Example is example and "Example" in uni.__all__
    assert table_exists(connection, university, "example")
    importlib.reload(uni)  # the listing was refreshed: the reload sees the table and keeps the class
    assert uni.Example is example
    assert example.full_table_name in dj.Diagram(uni).nodes


def test_a_table_declared_in_the_block_is_in_the_module_summary_with_its_comment(schema_name):
    with djimport.create_tables(schema_name, create_schema=True) as module:
        assert repr(module).endswith(", 0 tables>") and module.__doc__.endswith("No tables.")

        @module.schema
        class Subject(dj.Manual):
            definition = """
            # mice of the lab
            subject_id : int
            """

    assert repr(module).endswith(", 1 table>")
    assert module.__doc__.splitlines()[-1].split()[-5:] == ["Manual", "mice", "of", "the", "lab"]


def test_foreign_keys_may_name_the_module_classes_directly(university):
    uni = djimport.load(university)
    with djimport.create_tables(uni):

        @uni.schema
        class Advisor(dj.Manual):
            definition = """
            -> Student
            ---
            advisor : varchar(40)
            """

    assert uni.Advisor.parents() == [uni.Student.full_table_name]


def test_create_tables_is_switched_off_after_an_error(university):
    uni = djimport.load(university)
    with pytest.raises(RuntimeError):
        with djimport.create_tables(uni):
            raise RuntimeError("boom")
    assert uni.schema.create_tables is False
    with pytest.raises(dj.DataJointError):
        declare_example(uni)


def test_nested_create_tables_stays_on_until_the_outer_block_ends(university):
    uni = djimport.load(university)
    with djimport.create_tables(uni):
        with djimport.create_tables(university):
            pass
        assert uni.schema.create_tables is True
    assert uni.schema.create_tables is False


def test_create_schema_makes_a_new_schema_and_yields_its_module(schema_name, connection):
    with djimport.create_tables(schema_name, create_schema=True) as module:

        @module.schema
        class Subject(dj.Manual):
            definition = "subject_id : int\n"

    assert module.Subject is Subject and module.__name__ == f"djschemas.{schema_name}"
    djimport.invalidate_caches()
    assert importlib.reload(module).Subject is Subject


def test_create_tables_on_a_missing_schema_without_create_schema_names_the_fix(schema_name):
    with pytest.raises(ModuleNotFoundError, match="create_schema=True"):
        with djimport.create_tables(schema_name):
            pass


def test_create_tables_needs_a_schema_module():
    import json

    with pytest.raises(TypeError, match="schema module"):
        with djimport.create_tables(json):
            pass


def test_create_tables_as_a_class_decorator_is_refused_with_the_with_form(university, connection):
    uni = djimport.load(university)
    for module in (uni, university):
        with pytest.raises(TypeError) as refused:

            @djimport.create_tables(module)
            class Example(dj.Manual):
                definition = "-> uni.Student\n---\nexample : varchar(255)\n"

        assert not table_exists(connection, university, "example") and not hasattr(uni, "Example")
        assert str(refused.value) == (
            "djimport.create_tables() is a context manager, not a decorator: declare Example inside its block, "
            "decorated with the module's schema:\n"
            f"    with djimport.create_tables({university!r}) as module:\n"
            "        @module.schema\n"
            "        class Example(dj.Manual):  # its body as before"
        )
    # The form shown runs as written, with the body.
    hint = str(refused.value).split("\n", 1)[1]
    body = '\n            definition = "-> uni.Student\\n---\\nexample : varchar(255)\\n"\n'
    exec(textwrap.dedent(hint) + body, {"djimport": djimport, "dj": dj, "uni": uni})
    assert table_exists(connection, university, "example") and hasattr(uni, "Example")


def test_create_tables_as_a_function_decorator_says_to_call_the_function_inside_the_block(university, connection):
    uni = djimport.load(university)

    def declare():
        @uni.schema
        class Example(dj.Manual):
            definition = "-> uni.Student\n---\nexample : varchar(255)\n"

    with pytest.raises(TypeError) as refused:
        djimport.create_tables(uni)(declare)
    assert not table_exists(connection, university, "example")
    assert str(refused.value) == (
        "djimport.create_tables() is a context manager, not a decorator: call declare() inside its block, and "
        "decorate each table class declare() declares with the module's schema (@module.schema):\n"
        f"    with djimport.create_tables({university!r}) as module:\n"
        "        declare()"
    )
    exec(textwrap.dedent(str(refused.value).split("\n", 1)[1]), {"djimport": djimport, "declare": declare})
    assert table_exists(connection, university, "example") and hasattr(uni, "Example")


@pytest.mark.parametrize("definition", ["-> uni.Studnet\nbad_id : int\n", "bad_id : int\n---\nx : integr\n"])
def test_a_mistake_in_a_definition_reports_datajoints_error_not_privileges(university, connection, definition):
    uni = djimport.load(university)
    with pytest.raises(Exception) as plain:  # what DataJoint alone says, in a schema of its own
        dj.Schema(university, connection=connection, context={"uni": uni})(
            type("Bad", (dj.Manual,), {"definition": definition}))
    with pytest.raises(type(plain.value)) as failed:
        with djimport.create_tables(uni):
            uni.schema(type("Bad", (dj.Manual,), {"definition": definition}))
    assert str(failed.value) == str(plain.value) and "privilege" not in str(failed.value)
    assert not table_exists(connection, university, "bad") and not hasattr(uni, "Bad")
