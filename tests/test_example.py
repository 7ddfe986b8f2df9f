"""``djimport.example.create`` and ``djimport example SCHEMA``: the university example made on one's own server."""

from __future__ import annotations

import pytest

import djimport
from djimport import example
from djimport._catalog import list_schemas
from djimport.cli import main
from tests.helpers import shown


def rows(module) -> dict[str, int]:
    return {name: len(getattr(module, name)()) for name in module.__all__}


def test_create_declares_and_fills_a_new_schema_then_refuses_it_again(schema_name, connection):
    tables = example.create(schema_name)
    assert sorted(tables) == sorted(example.DEFINITIONS)
    uni = djimport.load(schema_name)
    counts = rows(uni)
    assert counts["Student"] == 60 and counts["LetterGrade"] == 11 and all(counts.values())

    with pytest.raises(ValueError) as raised:
        example.create(schema_name)
    assert str(raised.value) == (
        f"Schema {shown(connection, schema_name)} exists already on {connection.conn_info['user']}@"
        f"{connection.conn_info['host']}:{connection.conn_info['port']}: the example goes into a new schema, "
        "so choose a name that is not taken"
    )
    assert rows(uni) == counts  # nothing inserted the second time


def test_create_refuses_a_name_the_server_cannot_have(connection):
    before = list_schemas(connection)
    with pytest.raises(ValueError, match=r"Cannot create schema .*percent sign"):
        example.create("djtest_100%")
    assert list_schemas(connection) == before


def test_command_makes_the_example_and_says_how_to_import_it(schema_name, connection, capsys):
    assert main(["example", schema_name]) == 0
    out, _ = capsys.readouterr()
    user, host, port = (connection.conn_info[key] for key in ("user", "host", "port"))
    total = sum(rows(djimport.load(schema_name)).values())
    assert out == (f"made the university example in {shown(connection, schema_name)} on {user}@{host}:{port}: "
                   f"10 tables, {total} rows; in Python: import djschemas.{schema_name} as uni\n")

    assert main(["example", schema_name]) == 1
    _, err = capsys.readouterr()
    assert err.strip().startswith(f"djimport: error: Schema {shown(connection, schema_name)} exists already on ")
