"""`stubs` and `export` survive a table whose heading DataJoint cannot read: they skip it, write
everything else, print one line per skip and exit 1. Export keeps a schema's character set."""

from __future__ import annotations

import os
import uuid

import datajoint as dj
import pytest

import djimport
from djimport._datajoint import IS_V2
from djimport.cli import main
from djimport.export import UnreadableTable, export
from tests.helpers import backend, declare_exported, quote
from tests.test_export import fresh  # noqa: F401  (fixture)

INTEGER = "int32" if IS_V2 else "int"


def declare_mixed(schema_name: str) -> None:
    """Animal, and Probe with its part Probe.Shank, and Session referencing Probe."""
    schema = dj.Schema(schema_name)

    @schema
    class Animal(dj.Manual):
        definition = f"animal : {INTEGER}\n---\nname : varchar(20)"

    @schema
    class Probe(dj.Manual):
        definition = f"probe : {INTEGER}\n---\nkind : varchar(32)"

        class Shank(dj.Part):
            definition = f"-> master\nshank : {INTEGER}"

    @schema
    class Session(dj.Manual):
        definition = f"-> Animal\nsession : {INTEGER}\n---\n-> Probe"


def set_declared_type(connection, schema: str, table: str, column: str, sql_type: str, declared: str) -> None:
    """Make ``column`` read as declared with type ``declared``, as DataJoint writes it in the column's comment."""
    if backend(connection) == "postgresql":
        connection.query(f"COMMENT ON COLUMN {quote(connection, schema, table)}.{quote(connection, column)} "
                         f"IS ':{declared}:'")
    else:
        connection.query(f"ALTER TABLE {quote(connection, schema, table)} MODIFY {quote(connection, column)} "
                         f"{sql_type} NOT NULL COMMENT ':{declared}:'")


@pytest.fixture
def mixed(schema_name, connection):
    """The tables of :func:`declare_mixed`; Probe's `kind` reads as an external attribute of DataJoint 0.11,
    never migrated, which neither 0.14 nor 2.x reads ("Legacy datatype")."""
    declare_mixed(schema_name)
    set_declared_type(connection, schema_name, "probe", "kind", "varchar(32)", "external-data")
    return schema_name


def test_export_leaves_out_the_unreadable_table_and_the_tables_that_need_it(mixed, fresh, connection):
    with pytest.warns(UnreadableTable) as caught:
        source = export(mixed)
    messages = [str(warning.message) for warning in caught if warning.category is UnreadableTable]
    probe, shank, session = (f"{djimport.load(mixed).__loader__.quoted(t)}" for t in ("probe", "probe__shank", "session"))
    assert len(messages) == 3
    assert messages[0].startswith(f"skipped {probe} (Probe): DataJoint {dj.__version__} cannot read its heading: ")
    assert "Legacy datatype `external-data`" in messages[0]
    assert messages[1] == f"skipped {shank} (Probe.Shank): its master {probe} is left out"
    assert messages[2] == f"skipped {session} (Session): it references {probe}, left out"
    assert "class Animal(dj.Manual)" in source and "class Probe" not in source and "class Session" not in source
    assert f"#     {session}: it references {probe}, left out" in source
    declared = declare_exported(source, mixed, fresh)  # what is there declares
    assert declared.Animal.full_table_name.strip('`"').endswith("animal")


def test_commands_print_one_line_per_skip_and_exit_1(mixed, tmp_path, capsys):
    output = tmp_path / "mixed.py"
    assert main(["export", mixed, "-o", str(output)]) == 1
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if not line.startswith("[")]  # DataJoint's log lines
    assert len(lines) == 3 and all(line.startswith("djimport: skipped ") for line in lines)
    assert all(mixed in line for line in lines)
    assert "class Animal(dj.Manual)" in output.read_text() and captured.out == f"wrote {output}\n"

    assert main(["stubs", mixed, "-o", str(tmp_path)]) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("[")]
    assert len(lines) == 1 and "(Probe) has no definition in its stub: DataJoint" in lines[0]
    stub = (tmp_path / "djschemas" / f"{mixed}.pyi").read_text()
    assert "class Probe(_Manual[" in stub and "No definition: DataJoint" in stub
    assert "class Shank(_Part[" in stub and "class Session(_Manual[" in stub  # readable: with definitions
    assert main(["stubs", "--check", mixed, "-o", str(tmp_path)]) == 0  # the catalog record is whole


def test_commands_exit_0_when_nothing_is_skipped(schema_name, tmp_path, capsys):
    declare_mixed(schema_name)
    assert main(["export", schema_name, "-o", str(tmp_path / "x.py")]) == 0
    assert main(["stubs", schema_name, "-o", str(tmp_path)]) == 0
    assert "djimport:" not in capsys.readouterr().err


@pytest.mark.skipif(IS_V2, reason="DataJoint 0.14 reading a table declared by 2.x")
def test_a_table_declared_by_datajoint_2_is_skipped_by_0_14(schema_name, connection, capsys, tmp_path):
    declare_mixed(schema_name)
    # DataJoint 2.x declares `probe : int32` as an int column whose comment keeps the core type.
    set_declared_type(connection, schema_name, "probe", "probe", "int", "int32")
    assert main(["export", schema_name, "-o", str(tmp_path / "x.py")]) == 1
    err = capsys.readouterr().err
    assert (f"djimport: skipped `{schema_name}`.`probe` (Probe): DataJoint {dj.__version__} cannot read its heading: "
            "Unknown attribute type `int32`\n") in err


@pytest.mark.skipif(IS_V2, reason="DataJoint 0.14's filepath setting")
def test_filepath_without_its_setting_is_one_line_naming_it(schema_name, connection, capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(dj.config, "stores", {"data": dict(protocol="file", location=str(tmp_path), stage=str(tmp_path))})
    monkeypatch.setenv("DJ_SUPPORT_FILEPATH_MANAGEMENT", "TRUE")
    schema = dj.Schema(schema_name)

    @schema
    class Recording(dj.Manual):
        definition = "recording : int\n---\nraw : filepath@data"

    monkeypatch.delenv("DJ_SUPPORT_FILEPATH_MANAGEMENT")
    assert main(["stubs", schema_name, "-o", str(tmp_path)]) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("[")]
    assert len(lines) == 1 and f"`{schema_name}`.`recording` (Recording)" in lines[0]
    assert "DJ_SUPPORT_FILEPATH_MANAGEMENT = TRUE" in lines[0]


@pytest.fixture
def utf8mb4_default(connection):
    """This session's CREATE DATABASE makes utf8mb4 schemas, as on MySQL 8 and recent MariaDB (the
    private test server's compiled default is latin1)."""
    if backend(connection) != "mysql":
        pytest.skip("a PostgreSQL schema has no character set of its own (the database has one)")
    before = connection.query("SELECT @@character_set_server, @@collation_server").fetchone()
    connection.query("SET SESSION character_set_server = 'utf8mb4', collation_server = 'utf8mb4_general_ci'")
    yield
    connection.query("SET SESSION character_set_server = %s, collation_server = %s", before)


def test_export_of_a_latin1_schema_says_how_to_create_it(utf8mb4_default, schema_name, fresh, connection):
    connection.query(f"CREATE DATABASE {quote(connection, schema_name)} CHARACTER SET latin1")
    schema = dj.Schema(schema_name)

    @schema
    class Note(dj.Manual):
        definition = "note : varchar(255)\n---\ntext : varchar(40000)"

    @schema
    class Reply(dj.Manual):
        definition = "-> Note\nreply : int"

    source = export(schema_name)
    statement = f"CREATE DATABASE `{schema_name}` CHARACTER SET latin1 COLLATE latin1_swedish_ci;"
    assert f"# The schema's character set is latin1 (latin1_swedish_ci), not the server's default (utf8mb4)." in source
    assert f"#     {statement}" in source
    # Declared again in a default schema, it fails as IBL's latin1 schemas did ...
    other = f"djtest_{uuid.uuid4().hex[:10]}"
    try:
        with pytest.raises(Exception, match="Column length too big"):  # the driver's error, through DataJoint
            declare_exported(source, schema_name, other)
    finally:
        connection.query(f"DROP DATABASE IF EXISTS {quote(connection, other)}")
    # ... and in a schema made by the statement of the comment, it declares.
    connection.query(statement.replace(schema_name, fresh))
    declared = declare_exported(source, schema_name, fresh)
    assert len(declared.Note.heading.attributes) == 2 and len(declared.Reply()) == 0
    assert export(fresh).replace(fresh, "NAME") == source.replace(schema_name, "NAME")


def test_export_of_a_schema_in_the_default_character_set_has_no_such_comment(university):
    assert "CREATE DATABASE" not in export(university)
