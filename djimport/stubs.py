"""IDE stubs: a ``djschemas/`` package of ``.pyi`` files declaring each schema's table classes.

Put the directory where the type checker looks for stubs (Pylance's
``python.analysis.stubPath``, ``typings`` by default; mypy's ``MYPYPATH``):
``uni.Student`` then completes and ``from djschemas.university import Student``
type-checks. Each stub is written from the schema's description (:mod:`._description`): each class derives
from a typed base of its tier declaring DataJoint's class-level API for the installed DataJoint line, with its
rows as a ``TypedDict`` (:mod:`._stub_types`); part classes are nested in their masters, ``__all__`` is the
module's, and each docstring holds the table's definition (or why DataJoint could not read it: the class is
there, with an :class:`~djimport.export.UnreadableTable` warning). The last lines record each table's columns
and keys as comments, which :func:`check_stubs` (``djimport stubs --check``) compares with the server.
"""

from __future__ import annotations

import json
import types
import warnings
from pathlib import Path

from . import _datajoint, _description, _stub_types
from ._api import resolve
from ._catalog import list_schemas
from ._datajoint import Connection
from ._headings import read_now as read_headings
from ._loader import SchemaModule
from ._root import register
from ._settings import DEFAULT_ROOT
from ._text import attribute_name, python_name, string_body, string_literal, visible
from .export import UnreadableTable, read_definitions, text_block

__all__ = ["check_stubs", "stub_source", "write_stubs"]

# The last lines of a stub record each table as the server had it, for `djimport stubs --check`.
_CATALOG_HEADING = "# The tables as the server had them, for `djimport stubs --check` (do not edit):"
_CATALOG_LINE = "# djimport table: "

_PACKAGE_STUB = '''"""DataJoint schemas as modules (djimport). Stubs written by `djimport stubs`."""
'''


def stub_source(module_or_schema_name: types.ModuleType | str) -> str:
    """The text of the ``.pyi`` stub of one schema module."""
    module = resolve(module_or_schema_name)
    loader = module.__loader__
    return _stub(module, _description.read(loader.root.connection(), [loader.schema])[loader.schema])


def _stub(module: SchemaModule, schema: _description.Schema) -> str:
    """The stub of ``module``, from its schema's description."""
    loader = module.__loader__
    texts, unreadable = read_definitions(module, keys=schema.keys)
    for table, reason in unreadable.items():
        name = f"{loader.quoted(table)} ({loader.classes[table].__qualname__})"
        warnings.warn(visible(f"{name} has no definition in its stub: {reason}"), UnreadableTable, stacklevel=3)
        texts[table] = f"No definition: {reason}."
    backend = _datajoint.backend(loader.root.connection())
    out = [
        f'"""DataJoint schema {string_body(loader.quoted(), lines=False)} on {_datajoint.server_version(loader.root.connection())}, '
        f'for DataJoint {"2.x" if _datajoint.IS_V2 else "0.14"}.',
        "",
        "Stub written by `djimport stubs`: run it again after the schema changes.",
        '"""',
        "",
        _stub_types.IMPORTS,
        f"__all__ = [{', '.join(map(string_literal, module.__all__))}]",
        _stub_types.preamble(_datajoint.IS_V2),
        "schema: _dj.Schema",
    ]
    classes = sorted(loader.classes.items(), key=lambda item: item[1].__qualname__)
    for table, cls in classes:
        out += ["", *_rows(cls, schema.tables.get(table), backend)]
    for table, cls in classes:
        tier, master = _datajoint.tier_of(table)
        if master is not None:
            continue
        out += ["", "", f"class {attribute_name(cls.__name__)}(_{tier.__name__}[{_row_type(cls)}, {_row_type(cls, 'New')}]):"]
        out += text_block("", texts[table], "    ")
        for part_table, part in classes:
            if _datajoint.tier_of(part_table)[1] == table:
                out += ["", f"    class {attribute_name(part.__name__)}(_Part[{_row_type(part)}, {_row_type(part, 'New')}]):"]
                out += text_block("", texts[part_table], "        ")
    out += ["", "", _CATALOG_HEADING]
    out += [_CATALOG_LINE + json.dumps(_record(table)) for table in schema.tables.values()]
    return "\n".join(out) + "\n"


def _row_type(cls: type, kind: str = "Row") -> str:
    """The name of the TypedDict of a table class's fetched rows (``_Row_Session_Trial``), or of the rows its
    ``insert1`` takes (``_New_...``)."""
    return f"_{kind}_{cls.__qualname__.replace('.', '_')}"


def _rows(cls: type, table: _description.Table | None, backend: str) -> list[str]:
    """The TypedDicts of a table class's fetched rows (every attribute) and of the rows its ``insert1`` takes (an
    attribute that has a default or may be NULL may be left out); plain dicts for a table declared since the
    catalog was read."""
    names = _row_type(cls), _row_type(cls, "New")
    if table is None:
        return [f"{name} = dict[str, _Any]" for name in names]
    fetched = [f"{string_literal(a.name)}: {_stub_types.python_type(a, backend)}" for a in table.attributes]
    new = [f"{string_literal(a.name)}: _NotRequired[{_stub_types.python_type(a, backend)}]"
           if a.nullable or a.default is not None else field for a, field in zip(table.attributes, fetched)]
    return [f"{name} = _TypedDict({string_literal(name)}, {{{', '.join(fields)}}})"
            for name, fields in zip(names, (fetched, new))]


def _record(table: _description.Table) -> dict:
    """What a stub records of a table for :func:`check_stubs`: its columns with their types, primary key and
    foreign keys."""
    return {
        "table": table.name,
        "columns": [[attribute.name, attribute.type] for attribute in table.attributes],
        "primary_key": list(table.primary_key),
        "foreign_keys": sorted(
            [list(fk.columns), fk.ref_schema, fk.ref_table, list(fk.ref_columns)] for fk in table.foreign_keys
        ),
    }


def check_stubs(
    directory: str | Path, schemas: list[str] | None = None, connection: Connection | None = None, *,
    unstubbed: bool = False,
) -> list[str]:
    """How the server differs from the stubs in ``<directory>/djschemas``, one line per difference
    (empty when they match): schemas and tables added or dropped, attributes added, removed or of
    another type, primary and foreign keys changed.

    Checks the schemas named, else every stub in the directory and, with ``unstubbed=True``, every
    schema on the server whose name ``import`` can spell, on ``connection`` (default: DataJoint's
    default connection). Costs three queries, however many schemas.

    Raises FileNotFoundError when the directory holds no stub of the schemas named (of any schema, when
    none is named): a mistyped directory must not pass.
    """
    package = Path(directory) / "djschemas"
    stubbed = {path.stem for path in package.glob("*.pyi") if path.stem != "__init__"}
    if not (stubbed & set(schemas) if schemas is not None else stubbed):
        where = f"{package} (no such directory)" if not package.is_dir() else str(package)
        of = f" of {', '.join(schemas)}" if schemas else ""
        names = " ".join(schemas or [])
        raise FileNotFoundError(f"no stubs{of} in {where}: write them with: djimport stubs {names + ' ' if names else ''}"
                                f"-o {directory}")
    connection = connection or register(DEFAULT_ROOT).connection()
    on_server = set(list_schemas(connection))
    if schemas is None:
        schemas = sorted(stubbed | ({schema for schema in on_server if importable(schema)} if unstubbed else set()))
    report = []
    for schema in schemas:
        stub = package / f"{schema}.pyi"
        if schema not in on_server:
            report.append(f"- schema `{schema}`: not on {_datajoint.describe(connection)} (stub {stub})")
        elif schema not in stubbed:
            report.append(f"+ schema `{schema}`: no stub {stub}")
    checked = [schema for schema in schemas if schema in stubbed and schema in on_server]
    current = {name: [_record(table) for table in schema.tables.values()]
               for name, schema in _description.read(connection, checked).items()}
    for schema in checked:
        recorded = _recorded(package / f"{schema}.pyi")
        if recorded is None:
            report.append(f"? schema `{schema}`: {package / f'{schema}.pyi'} has no readable record of its tables "
                          "(written before `--check` existed, or edited)")
        else:
            report += _differences(schema, recorded, current[schema])
    return report


def _recorded(path: Path) -> list[dict] | None:
    """The tables recorded at the end of a stub, or None when it has no readable record."""
    lines = path.read_text().splitlines()
    if _CATALOG_HEADING not in lines:
        return None
    try:
        return [json.loads(line[len(_CATALOG_LINE):]) for line in lines if line.startswith(_CATALOG_LINE)]
    except json.JSONDecodeError:
        return None


def _differences(schema: str, recorded: list[dict], current: list[dict]) -> list[str]:
    """Diff-like lines: ``+`` on the server only, ``-`` in the stubs only, ``~`` changed."""
    old, new = {t["table"]: t for t in recorded}, {t["table"]: t for t in current}
    lines = []
    for table in sorted(old.keys() | new.keys()):
        name = f"`{schema}`.`{table}` ({_datajoint.qualified_class_name(table)})"
        if table not in old:
            lines.append(f"+ table {name}")
        elif table not in new:
            lines.append(f"- table {name}")
        else:
            lines += [f"~ table {name}: {change}" for change in _table_changes(old[table], new[table])]
    return lines


def _table_changes(old: dict, new: dict) -> list[str]:
    old_types, new_types = dict(map(tuple, old["columns"])), dict(map(tuple, new["columns"]))
    changes = [f"+ attribute {a} : {t}" for a, t in new_types.items() if a not in old_types]
    changes += [f"- attribute {a} : {t}" for a, t in old_types.items() if a not in new_types]
    changes += [
        f"attribute {a} : {old_types[a]} -> {t}" for a, t in new_types.items() if a in old_types and old_types[a] != t
    ]
    if old["primary_key"] != new["primary_key"]:
        changes.append(f"primary key ({', '.join(old['primary_key'])}) -> ({', '.join(new['primary_key'])})")
    changes += [f"+ foreign key {_foreign_key(fk)}" for fk in new["foreign_keys"] if fk not in old["foreign_keys"]]
    changes += [f"- foreign key {_foreign_key(fk)}" for fk in old["foreign_keys"] if fk not in new["foreign_keys"]]
    return changes


def _foreign_key(fk: list) -> str:
    columns, ref_schema, ref_table, ref_columns = fk
    return f"({', '.join(columns)}) -> `{ref_schema}`.`{ref_table}` ({', '.join(ref_columns)})"


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
    if not schemas:
        return written
    # Every schema's listing, then every heading (for the definitions, DataJoint's describe()), each in one
    # statement for all the schemas: not two per schema.
    register(DEFAULT_ROOT).list_together(schemas)
    modules = [resolve(name) for name in schemas]
    connection = modules[0].__loader__.root.connection()
    read_headings(connection, schemas)
    described = _description.read(connection, schemas)
    for name, module in zip(schemas, modules):
        path = package / f"{name}.pyi"
        path.write_text(_stub(module, described[name]))
        written.append(path)
    return written


def importable(schema: str) -> bool:
    """Whether ``import djschemas.<schema>`` can be written."""
    return python_name(schema)
