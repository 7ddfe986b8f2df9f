"""Headings of an imported schema load together, and exactly as DataJoint loads them one by one."""

from __future__ import annotations

import importlib
import uuid

import datajoint as dj
import pytest

import djimport
from djimport import _catalog
from conftest import drop_schema
from tests.helpers import backend, quote, server_queries
from tests.synthetic import declare_pipeline

TRICKY = {
    # `empty` quoted: a reserved word of MySQL 8 and later (JSON_TABLE's EMPTY), not of MariaDB
    "mysql": [
        "CREATE TABLE {table} ("
        " id int NOT NULL, quote varchar(20) DEFAULT 'it''s', word varchar(20) DEFAULT 'NULL',"
        " missing varchar(20) DEFAULT NULL, slash varchar(20) DEFAULT 'back\\\\slash', day date DEFAULT '2020-01-01',"
        " kind enum('a','b') NOT NULL DEFAULT 'a', `empty` varchar(5) NOT NULL DEFAULT '', num decimal(5,2) DEFAULT 1.50,"
        " stamp timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(), data longblob,"
        " PRIMARY KEY (id), UNIQUE KEY (quote, word), KEY (day)) COMMENT 'defaults of every kind'"
    ],
    "postgresql": [
        "CREATE TABLE {table} ("
        " id int NOT NULL, quote varchar(20) DEFAULT 'it''s', word varchar(20) DEFAULT 'NULL',"
        " missing varchar(20) DEFAULT NULL, slash varchar(20) DEFAULT 'back\\slash', day date DEFAULT '2020-01-01',"
        " letter char(1) NOT NULL DEFAULT 'a', empty varchar(5) NOT NULL DEFAULT '', num decimal(5,2) DEFAULT 1.50,"
        " stamp timestamp NOT NULL DEFAULT current_timestamp, data bytea, big bigint, ratio double precision,"
        " PRIMARY KEY (id), UNIQUE (quote, word))",
        "CREATE INDEX ON {table} (day)",
        "COMMENT ON TABLE {table} IS 'defaults of every kind'",
        "COMMENT ON COLUMN {table}.num IS 'a \"quoted\" comment'",
    ],
}


def _add_tricky_table(connection, schema: str) -> None:
    for statement in TRICKY[backend(connection)]:
        connection.query(statement.format(table=quote(connection, schema, "#tricky")))


def _loaded_by_datajoint(connection, cls) -> dj.Heading:
    return dj.FreeTable(connection, cls.full_table_name).heading


def _every_table(module) -> list[type]:
    return list(module.__loader__.classes.values())


def test_headings_are_what_datajoint_reads_table_by_table(university, connection):
    _add_tricky_table(connection, university)
    module = importlib.import_module(f"djschemas.{university}")
    assert "Tricky" in module.__all__
    # Read together (DataJoint alone asks at least 3 statements per table): else the comparison below
    # would compare DataJoint's reading with itself.
    assert _heading_queries(connection, module) < len(_every_table(module))
    for cls in _every_table(module):
        ours, theirs = cls.heading, _loaded_by_datajoint(connection, cls)
        assert list(ours.attributes.items()) == list(theirs.attributes.items()), cls.__name__
        assert list(ours.indexes.items()) == list(theirs.indexes.items()), cls.__name__
        assert ours.table_status == theirs.table_status, cls.__name__


def test_column_rows_of_every_postgresql_type_are_the_views_own(connection, schema_name):
    """On PostgreSQL the heading statement computes lengths, precisions and scales only where they depend on the
    column (djimport._catalog._PG_SIZES): every type's rows are still those of DataJoint's own statement."""
    if backend(connection) != "postgresql":
        pytest.skip("MySQL's columns kind reads the view's numbers as they are")
    schema = quote(connection, schema_name)
    for statement in (
        f"CREATE SCHEMA {schema}",
        f"CREATE DOMAIN {schema}.code AS varchar(7)",
        f"CREATE DOMAIN {schema}.money AS numeric(6,1)",
        f"CREATE DOMAIN {schema}.count AS smallint",
        f"CREATE TYPE {schema}.mood AS ENUM ('calm', 'busy')",
        f"CREATE TABLE {schema}.odd (s smallint, i integer PRIMARY KEY, b bigint, r real, d double precision,"
        " n numeric, n73 numeric(7,3), n5 numeric(5), c char(3), c1 character, bp bpchar, v varchar, v9 varchar(9),"
        " t text, bit4 bit(4), vb8 bit varying(8), vb varbit, ints int[], names varchar(4)[], serial_id serial,"
        f" code {schema}.code, money {schema}.money, count {schema}.count, mood {schema}.mood, flag boolean,"
        " day date, stamp timestamp(3), span interval, id uuid, doc json, raw bytea)",
        f"COMMENT ON COLUMN {schema}.odd.n73 IS 'a comment'",
    ):
        connection.query(statement)
    statements = ("table_info", "columns")
    ours = _catalog.heading_rows(connection, [schema_name], statements)[schema_name]["columns"]["odd"]
    theirs = connection.query(connection.adapter.get_columns_sql(schema_name, "odd"), as_dict=True).fetchall()
    assert ours == [dict(row) for row in theirs]


def test_primary_key_rows_on_postgresql_are_the_views_own_for_the_owner_and_a_mere_reader(connection, schema_name):
    """On PostgreSQL the heading statement reads the primary keys from the catalogs of the views DataJoint's own
    statement reads, with their privilege filters: a key whose columns are out of order with a dropped column
    between them, and a role granted SELECT alone (whom information_schema shows no constraint)."""
    if backend(connection) != "postgresql":
        pytest.skip("MySQL's primary_key kind reads the view DataJoint reads")
    schema, reader = quote(connection, schema_name), f"djr_{uuid.uuid4().hex[:10]}"
    for statement in (
        f"CREATE SCHEMA {schema}",
        f"CREATE TABLE {schema}.keyed (a int, gone int, b int, c text, PRIMARY KEY (b, a))",
        f"ALTER TABLE {schema}.keyed DROP COLUMN gone",
        f"CREATE TABLE {schema}.plain (a int)",
        f"CREATE ROLE {reader}",
        f"GRANT USAGE ON SCHEMA {schema} TO {reader}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {reader}",
    ):
        connection.query(statement)

    def rows() -> tuple[dict, dict]:
        ours = _catalog.heading_rows(connection, [schema_name], ("table_info", "primary_key"))[schema_name]
        theirs = {table: [dict(row) for row in connection.query(
            connection.adapter.get_primary_key_sql(schema_name, table), as_dict=True).fetchall()]
            for table in ("keyed", "plain")}
        return {table: ours["primary_key"].get(table, []) for table in theirs}, theirs

    try:
        ours, theirs = rows()
        assert ours == theirs == {"keyed": [{"column_name": "b"}, {"column_name": "a"}], "plain": []}
        connection.query(f"SET ROLE {reader}")
        ours, theirs = rows()
        assert ours == theirs == {"keyed": [], "plain": []}
    finally:
        connection.query("RESET ROLE")
        connection.query(f"DROP OWNED BY {reader}")
        connection.query(f"DROP ROLE {reader}")


def _heading_queries(connection, module) -> int:
    with server_queries(connection) as count:
        for cls in _every_table(module):
            cls.heading.attributes
    return count.queries


def test_all_headings_load_in_a_few_queries_whatever_the_number_of_tables(connection, schema_name):
    queries = {}
    for size, name in ((10, f"{schema_name}_small"), (50, schema_name)):
        try:
            declare_pipeline(name, size)
            module = djimport.load(name)
            assert len(_every_table(module)) == size and any("__" in cls.table_name for cls in _every_table(module))
            with server_queries(connection) as count:
                for cls in _every_table(module):
                    cls.heading.attributes
            queries[size] = count.queries
        finally:
            if name != schema_name:
                drop_schema(name)
    assert queries == {10: 1, 50: 1}, queries


def test_a_table_added_after_the_headings_were_read_loads_its_own(university, connection):
    module = importlib.import_module(f"djschemas.{university}")
    module.Student.heading.attributes
    _add_tricky_table(connection, university)
    djimport.invalidate_caches()
    importlib.reload(module)
    theirs = _loaded_by_datajoint(connection, module.Tricky)
    assert list(module.Tricky.heading.attributes.items()) == list(theirs.attributes.items())


def test_queries_work_on_the_tables_whose_headings_were_read_together(university):
    module = importlib.import_module(f"djschemas.{university}")
    assert len(module.Student() * module.StudentMajor()) == len(module.StudentMajor())
    assert len(module.Enroll() & module.Grade()) == len(module.Grade())


@pytest.fixture
def ttl_zero():
    """djimport.set_ttl(0) for one test, then the TTL as it was (set or from DJIMPORT_TTL)."""
    from djimport import _settings
    from djimport._root import roots

    was = _settings._ttl_set
    djimport.set_ttl(0)
    yield
    _settings._ttl_set = was
    for root in roots.values():
        root.listings.set_ttl(_settings.default_ttl())


def test_with_a_ttl_of_zero_headings_are_read_table_by_table(university, connection, ttl_zero):
    module = importlib.import_module(f"djschemas.{university}")
    tables = _every_table(module)
    with server_queries(connection) as count:
        for cls in tables:
            cls.heading.attributes
    assert count.queries >= 3 * len(tables)
    for cls in tables:
        assert list(cls.heading.attributes.items()) == list(_loaded_by_datajoint(connection, cls).attributes.items())


def test_rows_the_server_cuts_short_are_read_table_by_table(university, connection):
    """MariaDB cuts a JSON_ARRAYAGG at group_concat_max_len (1 MB by default; the heading statement gathers a
    kind's rows of every table in one): a kind cut short is left to DataJoint, never read as fewer rows."""
    if backend(connection) != "mysql":
        pytest.skip("PostgreSQL's json_agg has no such limit")
    module = importlib.import_module(f"djschemas.{university}")
    ours = module.schema.connection  # the headings are read on first use, on the module's connection
    (limit,), = ours.query("SELECT @@SESSION.group_concat_max_len").fetchall()
    ours.query("SET SESSION group_concat_max_len = 256")  # every kind cut, the secondary indexes too
    try:
        for cls in _every_table(module):
            heading, theirs = cls.heading, _loaded_by_datajoint(connection, cls)
            assert list(heading.attributes.items()) == list(theirs.attributes.items()), cls.__name__
            assert list(heading.indexes.items()) == list(theirs.indexes.items()), cls.__name__
    finally:
        ours.query(f"SET SESSION group_concat_max_len = {int(limit)}")
