"""``djimport.create_tables``: the one way djimport writes to the server."""

from __future__ import annotations

import contextlib
import importlib
import types
from typing import Iterator

from ._loader import SchemaLoader
from ._root import DEFAULT_ROOT


@contextlib.contextmanager
def create_tables(module: types.ModuleType | str, *, create_schema: bool = False) -> Iterator[types.ModuleType]:
    """Let ``module.schema`` declare new tables inside the block; yields the module.

    ``module`` is an imported schema module or a schema name: ``"name"`` for
    ``djschemas.name``, ``"labdb.name"`` for a root made by :func:`djimport.mount`.
    With ``create_schema=True`` a schema that does not exist yet is created first.
    Declaration is switched off again when the block ends, even on error, and
    the schema's listing is refreshed so that a reload sees the new tables.
    """
    from . import load

    if isinstance(module, str):
        root_name, _, schema = module.rpartition(".")
        if create_schema:
            _ensure_schema(root_name or DEFAULT_ROOT, schema)
        module = importlib.import_module(module) if root_name else load(schema)
    loader = getattr(module, "__loader__", None)
    if not isinstance(loader, SchemaLoader):
        raise TypeError(f"create_tables() needs a schema module imported through djimport or a schema name, got {module!r}")
    with loader.creating(module):
        yield module


def _ensure_schema(root_name: str, schema: str) -> None:
    from . import _compat
    from ._finder import finder
    from ._introspect import unusable_schema_name

    importlib.import_module(root_name)  # registers the root
    root = finder.roots[root_name]
    if root.listings.tables(schema) is None:
        problem = unusable_schema_name(root.connection(), schema)
        if problem:
            raise ValueError(f"Cannot create schema {schema!r}: {problem}.")
        _compat.create_schema(root.connection(), schema)
        root.listings.forget(schema)
