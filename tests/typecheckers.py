"""The type checkers the stubs are tested with: mypy (a test dependency) and pyright, from npm at a pinned
version, installed once per machine into a directory of the tests' own (never onto PATH)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterable

PYRIGHT_VERSION = "1.1.414"
PYRIGHT_HOME = Path.home() / ".cache" / "djimport-tests" / f"pyright-{PYRIGHT_VERSION}"


class Unavailable(RuntimeError):
    """pyright cannot be installed or run here; the message says why."""


def pyright() -> Path:
    """The pinned pyright's executable, installed from npm on first use."""
    executable = PYRIGHT_HOME / "node_modules" / ".bin" / "pyright"
    if executable.exists():
        return executable
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise Unavailable("Node's npm is not on PATH (Debian: apt-get install npm)")
    PYRIGHT_HOME.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [npm, "install", "--prefix", str(PYRIGHT_HOME), "--no-save", "--no-audit", "--no-fund",
         f"pyright@{PYRIGHT_VERSION}"],
        capture_output=True, text=True, timeout=300,
    )
    if done.returncode != 0 or not executable.exists():
        raise Unavailable(f"npm install pyright@{PYRIGHT_VERSION} failed: {done.stderr.strip()[-500:]}")
    return executable


def run_pyright(project: Path, mode: str, files: list[str]) -> dict[str, dict[int, list[str]]]:
    """pyright in ``mode`` (basic, standard) on ``files`` of ``project``, whose stubs are in ``project/typings``:
    file name -> line (1-based) -> its errors."""
    config = project / f"pyright-{mode}.json"
    config.write_text(json.dumps({"typeCheckingMode": mode, "stubPath": "typings", "include": files,
                                  "pythonVersion": f"{sys.version_info.major}.{sys.version_info.minor}"}))
    done = subprocess.run(
        [str(pyright()), "--outputjson", "--project", str(config), "--pythonpath", sys.executable],
        cwd=project, capture_output=True, text=True, timeout=300,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(f"pyright gave no report ({exc}): {done.stdout[-2000:]} {done.stderr[-2000:]}") from exc
    return _errors((Path(d["file"]).name, d["range"]["start"]["line"] + 1, d["message"])
                   for d in report["generalDiagnostics"] if d["severity"] == "error")


def run_mypy(project: Path, files: list[str]) -> dict[str, dict[int, list[str]]]:
    """mypy --strict on ``files``, stubs from ``project/typings``:
    file name -> line -> its errors."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(project / "cache"),
         "--no-error-summary", "--show-absolute-path", *files],
        cwd=project, env=dict(os.environ, MYPYPATH=str(project / "typings")), capture_output=True, text=True,
        timeout=300,
    )
    errors = []
    for line in done.stdout.splitlines():
        path, number, kind, *message = line.split(":", 3)
        if kind.strip() == "error":
            errors.append((Path(path).name, int(number), ":".join(message)))
    if done.returncode not in (0, 1) or (done.returncode == 1 and not errors):
        raise AssertionError(f"mypy failed: {done.stdout[-2000:]} {done.stderr[-2000:]}")
    return _errors(errors)


def _errors(found: Iterable[tuple[str, int, str]]) -> dict[str, dict[int, list[str]]]:
    errors: dict[str, dict[int, list[str]]] = {}
    for file, line, message in found:
        errors.setdefault(file, {}).setdefault(line, []).append(message.strip())
    return errors
