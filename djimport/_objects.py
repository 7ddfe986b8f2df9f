"""``djimport.add_objects``: what ``dj.VirtualModule(..., add_objects=...)`` gave a module."""

from __future__ import annotations

import importlib
import types

from ._loader import SchemaLoader
from ._root import DEFAULT_ROOT


def add_objects(module: types.ModuleType | str, **objects: object) -> types.ModuleType:
    """Put ``objects`` into a schema module's namespace, its tables' declaration context; returns the module.

    This is VirtualModule's ``add_objects``: DataJoint 0.14 finds the
    ``AttributeAdapter`` of an attribute of type ``<graph>`` under the name
    ``graph`` there (``djimport.add_objects(uni, graph=GraphAdapter())``).
    ``module`` is an imported schema module or a schema name, as for
    :func:`djimport.create_tables`. Headings already loaded that use one of the
    names are read again on next use. The objects stay through reloads.
    """
    if isinstance(module, str):
        root_name, _, schema = module.rpartition(".")
        module = importlib.import_module(f"{root_name or DEFAULT_ROOT}.{schema}")
    loader = getattr(module, "__loader__", None)
    if not isinstance(loader, SchemaLoader):
        raise TypeError(f"add_objects() needs a schema module imported through djimport or a schema name, got {module!r}")
    taken = sorted(
        name for name in objects
        if name == "schema" or name.startswith("__") or any(cls.__name__ == name for cls in loader.classes.values())
    )
    if taken:
        raise ValueError(
            f"add_objects() cannot replace {', '.join(taken)} of {module.__name__}: the module's schema, its tables "
            f"and its dunder names keep their names; give the object another name"
        )
    from . import _compat

    with loader.lock:
        vars(module).update(objects)
        _compat.reload_headings_using(loader.classes.values(), objects)
    return module
