"""Code export: the Python source of a module that declares a schema's tables.

The definitions are DataJoint's own reconstruction (``Table.describe``) from
the server: primary key above ``---``, foreign keys as ``-> Class`` (or
``-> other_schema.Class`` for tables of other schemas, imported through
djimport), types, defaults and comments. Classes come in an order in which
they can be declared: every table after the tables it references.

A table whose heading DataJoint cannot read (declared by another DataJoint
line, or needing a setting this one lacks) is left out, with the tables that
need it (its parts, the tables referencing it), each named in the module's
header and in an :class:`UnreadableTable` warning. A MySQL schema whose character
set is not the server's default gets a comment with the ``CREATE DATABASE``
statement that makes such a schema: a definition cannot carry a character set.
"""

from __future__ import annotations

import types
import warnings
from pathlib import Path
from typing import Any, Callable

from . import _datajoint
from ._api import load, resolve
from ._build import declaration_order
from ._catalog import Keys, list_keys, schema_character_set
from ._loader import SchemaModule
from ._names import quoted as quoted_name
from ._text import attribute_name, definition_problem, python_name, string_body, visible

__all__ = ["UnreadableTable", "definitions", "export", "read_definitions", "text_block", "write"]


class UnreadableTable(UserWarning):
    """DataJoint cannot read a table's heading: :func:`export` leaves it out, a stub has no definition for it."""


def export(module_or_schema_name: types.ModuleType | str) -> str:
    """The source of a Python module that declares the tables of a schema.

    Importing the module declares (in schema ``<same name>``, on DataJoint's
    default server) every table that does not exist yet; change the name in
    its ``dj.Schema(...)`` line to declare the tables elsewhere. Tables whose
    headings DataJoint cannot read are left out, each with an :class:`UnreadableTable` warning.
    """
    module = resolve(module_or_schema_name)
    loader = module.__loader__
    connection = loader.root.connection()
    keys = list_keys(connection, loader.schema)
    texts, imports, unreadable = _definitions(module, keys)
    for table in texts:
        problem = _undeclarable(loader.classes[table], loader.backend)
        if problem is not None:
            unreadable[table] = problem
    for fk in keys.foreign:  # a foreign key to a table without a class: DataJoint would write its SQL name
        classes = loader.classes if fk.ref_schema == loader.schema else resolve(load(fk.ref_schema)).__loader__.classes
        if fk.table in texts and fk.ref_table not in classes:
            quoted = quoted_name(loader.backend, fk.ref_schema, fk.ref_table)
            unreadable[fk.table] = f"it references {quoted}, which has no class (see the warning at import)"
    order = declaration_order(loader.schema, loader.classes, keys)
    left_out = _left_out(loader.schema, order, keys, unreadable, loader.quoted)
    out = [
        f'"""DataJoint schema {string_body(loader.quoted(), lines=False)}, exported by djimport from '
        f'{_datajoint.server_version(connection)}.',
        "",
        "Importing this module declares those of its tables that do not exist yet.",
        '"""',
    ]
    character_set = schema_character_set(connection, loader.schema)
    if character_set is not None:
        charset, collation, server_charset = character_set
        out += [
            "",
            f"# The schema's character set is {visible(charset)} ({visible(collation)}), not the server's default "
            f"({visible(server_charset)}).",
            "# A DataJoint definition cannot carry a character set: create the schema with it before importing this",
            "# module (else long varchar columns may not fit and foreign keys to such schemas fail):",
            f"#     CREATE DATABASE {visible(loader.quoted())} CHARACTER SET {visible(charset)} COLLATE {visible(collation)};",
        ]
    if left_out:
        out += ["", "# Tables left out:"]
        out += [f"#     {visible(loader.quoted(table))}: {visible(reason)}" for table, reason in left_out.items()]
    out += [
        "",
        "import datajoint as dj",
        *imports[:1],
        "",
        *imports[1:],
        f"schema = dj.Schema({loader.schema!r})",
    ]
    for master, parts in order:
        if master in left_out:
            continue
        cls = loader.classes[master]
        name = attribute_name(cls.__name__)
        out += ["", "", *(["@schema"] if name == cls.__name__ else []),
                f"class {name}(dj.{_datajoint.tier_of(master)[0].__name__}):"]
        out += text_block("definition = ", texts[master], "    ")
        for table in parts:
            if table in left_out:
                continue
            part = loader.classes[table].__name__
            out += ["", f"    class {attribute_name(part)}(dj.Part):"]
            out += text_block("definition = ", texts[table], "        ")
            out += _keyword_named(loader.quoted(table), part, "    ")
        if issubclass(cls, (_datajoint.Imported, _datajoint.Computed)):
            out += [
                "",
                "    def make(self, key):",
                f"        raise NotImplementedError({name + '.make() was not exported: write it here'!r})",
            ]
        if name != cls.__name__:
            out += ["", *_keyword_named(loader.quoted(master), cls.__name__, "", "schema")]
    for table, reason in left_out.items():
        name = f"{loader.quoted(table)} ({loader.classes[table].__qualname__})"
        warnings.warn(visible(f"skipped {name}: {reason}"), UnreadableTable, stacklevel=2)
    return "\n".join(out) + "\n"


def _keyword_named(table: str, class_name: str, indent: str, decorator: str = "") -> list[str]:
    """For a class that DataJoint names after a Python keyword (``False``): the line that binds, to ``False_``,
    a class that DataJoint names ``False``, with a comment saying how the table is reached."""
    name = attribute_name(class_name)
    if name == class_name:
        return []
    made = f"type({class_name!r}, ({name},), {{}})"
    return [
        f"{indent}# {visible(table)} is class {name}: {class_name} is a Python keyword, and DataJoint names the table "
        "after the class's __name__",
        f"{indent}{name} = {f'{decorator}({made})' if decorator else made}",
    ]


def _undeclarable(cls: type[Any], backend: str) -> str | None:
    """Why a DataJoint definition cannot declare a table's comment, names, types, defaults and comments
    as they are (None when it can)."""
    if len(cls.table_name) > _datajoint.LONGEST_DECLARABLE_NAME:
        return (f"DataJoint {_datajoint.dj.__version__} cannot declare it: its name is longer than "
                f"{_datajoint.LONGEST_DECLARABLE_NAME} characters")
    heading = cls.heading
    attributes = [(a.name, a.type, _unquoted("" if a.default is None else str(a.default)), a.comment or "")
                  for a in heading.attributes.values()]
    problem = definition_problem(heading.table_status["comment"] or "", attributes, backend)
    return None if problem is None else f"DataJoint cannot declare it as it is: {problem}"


def _unquoted(default: str) -> str:
    """A default as the server holds it: DataJoint's heading puts a string default between double quotes."""
    return default[1:-1] if len(default) >= 2 and default[0] == default[-1] == '"' else default


def _left_out(
    schema: str, order: list[tuple[str, list[str]]], keys: Keys, unreadable: dict[str, str], quoted: Callable[[str], str]
) -> dict[str, str]:
    """The tables an export leaves out, with why: those whose heading cannot be read, the parts of masters
    left out and the tables referencing a table left out (they could not be declared), in declaration order."""
    left_out: dict[str, str] = {}
    references = {(fk.table, fk.ref_table) for fk in keys.foreign if fk.ref_schema == schema}
    for master, parts in order:
        for table in [master, *parts]:
            if table in unreadable:
                left_out[table] = unreadable[table]
            elif table != master and master in left_out:
                left_out[table] = f"its master {quoted(master)} is left out"
            else:
                missing = sorted(ref for child, ref in references if child == table and ref in left_out)
                if missing:
                    left_out[table] = f"it references {', '.join(map(quoted, missing))}, left out"
    return left_out


def write(module_or_schema_name: types.ModuleType | str, path: str | Path) -> Path:
    """Write :func:`export`'s source to ``path``."""
    path = Path(path)
    path.write_text(export(module_or_schema_name))
    return path


def definitions(module_or_schema_name: types.ModuleType | str) -> dict[str, str]:
    """Table name -> DataJoint definition, for every table of a schema module (parts included)
    whose heading DataJoint can read."""
    return read_definitions(module_or_schema_name)[0]


def read_definitions(
    module_or_schema_name: types.ModuleType | str, *, keys: Keys | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """:func:`definitions`, and table name -> why DataJoint cannot read it (its error, on one line)
    for the other tables; ``keys``: the schema's, when already read."""
    module = resolve(module_or_schema_name)
    loader = module.__loader__
    texts, _, unreadable = _definitions(module, list_keys(loader.root.connection(), loader.schema) if keys is None else keys)
    return texts, unreadable


def _definitions(module: SchemaModule, keys: Keys) -> tuple[dict[str, str], list[str], dict[str, str]]:
    """The definitions, the import lines they need for tables of other schemas, and why the other
    tables' headings cannot be read."""
    loader = module.__loader__
    context = dict(vars(module))
    imports = []
    for other in sorted({fk.ref_schema for fk in keys.foreign if fk.ref_schema != loader.schema}):
        alias = _alias(other, context)
        context[alias] = load(other)
        imports.append(f"{alias} = djimport.load({other!r})")
    if imports:
        imports.insert(0, "import djimport")
    texts, unreadable = {}, {}
    for table, cls in loader.classes.items():
        # For a part, `master` first so that DataJoint names its master `master`.
        part_context = {"master": cls.master, **context} if issubclass(cls, _datajoint.Part) else context
        try:
            texts[table] = _datajoint.definition(cls, part_context)
        except _datajoint.DataJointError as exc:  # a table of another DataJoint line, a setting missing, ...
            unreadable[table] = f"DataJoint {_datajoint.dj.__version__} cannot read its heading: {' '.join(str(exc).split())}"
    return texts, imports, unreadable


def _alias(schema: str, taken: dict) -> str:
    alias = schema if python_name(schema) else "schema_" + "".join(
        c if c.isascii() and c.isalnum() else "_" for c in schema
    )
    while alias in taken or alias in ("dj", "schema", "djimport"):
        alias += "_"
    return alias


def text_block(opening: str, text: str, indent: str) -> list[str]:
    """Lines of a triple-quoted string literal holding ``text``, after ``opening``, indented by ``indent``."""
    lines = [f"{indent}{line}".rstrip() for line in string_body(text.strip()).split("\n")]
    return [f'{indent}{opening}"""', *lines, f'{indent}"""']
