"""The ``sys.meta_path`` finder: it answers ``<root>.<schema>`` and nothing else.

The finder runs for every import in the process and ``find_spec`` is called
with the interpreter's global import lock held, so it decides from the name
alone (:func:`schema_of`) and never touches the network: whether the schema
exists is found out by the loader, under the module's own lock only.
"""

from __future__ import annotations

import sys
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Mapping, Sequence

from ._loader import SchemaLoader
from ._locks import RLock
from ._root import RootPackageLoader, roots


def schema_of(fullname: str, roots: Mapping[str, object]) -> tuple[str, str] | None:
    """Split ``"root.schema"`` into ``(root, schema)`` when ``root`` is one of ``roots``.

    Returns None for every other name: names outside our roots, the roots
    themselves, and deeper names such as ``djschemas.uni.Student``.
    """
    root, dot, schema = fullname.partition(".")
    if not dot or root not in roots or not schema or "." in schema:
        return None
    return root, schema


class SchemaFinder:
    """Finds the module of database schema ``schema`` under each registered root (:data:`._root.roots`),
    and the package of each root that :func:`djimport.mount` made."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        hit = schema_of(fullname, roots)
        if hit is None:
            package = roots.get(fullname)
            if package is None or not package.mounted:
                return None
            # Loaders by protocol: subclassing importlib.abc.Loader would cost its import at start-up.
            loader = RootPackageLoader()
            return ModuleSpec(fullname, loader, origin="djimport", is_package=True)  # type: ignore[arg-type]
        # importlib.reload() passes the module as target: hand back its own spec so a
        # reload that fails leaves __spec__ and __loader__ exactly as they were.
        spec: ModuleSpec | None = getattr(target, "__spec__", None)
        if spec is not None and spec.name == fullname and spec.loader is not None:
            return spec
        root, schema = hit
        return ModuleSpec(fullname, SchemaLoader(roots[root], schema), origin="djimport")  # type: ignore[arg-type]

    def invalidate_caches(self) -> None:
        """Forget every cached listing (called by ``importlib.invalidate_caches()``)."""
        for root in list(roots.values()):
            root.listings.clear()


finder = SchemaFinder()
_install_lock = RLock()


class Installation:
    """Handle returned by :func:`install`; a context manager that uninstalls on exit."""

    def uninstall(self) -> None:
        """Remove the finder from ``sys.meta_path``; safe to call twice."""
        with _install_lock:
            try:
                sys.meta_path.remove(finder)
            except ValueError:
                pass

    def __enter__(self) -> Installation:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.uninstall()


def install() -> Installation:
    """Put the finder first on ``sys.meta_path`` (once) and return a handle to remove it."""
    with _install_lock:
        if finder not in sys.meta_path:
            sys.meta_path.insert(0, finder)
    return Installation()
