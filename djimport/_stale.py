"""A table that changed on the server since its module was listed: the error that says so, and what to do.

Within the TTL a module is what the server held when it was listed. A statement on a table dropped or
altered since then fails on the server (DataJoint reports a missing table or an unknown column; the drivers,
e.g. PostgreSQL's "column reference ... is ambiguous" in a join of a table declared again) or, worse, answers
wrong. Where the server's error involves a table of a module, the server's listing of the module's schema says
whether the table changed; then the error is raised again (same class, the server's error chained) naming the
table and the fix, ``djimport.invalidate_caches(); importlib.reload(module)``, or that the schema is gone; a
table that the error names as missing but that is listed as before was dropped and is back (the listing comes
after the error), and the error says so. Any other error passes unchanged.

A join names the columns it joins on (DataJoint 2.x writes ``JOIN ... USING``; DataJoint 0.14's ``NATURAL JOIN``
of tables of modules is written so here), so that the server refuses a join whose tables no longer share a column
instead of pairing every row of one with every row of the other; a table of a module names its columns with
the table (:class:`._headings.SchemaHeading`), so that a restriction by a table that lost one is refused too
instead of reading the restricted table's column of that name (every row would match).

Two changes that give no error are caught without a statement of ours: a result whose columns come back as
another kind of number than the heading says (the cursor's description, :func:`._datajoint.retyped_column`),
and, once per table per TTL (one statement), a dict restriction naming a column the heading lacks but the
server's table has (DataJoint ignores such keys: the restriction would select every row).
"""

from __future__ import annotations

import contextlib
import logging
import re
from typing import Any, Callable, Iterator, Mapping

from . import _datajoint
from ._catalog import column_names, list_tables
from ._connection_state import PerConnection
from ._datajoint import DataJointError
from ._names import quoted, split_full_name
from ._text import python_name, visible

logger = logging.getLogger("djimport")

# The name in the server's message: MySQL's `Unknown column 'x' in 'field list'` and `Table 's.t' doesn't exist`,
# PostgreSQL's `column "x" does not exist` (`column t.x ...`, `column "x" of relation "t" ...`, `column "x" specified in
# USING clause ...`) and `relation "s.t" ...`.
_COLUMN = re.compile(
    r"""Unknown column '([^']*)'|"""
    r"""column (?:"([^"]*)"|(\S+))(?: of relation "[^"]*"| specified in USING clause)? does not exist"""
)


_classes: PerConnection[dict[str, dict[str, type[Any]]]] = PerConnection(dict)


def track(connection: _datajoint.Connection, schema: str, classes: dict[str, type[Any]]) -> None:
    """Let the queries on ``connection`` find the class of a table of ``schema`` by name, in ``classes`` (table
    name -> class: its module's own, kept up to date by its loader)."""
    _classes(connection)[schema] = classes


def reload_hint(module_name: str) -> str:
    """Code that refreshes module ``module_name`` from the server, runnable as written."""
    if all(python_name(part) for part in module_name.split(".")):
        return f"import djimport, importlib, {module_name}; djimport.invalidate_caches(); importlib.reload({module_name})"
    return f"import djimport, importlib, sys; djimport.invalidate_caches(); importlib.reload(sys.modules[{module_name!r}])"


def _message(context: dict, table: str, what: str) -> str:
    module = context["__name__"]
    quoted = context["__loader__"].quoted(table)
    return visible(
        f"Table {quoted} {what}: it changed since {module} was listed. "
        f"To use the tables as the server has them now: `{reload_hint(module)}`"
    )


def _gone(cls: type[Any]) -> str:
    """The message of a table no longer on the server, whose class ``cls`` its module may have dropped already."""
    context = cls.declaration_context
    loader, module = context["__loader__"], context["__name__"]
    if loader.classes.get(cls.table_name) is cls:
        return _message(context, cls.table_name, "is no longer on the server")
    return visible(
        f"Table {loader.quoted(cls.table_name)} is no longer on the server: it was dropped since {module} was "
        f"listed, and {module} was reloaded without it. This class is left over from before; {module} has no "
        f"class for the table."
    )


def _schema_gone(context: dict) -> str:
    loader, module = context["__loader__"], context["__name__"]
    return visible(
        f"Schema {loader.quoted()} is no longer on the server: it was dropped since {module} was listed. "
        f"Its tables cannot be used any more, and importing or reloading {module} fails until the schema is "
        f"declared again."
    )


def _ours(cls: type[Any]) -> bool:
    return vars(cls).get("cursor") is _cursor


def _tables(expression: Any) -> list[type[Any]]:
    """The classes of imported modules whose tables ``expression`` reads, in its FROM clauses or its restrictions
    (held classes included)."""
    names, conditions = _datajoint.tables_read(expression)
    connection = expression.connection
    return [
        cls for tier in _datajoint.TIERS for cls in tier.__subclasses__()
        if _ours(cls) and (cls.full_table_name in names or cls.full_table_name in conditions)
        and _datajoint.connection_of(cls) is connection
    ]


def _changed(cls: type[Any], exc: Exception, row: Any) -> str | None:
    """The message of ``cls``'s table, listed now as ``row`` (None: gone), if it changed since its module was listed."""
    context = cls.declaration_context
    loader = context["__loader__"]
    if row is None:
        return _gone(cls)
    before = {listed.name: listed for listed in loader.listing or ()}
    if loader.classes.get(cls.table_name) is cls and before.get(cls.table_name) == row:
        return _back(cls, exc)
    return _missing_column(cls, exc) or _message(context, cls.table_name, "was altered or declared again on the server")


def _names_missing(cls: type[Any], exc: Exception) -> bool:
    """Whether ``exc`` is the server's error that ``cls``'s table does not exist."""
    schema = cls.declaration_context["__loader__"].schema
    return isinstance(exc, _datajoint.MissingTableError) and any(
        f"{mark}{schema}.{cls.table_name}{mark}" in str(exc) for mark in "'\""
    )


def _back(cls: type[Any], exc: Exception) -> str | None:
    """The message of ``cls``'s table that ``exc`` says was missing, though the server lists it now as it was when
    its module was listed: dropped and declared again alike (or renamed away and back) while the statement ran."""
    if not _names_missing(cls, exc):
        return None
    context = cls.declaration_context
    return visible(
        f"Table {context['__loader__'].quoted(cls.table_name)} was not on the server when this statement ran "
        f"(dropped or renamed meanwhile) and is there again now, as it was when {context['__name__']} was listed: "
        f"run the statement again."
    )


def _missing_column(cls: type[Any], exc: Exception) -> str | None:
    """The message of a server's "unknown column" for a column ``cls``'s heading has."""
    match = _COLUMN.search(str(exc)) if isinstance(exc, _datajoint.UnknownAttributeError) else None
    if match is None:
        return None
    column = next(group for group in match.groups() if group is not None).rsplit(".", 1)[-1]
    if column not in (_datajoint.loaded_names(cls) or ()):
        return None
    context = cls.declaration_context
    shown = quoted(context["__loader__"].backend, column)
    return _message(context, cls.table_name, f"has no column {shown} any more on the server")


def _named(classes: list[type[Any]], exc: Exception) -> str | None:
    """Without asking the server: the message of a table the error names as missing, or of a column it names as
    unknown that one of the tables' headings has."""
    for cls in classes:
        if _names_missing(cls, exc):
            return _gone(cls)
        message = _missing_column(cls, exc)
        if message is not None:
            return message
    return None


def explain(expression: Any, exc: Exception) -> str | None:
    """Why the statement of ``expression`` failed with ``exc``, if a table of a module that it reads changed on
    the server since the module was listed (or its schema is gone): the server's listing of each such module's
    schema says (a statement per schema, on this error only). None for any other error."""
    known = isinstance(exc, (_datajoint.MissingTableError, _datajoint.UnknownAttributeError))
    # DataJoint's "The table ... is not defined": a heading read (populate's parents') after a drop
    if not (known or _datajoint.refused_statement(expression.connection, exc) or "is not defined" in str(exc)):
        return None
    classes = _tables(expression)
    modules: dict[str, list[type[Any]]] = {}
    for cls in classes:
        modules.setdefault(cls.declaration_context["__name__"], []).append(cls)
    try:
        for tables in modules.values():
            context = tables[0].declaration_context
            listing = list_tables(expression.connection, context["__loader__"].schema)
            if listing is None:
                return _schema_gone(context)
            rows = {row.name: row for row in listing}
            for cls in tables:
                message = _changed(cls, exc, rows.get(cls.table_name))
                if message is not None:
                    return message
    except (DataJointError, _datajoint.driver_error(expression.connection)) as failure:
        # e.g. PostgreSQL's aborted transaction: say what the error itself tells
        logger.debug("no listing to explain %r: %s", exc, failure)
        return _named(classes, exc)
    return None


@contextlib.contextmanager
def _explained(expression: Any) -> Iterator[None]:
    try:
        yield
    except Exception as exc:  # noqa: BLE001  (explain() picks the errors it knows; the rest is raised again)
        message = explain(expression, exc)
        if message is None:
            raise
        raise type(exc)(message) from exc


def explain_undefined(context: dict, table: str, exc: DataJointError) -> DataJointError | None:
    """The error to raise instead of DataJoint's ``exc`` raised while reading ``table``'s heading, if it says
    that the table is not defined (dropped since the module ``context`` was listed); else None."""
    if "is not defined" not in str(exc):
        return None
    return dropped(context, table)


def dropped(context: dict, table: str) -> DataJointError:
    """The error of ``table`` of module ``context``, dropped on the server since the module was listed."""
    return DataJointError(_message(context, table, "is no longer on the server"))


def _owner(method: Callable[..., Any], name: str, instance: Any) -> type[Any]:
    return next(cls for cls in type(instance).__mro__ if vars(cls).get(name) is method)


def _explaining(name: str) -> Callable[..., Any]:
    """DataJoint's method ``name`` of the class's tier, raising the stale-table error where it applies."""
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _explained(self):
            return getattr(super(_owner(method, name, self), self), name)(*args, **kwargs)

    method.__name__ = method.__qualname__ = name
    return method


def _cursor(self: Any, *args: Any, **kwargs: Any) -> Any:
    """DataJoint's ``cursor``, which every fetch runs, for a result whose columns are of the kind of number the
    heading says (no statement: the cursor's description tells). Otherwise, for a query of a table with its own
    heading (restricted or not), the heading is read again, and DataJoint converts the rows by it after this
    returns; any other query (a projection, a join) raises the stale-table error."""
    with _explained(self):
        cursor = super(_owner(_cursor, "cursor", self), self).cursor(*args, **kwargs)
    heading = self.heading
    column = _datajoint.retyped_column(heading, cursor.description, _datajoint.backend(self.connection))
    if column is None:
        return cursor
    if _ours(type(self)) and heading is _datajoint.class_heading(type(self)):
        _datajoint.unload_heading(heading)
        return cursor
    cursor.close()
    tables = [cls for cls in _tables(self) if column in (_datajoint.loaded_names(cls) or ())]
    cls = tables[0] if tables else type(self)
    shown = quoted(_datajoint.backend(self.connection), column)
    raise DataJointError(_message(cls.declaration_context, cls.table_name, f"has column {shown} of another type "
                                  f"on the server than its heading says"))


def _from_clause(self: Any) -> str:
    """DataJoint's FROM clause, on 0.14 with the join columns of the tables of modules named (``USING``): a table
    declared again without one fails on the server instead of being paired with every row of the other."""
    def columns(table: str) -> list[str] | None:
        try:
            schema, name = split_full_name(table)
        except ValueError:  # a name that no table of a module has (a backtick in it): DataJoint's clause
            return None
        cls = _classes(self.connection).get(schema, {}).get(name)
        return None if cls is None else _datajoint.loaded_names(cls)

    clause = _datajoint.from_clause_using(self, columns)
    return super(_owner(_from_clause, "from_clause", self), self).from_clause() if clause is None else clause


def _keys(restriction: Any) -> set[str]:
    """The attribute names of the dicts in a restriction (a dict, a list or AndList of them, or their ``Not``)."""
    if isinstance(restriction, Mapping):
        return set(restriction)
    if isinstance(restriction, _datajoint.dj.Not):
        return _keys(restriction.restriction)
    if isinstance(restriction, (list, tuple)):
        return set().union(*(_keys(item) for item in restriction))
    return set()


def _restrict(self: Any, restriction: Any, *args: Any, **kwargs: Any) -> Any:
    """DataJoint's ``restrict``, refusing a dict naming a column that the table has on the server but its
    heading lacks (DataJoint ignores the key: every row would match); the server is asked at most once per
    table per TTL, for legitimate keys too (a ``key`` from upstream in ``make``)."""
    result = super(_owner(_restrict, "restrict", self), self).restrict(restriction, *args, **kwargs)
    keys = _keys(restriction)
    if keys:
        cls = type(self)
        unknown = _datajoint.not_in_heading(cls, keys)
        if unknown:
            context = cls.declaration_context
            loader = context["__loader__"]
            columns = loader.root.listings.columns(
                loader.schema, cls.table_name, lambda: column_names(self.connection, loader.schema, cls.table_name)
            )
            added = sorted(columns.intersection(unknown))
            if added:
                shown = quoted(loader.backend, added[0])
                raise _datajoint.UnknownAttributeError(_message(
                    context, cls.table_name, f"has column {shown} on the server, which its heading lacks"))
    return result


def _spreading(name: str) -> Callable[..., Any]:
    """DataJoint's method ``name`` that makes a new query (a join, a subquery, an aggregation, a union): the new
    query explains its errors too."""
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = getattr(super(_owner(method, name, self), self), name)(*args, **kwargs)
        explained = _EXPLAINED.get(type(result))
        if explained is not None:
            result.__class__ = explained
        return result

    method.__name__ = method.__qualname__ = name
    return method


_QUERIES = {
    "cursor": _cursor,
    **({} if _datajoint.IS_V2 else {"from_clause": _from_clause}),
    **{name: _explaining(name) for name in ("__len__", "__bool__")},
    **{name: _spreading(name) for name in ("join", "make_subquery", "aggr", "__add__")},
}

EXPLAINING = {
    **_QUERIES,
    "restrict": _restrict,
    **{name: _explaining(name) for name in ("insert", "update1", "delete_quick")},
}
"""Methods of the classes of an imported module (in their namespace: the bases stay DataJoint's tier): the
statements DataJoint sends for its tables (fetch, len, bool, insert, update1, delete_quick, and those of the
joins, subqueries, aggregations and unions made from them) say which table changed since it was listed and how
to refresh the module, when they fail (or would answer wrong) because it did."""

POPULATING = {**EXPLAINING, "populate": _explaining("populate")}
""":data:`EXPLAINING` for the auto-populated tiers (``Imported``, ``Computed``): ``populate`` too."""

# A query made from a table of a module explains its errors as the table does; pickled, it is found here by name.
ExplainedQuery = type("ExplainedQuery", (_datajoint.QueryExpression,), {"__module__": __name__, **_QUERIES})
ExplainedAggregation = type(
    "ExplainedAggregation", (_datajoint.Aggregation,), {"__module__": __name__, **_QUERIES}
)
ExplainedUnion = type("ExplainedUnion", (_datajoint.Union,), {"__module__": __name__, **_QUERIES})
_EXPLAINED: dict[type, type] = {
    _datajoint.QueryExpression: ExplainedQuery,
    _datajoint.Aggregation: ExplainedAggregation,
    _datajoint.Union: ExplainedUnion,
}
