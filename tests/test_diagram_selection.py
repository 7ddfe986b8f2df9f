"""What a diagram draws: DataJoint's dependency graph without its hidden tables; schemas chosen by
pattern; a table's neighbourhood across schemas; the direction of the edges between schemas."""

from __future__ import annotations

import re

import datajoint as dj
import pytest

import djimport
from djimport._catalog import list_all_tables
from djimport._datajoint import IS_V2
from djimport.cli import main
from tests.helpers import _split, server_queries
from tests.pipeline import split_university  # noqa: F401  (fixture)
from tests.sessions import sessions  # noqa: F401  (fixture)
from tests.test_diagram import parse


def drawn(graph) -> tuple[set[str], set[tuple[str, str]]]:
    """The node ids and the (parent, child) edges of a diagram."""
    nodes, edges = parse(graph.source)
    return set(nodes), {(tail, head) for tail, head, _ in edges}


def datajoint_graph(connection, schemas) -> tuple[set[str], set[tuple[str, str]]]:
    """DataJoint's own dependency graph over ``schemas`` (activated here): its tables as ``schema.table``
    and its edges (parent, child), an alias node (0.14's renamed foreign key) contracted to one edge."""
    for schema in schemas:
        dj.Schema(schema, connection=connection, create_schema=False)  # DataJoint loads activated schemas
    graph = connection.dependencies
    graph.load()

    def name(node: str) -> str:
        return ".".join(_split(node))

    edges = set()
    for parent, child in graph.edges():
        if child.isdigit():
            continue
        if parent.isdigit():
            parent = next(iter(graph.predecessors(parent)))
        edges.add((name(parent), name(child)))
    return {name(node) for node in graph.nodes if not node.isdigit()}, edges


def restricted(graph, schemas) -> tuple[set[str], set[tuple[str, str]]]:
    """DataJoint's graph restricted to a diagram of ``schemas``: their tables and the tables they reference,
    and the foreign keys of their tables."""
    nodes, edges = graph
    edges = {(parent, child) for parent, child in edges if child.split(".")[0] in schemas}
    return {node for node in nodes if node.split(".")[0] in schemas} | {parent for parent, _ in edges}, edges


def hidden_tables(connection, schema: str) -> set[str]:
    return {table for table in list_all_tables(connection)[schema] if table.startswith("~")}


def test_split_pipeline_equals_datajoint_graph(split_university, sessions, connection):
    schemas = [*split_university, sessions]
    graph = datajoint_graph(connection, schemas)
    assert drawn(djimport.diagram(*schemas)) == restricted(graph, schemas)
    assert drawn(djimport.diagram(sessions)) == restricted(graph, [sessions])  # with uni.Student referenced


@pytest.mark.skipif(IS_V2, reason="~external_<store> tables are DataJoint 0.14's external storage")
def test_external_storage_tables_are_not_drawn(schema_name, connection, tmp_path, monkeypatch):
    monkeypatch.setitem(dj.config, "stores", {"store": dict(protocol="file", location=str(tmp_path))})
    schema = dj.Schema(schema_name, connection=connection)

    @schema
    class Recording(dj.Manual):
        definition = """
        recording : int
        ---
        raw : blob@store
        """

    @schema
    class Spikes(dj.Imported):
        definition = """
        -> Recording
        ---
        spikes : blob@store
        thumbnail : attach@store
        """

    Recording.insert1(dict(recording=1, raw=[1, 2, 3]))
    assert "~external_store" in hidden_tables(connection, schema_name)  # else this test tests nothing
    for graph in (djimport.diagram(schema_name), djimport.diagram(schema_name + "*")):
        nodes, edges = drawn(graph)
        assert nodes == {f"{schema_name}.recording", f"{schema_name}._spikes"}
        assert (nodes, edges) == restricted(datajoint_graph(connection, [schema_name]), [schema_name])
    nodes, _ = drawn(djimport.diagram(around=f"{schema_name}.Recording", depth=3))
    assert nodes == {f"{schema_name}.recording", f"{schema_name}._spikes"}


def test_jobs_and_lineage_tables_are_not_drawn(schema_name, connection):
    integer = "int32" if IS_V2 else "int"
    schema = dj.Schema(schema_name, connection=connection)

    @schema
    class Source(dj.Manual):
        definition = f"source : {integer}"

    @schema
    class Result(dj.Computed):
        definition = f"-> Source\n---\nvalue : {integer}"

        def make(self, key):
            self.insert1(dict(key, value=1))

    Source.insert1(dict(source=1))
    Result.populate(reserve_jobs=True)
    # 0.14 keeps a schema's jobs in `~jobs`, 2.x each table's in `~~result`, next to the schema's `~lineage`.
    assert hidden_tables(connection, schema_name) >= ({"~~result", "~lineage"} if IS_V2 else {"~jobs"})
    graph = datajoint_graph(connection, [schema_name])
    for diagram in (djimport.diagram(schema_name), djimport.diagram(schema_name[:-2] + "*"), djimport.diagram()):
        nodes, _ = drawn(diagram)
        assert not [node for node in nodes if "~" in node]
    nodes, edges = drawn(djimport.diagram(schema_name))
    assert nodes == {f"{schema_name}.source", f"{schema_name}.__result"}
    assert (nodes, edges) == restricted(graph, [schema_name])
    assert drawn(djimport.diagram(around=f"{schema_name}.Result", depth=5)) == neighbourhood(connection, Result, 5)


def neighbourhood(connection, table_class, depth: int) -> tuple[set[str], set[tuple[str, str]]]:
    """DataJoint's neighbourhood of a table: ``((dj.Diagram(T) - depth) + (dj.Diagram(T) + depth)).add_parts()``,
    with the edges between its tables. (0.14's ``add_parts`` fails on alias nodes: the parts are added here
    as it adds them, the tables named ``<master>__<part>``.)"""
    diagram = (dj.Diagram(table_class) - depth) + (dj.Diagram(table_class) + depth)
    nodes = {".".join(_split(node)) for node in diagram.nodes_to_show if not node.isdigit()}
    schemas = {node.split(".")[0] for node in nodes}
    all_nodes, edges = datajoint_graph(connection, schemas)
    nodes |= {part for part in all_nodes for master in nodes if part.startswith(master + "__")}
    return nodes, {(parent, child) for parent, child in edges if parent in nodes and child in nodes}


@pytest.mark.parametrize("depth", [0, 1, 2, 4])
def test_around_a_table_equals_datajoints_diagram_arithmetic(split_university, sessions, connection, depth):
    catalog, people, enrollment = split_university
    datajoint_graph(connection, [*split_university, sessions])  # activate them all for DataJoint
    for name, sql_name, schema in (("Student", "student", people), ("Section", "section", enrollment),
                                   ("Session.Trial", "session__trial", sessions)):
        expected = neighbourhood(connection, djimport.table((schema, sql_name)), depth)
        assert drawn(djimport.diagram(around=f"{schema}.{name}", depth=depth)) == expected
        assert drawn(djimport.diagram(around=f"{schema}.{sql_name}", depth=depth)) == expected


def test_around_crosses_schemas_both_ways(split_university):
    catalog, people, enrollment = split_university
    nodes, edges = drawn(djimport.diagram(around=f"{people}.Student", depth=1))
    assert nodes == {f"{people}.student", f"{people}.student_major", f"{enrollment}.enroll"}
    nodes, _ = drawn(djimport.diagram(around=f"{people}.StudentMajor", depth=1))
    assert nodes == {f"{people}.student_major", f"{people}.student", f"{catalog}.department"}


def test_around_a_master_brings_its_parts(sessions):
    nodes, _ = drawn(djimport.diagram(around=f"{sessions}.Session", depth=0))
    assert nodes == {f"{sessions}.session", f"{sessions}.session__trial"}


def test_around_names_what_is_missing(split_university, connection):
    catalog, people, enrollment = split_university
    with pytest.raises(LookupError, match=rf"no table 'Studnet' in schema `{people}`.*close names: {people}\.Student"):
        djimport.diagram(around=f"{people}.Studnet")
    with pytest.raises(LookupError, match=rf"no schema `{people}x` .*close names: {people}"):
        djimport.diagram(around=f"{people}x.Student")
    with pytest.raises(ValueError, match="SCHEMA.Table"):
        djimport.diagram(around=people)
    with pytest.raises(ValueError, match="name no schema with it"):
        djimport.diagram(people, around=f"{people}.Student")


def test_patterns_match_the_schemas_you_can_see(split_university):
    catalog, people, enrollment = split_university
    prefix = catalog[: -len("_catalog")]
    assert drawn(djimport.diagram(prefix + "_*")) == drawn(djimport.diagram(*split_university))
    assert drawn(djimport.diagram(prefix + "_[cp]*")) == drawn(djimport.diagram(catalog, people))
    # a name and a pattern together, each schema once
    assert drawn(djimport.diagram(people, prefix + "_*")) == drawn(djimport.diagram(*split_university))


def test_a_pattern_matching_nothing_names_it_with_close_names(split_university):
    catalog = split_university[0]
    pattern = catalog.replace("catalog", "catalgo") + "*"
    with pytest.raises(LookupError, match=rf"matches '{re.escape(pattern)}'; close names: {catalog}"):
        djimport.diagram(pattern)


def test_selections_cost_two_queries(split_university, sessions, connection):
    prefix = split_university[0][: -len("_catalog")]
    for arguments, options in (((prefix + "_*",), {}), ((prefix + "_*", sessions), {}),
                               ((), {"around": f"{sessions}.Score", "depth": 3})):
        djimport.invalidate_caches()
        with server_queries(connection) as count:
            djimport.diagram(*arguments, **options)
        assert count.queries == 2, (arguments, options)  # every schema's tables, and the keys wanted


def test_edges_between_schemas_have_arrowheads(split_university):
    nodes, edges = parse(djimport.diagram(*split_university).source)
    heads = {(tail.split(".")[0] != head.split(".")[0], attrs["arrowhead"]) for tail, head, attrs in edges}
    assert heads == {(True, "normal"), (False, "none")}


def test_command_draws_patterns_and_neighbourhoods(split_university, tmp_path, capsys):
    catalog, people, enrollment = split_university
    prefix = catalog[: -len("_catalog")]
    path = tmp_path / "x.dot"
    assert main(["diagram", prefix + "_*", "-o", str(path)]) == 0
    assert drawn_text(path) == drawn(djimport.diagram(*split_university))
    assert main(["diagram", "--around", f"{people}.Student", "--depth", "2", "-o", str(path)]) == 0
    assert drawn_text(path) == drawn(djimport.diagram(around=f"{people}.Student", depth=2))
    assert capsys.readouterr().out == f"wrote {path}\n" * 2
    assert main(["diagram", prefix + "_nothing*", "-o", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"matches '{prefix}_nothing*'" in err


def drawn_text(path):
    nodes, edges = parse(path.read_text())
    return set(nodes), {(tail, head) for tail, head, _ in edges}


@pytest.mark.parametrize("argv, message", [
    (["diagram", "x", "--around", "x.T", "-o", "x.svg"], "or --around SCHEMA.Table"),
    (["diagram", "x", "--depth", "2", "-o", "x.svg"], "--depth goes with --around"),
    (["diagram", "--around", "x.T", "--depth", "-1", "-o", "x.svg"], "not a whole number"),
])
def test_command_refuses_mixed_choices(argv, message, capsys):
    with pytest.raises(SystemExit) as exit:
        main(argv)
    assert exit.value.code == 2
    assert message in capsys.readouterr().err
