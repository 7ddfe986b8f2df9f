"""The ``djimport`` command: look at the schemas of DataJoint's default server.

The server and credentials come from DataJoint's own configuration
(``dj_local_conf.json`` / ``datajoint.json``, ``DJ_HOST``, ``DJ_USER``,
``DJ_PASS``, ...). Exit codes: 0 success, 1 failure (server unreachable,
schema missing, ...; one line on stderr), 2 bad usage.

Each subcommand is an ``add_<name>(commands)`` function in :data:`COMMANDS`
that adds its parser and sets ``func`` to the function that runs it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from . import __version__
from ._api import DIAGRAM_FORMATS, DotNotFound, diagram, load, pipeline_map, resolve, save_diagram
from ._root import register
from ._settings import DEFAULT_ROOT
from ._loader import SchemaModule
from ._text import python_name, visible
from .demo import register as demo_register

if TYPE_CHECKING:
    from ._datajoint import Connection


class CommandError(Exception):
    """A failure to report in one line (exit code 1)."""


def cmd_list(args: argparse.Namespace) -> int:
    from . import _datajoint  # DataJoint, once a command runs
    from ._catalog import list_all_tables

    listing = list_all_tables(_connection())
    counts = {
        schema: sum(1 for table in tables if _datajoint.tier_of(table)[0] is not None)
        for schema, tables in listing.items()
    }
    if args.json:
        print(json.dumps([{"schema": schema, "tables": n} for schema, n in counts.items()], indent=2))
    else:
        _print_columns([("SCHEMA", "TABLES")] + [(visible(schema), str(n)) for schema, n in counts.items()])
    return 0


def add_list(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "list", help="the schemas on the server, with table counts",
        description="List the schemas on the server with the number of DataJoint tables in each.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(func=cmd_list)


def cmd_show(args: argparse.Namespace) -> int:
    from . import _datajoint  # DataJoint, once a command runs
    from ._catalog import count_rows, list_keys

    module = _load(args.schema)
    loader = module.__loader__
    connection = loader.root.connection()
    keys = list_keys(connection, loader.schema)
    comments = {row.name: row.comment for row in loader.listing or ()}
    counts = count_rows(connection, loader.schema, sorted(loader.classes)) if args.count else {}

    def entry(table: str, cls: type[Any]) -> dict:
        item = {
            "class": cls.__qualname__,
            "table": table,
            "tier": _datajoint.tier_of(table)[0].__name__,
            "primary_key": list(keys.primary.get(table, ())),
            "comment": comments.get(table, ""),
        }
        if args.count:
            item["rows"] = counts[table]
        return item

    tables = []
    for table, cls in sorted(loader.classes.items(), key=lambda item: item[1].__qualname__):
        master = _datajoint.tier_of(table)[1]
        if master is None:
            tables.append({**entry(table, cls), "parts": []})
        else:  # the module only has parts whose master it has, sorted after it
            next(t for t in tables if t["table"] == master)["parts"].append(entry(table, cls))
    if args.json:
        print(json.dumps({"schema": loader.schema, "server": loader.server, "tables": tables}, indent=2))
        return 0
    print(f"{visible(loader.quoted())} on {loader.server}: {len(loader.classes)} tables")
    header = ("TABLE", "TIER") + (("ROWS",) if args.count else ()) + ("PRIMARY KEY", "COMMENT")
    rows = [header]
    for shown in tables:
        for item in [shown, *shown["parts"]]:
            name = item["class"] if item is shown else "  " + item["class"]
            count = (str(item["rows"]),) if args.count else ()
            rows.append((name, item["tier"], *count, visible(", ".join(item["primary_key"])), visible(item["comment"])))
    _print_columns(rows)
    return 0


def add_show(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "show", help="the tables of a schema",
        description="Show the tables of a schema as a tree (parts under their masters): class, tier, "
        "primary key and comment.",
    )
    parser.add_argument("schema", metavar="SCHEMA")
    parser.add_argument("--count", action="store_true", help="also count the rows of each table")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(func=cmd_show)


def cmd_diagram(args: argparse.Namespace) -> int:
    from ._selection import is_pattern  # DataJoint, once a command runs

    if sum((bool(args.schemas), args.all, args.around is not None)) != 1:
        args.parser.error("name one or more schemas, or --all, or --around SCHEMA.Table")
    if args.depth is not None and args.around is None:
        args.parser.error("--depth goes with --around")
    if args.all or args.around or any(map(is_pattern, args.schemas)):
        _connection()  # an unreachable server is reported in one line
    options = {"around": args.around, "depth": 1 if args.depth is None else args.depth}
    try:
        if args.output.suffix.lower() == ".html":
            path = pipeline_map(*args.schemas, **options).save(args.output)
        else:
            path = save_diagram(diagram(*args.schemas, **options), args.output)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    print(f"wrote {path}")
    return 0


def add_diagram(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "diagram", help="draw the diagram of schemas, of the whole pipeline, or of a table's neighbourhood",
        description="Draw the diagram of a schema: tables styled by tier, foreign keys as edges (solid "
        "when in the primary key, dashed otherwise), referenced tables of other schemas in clusters. "
        "Several schemas, or --all, are drawn each in a cluster of its own; the foreign keys between "
        "schemas have arrowheads. DataJoint's hidden tables (~external_<store>, ~jobs, ...) are not drawn. "
        "svg, png and pdf need Graphviz's `dot` program; without it the DOT text is written instead.",
    )
    parser.add_argument("schemas", nargs="*", metavar="SCHEMA",
                        help="a schema name or a quoted shell-style pattern ('lab_*') matched against the "
                        "schemas you can see")
    parser.add_argument("--all", action="store_true", help="draw every schema on the server")
    parser.add_argument("--around", metavar="SCHEMA.Table",
                        help="draw the tables up to --depth foreign keys above and below this table, in any "
                        "schema (Table: the class name, Master.Part for a part, or the SQL name); a master "
                        "drawn brings its parts")
    parser.add_argument("--depth", type=_depth, metavar="N", help="how far --around reaches (default: 1)")
    parser.add_argument("-o", "--output", required=True, type=_diagram_path, metavar="FILE",
                        help="the file to write: FILE.svg, FILE.png, FILE.pdf, FILE.dot, or FILE.html for the "
                        "pipeline map (one page to search, pan and zoom; a click on a table shows its details)")
    parser.set_defaults(func=cmd_diagram, parser=parser)


def cmd_stubs(args: argparse.Namespace) -> int:
    from . import _datajoint  # DataJoint, once a command runs
    from ._catalog import list_schemas
    from .stubs import check_stubs, importable, write_stubs  # DataJoint, once a command runs

    if args.all and (args.schemas or not args.check):
        args.parser.error("--all goes with --check and no SCHEMA (without --check, no SCHEMA writes every schema)")
    if args.check:
        report = check_stubs(args.output, args.schemas or None, _connection(), unstubbed=args.all)
        if not report:
            print(f"the stubs in {args.output / 'djschemas'} match {_datajoint.describe_default()}")
            return 0
        print(f"the stubs in {args.output / 'djschemas'} differ from {_datajoint.describe_default()}:")
        print("\n".join(map(visible, report)))
        # Without --all: the schemas that have stubs there and are still on the server.
        stubbed = sorted(path.stem for path in (args.output / "djschemas").glob("*.pyi") if path.stem != "__init__")
        kept = [schema for schema in stubbed if not any(line.startswith(f"- schema `{schema}`:") for line in report)]
        names = " ".join(args.schemas or ([] if args.all else kept))
        print(f"update them with: djimport stubs {names + ' ' if names else ''}-o {args.output}")
        return 1
    schemas = args.schemas
    if not schemas:
        found = list_schemas(_connection())
        schemas = [schema for schema in found if importable(schema)]
        skipped = [schema for schema in found if not importable(schema)]
        if skipped:
            print(f"skipped schemas whose names are not Python identifiers: {visible(', '.join(skipped))}", file=sys.stderr)
    for schema in schemas:
        if not importable(schema):
            raise CommandError(f"schema `{schema}` is not a Python identifier, so no `import` statement can name it")
        _load(schema)
    with _unreadable_tables() as skipped:
        written = write_stubs(schemas, args.output)
    count = len(written) - 1
    print(f"wrote {count} schema stub{'s' * (count != 1)} to {args.output / 'djschemas'} "
          f"(server {_datajoint.describe_default()})")
    return 1 if skipped else 0


def add_stubs(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "stubs", help="write .pyi stubs for IDEs and type checkers",
        description="Write a djschemas/ package of .pyi stubs declaring each schema's table classes, so "
        "that IDEs complete `uni.Student` and type checkers accept `from djschemas.uni import Student`. "
        "Point your tools at DIR (Pylance: python.analysis.stubPath; mypy: MYPYPATH).",
        epilog=_UNREADABLE_HELP.format(what="writes its class without a definition"),
    )
    parser.add_argument("schemas", nargs="*", metavar="SCHEMA", help="schemas to write (default: all)")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="DIR",
                        help="directory to write djschemas/ into (e.g. typings)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing: exit 1, listing the differences, when the stubs in DIR do not "
                        "match the server (tables added or dropped, attributes, keys), else 0. Checks the "
                        "SCHEMAs named, else every schema that has a stub in DIR")
    parser.add_argument("--all", action="store_true",
                        help="with --check and no SCHEMA: also report the schemas on the server that have no stub "
                        "in DIR")
    parser.set_defaults(func=cmd_stubs, parser=parser)


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export  # DataJoint, once a command runs

    with _unreadable_tables() as skipped:
        source = export(_load(args.schema))
    if args.output is None:
        sys.stdout.write(source)
    else:
        args.output.write_text(source)
        print(f"wrote {args.output}")
    return 1 if skipped else 0


def add_export(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "export", help="write a Python module declaring a schema's tables",
        description="Write the source of a Python module that declares the tables of a schema with "
        "DataJoint definitions, to put a schema under source control. A MySQL schema whose character set "
        "is not the server's default gets a comment with the CREATE DATABASE statement that keeps it.",
        epilog=_UNREADABLE_HELP.format(what="leaves it out, with the tables that need it"),
    )
    parser.add_argument("schema", metavar="SCHEMA")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE.py", help="file to write (default: stdout)")
    parser.set_defaults(func=cmd_export)


def cmd_example(args: argparse.Namespace) -> int:
    from . import _datajoint, example  # DataJoint, once a command runs
    from ._names import quoted

    connection = _connection()
    try:
        tables = example.create(args.schema, connection)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    rows = sum(len(table()) for table in tables.values())
    name = quoted(_datajoint.backend(connection), args.schema)
    how = f"import djschemas.{args.schema} as uni" if python_name(args.schema) else f"uni = djimport.load({args.schema!r})"
    print(f"made the university example in {name} on {_datajoint.describe(connection)}: {len(tables)} tables, "
          f"{rows} rows; in Python: {how}")
    return 0


def add_example(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "example", help="make the university example in a new schema",
        description="Make the university example of DataJoint's documentation (10 tables, a few hundred rows) "
        "in a new schema on the server, e.g. to follow the tour of djimport's README. Refuses a schema that "
        "exists already.",
    )
    parser.add_argument("schema", metavar="SCHEMA", help="the new schema's name, e.g. university")
    parser.set_defaults(func=cmd_example)


_UNREADABLE_HELP = (
    "A table whose heading DataJoint cannot read (declared by another DataJoint line, or needing a setting "
    "such as DJ_SUPPORT_FILEPATH_MANAGEMENT): the command {what} and writes everything else; it prints one "
    "line per such table on stderr (schema, table, DataJoint's reason) and exits with status 1."
)


@contextlib.contextmanager
def _unreadable_tables() -> Iterator[list[str]]:
    """Print each table skipped inside the block (an UnreadableTable warning) as one line on stderr;
    yields the list of those lines."""
    from .export import UnreadableTable  # DataJoint, once a command runs

    skipped: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnreadableTable)
        yield skipped
    for warning in caught:
        if issubclass(warning.category, UnreadableTable):
            skipped.append(str(warning.message))
            print(f"djimport: {visible(str(warning.message))}", file=sys.stderr)
        else:
            warnings.showwarning(warning.message, warning.category, warning.filename, warning.lineno)


COMMANDS: tuple[Callable[[argparse._SubParsersAction], object], ...] = (
    demo_register, add_list, add_show, add_diagram, add_stubs, add_export, add_example,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="djimport",
        description="Look at the DataJoint schemas of the server named by DataJoint's configuration "
        "(dj_local_conf.json, DJ_HOST, DJ_USER, DJ_PASS, ...).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument("-v", "--verbose", action="store_true",
                          help="also show DataJoint's log (\"connected to ...\") and its notices about its set-up "
                          "(MariaDB support, configuration files)")
    loudness.add_argument("-q", "--quiet", action="store_true",
                          help="show only the output and errors: no notice about a schema (e.g. its missing ~lineage "
                          "table) or the connection")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for add in COMMANDS:
        add(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``djimport`` command with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings():
        if not args.verbose:
            # DataJoint's notices about its own set-up (no datajoint.json, MariaDB support, ...)
            # would bury the command's output and its one-line errors.
            warnings.filterwarnings("ignore", category=UserWarning, module=r"datajoint(\.|$)")
            warnings.filterwarnings("ignore", message="MariaDB is not officially supported", category=UserWarning)
        from ._datajoint import DataJointError, LineageMissing, logs_to_stderr  # DataJoint, once a command runs

        warnings.filterwarnings("ignore" if args.quiet else "always", category=LineageMissing)
        shown = warnings.showwarning

        def show(message: Warning | str, category: type[Warning], *where: Any, **more: Any) -> None:
            if issubclass(category, LineageMissing):  # one line per schema, as the command's other notices
                print(f"djimport: {message}", file=sys.stderr)
            else:
                shown(message, category, *where, **more)

        warnings.showwarning = show
        level = logging.NOTSET if args.verbose else logging.ERROR if args.quiet else logging.WARNING
        try:
            with logs_to_stderr(level):  # stdout is the command's output, e.g. JSON for another program
                return args.func(args)
        except (CommandError, ImportError, LookupError, DotNotFound, DataJointError, OSError) as exc:
            # DataJoint's messages may span lines (its filepath setting's does): the error is one line.
            print(f"djimport: error: {visible(' '.join(str(exc).split()))}", file=sys.stderr)
            return 1


def _connection() -> Connection:
    from . import _datajoint  # DataJoint, once a command runs

    root = register(DEFAULT_ROOT)
    try:
        return root.connection()  # within DJIMPORT_TIMEOUT, as an import
    except _datajoint.server_errors() as exc:  # the user needs the one line, not the driver's traceback
        raise CommandError(root.failure(exc)) from exc


def _load(schema: str) -> SchemaModule:
    try:
        return resolve(load(schema))
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def _depth(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 0")
    return int(text)


def _diagram_path(text: str) -> Path:
    path = Path(text)
    if path.suffix.lstrip(".").lower() not in (*DIAGRAM_FORMATS, "html"):
        raise argparse.ArgumentTypeError(
            f"{text!r} does not end in {', '.join('.' + f for f in DIAGRAM_FORMATS)} or .html (the pipeline map)")
    return path


def _print_columns(rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
