"""Import DataJoint schemas as Python modules: ``import djschemas.<schema>``.

Importing ``djschemas`` installs djimport's finder; nothing runs at
interpreter start-up and DataJoint is imported only when a schema is.
The code's layers are described in ARCHITECTURE.md.
"""

# The one place the version is written: setup.cfg reads it (``version = attr:``) into the metadata.
__version__ = "0.1.0"

from ._api import (
    DotNotFound, add_objects, create_tables, diagram, invalidate_caches, load, mount, pipeline_map, preload,
    save_diagram, set_ttl, table, unmount,
)
from ._finder import Installation, install
from ._settings import DEFAULT_TTL

__all__ = [
    "DEFAULT_TTL", "DotNotFound", "Installation", "add_objects", "create_tables", "diagram", "install",
    "invalidate_caches", "load", "mount", "pipeline_map", "preload", "save_diagram", "set_ttl", "table", "unmount",
]
