"""A table that changed on the server since its module was listed: the error that says so, and what to do.

Within the TTL a module is what the server held when it was listed. A statement on a table dropped or
altered since then fails on the server; DataJoint reports it as a missing table or an unknown column
(both drivers), or, when the heading is read, as "The table ... is not defined". Those errors, when they
name one of the module's tables or a column its heading has, are raised again (same class, DataJoint's
error chained) with the table and the fix: ``djimport.invalidate_caches(); importlib.reload(module)``.
Any other error passes unchanged.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any, Callable, Iterator

from . import _datajoint
from ._datajoint import DataJointError
from ._names import quoted
from ._text import python_name

# The name in the server's message: MySQL's `Unknown column 'x' in 'field list'` and `Table 's.t' doesn't exist`,
# PostgreSQL's `column "x" does not exist` (`column t.x ...`, `column "x" of relation "t" ...`) and `relation "s.t" ...`.
_COLUMN = re.compile(r"""Unknown column '([^']*)'|column (?:"([^"]*)"|(\S+))(?: of relation "[^"]*")? does not exist""")


def reload_hint(module_name: str) -> str:
    """Code that refreshes module ``module_name`` from the server, runnable as written."""
    if all(python_name(part) for part in module_name.split(".")):
        return f"import djimport, importlib, {module_name}; djimport.invalidate_caches(); importlib.reload({module_name})"
    return f"import djimport, importlib, sys; djimport.invalidate_caches(); importlib.reload(sys.modules[{module_name!r}])"


def _message(context: dict, table: str, what: str) -> str:
    module = context["__name__"]
    quoted = context["__loader__"].quoted(table)
    return (
        f"Table {quoted} {what} on the server: it changed since {module} was listed. "
        f"To use the tables as the server has them now: `{reload_hint(module)}`"
    )


def _missing_table(table: Any, exc: Exception) -> str | None:
    context = table.declaration_context
    loader = context["__loader__"]
    text = str(exc)
    for name in loader.classes:
        if f"'{loader.schema}.{name}'" in text or f'"{loader.schema}.{name}"' in text:
            return _message(context, name, "is no longer")
    return None


def _unknown_column(table: Any, exc: Exception) -> str | None:
    match = _COLUMN.search(str(exc))
    if match is None:
        return None
    column = next(group for group in match.groups() if group is not None).rsplit(".", 1)[-1]
    names = _datajoint.loaded_names(type(table))
    if names is None or column not in names:  # not a column the module knows of: the caller's own mistake
        return None
    context = table.declaration_context
    return _message(context, table.table_name, f"has no column {quoted(context['__loader__'].backend, column)} any more")


@contextlib.contextmanager
def _explained(table: Any) -> Iterator[None]:
    try:
        yield
    except _datajoint.MissingTableError as exc:
        message = _missing_table(table, exc)
        if message is None:
            raise
        raise type(exc)(message) from exc
    except _datajoint.UnknownAttributeError as exc:
        message = _unknown_column(table, exc)
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
    return DataJointError(_message(context, table, "is no longer"))


def _explaining(name: str) -> Callable[..., Any]:
    """DataJoint's method ``name`` of the class's tier, raising the stale-table error where it applies."""
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        owner = next(cls for cls in type(self).__mro__ if vars(cls).get(name) is method)
        with _explained(self):
            return getattr(super(owner, self), name)(*args, **kwargs)

    method.__name__ = method.__qualname__ = name
    return method


EXPLAINING = {name: _explaining(name) for name in ("cursor", "__len__", "__bool__", "insert", "update1", "delete_quick")}
"""Methods of the classes of an imported module (in their namespace: the bases stay DataJoint's tier): the
statements DataJoint sends for one of its tables (fetch, len, bool, insert, update1, delete_quick) say which
table changed since it was listed and how to refresh the module, when they fail because it did."""
