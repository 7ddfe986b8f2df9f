"""Import DataJoint schemas as Python modules: ``import djschemas.<schema>``.

Importing ``djschemas`` installs djimport's finder; nothing runs at
interpreter start-up and DataJoint is imported only when a schema is.
"""

from __future__ import annotations

import importlib
import types

from ._cache import DEFAULT_TTL, set_default_ttl
from ._create import create_tables
from ._finder import Installation, finder, install
from ._lookup import table
from ._mount import mount, unmount
from ._objects import add_objects
from ._root import DEFAULT_ROOT
from .diagram import diagram

__all__ = [
    "DEFAULT_TTL", "Installation", "add_objects", "create_tables", "diagram", "install", "invalidate_caches", "load",
    "mount", "set_ttl", "table", "unmount",
]


def load(schema: str) -> types.ModuleType:
    """Import the module of ``schema``, whose name need not be a Python identifier.

    ``djimport.load("my-schema")`` is ``import djschemas.<my-schema>``: the
    module is ``sys.modules["djschemas.my-schema"]``.
    """
    if not isinstance(schema, str) or not schema or "." in schema:
        raise ValueError(f"schema name must be a non-empty string without '.', got {schema!r}")
    importlib.import_module(DEFAULT_ROOT)  # installs the finder
    return importlib.import_module(f"{DEFAULT_ROOT}.{schema}")


def invalidate_caches() -> None:
    """Forget every cached schema and table listing; the next import or reload asks the server."""
    finder.invalidate_caches()


def set_ttl(seconds: float) -> None:
    """Trust listings for ``seconds`` from now on (default :data:`DEFAULT_TTL`, or ``DJIMPORT_TTL``).

    This also forgets the listings cached so far.
    """
    set_default_ttl(seconds)
    for root in list(finder.roots.values()):
        root.listings.set_ttl(seconds)
