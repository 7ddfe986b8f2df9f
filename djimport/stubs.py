"""IDE stubs: a ``djschemas/`` package of ``.pyi`` files declaring each schema's table classes.

Put the directory where the type checker looks for stubs (Pylance's
``python.analysis.stubPath``, ``typings`` by default; mypy's ``MYPYPATH``):
``uni.Student`` then completes and ``from djschemas.university import Student``
type-checks. Each class derives from its tier (``dj.Manual``, ...), part
classes are nested in their masters, and each docstring holds the table's
definition.
"""

from __future__ import annotations

import keyword
import types
from pathlib import Path

from .diagram import schema_module

__all__ = ["stub_source", "write_stubs"]

# DataJoint's table classes answer query operators at class level (`Student - StudentMajor`)
# through their metaclass, datajoint.user_tables.TableMeta; DataJoint has no type information
# (no py.typed), so the stubs spell those operators out for the type checker.
_METACLASS = '''
class _TableMeta(type):
    def __and__(cls, arg: Any) -> Any: ...
    def __xor__(cls, arg: Any) -> Any: ...
    def __sub__(cls, arg: Any) -> Any: ...
    def __neg__(cls) -> Any: ...
    def __mul__(cls, arg: Any) -> Any: ...
    def __matmul__(cls, arg: Any) -> Any: ...
    def __add__(cls, arg: Any) -> Any: ...
    def __iter__(cls) -> Iterator[Any]: ...
'''

_PACKAGE_STUB = '''"""DataJoint schemas as modules (djimport). Stubs written by `djimport stubs`."""
'''


def stub_source(module_or_schema_name: types.ModuleType | str) -> str:
    """The text of the ``.pyi`` stub of one schema module."""
    from . import _compat
    from .export import definitions, text_block

    module = schema_module(module_or_schema_name)
    loader = module.__loader__
    texts = definitions(module)
    out = [
        f'"""DataJoint schema {loader.quoted()} on {loader.server}.',
        "",
        "Stub written by `djimport stubs`: run it again after the schema changes.",
        '"""',
        "",
        "from typing import Any, Iterator",
        "",
        "import datajoint as dj  # type: ignore[import-untyped, unused-ignore]",
        _METACLASS,
        "schema: dj.Schema",
    ]
    classes = loader.classes
    for table, cls in sorted(classes.items(), key=lambda item: item[1].__name__):
        tier, master = _compat.tier_of(table)
        if master is not None:
            continue
        out += ["", f"class {cls.__name__}(dj.{tier.__name__}, metaclass=_TableMeta):  # type: ignore[misc, unused-ignore]"]
        out += text_block("", texts[table], "    ")
        for part_table, part in sorted(classes.items(), key=lambda item: item[1].__name__):
            if _compat.tier_of(part_table)[1] == table:
                out += ["", f"    class {part.__name__}(dj.Part, metaclass=_TableMeta):  # type: ignore[misc, unused-ignore]"]
                out += text_block("", texts[part_table], "        ")
    return "\n".join(out) + "\n"


def write_stubs(schemas: list[str], directory: str | Path) -> list[Path]:
    """Write ``<directory>/djschemas/<schema>.pyi`` for each schema (and the package's
    ``__init__.pyi``); returns the paths written.

    Raises ValueError for a schema whose name cannot be imported with an
    ``import`` statement (reach those with ``djimport.load``).
    """
    for name in schemas:
        if not importable(name):
            raise ValueError(f"schema `{name}` is not a Python identifier, so no `import` statement can name it")
    package = Path(directory) / "djschemas"
    package.mkdir(parents=True, exist_ok=True)
    init = package / "__init__.pyi"
    init.write_text(_PACKAGE_STUB)
    written = [init]
    for name in schemas:
        path = package / f"{name}.pyi"
        path.write_text(stub_source(name))
        written.append(path)
    return written


def importable(schema: str) -> bool:
    """Whether ``import djschemas.<schema>`` can be written."""
    return schema.isidentifier() and not keyword.iskeyword(schema)
