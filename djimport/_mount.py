"""``djimport.mount``: more root packages, each bound to its own DataJoint connection."""

from __future__ import annotations

import importlib
import importlib.util
import keyword
import sys
import types

from ._finder import finder, install
from ._root import DEFAULT_ROOT, Root


def mount(name: str, *, connection) -> types.ModuleType:
    """Make ``import <name>.<schema>`` import the schemas of ``connection``'s server.

    ``connection`` is a DataJoint connection (``dj.Connection(...)``, or
    ``dj.Instance(...).connection`` in DataJoint 2.x, which also works in its
    thread-safe mode). The root package ``name`` has its own listings cache and
    behaves like ``djschemas`` (``dir(name)`` lists the schemas). Returns it.
    """
    from . import _compat

    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"mount name must be a Python identifier without dots, got {name!r}")
    if not _compat.is_connection(connection):
        raise TypeError(
            f"mount({name!r}, connection=...) needs a DataJoint connection such as dj.conn() or "
            f"dj.Instance(...).connection, got {type(connection).__name__}"
        )
    if name in finder.roots:
        raise ValueError(f"{name!r} is already mounted; call djimport.unmount({name!r}) first")
    if name in sys.modules or importlib.util.find_spec(name) is not None:
        raise ValueError(f"{name!r} is already an importable module or package; mount the server under another name")
    finder.roots[name] = Root(name, lambda: connection, mounted=True)
    install()
    return importlib.import_module(name)


def unmount(name: str) -> None:
    """Forget the root ``name`` made by :func:`mount`: its package, schema modules and cache."""
    root = finder.roots.get(name)
    if root is None or not root.mounted:
        hint = " (djschemas is not mounted: it is DataJoint's default connection)" if name == DEFAULT_ROOT else ""
        mounted = sorted(n for n, r in finder.roots.items() if r.mounted)
        raise ValueError(f"{name!r} is not mounted{hint}; mounted: {mounted}")
    del finder.roots[name]
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]
