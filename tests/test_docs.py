"""The documentation runs as written: every ```python block of README.md and docs/*.md, against the test servers.

Each Markdown file runs three ways (see WAYS): executed, and pasted into a plain ``python`` REPL and into IPython.
Each time in a fresh Python process, its blocks in order in one namespace, in a temporary
directory that holds the test server's DataJoint settings as a user would write them (dj_local_conf.json
on DataJoint 0.14, datajoint.json on 2.x), after the university example was made in the schema
`university` (djimport.example.create). Every schema that exists after the file ran and not before is
dropped. A block whose first line is a comment naming a Python file (``# count.py``) is written to that
file in the directory and run there as a script; later blocks may import it.

Markers: an HTML comment on the last non-blank line above a block's opening fence.

    <!-- doctest: skip (reason) -->   never run, on purpose: each such block is reported as a skipped test
                                      (``-rs`` lists them with their file, line and reason)
    <!-- doctest: dj014 -->           run on DataJoint 0.14 only; ``dj2``: on DataJoint 2.x only
    <!-- doctest: mysql -->           run on MySQL/MariaDB only; ``postgresql``: on PostgreSQL only
    <!-- doctest: dot -->             run only where Graphviz's ``dot`` program is installed

Words combine (``<!-- doctest: dj2 postgresql -->``); an unknown word, or a skip without a reason, fails.
``sh``, ``json``, ``yaml`` and plain blocks are never run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from djimport._datajoint import IS_V2

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLE_SCHEMA = "university"
CONDITIONS = {"dj014", "dj2", "mysql", "postgresql", "dot"}
_MARKER = re.compile(r"<!--\s*doctest:\s*(.*?)\s*-->")
_SCRIPT = re.compile(r"#\s*([\w.-]+\.py)\s*")

# The child process: runs the blocks listed in the JSON file argv[1], as described above. A traceback names
# the Markdown file and the line of the failing statement. A warning an example prints (Python's, with the default
# filters, or DataJoint's log at WARNING), in a block or a script, fails it: the docs use the API that does not warn.
# The one exception is DataJoint 2.x's notice about MariaDB, which concerns the test server, not the example.
RUNNER = """
import json, logging, subprocess, sys, warnings
import datajoint  # its logger's handlers are set on import: ours is added after
printed = []
NOT_THE_EXAMPLES = "MariaDB is not officially supported"
def show(message, category, filename, lineno, file=None, line=None):
    if not str(message).startswith(NOT_THE_EXAMPLES):
        printed.append(f"{filename}:{lineno}: {category.__name__}: {message}")
warnings.showwarning = show
class Printed(logging.Handler):
    def emit(self, record):
        printed.append(f"DataJoint's log: {record.getMessage()}")
logging.getLogger("datajoint").addHandler(Printed(logging.WARNING))
namespace = {"__name__": "__main__"}
for block in json.load(open(sys.argv[1])):
    if block["script"]:
        with open(block["script"], "w") as script:
            script.write(block["source"])
        run = subprocess.run([sys.executable, block["script"]], stderr=subprocess.PIPE, text=True)
        sys.stderr.write(run.stderr)
        if run.returncode:
            sys.exit(f"{block['path']}:{block['line']}: {block['script']} failed (its output is above)")
        printed += [f"{block['script']}: {line}" for line in run.stderr.splitlines()
                    if ("Warning: " in line or "[WARNING]" in line) and NOT_THE_EXAMPLES not in line]
    else:
        exec(compile("\\n" * block["line"] + block["source"], block["path"], "exec"), namespace)
    if printed:
        sys.exit(f"{block['path']}:{block['line']}: the example printed warnings:\\n" + "\\n".join(printed))
"""


@dataclass
class Block:
    path: Path
    line: int
    """The line of the opening fence (1-based): the source starts on the next one."""
    source: str
    conditions: frozenset[str]
    skip: str | None
    """Why the block is never run, or None."""

    @property
    def where(self) -> str:
        return f"{shown(self.path)}:{self.line}"

    def runs_on(self, backend: str) -> bool:
        here = {"dj2" if IS_V2 else "dj014", backend} | ({"dot"} if shutil.which("dot") else set())
        return self.skip is None and self.conditions <= here


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def blocks(path: Path) -> list[Block]:
    """The ```python blocks of a Markdown file, with their markers."""
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    start = None
    for number, line in enumerate(lines, 1):
        if start is None and line.strip() == "```python":
            start = number
        elif start is not None and line.strip() == "```":
            above = next((text for text in reversed(lines[: start - 1]) if text.strip()), "")
            conditions, skip = _parse_marker(_MARKER.fullmatch(above.strip()), f"{shown(path)}:{start}")
            found.append(Block(path, start, "\n".join(lines[start:number - 1]) + "\n", conditions, skip))
            start = None
    return found


def _parse_marker(match: re.Match[str] | None, where: str) -> tuple[frozenset[str], str | None]:
    if match is None:
        return frozenset(), None
    text = match.group(1)
    if text.startswith("skip"):
        reason = re.fullmatch(r"skip\s*\((.+)\)", text)
        if reason is None:
            raise ValueError(f"{where}: a skipped block needs its reason: <!-- doctest: skip (reason) -->")
        return frozenset(), reason.group(1)
    words = frozenset(text.split())
    if not words or words - CONDITIONS:
        raise ValueError(f"{where}: unknown doctest marker {text!r}; known: skip (reason), {', '.join(sorted(CONDITIONS))}")
    return words, None


def test_markers_are_read(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("```python\na = 1\n```\n<!-- doctest: dj2 postgresql -->\n\n```python\nb = 2\n```\n"
                    "<!-- doctest: skip (a placeholder host) -->\n```python\nc = 3\n```\n```sh\nls\n```\n")
    found = [(block.line, block.source, block.conditions, block.skip) for block in blocks(page)]
    assert found == [(1, "a = 1\n", frozenset(), None), (6, "b = 2\n", {"dj2", "postgresql"}, None),
                     (10, "c = 3\n", frozenset(), "a placeholder host")]
    for marker, error in [("skip", "needs its reason"), ("dj3", "unknown doctest marker 'dj3'")]:
        page.write_text(f"<!-- doctest: {marker} -->\n```python\npass\n```\n")
        with pytest.raises(ValueError, match=error):
            blocks(page)


SKIPPED = [block for path in DOCUMENTS for block in blocks(path) if block.skip is not None]


@pytest.mark.parametrize("block", SKIPPED, ids=[block.where for block in SKIPPED])
def test_block_skipped_on_purpose(block):
    """Each block marked ``skip`` is one skipped test, so the run's summary counts them."""
    pytest.skip(f"{block.where}: {block.skip}")


@pytest.fixture
def example(server, connection):
    """The university example in schema `university`; drops every schema made while the test ran."""
    from djimport import example
    from djimport._catalog import list_schemas

    if not server.private:
        pytest.skip("the documentation uses the fixed schema name `university`: only on the suite's private servers")
    before = set(list_schemas(connection))
    example.create(EXAMPLE_SCHEMA, connection)
    yield
    from conftest import drop_schema

    if server.backend == "mysql":  # a schema may be referenced by another made after it
        connection.query("SET FOREIGN_KEY_CHECKS = 0")
    for name in set(list_schemas(connection)) - before:
        drop_schema(name)
    if server.backend == "mysql":
        connection.query("SET FOREIGN_KEY_CHECKS = 1")


def settings(server) -> tuple[str, dict]:
    """The DataJoint configuration file for ``server``, as the docs tell users to write it."""
    if IS_V2:
        database = {"host": server.host, "port": server.port, "user": server.user, "password": server.password,
                    "backend": server.backend}
        return "datajoint.json", {"database": database}
    return "dj_local_conf.json", {"database.host": server.host, "database.port": server.port,
                                  "database.user": server.user, "database.password": server.password,
                                  "database.use_tls": False}


RUNNABLE = [path for path in DOCUMENTS if any(block.skip is None for block in blocks(path))]

# How a block is run: "exec" by RUNNER (tracebacks name the Markdown line), or pasted, block after block, each
# followed by the Enter a paste needs to end a trailing indented body, into a plain `python` REPL and IPython.
WAYS = ("exec", "python", "ipython")
_REPLS = {
    "python": ["-q", "-i"],
    "ipython": ["-m", "IPython", "--simple-prompt", "--no-banner", "--colors=NoColor", "--no-confirm-exit",
                "--HistoryManager.enabled=False"],
}
# What the REPLs print when a statement fails (a SyntaxError has no traceback in the plain REPL), or a warning.
_FAILED = re.compile(r"Traceback \(most recent call last\)|^\s*(SyntaxError|IndentationError|TabError)\b", re.M)
_WARNED = re.compile(r"^.*(?:Warning: |\[WARNING\]).*$", re.M)
_NOT_THE_EXAMPLES = "MariaDB is not officially supported"  # DataJoint's notice about the test server (see RUNNER)


def pasted(runnable: list[Block], scripts: dict[str, str]) -> str:
    """What a person pastes into a REPL: each block as written, then an empty line; a script block is saved as
    its file (into ``scripts``) and run, as a person runs it from the shell."""
    typed = []
    for block in runnable:
        script = _SCRIPT.fullmatch(block.source.splitlines()[0])
        if script:
            scripts[script[1]] = block.source
            typed.append(f"__import__('subprocess').run([__import__('sys').executable, {script[1]!r}], check=True)\n")
        else:
            typed.append(block.source)
        typed.append("\n")
    return "".join(typed)


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("path", RUNNABLE, ids=[str(path.relative_to(ROOT)) for path in RUNNABLE])
def test_document_runs_as_written(path, way, server, example, tmp_path):
    runnable = [block for block in blocks(path) if block.runs_on(server.backend)]
    if not runnable:
        pytest.skip(f"no python block of {path.relative_to(ROOT)} runs on this DataJoint line and backend")
    if way == "ipython":
        pytest.importorskip("IPython", reason="the paste into IPython")
    name, config = settings(server)
    (tmp_path / name).write_text(json.dumps(config))
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJ_")}
    env["IPYTHONDIR"] = str(tmp_path / ".ipython")
    if way != "exec":
        scripts: dict[str, str] = {}
        typed = pasted(runnable, scripts)
        for script, source in scripts.items():
            (tmp_path / script).write_text(source)
        result = subprocess.run([sys.executable, *_REPLS[way]], cwd=tmp_path, env=env, input=typed,
                                capture_output=True, text=True, timeout=600)
        said = result.stdout + result.stderr
        warned = [line for line in _WARNED.findall(said) if _NOT_THE_EXAMPLES not in line]
        assert not _FAILED.search(said) and not warned, (
            f"{path.relative_to(ROOT)} pasted into {way}:\n{typed}\n--- printed:\n{said[-6000:]}"
        )
        return
    listing = tmp_path / "blocks.json"
    listing.write_text(json.dumps([
        {"path": str(block.path), "line": block.line, "source": block.source,
         "script": (_SCRIPT.fullmatch(block.source.splitlines()[0]) or [None, None])[1]}
        for block in runnable
    ]))
    result = subprocess.run([sys.executable, "-c", RUNNER, str(listing)], cwd=tmp_path, env=env,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (
        f"a python block of {path.relative_to(ROOT)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
    )
