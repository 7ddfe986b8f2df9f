"""Stubs of many schemas read their description from the catalog once for all of them."""

from __future__ import annotations

import pytest

import djimport
from djimport.stubs import check_stubs, write_stubs
from tests.helpers import server_queries
from tests.synthetic import declare_pipeline

# Every schema's listing (1 statement) and every heading, for the definitions in the docstrings (DataJoint's
# describe(); 1), the description of all the schemas (2), and DataJoint's foreign-key graph (2).
STATEMENTS = 6


@pytest.fixture
def forty_schemas(connection, schema_name):
    """40 schemas of a master and its part each; dropped after."""
    from conftest import drop_schema

    names = [f"{schema_name}_{k}" for k in range(40)]
    try:
        for name in names:
            declare_pipeline(name, 2, connection)
        yield names
    finally:
        for name in names:
            drop_schema(name)


def test_stubs_of_40_schemas_read_the_catalog_once(connection, forty_schemas, tmp_path):
    djimport.invalidate_caches()
    with server_queries(connection) as count:
        write_stubs(forty_schemas, tmp_path)
    # Before the description (issue 25) and the heading statement of many schemas (issue 28), the same stubs
    # cost 9 statements per schema on 0.14, 11 on 2.x.
    assert count.queries == STATEMENTS
    with server_queries(connection) as count:
        assert check_stubs(tmp_path, forty_schemas, connection) == []
    assert count.queries == 3
