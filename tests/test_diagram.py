"""Schema diagrams, checked by their DOT text; the notebook display of a schema module."""

from __future__ import annotations

import re
import shutil

import datajoint as dj
import pytest

import djimport
from djimport import DotNotFound, save_diagram as save
from djimport._catalog import list_all_tables
from djimport._diagram import _node_id as node_id
from tests.helpers import server_queries, shown
from tests.sessions import sessions  # noqa: F401  (fixture)

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's `dot` is not installed")

_NODE = re.compile(r'^\s*"?([^"\s]+)"? \[(.*)\]$')
_EDGE = re.compile(r'^\s*"?([^"\s]+)"? -> "?([^"\s]+)"? \[(.*)\]$')
_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s\]]+)')


def _attrs(text: str) -> dict[str, str]:
    return {key: value.strip('"') for key, value in _ATTR.findall(text)}


def table_names() -> dict[str, str]:
    """Node id -> ``schema.table``, for every table on DataJoint's default server (a node's id is not its name)."""
    listing = list_all_tables(dj.conn())
    return {node_id(schema, table): f"{schema}.{table}" for schema, tables in listing.items() for table in tables}


def parse(source: str) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, dict[str, str]]]]:
    """Nodes (``schema.table`` -> attributes) and edges (tail, head, attributes) of DOT text."""
    names = table_names()
    nodes, edges = {}, []
    for line in source.splitlines():
        edge = _EDGE.match(line)
        if edge:
            edges.append((names.get(edge[1], edge[1]), names.get(edge[2], edge[2]), _attrs(edge[3])))
            continue
        node = _NODE.match(line)
        if node and node[1] not in ("graph", "node", "edge"):
            nodes[names.get(node[1], node[1])] = _attrs(node[2])
    return nodes, edges


def labelled(source: str):
    """Nodes by label, and edges as (tail label, head label) -> style."""
    nodes, edges = parse(source)
    by_label = {attrs["label"]: attrs for attrs in nodes.values()}
    styles = {(nodes[tail]["label"], nodes[head]["label"]): attrs["style"] for tail, head, attrs in edges}
    return by_label, styles


UNIVERSITY_EDGES = {
    ("Department", "Course"): "solid",
    ("Term", "CurrentTerm"): "dashed",
    ("Student", "StudentMajor"): "solid",
    ("Department", "StudentMajor"): "dashed",
    ("Course", "Section"): "solid",
    ("Term", "Section"): "solid",
    ("Student", "Enroll"): "solid",
    ("Section", "Enroll"): "solid",
    ("Enroll", "Grade"): "solid",
    ("LetterGrade", "Grade"): "dashed",
}


def test_university_nodes_are_its_classes_styled_by_tier(university):
    nodes, _ = labelled(djimport.diagram(university).source)
    assert set(nodes) == {"Course", "CurrentTerm", "Department", "Enroll", "Grade", "LetterGrade", "Section",
                          "Student", "StudentMajor", "Term"}
    assert nodes["Student"]["shape"] == "box" and nodes["Student"]["fontcolor"] == "darkgreen"
    assert nodes["LetterGrade"]["shape"] == "plaintext"  # Lookup


def test_university_edges_are_its_foreign_keys_solid_in_primary_key_dashed_otherwise(university):
    _, edges = labelled(djimport.diagram(university).source)
    assert edges == UNIVERSITY_EDGES


def test_edges_are_thick_when_the_foreign_key_is_the_whole_primary_key(university):
    nodes, edges = parse(djimport.diagram(university).source)
    width = {(nodes[t]["label"], nodes[h]["label"]): attrs["penwidth"] for t, h, attrs in edges}
    assert width[("Enroll", "Grade")] == width[("Student", "StudentMajor")] == "2"  # one-to-one
    assert width[("Student", "Enroll")] == width[("Term", "CurrentTerm")] == "0.75"  # one-to-many
    assert {attrs["arrowhead"] for _, _, attrs in edges} == {"none"}


def test_diagram_of_an_imported_module_is_the_same(university):
    module = djimport.load(university)
    source = djimport.diagram(module).source
    assert source == djimport.diagram(university).source
    assert len(parse(source)[0]) == len(module.__loader__.classes) == 10  # not two equally empty drawings


def test_parts_computed_and_tables_of_other_schemas(university, sessions):
    source = djimport.diagram(sessions).source
    nodes, edges = parse(source)
    by_label = {attrs["label"]: attrs for attrs in nodes.values()}
    assert by_label["Session.Trial"]["shape"] == "plaintext"
    assert by_label["Score"]["shape"] == "ellipse"  # Computed
    assert by_label["Session"]["shape"] == "box"
    # The referenced university table is drawn inside a cluster labelled with its schema.
    cluster = re.search(r"subgraph cluster_\w+ \{(.*?)\n\t\}", source, re.S)
    assert f"label={university}" in cluster[1] and f"{node_id(university, 'student')} [label=Student" in cluster[1]
    assert "Student" not in {attrs["label"] for node, attrs in nodes.items() if node.startswith(sessions)}
    student = f"{university}.student"
    to_session = sorted(attrs["style"] for tail, head, attrs in edges if (tail, head) == (student, f"{sessions}.session"))
    assert to_session == ["dashed", "solid"]  # -> uni.Student in the key; the renamed advisor below ---
    assert (f"{sessions}.session", f"{sessions}.session__trial") in {(t, h) for t, h, _ in edges}


def test_diagram_costs_one_query_once_imported(university, connection):
    module = djimport.load(university)
    with server_queries(connection) as count:
        djimport.diagram(module)
    assert count.queries == 1


def test_save_dot_needs_no_graphviz_program(university, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` here
    graph = djimport.diagram(university)
    assert save(graph, tmp_path / "uni.dot").read_text() == graph.source


def test_save_svg_without_dot_writes_dot_text_and_says_so(university, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    graph = djimport.diagram(university)
    with pytest.raises(DotNotFound, match="`dot` program was not found") as error:
        save(graph, tmp_path / "uni.svg")
    assert error.value.path == tmp_path / "uni.dot"
    assert (tmp_path / "uni.dot").read_text() == graph.source
    assert not (tmp_path / "uni.svg").exists()


def test_save_rejects_unknown_formats(university, tmp_path):
    with pytest.raises(ValueError, match=r"\.svg, \.png, \.pdf or \.dot"):
        save(djimport.diagram(university), tmp_path / "uni.jpg")


@needs_dot
@pytest.mark.parametrize("suffix, magic", [("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_save_renders_with_dot(university, tmp_path, suffix, magic):
    path = save(djimport.diagram(university), tmp_path / f"uni.{suffix}")
    assert path.read_bytes().startswith(magic)


def test_repr_is_one_short_line(university):
    module = djimport.load(university)
    name = re.escape(shown(dj.conn(), university))
    assert re.fullmatch(rf"<schema module 'djschemas\.{university}': {name} on \S+@\S+:\d+, 10 tables>",
                        repr(module))


@needs_dot
def test_notebook_shows_the_diagram_as_svg(university):
    module = djimport.load(university)
    svg = module._repr_svg_()
    assert "<svg" in svg and ">StudentMajor</text>" in svg
    bundle = module._repr_mimebundle_()
    assert bundle["image/svg+xml"] == svg and bundle["text/plain"] == repr(module)


def test_notebook_falls_back_to_text_without_dot(university, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    module = djimport.load(university)
    assert module._repr_svg_() is None
    assert module._repr_mimebundle_() == {"text/plain": repr(module)}


def test_diagram_of_a_missing_schema_is_an_import_error(connection):
    with pytest.raises(ModuleNotFoundError, match=re.escape(f"No schema {shown(connection, 'djtest_missing_diagram')} on")):
        djimport.diagram("djtest_missing_diagram")
