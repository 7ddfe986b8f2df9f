"""``djimport.create_tables``: the one way djimport writes to the server."""

from __future__ import annotations

import contextlib
import types
from typing import Iterator

from ._loader import SchemaLoader


@contextlib.contextmanager
def create_tables(module: types.ModuleType | str, *, create_schema: bool = False) -> Iterator[types.ModuleType]:
    """Let ``module.schema`` declare new tables inside the block; yields the module.

    ``module`` is an imported schema module or a schema name. With
    ``create_schema=True`` a schema that does not exist yet is created first.
    Declaration is switched off again when the block ends, even on error, and
    the schema's listing is refreshed so that a reload sees the new tables.
    """
    from . import load

    if isinstance(module, str):
        if create_schema:
            _ensure_schema(module)
        module = load(module)
    loader = getattr(module, "__loader__", None)
    if not isinstance(loader, SchemaLoader):
        raise TypeError(f"create_tables() needs a schema module imported through djimport or a schema name, got {module!r}")
    with loader.creating(module):
        yield module


def _ensure_schema(name: str) -> None:
    from . import _compat
    from ._finder import finder
    from ._introspect import unusable_schema_name
    from ._root import DEFAULT_ROOT

    root = finder.roots[DEFAULT_ROOT]
    if root.listings.tables(name) is None:
        problem = unusable_schema_name(root.connection(), name)
        if problem:
            raise ValueError(f"Cannot create schema {name!r}: {problem}.")
        _compat.create_schema(root.connection(), name)
        root.listings.forget(name)
