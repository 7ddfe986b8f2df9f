"""Finding a module's class by table or class name, and any table of the pipeline by its full name."""

from __future__ import annotations

import difflib
import importlib
import re

from ._root import DEFAULT_ROOT

# `schema`.`table` (MySQL), "schema"."table" (PostgreSQL) or schema.table.
_PART = r'`(?P<{0}1>[^`]+)`|"(?P<{0}2>[^"]+)"|(?P<{0}3>[^.`"]+)'
_FULL_NAME = re.compile(rf"(?:{_PART.format('s')})\.(?:{_PART.format('t')})")
_TIER_PREFIXES = ("", "#", "_", "__")


def split_full_name(full_name: str | tuple[str, str]) -> tuple[str, str]:
    """``(schema, table)`` of ``"`schema`.`table`"``, ``'"schema"."table"'``, ``"schema.table"`` or a pair."""
    if isinstance(full_name, tuple) and len(full_name) == 2 and all(isinstance(n, str) and n for n in full_name):
        return full_name
    match = _FULL_NAME.fullmatch(full_name) if isinstance(full_name, str) else None
    if match is None:
        raise ValueError(
            f"expected a full table name such as '`ephys`.`_clustering`', 'ephys._clustering' or a "
            f"(schema, table) pair, got {full_name!r}"
        )
    schema, table = (next(match[f"{part}{i}"] for i in (1, 2, 3) if match[f"{part}{i}"]) for part in "st")
    return schema, table


def find_class(classes: dict[str, type], name: str) -> type | None:
    """The class among ``classes`` (table name -> class) that ``name`` means, as DataJoint 2.x's
    ``Schema.get_table`` reads names: the table name with or without its tier prefix
    (``letter_grade``, ``#letter_grade``, ``session__trial``), the class name (``LetterGrade``),
    or for a part ``Session.Trial``."""
    by_class = {cls.__qualname__: cls for cls in classes.values()}
    if name in by_class:
        return by_class[name]
    if name[:1].isupper():  # DataJoint's reading of a class name it does not know
        name = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    return next((classes[prefix + name] for prefix in _TIER_PREFIXES if prefix + name in classes), None)


def did_you_mean(schema: str, classes: dict[str, type], name: str) -> str:
    """`` Did you mean `schema`.`table` (Class)?`` for up to three tables of ``classes`` whose table
    or class name is close to ``name``; empty when none is."""
    names = {table: table for table in classes} | {cls.__qualname__: table for table, cls in classes.items()}
    tables = dict.fromkeys(names[match] for match in difflib.get_close_matches(name, names, n=3))
    if not tables:
        return ""
    return " Did you mean " + " or ".join(f"`{schema}`.`{t}` ({classes[t].__qualname__})" for t in tables) + "?"


def table(full_name: str | tuple[str, str]) -> type:
    """The class of a table, by its full name, from its schema's module (imported if need be).

    ``full_name`` is ``"`ephys`.`_clustering`"`` (as DataJoint writes it on
    MySQL), ``'"ephys"."_clustering"'`` (PostgreSQL), ``"ephys._clustering"``
    or ``("ephys", "_clustering")``; part tables give their nested class
    (``Session.Trial``). Costs no query when the module is imported and has
    the table; a table it lacks is looked for again by reloading the module
    (no query within the TTL). Raises :class:`LookupError` naming the schema
    and close matches when there is no such table, ``ModuleNotFoundError``
    when there is no such schema.
    """
    from . import load

    schema, name = split_full_name(full_name)
    module = load(schema)
    loader = module.__loader__
    if name not in loader.classes:
        importlib.reload(module)
    cls = loader.classes.get(name)
    if cls is not None:
        return cls
    message = f"No table `{name}` in schema `{schema}` ({DEFAULT_ROOT}.{schema} on {loader.server})."
    if name in {row.name for row in loader.listing}:
        message = (
            f"Table `{schema}`.`{name}` has no class in {DEFAULT_ROOT}.{schema}: djimport skipped it (see the "
            f"warning at import); reach it with dj.FreeTable(dj.conn(), '`{schema}`.`{name}`')."
        )
    else:
        message += did_you_mean(schema, loader.classes, name)
    raise LookupError(message)
