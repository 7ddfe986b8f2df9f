"""Every step of "Work with Existing Pipelines" (the seed document), through djimport,
checked against dj.VirtualModule on the same data."""

import importlib

import datajoint as dj
import pytest

import djimport

V2 = int(dj.__version__.split(".")[0]) >= 2


def rows(query):
    return query.to_dicts(order_by="KEY") if V2 else query.fetch(as_dict=True, order_by="KEY")


@pytest.fixture
def both(university):
    """The schema imported through djimport and through dj.VirtualModule."""
    uni = importlib.import_module(f"djschemas.{university}")
    virtual = dj.VirtualModule("university.py", university)
    return uni, virtual


def test_list_schemas_and_dir_agree(university):
    import djschemas

    listed = set(dj.list_schemas())
    visible = {name for name in dir(djschemas) if not name.startswith("_")}
    assert university in listed and university in visible
    assert visible <= listed


def test_diagram_of_module_and_of_schema(both):
    uni, virtual = both
    nodes = set(dj.Diagram(uni).nodes)
    assert nodes == set(dj.Diagram(uni.schema).nodes) == set(dj.Diagram(virtual).nodes)
    assert len(nodes) == 10


def test_students_without_majors(both):
    uni, virtual = both
    ours = rows(uni.Student - uni.StudentMajor)
    assert ours == rows(virtual.Student - virtual.StudentMajor)
    assert 0 < len(ours) < len(uni.Student())


def test_restrictions_and_joins_match(both):
    uni, virtual = both
    for module in both:
        assert len(module.Student & {"home_state": "UT"}) == len(uni.Student & "home_state='UT'")
    assert rows(uni.Student * uni.StudentMajor & {"dept": "MATH"}) == rows(
        virtual.Student * virtual.StudentMajor & {"dept": "MATH"}
    )
    assert rows((uni.Enroll * uni.Grade) & uni.CurrentTerm) == rows((virtual.Enroll * virtual.Grade) & virtual.CurrentTerm)


def test_joins_of_every_shape_match(both):
    """djimport writes DataJoint 0.14's joins with USING (docs/long-running.md): the same rows and counts as
    DataJoint's NATURAL JOIN, for chains, left joins, aggregations, renames that make subqueries, cross joins."""
    shapes = (
        lambda m: m.Student * m.Enroll * m.Grade * m.LetterGrade,
        lambda m: m.Student.join(m.StudentMajor, left=True),
        lambda m: m.Student.aggr(m.Enroll, n="count(*)", **({} if V2 else {"keep_all_rows": True})),  # 2.x's default
        lambda m: m.Department.aggr(m.StudentMajor * m.Student, n="count(*)"),
        lambda m: m.Enroll * m.Section.proj(year="term_year", room="auditorium"),
        lambda m: (m.Department * m.Course * m.Section) & m.CurrentTerm,
        lambda m: m.StudentMajor * m.Course & "credits > 3",
        lambda m: m.Department * m.Term,
    )
    uni, virtual = both
    for shape in shapes:
        ours, theirs = shape(uni), shape(virtual)
        assert rows(ours) == rows(theirs) and len(ours) == len(theirs) > 0 and bool(ours)


def test_star_import_spawns_the_same_classes_as_spawn_missing_classes(university):
    spawned = {}
    schema = dj.Schema(university, create_tables=False)
    (schema.make_classes(into=spawned) if V2 else schema.spawn_missing_classes(context=spawned))
    imported = {}
    exec(f"from djschemas.{university} import *", imported)
    assert {n for n in spawned if n[0].isupper()} == {n for n in imported if n[0].isupper()}
    for name, cls in spawned.items():
        if name[0].isupper():
            assert imported[name].full_table_name == cls.full_table_name
            assert imported[name].__bases__ == cls.__bases__


def test_missing_schema_is_an_error_in_both(university):
    with pytest.raises(dj.DataJointError, match="nonexistent"):
        dj.VirtualModule("what", f"{university}_nonexistent")
    with pytest.raises(ModuleNotFoundError, match=f"{university}_nonexistent"):
        importlib.import_module(f"djschemas.{university}_nonexistent")


def test_adding_a_table_through_the_module_schema(both, university):
    uni, _ = both
    with djimport.create_tables(uni):

        @uni.schema
        class Example(dj.Manual):
            definition = """
            -> uni.Student
            ---
            example : varchar(255)
            """

    Example.insert1({"student_id": 0, "example": "hello"})
    assert Example.full_table_name in dj.Diagram(uni).nodes
    fresh = dj.VirtualModule("university.py", university)
    assert rows(fresh.Example) == rows(uni.Example) == [{"student_id": 0, "example": "hello"}]
