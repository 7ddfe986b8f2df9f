"""Within the TTL, a statement on a table dropped or altered on the server since the module was listed fails with
an error that names the table and the fix, DataJoint's error chained; other errors pass unchanged."""

from __future__ import annotations

import importlib
import re
import sys

import datajoint as dj
import pytest

import djimport
from tests.helpers import backend, quote, server_queries, shown
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
    """The headings are read in one statement, but each of its branches reads information_schema at its own
    moment: a table dropped between them gets no key; that is the stale-table error, not a heading without key."""
    from djimport import _headings

    declare_pipeline(schema_name, 10)
    module = djimport.load(schema_name)
    read = _headings.heading_rows

    def heading_rows(connection_, schemas: list[str], kinds: tuple[str, ...], lineages: tuple[str, ...]):
        rows = read(connection_, schemas, kinds, lineages)
        _alter(connection, schema_name, "DROP TABLE {t}")
        for kind in kinds[1:]:  # as if the branches after the first, which lists the tables, ran after the drop
            rows[schema_name].get(kind, {}).pop("#node5", None)
        return rows

    monkeypatch.setattr(_headings, "heading_rows", heading_rows)
    with pytest.raises(dj.DataJointError, match="is no longer on the server"):
        module.Node5.heading.names
    monkeypatch.undo()
    djimport.invalidate_caches()
    importlib.reload(module)
    assert "Node5" not in module.__all__


def test_a_table_missing_while_its_statement_ran_and_back_since_says_so(connection, schema_name, module, monkeypatch):
    """The listing that explains an error is read after it: a table dropped and declared again alike (as the soak
    test does), or renamed away and back, meanwhile is listed as before, yet the statement found no table."""
    from djimport import _stale

    def rename(old: str, new: str) -> None:
        if backend(connection) == "postgresql":
            connection.query(f"ALTER TABLE {quote(connection, schema_name, old)} RENAME TO {quote(connection, new)}")
        else:
            connection.query(f"RENAME TABLE {quote(connection, schema_name, old)} TO {quote(connection, schema_name, new)}")

    rename("#node5", "node5_away")
    list_tables = _stale.list_tables

    def back_then_listed(connection_, schema: str):
        rename("node5_away", "#node5")
        return list_tables(connection_, schema)

    monkeypatch.setattr(_stale, "list_tables", back_then_listed)
    with pytest.raises(dj.errors.MissingTableError) as failure:
        len(module.Node5())
    monkeypatch.undo()
    assert str(failure.value) == (
        f"Table {shown(connection, schema_name, '#node5')} was not on the server when this statement ran (dropped "
        f"or renamed meanwhile) and is there again now, as it was when {module.__name__} was listed: run the "
        f"statement again."
    )
    assert type(failure.value.__cause__) is dj.errors.MissingTableError
    assert len(module.Node5()) == 0  # as it says


def test_a_dict_restriction_on_a_column_added_since_says_so_asking_once_per_ttl(connection, schema_name, module):
    """DataJoint ignores a dict's keys that the heading lacks: after a colleague's ADD COLUMN, a restriction on
    the new column would select every row. The server is asked once per table per TTL, not once per call."""
    module.Node4.insert([{"node4_id": 1}, {"node4_id": 2}])
    table = quote(connection, schema_name, "node4")
    connection.query(f"ALTER TABLE {table} ADD COLUMN nick varchar(8)")
    connection.query(f"UPDATE {table} SET nick = 'x'")
    with server_queries(connection) as first:
        with pytest.raises(dj.errors.UnknownAttributeError) as failure:
            module.Node4 & {"nick": "y"}
    with server_queries(connection) as again:
        with pytest.raises(dj.errors.UnknownAttributeError):
            module.Node4 & [{"nick": "y"}, {"node4_id": 1}]
        with pytest.raises(dj.errors.UnknownAttributeError):
            module.Node4 - {"nick": "x"}
    assert (f"Table {shown(connection, schema_name, 'node4')} has column {shown(connection, 'nick')} on the server, "
            f"which its heading lacks: it changed since {module.__name__} was listed" in str(failure.value))
    assert (first.queries, again.queries) == (1, 0)
    exec(_hint(failure.value), {})
    assert len(module.Node4 & {"nick": "y"}) == 0 and len(module.Node4 & {"nick": "x"}) == 2


def test_a_key_from_upstream_is_checked_once_per_table_per_ttl(connection, schema_name, module):
    module.Node4.insert([{"node4_id": 1}, {"node4_id": 2}])
    key = {"node4_id": 1, "node9_id": 3}  # as populate's make gets it: a key of a table downstream
    with server_queries(connection) as first:
        assert len(module.Node4 & key) == 1
    with server_queries(connection) as then:
        for _ in range(5):
            restricted = module.Node4 & key
    with server_queries(connection) as fetch:
        assert restricted.fetch1("node4_id") == 1
    assert (first.queries, then.queries, fetch.queries) == (2, 0, 1)  # the check, then len()'s count


def test_a_column_retyped_since_gives_no_wrong_number(connection, schema_name):
    """DataJoint 0.14 fetches an int column into integers by its heading: after `int -> double` 10.75 would come
    back as 10. The cursor's description shows the column's type: a fetch of the table reads its heading again
    and answers right; a projection raises the stale-table error, at no statement more."""
    table = quote(connection, schema_name, "measure")
    declare_pipeline(schema_name, 1)
    connection.query(f"CREATE TABLE {table} (measure_id int NOT NULL, w int, PRIMARY KEY (measure_id))")
    module = djimport.load(schema_name)
    module.Measure.insert([{"measure_id": 1, "w": 10}, {"measure_id": 2, "w": 10}])
    assert list(module.Measure.fetch("w")) == [10, 10]
    double = "double precision" if backend(connection) == "postgresql" else "double"
    alter = "ALTER COLUMN w TYPE" if backend(connection) == "postgresql" else "MODIFY w"
    connection.query(f"ALTER TABLE {table} {alter} {double}")
    connection.query(f"UPDATE {table} SET w = 10.75 WHERE measure_id = 2")
    for projection in (lambda: module.Measure.fetch("w"), lambda: (module.Measure & {"measure_id": 2}).fetch1("w"),
                       lambda: module.Measure.proj(v="w").fetch(), lambda: (module.Measure * module.Node0).fetch()):
        with server_queries(connection) as count:
            with pytest.raises(dj.DataJointError) as failure:
                projection()
        assert count.queries == 1
        assert (f"Table {shown(connection, schema_name, 'measure')} has column {shown(connection, 'w')} of another "
                f"type on the server than its heading says: it changed since" in str(failure.value))
    assert [row["w"] for row in module.Measure.fetch(as_dict=True)] == [10, 10.75]  # the heading read again
    assert list(module.Measure.fetch("w")) == [10, 10.75]
    exec(_hint(failure.value), {})
    assert list(module.Measure.fetch("w")) == [10, 10.75]


def test_iterating_a_table_with_a_column_retyped_since_gives_the_right_numbers(connection, schema_name):
    table = quote(connection, schema_name, "measure")
    declare_pipeline(schema_name, 1)
    connection.query(f"CREATE TABLE {table} (measure_id int NOT NULL, w int, PRIMARY KEY (measure_id))")
    module = djimport.load(schema_name)
    module.Measure.insert([{"measure_id": 1, "w": 10}, {"measure_id": 2, "w": 10}])
    assert [row["w"] for row in module.Measure] == [10, 10]
    double = "double precision" if backend(connection) == "postgresql" else "double"
    alter = "ALTER COLUMN w TYPE" if backend(connection) == "postgresql" else "MODIFY w"
    connection.query(f"ALTER TABLE {table} {alter} {double}")
    connection.query(f"UPDATE {table} SET w = 10.75 WHERE measure_id = 2")
    assert [row["w"] for row in module.Measure] == [10, 10.75]


def _declare_again(connection, schema_name: str, table: str) -> None:
    """Drop ``table`` and declare it again with another primary key, as another program would."""
    name = quote(connection, schema_name, table)
    connection.query(f"DROP TABLE {name}")
    connection.query(f"CREATE TABLE {name} (code varchar(8) NOT NULL, PRIMARY KEY (code))")


def test_a_join_of_a_table_declared_again_says_which_and_how_to_reload(connection, schema_name, module):
    join = module.Node2 * module.Node5
    _declare_again(connection, schema_name, "#node5")
    for use in (lambda: join.fetch(), lambda: len(join), lambda: (join & "node2_id > 1").fetch(),
                lambda: (module.Node2 * module.Node5.proj()).fetch(), lambda: (module.Node5 * module.Node2).fetch()):
        with pytest.raises(Exception, match=rf"Table {re.escape(shown(connection, schema_name, '#node5'))} .*: it "
                                            rf"changed since {module.__name__} was listed") as failure:
            use()
        assert isinstance(failure.value.__cause__, Exception)
    exec(_hint(failure.value), {})
    assert module.Node5.primary_key == ["code"] and len(module.Node2 * module.Node5) == 0


def _node2_id_gone(connection, schema_name: str, module) -> str:
    """The stale-table error's words for Node5 declared again without node2_id."""
    return (f"Table {shown(connection, schema_name, '#node5')} has no column {shown(connection, 'node2_id')} any more "
            f"on the server: it changed since {module.__name__} was listed")


def test_a_restriction_by_a_table_declared_again_or_dropped_says_which(connection, schema_name, module):
    """DataJoint writes ``Node2 & Node5`` as ``... WHERE (node2_id) IN (SELECT node2_id FROM node5)``: once Node5 has
    no node2_id, that names Node2's, and every row of Node2 would match without an error."""
    module.Node2.insert([{"node2_id": 1}, {"node2_id": 2}], allow_direct_insert=True)
    restricted, excluded = module.Node2 & module.Node5, module.Node2 - (module.Node5 & "node5_id > 1")
    _declare_again(connection, schema_name, "#node5")
    connection.query(f"INSERT INTO {quote(connection, schema_name, '#node5')} (code) VALUES ('x')")
    counted = module.Node1.aggr(restricted, n="count(*)")
    for use in (lambda: len(restricted), lambda: excluded.fetch(), lambda: bool(module.Node2 & restricted.proj()),
                lambda: counted.fetch()):
        with pytest.raises(dj.errors.UnknownAttributeError) as failure:
            use()
        assert _node2_id_gone(connection, schema_name, module) in str(failure.value)
    connection.query(f"DROP TABLE {quote(connection, schema_name, '#node5')}")
    with pytest.raises(dj.errors.MissingTableError) as failure:
        len(restricted)
    assert f"Table {shown(connection, schema_name, '#node5')} is no longer on the server" in str(failure.value)


def test_a_join_whose_tables_share_no_column_any_more_says_so_instead_of_pairing_every_row(
        connection, schema_name, module):
    """Node5 declared again with Node2's key renamed: DataJoint 0.14's NATURAL JOIN would pair every row of one with
    every row of the other, and count, test and fetch them without an error."""
    module.Node2.insert([{"node2_id": 1}, {"node2_id": 2}], allow_direct_insert=True)
    join, aggregation = module.Node2 * module.Node5, module.Node2.aggr(module.Node5, n="count(*)")
    node5 = quote(connection, schema_name, "#node5")
    connection.query(f"DROP TABLE {node5}")
    connection.query(f"CREATE TABLE {node5} (parent_id int NOT NULL, node5_id int NOT NULL, value5 float, "
                     f"label varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (parent_id, node5_id))")
    connection.query(f"INSERT INTO {node5} (parent_id, node5_id) VALUES (7, 1), (7, 2)")
    for use in (lambda: len(join), lambda: bool(join), lambda: join.fetch(), lambda: (join & "node5_id > 1").fetch(),
                lambda: len(aggregation), lambda: aggregation.fetch()):
        with pytest.raises(dj.errors.UnknownAttributeError) as failure:
            use()
        assert _node2_id_gone(connection, schema_name, module) in str(failure.value)
    exec(_hint(failure.value), {})
    assert len(module.Node2 * module.Node5) == 4  # what the server pairs now: no shared column, every row


def test_a_class_held_after_a_reload_removed_its_table_says_so(connection, schema_name, module):
    held = module.Node5
    connection.query(f"DROP TABLE {quote(connection, schema_name, '#node5')}")
    djimport.invalidate_caches()
    importlib.reload(module)
    assert not hasattr(module, "Node5")
    for use in (lambda: held.fetch(), lambda: len(held()), lambda: (module.Node2 * held).fetch()):
        with pytest.raises(dj.errors.MissingTableError) as failure:
            use()
        assert (f"Table {shown(connection, schema_name, '#node5')} is no longer on the server: it was dropped since "
                f"{module.__name__} was listed, and {module.__name__} was reloaded without it" in str(failure.value))


def test_populate_after_the_schema_was_dropped_says_the_schema_is_gone(connection, schema_name, module):
    module.Node3.populate()  # nothing to populate yet
    connection.query(f"DROP {'SCHEMA' if backend(connection) == 'postgresql' else 'DATABASE'} "
                     f"{quote(connection, schema_name)}{' CASCADE' if backend(connection) == 'postgresql' else ''}")
    for use in (lambda: module.Node3.populate(), lambda: module.Node2.fetch(), lambda: (module.Node2 * module.Node5).fetch()):
        with pytest.raises(Exception) as failure:
            use()
        assert str(failure.value).startswith(f"Schema {shown(connection, schema_name)} is no longer on the server: "
                                             f"it was dropped since {module.__name__} was listed."), str(failure.value)


def test_a_reload_warns_of_a_part_whose_master_was_renamed_as_an_import_does(connection, schema_name, module):
    item = module.Node0.Item
    renamed = quote(connection, "node00") if backend(connection) == "postgresql" else quote(connection, schema_name, "node00")
    connection.query(f"ALTER TABLE {quote(connection, schema_name, 'node0')} RENAME TO {renamed}")
    djimport.invalidate_caches()
    with pytest.warns(UserWarning) as reloaded:
        importlib.reload(module)
    assert not hasattr(module, "Node0") and not hasattr(module.Node00, "Item")
    assert item not in module.__loader__.classes.values()
    del sys.modules[module.__name__]
    with pytest.warns(UserWarning) as imported:
        djimport.load(schema_name)
    assert [str(w.message) for w in reloaded] == [str(w.message) for w in imported] == [
        f"part table {shown(connection, schema_name, 'node0__item')} has no master table "
        f"{shown(connection, schema_name, 'node0')}; skipped"
    ]
