"""After the TTL (or djimport.invalidate_caches()), importlib.reload shows tables altered in place or declared
again, in the same classes, reading again only the changed headings, together; what it costs in statements."""

from __future__ import annotations

import importlib

import datajoint as dj
import pytest

import djimport
from tests.helpers import backend, quote, server_queries
from tests.synthetic import declare_pipeline


def _statements(connection, schema: str, table: str, mysql: list[str], postgresql: list[str]) -> list[str]:
    """The statements of the connection's backend, ``{s}`` and ``{t}`` replaced by the quoted schema and table."""
    statements = postgresql if backend(connection) == "postgresql" else mysql
    return [s.format(s=quote(connection, schema), t=quote(connection, schema, table)) for s in statements]


# Each change made behind the module's back on table `#node5` (Node5, a leaf: node2_id, node5_id | value5, label)
# or on part table `node0__item` (Node0.Item: node0_id, item | amount), and what the reloaded heading shows.
CHANGES = {
    "column added": (
        "#node5", ["ALTER TABLE {t} ADD COLUMN weight float"], ["ALTER TABLE {t} ADD COLUMN weight real"],
        lambda m: "weight" in m.Node5.heading.names,
    ),
    "column dropped": (
        "#node5", ["ALTER TABLE {t} DROP COLUMN label"], ["ALTER TABLE {t} DROP COLUMN label"],
        lambda m: "label" not in m.Node5.heading.names,
    ),
    "column retyped": (
        "#node5", ["ALTER TABLE {t} MODIFY value5 double"], ["ALTER TABLE {t} ALTER COLUMN value5 TYPE real"],
        lambda m: m.Node5.heading.attributes["value5"].type in ("double", "real"),
    ),
    "column renamed": (
        "#node5", ["ALTER TABLE {t} RENAME COLUMN label TO tag"], ["ALTER TABLE {t} RENAME COLUMN label TO tag"],
        lambda m: "tag" in m.Node5.heading.names and "label" not in m.Node5.heading.names,
    ),
    "default": (
        "#node5", ["ALTER TABLE {t} ALTER COLUMN label SET DEFAULT 'x'"],
        ["ALTER TABLE {t} ALTER COLUMN label SET DEFAULT 'x'"],
        lambda m: "x" in m.Node5.heading.attributes["label"].default,
    ),
    "nullability": (
        "#node5", ["ALTER TABLE {t} MODIFY value5 float NOT NULL DEFAULT 0"],
        ["ALTER TABLE {t} ALTER COLUMN value5 SET DEFAULT 0", "ALTER TABLE {t} ALTER COLUMN value5 SET NOT NULL"],
        lambda m: not m.Node5.heading.attributes["value5"].nullable,
    ),
    "column comment": (
        "#node5", ["ALTER TABLE {t} MODIFY value5 float DEFAULT NULL COMMENT 'grams'"],
        ["COMMENT ON COLUMN {t}.value5 IS 'grams'"],
        lambda m: m.Node5.heading.attributes["value5"].comment == "grams",
    ),
    "index": (
        "#node5", ["CREATE UNIQUE INDEX by_label ON {t} (label)"], ["CREATE UNIQUE INDEX by_label ON {t} (label)"],
        lambda m: bool(m.Node5.heading.names) and ("label",) in m.Node5.heading.indexes,
    ),
    "table comment": (
        "#node5", ["ALTER TABLE {t} COMMENT 'renamed node'"], ["COMMENT ON TABLE {t} IS 'renamed node'"],
        lambda m: m.Node5.heading.table_status["comment"] == "renamed node" and "renamed node" in m.__doc__,
    ),
    "foreign key added": (
        "#node5", ["ALTER TABLE {t} ADD COLUMN other int, ADD FOREIGN KEY (other) REFERENCES {s}.`node4` (node4_id)"],
        ['ALTER TABLE {t} ADD COLUMN other int, ADD FOREIGN KEY (other) REFERENCES {s}."node4" (node4_id)'],
        lambda m: m.Node4.full_table_name in m.Node5.parents() and "other" in m.Node5.heading.names,
    ),
    "declared again, another primary key": (  # with the same table comment
        "#node5", ["DROP TABLE {t}", "CREATE TABLE {t} (code varchar(8) NOT NULL, PRIMARY KEY (code)) COMMENT 'node 5'"],
        ["DROP TABLE {t}", "CREATE TABLE {t} (code varchar(8) NOT NULL, PRIMARY KEY (code))",
         "COMMENT ON TABLE {t} IS 'node 5'"],
        lambda m: m.Node5.primary_key == ["code"] and len(m.Node5()) == 0,
    ),
    "part table column added": (
        "node0__item", ["ALTER TABLE {t} ADD COLUMN weight float"], ["ALTER TABLE {t} ADD COLUMN weight real"],
        lambda m: "weight" in m.Node0.Item.heading.names,
    ),
    "part table declared again": (
        "node0__item", ["DROP TABLE {t}", "CREATE TABLE {t} (node0_id int NOT NULL, PRIMARY KEY (node0_id))"],
        ["DROP TABLE {t}", "CREATE TABLE {t} (node0_id int NOT NULL, PRIMARY KEY (node0_id))"],
        lambda m: m.Node0.Item.primary_key == ["node0_id"],
    ),
}


def _every_table(module) -> list[type]:
    return list(module.__loader__.classes.values())


def _load_headings(module) -> None:
    for cls in _every_table(module):
        cls.heading.names


@pytest.mark.parametrize("change", CHANGES)
def test_reload_shows_a_table_changed_on_the_server_in_the_same_class(connection, schema_name, change):
    table, mysql, postgresql, shows = CHANGES[change]
    declare_pipeline(schema_name, 10)
    module = djimport.load(schema_name)
    classes = dict(module.__loader__.classes)
    _load_headings(module)
    headings = {name: cls.heading for name, cls in classes.items()}
    module.Node5.parents()  # DataJoint's dependency graph, loaded before the change
    assert not shows(module)
    for statement in _statements(connection, schema_name, table, mysql, postgresql):
        connection.query(statement)
    djimport.invalidate_caches()
    assert importlib.reload(module) is module
    # DataJoint 2.x reads no index of a PostgreSQL table into heading.indexes: there is nothing to show.
    if not (change == "index" and backend(connection) == "postgresql"):
        assert shows(module)
    assert module.__loader__.classes == classes  # the very same class objects, none added or dropped
    assert all(getattr(module, cls.__name__) is cls for cls in classes.values() if cls.__qualname__ == cls.__name__)
    assert [name for name, cls in classes.items() if cls.heading is not headings[name]] == [table]
    ours, theirs = classes[table].heading, dj.FreeTable(connection, classes[table].full_table_name).heading
    assert list(ours.attributes.items()) == list(theirs.attributes.items())
    assert (ours.indexes, ours.table_status["comment"]) == (theirs.indexes, theirs.table_status["comment"])


def test_inserted_rows_are_no_change(clock, connection, schema_name):
    declare_pipeline(schema_name, 10)
    module = djimport.load(schema_name)
    _load_headings(module)
    heading = module.Node1.heading
    module.Node0.insert1({"node0_id": 1})
    module.Node1.insert1({"node0_id": 1, "node1_id": 2})
    module.Node0.Item.insert1({"node0_id": 1, "item": 3})
    clock.now = 61
    listing = module.__loader__.listing
    importlib.reload(module)
    assert module.__loader__.listing == listing
    assert module.Node1.heading is heading


def _change_tables(connection, schema_name: str, tables: list[str]) -> None:
    for table in tables:
        connection.query(f"ALTER TABLE {quote(connection, schema_name, table)} ADD COLUMN weight float")


@pytest.mark.parametrize("tables", [10, 200, 1000])
def test_reload_after_ttl_costs_one_statement_and_first_use_none_when_nothing_changed(
    clock, connection, schema_name, tables
):
    declare_pipeline(schema_name, tables)
    module = djimport.load(schema_name)
    _load_headings(module)
    clock.now = 59
    with server_queries(connection) as within:
        importlib.reload(module)
    clock.now = 61
    with server_queries(connection) as reload:
        importlib.reload(module)
    with server_queries(connection) as first_use:
        _load_headings(module)
    assert (within.queries, reload.queries, first_use.queries) == (0, 1, 0)


@pytest.mark.parametrize("changed", [1, 5])
def test_changed_headings_are_read_again_together(clock, connection, schema_name, changed):
    declare_pipeline(schema_name, 40)
    module = djimport.load(schema_name)
    with server_queries(connection) as first_read:
        _load_headings(module)
    masters = [cls for cls in _every_table(module) if cls.__qualname__ == cls.__name__]
    kept = {cls: cls.heading for cls in masters[changed:]}
    _change_tables(connection, schema_name, [cls.table_name for cls in masters[:changed]])
    clock.now = 61
    with server_queries(connection) as reload:
        importlib.reload(module)
    with server_queries(connection) as first_use:
        _load_headings(module)
    assert all("weight" in cls.heading.names for cls in masters[:changed])
    assert all(cls.heading is heading for cls, heading in kept.items())  # unchanged headings are kept
    assert (first_read.queries, reload.queries, first_use.queries) == (1, 1, 1)


def test_reload_within_ttl_does_not_see_a_change(clock, connection, schema_name):
    declare_pipeline(schema_name, 10)
    module = djimport.load(schema_name)
    _load_headings(module)
    _change_tables(connection, schema_name, ["#node1"])
    clock.now = 59
    with server_queries(connection) as count:
        importlib.reload(module)
    assert count.queries == 0 and "weight" not in module.Node1.heading.names


def test_a_dataJoint_declared_class_altered_since_is_read_again(connection, schema_name):
    """A table declared through the module's schema (not in its listing yet) counts as changed on the next listing."""
    declare_pipeline(schema_name, 3)
    module = djimport.load(schema_name)
    with djimport.create_tables(schema_name):
        @module.schema
        class Extra(dj.Manual):
            definition = "extra_id : int\n"
    assert module.Extra.heading.names == ["extra_id"]
    connection.query(f"ALTER TABLE {quote(connection, schema_name, 'extra')} ADD COLUMN weight float")
    djimport.invalidate_caches()
    importlib.reload(module)
    assert module.Extra.heading.names == ["extra_id", "weight"]
