"""Schema names that are not plain identifiers: quotes, backticks, semicolons, LIKE wildcards,
unicode, names too long for the server, reserved words. Each gives the right schema or a clear
error, and djimport never puts a name into the text of its SQL."""

from __future__ import annotations

import contextlib
import importlib
import sys
import uuid

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import djimport
from djimport import _catalog
from djimport.cli import main
from tests.helpers import DATAJOINT_PG_NAMES, backend, create_schema_raw, create_table_like, drop_schema_raw, quote

FIXED_SQL = {sql for statements in _catalog._SQL.values() for sql in statements.values()}
# The one heading statement of each DataJoint line (0.14; 2.x without and with ~lineage) on each backend.
HEADING_SQL = {
    (backend, _catalog.heading_statement(backend, kinds))
    for backend, known in _catalog._HEADING_KINDS.items()
    for kinds in (("table_status", "columns", "keys"), ("table_info", "columns", "primary_key", "indexes"),
                  ("table_info", "columns", "primary_key", "indexes", "lineage"))
    if set(kinds) <= set(known)
}


def _fixed(sql: str, connection, name: str, tables: tuple[str, ...] = ()) -> bool:
    """Whether djimport wrote ``sql`` without the name, or with the name only as an identifier quoted by the one
    quoting function: in a heading statement, or in the row counts of some of ``tables``."""
    on = backend(connection)
    quoted = _catalog.quoted(on, name)
    counts = {_catalog._SQL[on]["count_rows"].format(table=_catalog.quoted(on, name, table))
              for table in tables}
    return (
        sql in FIXED_SQL
        or any(sql == template.replace("{schema}", quoted) for b, template in HEADING_SQL if b == on)
        or set(sql.split(" UNION ALL ")) <= counts
    )


def _named_heading_statement_sent(sent: list[str], connection, name: str) -> bool:
    """Whether the heading statement went out, naming the schema in its text where it does (`{schema}`): the
    schema-wide heading read ran (a failure there is silent: DataJoint then reads table by table)."""
    quoted = _catalog.quoted(backend(connection), name)
    return any(sql == template.replace("{schema}", quoted) for b, template in HEADING_SQL
               if b == backend(connection) for sql in sent)


class Sent(list):
    """The text of every statement djimport sent, in order; ``refused``: those the server refused."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: list[tuple[str, BaseException]] = []

    def clear(self) -> None:
        super().clear()
        self.refused.clear()


@pytest.fixture
def sent_sql(monkeypatch):
    """The text of every statement djimport sends (they still go to the real server)."""
    sent = Sent()
    real = _catalog.send

    def spy(connection, sql, *args, **kwargs):
        sent.append(sql)
        try:
            return real(connection, sql, *args, **kwargs)
        except Exception as exc:  # noted, and raised on as it came
            sent.refused.append((sql, exc))
            raise

    monkeypatch.setattr(_catalog, "send", spy)
    return sent


def _lineage_table(connection, name: str) -> None:
    """DataJoint 2's `~lineage` table, as DataJoint declares it (its heading statement names the schema)."""
    connection.query(f"CREATE TABLE {quote(connection, name, '~lineage')} (table_name varchar(64) NOT NULL, "
                     "attribute_name varchar(64) NOT NULL, lineage varchar(255) NOT NULL, "
                     "PRIMARY KEY (table_name, attribute_name))")


@contextlib.contextmanager
def raw_schema(connection, name: str, tables: tuple[str, ...] = ("item",)):
    create_schema_raw(connection, name, tables)
    try:
        yield name
    finally:
        drop_schema_raw(connection, name)
        djimport.invalidate_caches()


def _forget_module(name: str) -> None:
    if sys.modules.pop(f"djschemas.{name}", None) is not None:
        vars(sys.modules["djschemas"]).pop(name, None)


HOSTILE = [
    "x'; DROP DATABASE mysql; --", 'x"; DROP SCHEMA public; --', "x`; DROP DATABASE mysql; --",
    "%", "_", "djtest%", "djtest_", "a;b", "\\", "x\\'", "select", "order", "class", "None",
    "ünïcödé", "名前", "😀", "x" * 65, "x" * 300, "trailing ", " leading", "\x00", "a\x00b", "\udcff",
]

NAMES = st.text(st.characters(blacklist_characters=".", blacklist_categories=()), min_size=1, max_size=80)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_are_missing_schemas(connection, sent_sql, name):
    with pytest.raises(ModuleNotFoundError) as err:
        djimport.load(name)
    assert err.value.name == f"djschemas.{name}"
    assert set(sent_sql) <= FIXED_SQL
    assert "unavailable" not in str(err.value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES)
def test_any_name_is_a_missing_schema_or_refused_and_never_sql(connection, sent_sql, name):
    djimport.invalidate_caches()
    with pytest.raises(ModuleNotFoundError):
        djimport.load(f"djtest_absent_{name}")
    assert set(sent_sql) <= FIXED_SQL


@pytest.mark.parametrize("bad", ["", "a.b", ".", None, 3])
def test_load_refuses_what_cannot_be_a_module_name(bad):
    with pytest.raises(ValueError, match="schema name"):
        djimport.load(bad)


def test_like_wildcards_match_only_themselves(connection):
    tag = uuid.uuid4().hex[:8]
    with raw_schema(connection, f"djtest_{tag}axb"), raw_schema(connection, f"djtest_{tag}a_c"):
        for name in (f"djtest_{tag}a_b", f"djtest_{tag}a%", f"djtest_{tag}%", f"djtest_{tag}a__", f"djtest_{tag}axc"):
            with pytest.raises(ModuleNotFoundError):
                djimport.load(name)
        assert djimport.load(f"djtest_{tag}a_c").schema.database == f"djtest_{tag}a_c"


def test_names_match_exactly_not_by_collation(connection):
    tag = uuid.uuid4().hex[:8]
    with raw_schema(connection, f"djtest_{tag}_abc"):
        for name in (f"DJTEST_{tag}_ABC", f"djtest_{tag}_abc ", f"djtest_{tag}_àbc"):
            with pytest.raises(ModuleNotFoundError):
                djimport.load(name)


MYSQL_ONLY_IMPOSSIBLE = {"😀", "trailing ", "a`b"}  # valid PostgreSQL schema names
POSTGRESQL_ONLY_IMPOSSIBLE = {'a"b', "x" * 64}  # valid MySQL schema names


@pytest.mark.parametrize("name", ["😀", "x" * 65, "trailing ", "a`b", "a\x00b", "\udcff", "50%", 'a"b', "x" * 64])
def test_impossible_names_say_why(connection, sent_sql, name):
    possible = POSTGRESQL_ONLY_IMPOSSIBLE if backend(connection) == "mysql" else MYSQL_ONLY_IMPOSSIBLE
    if name in possible:
        pytest.skip(f"{name!r} is a valid schema name on {backend(connection)}")
    with pytest.raises(ModuleNotFoundError) as err:
        djimport.load(name)
    assert "schema name" in str(err.value) or "not valid Unicode" in str(err.value)
    assert sent_sql == []  # answered without asking the server
    with pytest.raises(ValueError, match="Cannot create schema"):
        with djimport.create_tables(name, create_schema=True):
            pass


VALID = st.text(
    st.characters(min_codepoint=32, max_codepoint=0xFFFF, blacklist_categories=("Cs", "Cc"),
                  blacklist_characters=".`\"%"),
    min_size=1, max_size=40,
).filter(lambda name: not name.endswith(" ") and len(f"djtest {name}".encode()) <= 63)  # PostgreSQL's limit


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=VALID)
def test_any_valid_name_imports_its_own_schema(connection, sent_sql, name):
    name = f"djtest {name}"
    sent_sql.clear()  # hypothesis runs every example with the same fixture
    with raw_schema(connection, name, ("item", "#kind")):
        _lineage_table(connection, name)
        try:
            module = djimport.load(name)
            assert module.schema.database == name
            assert module.__all__ == ["Item", "Kind"]
            assert module.Kind.heading.names == ["id"]
            assert len(module.Item()) == 0  # DataJoint's own queries reach the right tables
            assert main(["show", name, "--count"]) == 0  # the row counts name every table
        finally:
            _forget_module(name)
    assert [sql for sql in sent_sql if not _fixed(sql, connection, name, ("item", "#kind"))] == []
    assert sent_sql.refused == []
    assert _named_heading_statement_sent(sent_sql, connection, name), sent_sql


@pytest.mark.parametrize("name", ["select", "order", "class", "None", "a'b; DROP TABLE item; --", "a_b", "ünï 名前",
                                  "MixedCase", *sorted(MYSQL_ONLY_IMPOSSIBLE)])
def test_reserved_words_and_punctuation_import_their_schema(connection, sent_sql, name):
    if backend(connection) == "mysql" and name in MYSQL_ONLY_IMPOSSIBLE:
        pytest.skip(f"{name!r} cannot be a MySQL schema name")
    with raw_schema(connection, name):
        _lineage_table(connection, name)
        try:
            module = djimport.load(name)
            assert module.schema.database == name and len(module.Item()) == 0
        finally:
            _forget_module(name)
    assert [sql for sql in sent_sql if not _fixed(sql, connection, name)] == [] and sent_sql.refused == []
    assert _named_heading_statement_sent(sent_sql, connection, name), sent_sql


@pytest.fixture
def odd_schema_module(connection):
    """A module for a schema whose name has capitals and a space, with a table and its child.

    DataJoint makes the schema (with its bookkeeping: DataJoint 0.14 cannot delete without its ~log table)."""
    name = f"djtest Odd {uuid.uuid4().hex[:6]}"
    with djimport.create_tables(name, create_schema=True):
        pass
    try:
        subject, session = quote(connection, name, "subject"), quote(connection, name, "session")
        connection.query(f"CREATE TABLE {subject} (id int PRIMARY KEY)")
        connection.query(f"CREATE TABLE {session} (id int, session int, PRIMARY KEY (id, session), "
                         f"FOREIGN KEY (id) REFERENCES {subject} (id))")
        djimport.invalidate_caches()
        module = importlib.reload(djimport.load(name))
        module.Subject.insert1({"id": 1})
        module.Session.insert([{"id": 1, "session": 1}, {"id": 1, "session": 2}])
        yield module
    finally:
        _forget_module(name)
        drop_schema_raw(connection, name)
        djimport.invalidate_caches()


def test_tables_of_an_odd_schema_are_read_and_joined(odd_schema_module):
    uni = odd_schema_module
    assert len(uni.Subject * uni.Session) == 2 and len(uni.Subject - uni.Session) == 0
    assert sorted(row["s"] for row in uni.Session.proj(s="session")) == [1, 2]
    assert uni.Session.parents() == [uni.Subject.full_table_name]


def test_a_table_added_to_an_odd_schema_after_its_headings_were_read_is_read_too(connection, odd_schema_module):
    uni = odd_schema_module
    uni.Session.heading.attributes
    create_table_like(connection, uni.schema.database, "subject_copy", "subject")
    djimport.invalidate_caches()
    importlib.reload(uni)
    assert uni.SubjectCopy.heading.names == ["id"] and len(uni.SubjectCopy()) == 0


def test_rows_of_an_odd_schema_are_deleted(connection, odd_schema_module, request):
    if backend(connection) == "postgresql":
        from psycopg2.errors import InvalidName

        request.applymarker(pytest.mark.xfail(strict=True, raises=InvalidName, reason=DATAJOINT_PG_NAMES))
    (odd_schema_module.Session & "session = 1").delete()
    assert len(odd_schema_module.Session()) == 1
