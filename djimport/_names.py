"""Names of schemas and tables: quoted as the server quotes them, full names read, a module's class found by name."""

from __future__ import annotations

import re
from typing import Any

# `schema`.`table` (MySQL), "schema"."table" (PostgreSQL) or schema.table.
_PART = r'`(?P<{0}1>[^`]+)`|"(?P<{0}2>[^"]+)"|(?P<{0}3>[^.`"]+)'
# compiled on first use (re caches it), not at start-up
_FULL_NAME = rf"(?:{_PART.format('s')})\.(?:{_PART.format('t')})"
_TIER_PREFIXES = ("", "#", "_", "__")


def quoted(backend: str, *names: str) -> str:
    """``schema.table`` quoted as identifiers, as the server of ``backend`` quotes them: `a`.`b` or "a"."b"
    (a quote character inside a name doubled); the one quoting function, for SQL and messages alike."""
    mark = '"' if backend == "postgresql" else "`"
    return ".".join(mark + name.replace(mark, mark * 2) + mark for name in names)


def split_full_name(full_name: str | tuple[str, str]) -> tuple[str, str]:
    """``(schema, table)`` of ``"`schema`.`table`"``, ``'"schema"."table"'``, ``"schema.table"`` or a pair."""
    if isinstance(full_name, tuple) and len(full_name) == 2 and all(isinstance(n, str) and n for n in full_name):
        return full_name
    match = re.fullmatch(_FULL_NAME, full_name) if isinstance(full_name, str) else None
    if match is None:
        raise ValueError(
            f"expected a full table name such as '`ephys`.`_clustering`', 'ephys._clustering' or a "
            f"(schema, table) pair, got {full_name!r}"
        )
    schema, table = (next(match[f"{part}{i}"] for i in (1, 2, 3) if match[f"{part}{i}"]) for part in "st")
    return schema, table


def find_class(classes: dict[str, type[Any]], name: str) -> type[Any] | None:
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


def did_you_mean(schema: str, classes: dict[str, type[Any]], name: str) -> str:
    """`` Did you mean `schema`.`table` (Class)?`` for up to three tables of ``classes`` whose table
    or class name is close to ``name``; empty when none is."""
    import difflib  # once a name is wrong: not at start-up

    names = {table: table for table in classes} | {cls.__qualname__: table for table, cls in classes.items()}
    tables = dict.fromkeys(names[match] for match in difflib.get_close_matches(name, names, n=3))
    if not tables:
        return ""
    return " Did you mean " + " or ".join(f"`{schema}`.`{t}` ({classes[t].__qualname__})" for t in tables) + "?"
