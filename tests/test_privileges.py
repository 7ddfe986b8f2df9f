"""A user with rights on one schema only sees that schema, learns nothing about the others,
and cannot declare tables without CREATE rights (nor leave half a table behind)."""

from __future__ import annotations

import re
import uuid

import datajoint as dj
import pytest

import djimport
from conftest import drop_schema
from tests.helpers import drop_schema_raw, signed_in_as_limited_user

PASSWORD = "lim-9c41e7-Pw"


@pytest.fixture
def schema_pair(connection):
    """Schema A (the user's) with one table, and schema B (someone else's)."""
    names = [f"djtest_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    for name in names:
        schema = dj.Schema(name, connection=connection, context={})
        schema(type("Subject", (dj.Manual,), {"definition": "subject_id : int\n"}))
    yield names
    for name in names:
        drop_schema(name)


@pytest.fixture
def as_limited_user(server, connection, schema_pair, monkeypatch):
    with signed_in_as_limited_user(connection, PASSWORD, schema_pair[0], monkeypatch) as user:
        yield user


def _tables(connection, schema: str) -> set[str]:
    rows = connection.query("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,))
    return {row[0] for row in rows.fetchall()}


def test_listing_shows_only_the_users_schemas(schema_pair, as_limited_user):
    import djschemas

    mine, theirs = schema_pair
    listed = dir(djschemas)
    assert mine in listed and theirs not in listed


def test_a_forbidden_schema_looks_exactly_like_a_missing_one(connection, schema_pair, as_limited_user):
    mine, theirs = schema_pair
    assert djimport.load(mine).__all__ == ["Subject"]
    with pytest.raises(ModuleNotFoundError) as forbidden:
        djimport.load(theirs)
    # Drop B behind the user's back (the fixture's connection is the test server's user): the error
    # must not change, so it cannot have told anything about B.
    drop_schema_raw(connection, theirs)
    djimport.invalidate_caches()
    with pytest.raises(ModuleNotFoundError) as missing:
        djimport.load(theirs)
    assert str(forbidden.value) == str(missing.value)
    assert theirs not in "".join(re.findall(r"Did you mean (.*?)\?", str(forbidden.value)))


@pytest.mark.parametrize("with_part", [True, False])
def test_create_tables_without_create_rights_fails_cleanly(server, connection, schema_pair, as_limited_user,
                                                           with_part):
    mine, _ = schema_pair
    tables_before = _tables(connection, mine)  # the fixture's connection is the test server's user
    module = djimport.load(mine)
    before = dict(vars(module))
    part = {"Trial": type("Trial", (dj.Part,), {"definition": "-> master\ntrial : int\n"})} if with_part else {}
    with pytest.raises(dj.DataJointError) as err:
        with djimport.create_tables(module):
            module.schema(type("Session", (dj.Manual,), {"definition": "-> Subject\nsession : int\n", **part}))
    quoted = f'"{mine}"."session"' if server.backend == "postgresql" else f"`{mine}`.`session`"
    assert str(err.value) == (
        f"Cannot declare table {quoted}: the server refused to create it. Check that your user has the CREATE "
        f"privilege on schema {quoted.rpartition('.')[0]}."
    )
    assert vars(module).keys() == before.keys() and module.__all__ == ["Subject"]
    assert _tables(connection, mine) == tables_before  # no part of the declaration was left behind
