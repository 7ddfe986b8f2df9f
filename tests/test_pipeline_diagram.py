"""The map of a whole pipeline: several schemas, or all of them, each in its cluster, joined by
their foreign keys; the keys of all schemas from a constant number of queries."""

from __future__ import annotations

import re

import pytest

import djimport
from djimport.cli import main
from tests.helpers import server_queries
from tests.pipeline import split_university  # noqa: F401  (fixture)
from tests.sessions import sessions  # noqa: F401  (fixture)
from tests.test_diagram import UNIVERSITY_EDGES, parse
from tests.university import SPLIT


def clusters(source: str) -> dict[str, tuple[str, set[str]]]:
    """Cluster label (a schema) -> (its attributes' text, the ``schema.table`` of the nodes declared in it)."""
    found: dict[str, tuple[str, set[str]]] = {}
    labels = {}
    for cluster, body in re.findall(r"subgraph (cluster_\S+) \{(.*?)\n\t\}", source, re.S):
        label = re.match(r"\s*(?:\S+ )*?label=(\S+)", body)  # the cluster's attributes come first
        if label and "[" not in label[0]:
            labels[cluster] = label[1]
        nodes = set(parse(body)[0])
        attrs, old_nodes = found.get(cluster, ("", set()))
        found[cluster] = (attrs + body, old_nodes | nodes)
    return {labels[cluster]: found[cluster] for cluster in found}


def test_several_schemas_each_in_its_cluster_joined_by_their_foreign_keys(split_university):
    source = djimport.diagram(*split_university).source
    nodes, edges = parse(source)
    found = clusters(source)
    assert set(found) == set(split_university)
    labels = {node: attrs["label"] for node, attrs in nodes.items()}
    for schema in split_university:
        attrs, members = found[schema]
        assert f"label={schema}" in attrs and "style=solid" in attrs
        assert {labels[node] for node in members} == {
            name for name, part in SPLIT.items() if schema.endswith("_" + part)}
    # The very edges of the one-schema university, now across clusters too.
    styles = {(labels[tail], labels[head]): attrs["style"] for tail, head, attrs in edges}
    assert styles == UNIVERSITY_EDGES
    catalog, people, enrollment = split_university
    assert (f"{people}.student", f"{enrollment}.enroll") in {(tail, head) for tail, head, _ in edges}


def test_modules_and_names_may_be_mixed(split_university):
    catalog, people, enrollment = split_university
    mixed = djimport.diagram(djimport.load(catalog), people, enrollment)
    assert mixed.source == djimport.diagram(*split_university).source


def test_referenced_schemas_not_drawn_sit_in_a_dashed_cluster(split_university):
    catalog, people, enrollment = split_university
    source = djimport.diagram(people, enrollment).source
    found = clusters(source)
    assert set(found) == {catalog, people, enrollment}
    attrs, members = found[catalog]
    assert "style=dashed" in attrs
    assert members == {f"{catalog}.department", f"{catalog}.course", f"{catalog}.#letter_grade"}


def test_every_schema_without_arguments(split_university, university, sessions):
    source = djimport.diagram().source
    found = clusters(source)
    assert {*split_university, university, sessions} <= set(found)
    split_edges = {(tail, head) for tail, head, _ in parse(djimport.diagram(*split_university).source)[1]}
    assert split_edges <= {(tail, head) for tail, head, _ in parse(source)[1]}


def test_the_map_costs_a_constant_number_of_queries(split_university, university, sessions, connection):
    modules = [djimport.load(name) for name in (*split_university, university, sessions)]
    counts = {}
    for n in (1, 3, 5):
        with server_queries(connection) as count:
            djimport.diagram(*modules[:n])
        counts[n] = count.queries
    assert counts == {1: 1, 3: 1, 5: 1}  # the foreign keys of all of them at once
    with server_queries(connection) as count:
        djimport.diagram()
    assert count.queries == 2  # every schema's tables, and their keys


def test_modules_of_two_servers_are_refused(university, connection):
    djimport.mount("djtest_other_root", connection=connection)
    try:
        import importlib

        other = importlib.import_module(f"djtest_other_root.{university}")
        with pytest.raises(ValueError, match="one server at a time"):
            djimport.diagram(djimport.load(university), other)
    finally:
        djimport.unmount("djtest_other_root")


def test_command_draws_named_schemas_or_all(split_university, tmp_path, capsys):
    path = tmp_path / "pipeline.dot"
    assert main(["diagram", *split_university, "-o", str(path)]) == 0
    assert path.read_text() == djimport.diagram(*split_university).source
    assert main(["diagram", "--all", "-o", str(path)]) == 0
    assert set(split_university) <= set(clusters(path.read_text()))
    assert capsys.readouterr().out == f"wrote {path}\nwrote {path}\n"


@pytest.mark.parametrize("argv", [["diagram", "-o", "x.svg"], ["diagram", "x", "--all", "-o", "x.svg"]])
def test_command_needs_schemas_or_all_not_both(argv, capsys):
    with pytest.raises(SystemExit) as exit:
        main(argv)
    assert exit.value.code == 2
    assert "name one or more schemas, or --all" in capsys.readouterr().err
