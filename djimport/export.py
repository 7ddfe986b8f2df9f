"""Code export: the Python source of a module that declares a schema's tables.

The definitions are DataJoint's own reconstruction (``Table.describe``) from
the server: primary key above ``---``, foreign keys as ``-> Class`` (or
``-> other_schema.Class`` for tables of other schemas, imported through
djimport), types, defaults and comments. Classes come in an order in which
they can be declared: every table after the tables it references.
"""

from __future__ import annotations

import graphlib
import keyword
import types
from pathlib import Path
from typing import Callable

from .diagram import schema_module

__all__ = ["definitions", "dependency_order", "export", "text_block", "write"]


def export(module_or_schema_name: types.ModuleType | str) -> str:
    """The source of a Python module that declares the tables of a schema.

    Importing the module declares (in schema ``<same name>``, on DataJoint's
    default server) every table that does not exist yet; change the name in
    its ``dj.Schema(...)`` line to declare the tables elsewhere.
    """
    from . import _compat
    from ._introspect import list_keys

    module = schema_module(module_or_schema_name)
    loader = module.__loader__
    keys = list_keys(loader.root.connection(), loader.schema)
    texts, imports = _definitions(module, keys)
    out = [
        f'"""DataJoint schema {loader.quoted()}, exported by djimport from {loader.server}.',
        "",
        "Importing this module declares those of its tables that do not exist yet.",
        '"""',
        "",
        "import datajoint as dj",
        *imports[:1],
        "",
        *imports[1:],
        f"schema = dj.Schema({loader.schema!r})",
    ]
    for master, parts in _declaration_order(loader.schema, loader.classes, keys):
        cls = loader.classes[master]
        out += ["", "", "@schema", f"class {cls.__name__}(dj.{_compat.tier_of(master)[0].__name__}):"]
        out += text_block("definition = ", texts[master], "    ")
        for table in parts:
            out += ["", f"    class {loader.classes[table].__name__}(dj.Part):"]
            out += text_block("definition = ", texts[table], "        ")
        if issubclass(cls, (_compat.Imported, _compat.Computed)):
            out += [
                "",
                "    def make(self, key):",
                f"        raise NotImplementedError({cls.__name__ + '.make() was not exported: write it here'!r})",
            ]
    return "\n".join(out) + "\n"


def write(module_or_schema_name: types.ModuleType | str, path: str | Path) -> Path:
    """Write :func:`export`'s source to ``path``."""
    path = Path(path)
    path.write_text(export(module_or_schema_name))
    return path


def definitions(module_or_schema_name: types.ModuleType | str) -> dict[str, str]:
    """Table name -> DataJoint definition, for every table of a schema module (parts included)."""
    from ._introspect import list_keys

    module = schema_module(module_or_schema_name)
    return _definitions(module, list_keys(module.__loader__.root.connection(), module.__loader__.schema))[0]


def _definitions(module: types.ModuleType, keys) -> tuple[dict[str, str], list[str]]:
    """The definitions, and the import lines they need for tables of other schemas."""
    from . import _compat, load

    loader = module.__loader__
    context = dict(vars(module))
    imports = []
    for other in sorted({fk.ref_schema for fk in keys.foreign if fk.ref_schema != loader.schema}):
        alias = _alias(other, context)
        context[alias] = load(other)
        imports.append(f"{alias} = djimport.load({other!r})")
    if imports:
        imports.insert(0, "import djimport")
    texts = {}
    for table, cls in loader.classes.items():
        # For a part, `master` first so that DataJoint names its master `master`.
        part_context = {"master": cls._master, **context} if issubclass(cls, _compat.Part) else context
        texts[table] = _compat.definition(cls, part_context)
    return texts, imports


def _alias(schema: str, taken: dict) -> str:
    alias = schema if schema.isidentifier() and not keyword.iskeyword(schema) else "schema_" + "".join(
        c if c.isalnum() else "_" for c in schema
    )
    while alias in taken or alias in ("dj", "schema", "djimport"):
        alias += "_"
    return alias


def _declaration_order(schema: str, classes: dict[str, type], keys) -> list[tuple[str, list[str]]]:
    """Master tables with their parts, in an order DataJoint can declare: each master after every master
    that it or one of its parts references, each part after the parts of its master that it references
    (DataJoint declares parts right after their master, in the order of the source); by name otherwise."""
    from . import _compat

    def master_of(table: str) -> str:
        return _compat.tier_of(table)[1] or table

    masters: dict[str, list[str]] = {table: [] for table in classes if _compat.tier_of(table)[1] is None}
    parts: dict[str, list[str]] = {table: [] for table in classes if _compat.tier_of(table)[1] is not None}
    for fk in keys.foreign:
        if fk.ref_schema == schema and fk.table in classes and fk.ref_table in classes:
            child, parent = master_of(fk.table), master_of(fk.ref_table)
            if child != parent:
                masters[child].append(parent)
            elif fk.table in parts and fk.ref_table in parts:
                parts[fk.table].append(fk.ref_table)
    order = _topological(masters, lambda table: classes[table].__name__)
    part_order = _topological(parts, lambda table: classes[table].__name__)
    return [(master, [part for part in part_order if master_of(part) == master]) for master in order]


def _topological(graph: dict[str, list[str]], name: Callable[[str], str]) -> list[str]:
    """The nodes of ``graph`` (node -> nodes it comes after), each after those; by ``name`` otherwise."""
    sorter = graphlib.TopologicalSorter(graph)
    sorter.prepare()
    order = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=name)
        order += ready
        sorter.done(*ready)
    return order


def dependency_order(schema: str, classes: dict[str, type], keys) -> list[str]:
    """Every table of ``classes``, each after the tables it references, parts right after their master."""
    return [table for master, parts in _declaration_order(schema, classes, keys) for table in (master, *parts)]


def text_block(opening: str, text: str, indent: str) -> list[str]:
    """Lines of a triple-quoted string literal holding ``text``, after ``opening``, indented by ``indent``."""
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').strip()
    lines = [f"{indent}{line}".rstrip() for line in text.splitlines()]
    return [f'{indent}{opening}"""', *lines, f'{indent}"""']
