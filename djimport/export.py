"""Code export: the Python source of a module that declares a schema's tables.

The definitions are DataJoint's own reconstruction (``Table.describe``) from
the server: primary key above ``---``, foreign keys as ``-> Class`` (or
``-> other_schema.Class`` for tables of other schemas, imported through
djimport), types, defaults and comments. Classes come in an order in which
they can be declared: every table after the tables it references.
"""

from __future__ import annotations

import keyword
import types
from pathlib import Path

from . import _datajoint
from ._api import load, resolve
from ._build import declaration_order
from ._catalog import Keys, list_keys
from ._loader import SchemaModule

__all__ = ["definitions", "export", "text_block", "write"]


def export(module_or_schema_name: types.ModuleType | str) -> str:
    """The source of a Python module that declares the tables of a schema.

    Importing the module declares (in schema ``<same name>``, on DataJoint's
    default server) every table that does not exist yet; change the name in
    its ``dj.Schema(...)`` line to declare the tables elsewhere.
    """
    module = resolve(module_or_schema_name)
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
    for master, parts in declaration_order(loader.schema, loader.classes, keys):
        cls = loader.classes[master]
        out += ["", "", "@schema", f"class {cls.__name__}(dj.{_datajoint.tier_of(master)[0].__name__}):"]
        out += text_block("definition = ", texts[master], "    ")
        for table in parts:
            out += ["", f"    class {loader.classes[table].__name__}(dj.Part):"]
            out += text_block("definition = ", texts[table], "        ")
        if issubclass(cls, (_datajoint.Imported, _datajoint.Computed)):
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
    module = resolve(module_or_schema_name)
    return _definitions(module, list_keys(module.__loader__.root.connection(), module.__loader__.schema))[0]


def _definitions(module: SchemaModule, keys: Keys) -> tuple[dict[str, str], list[str]]:
    """The definitions, and the import lines they need for tables of other schemas."""
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
        part_context = {"master": cls.master, **context} if issubclass(cls, _datajoint.Part) else context
        texts[table] = _datajoint.definition(cls, part_context)
    return texts, imports


def _alias(schema: str, taken: dict) -> str:
    alias = schema if schema.isidentifier() and not keyword.iskeyword(schema) else "schema_" + "".join(
        c if c.isalnum() else "_" for c in schema
    )
    while alias in taken or alias in ("dj", "schema", "djimport"):
        alias += "_"
    return alias


def text_block(opening: str, text: str, indent: str) -> list[str]:
    """Lines of a triple-quoted string literal holding ``text``, after ``opening``, indented by ``indent``."""
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').strip()
    lines = [f"{indent}{line}".rstrip() for line in text.splitlines()]
    return [f'{indent}{opening}"""', *lines, f'{indent}"""']
