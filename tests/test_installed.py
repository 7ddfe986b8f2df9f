"""The tests test what users install: the djimport that tox installed, not the checkout's source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import djimport

SOURCE = Path(__file__).resolve().parent.parent / "djimport"
INSTALLED = Path(sysconfig.get_paths()["purelib"]) / "djimport"

pytestmark = pytest.mark.skipif("TOX_ENV_DIR" not in os.environ, reason="tox installs djimport; this run may use an editable install")


def test_the_tests_import_the_installed_djimport():
    assert Path(djimport.__file__).resolve().parent == INSTALLED.resolve() != SOURCE


def test_a_child_python_imports_the_installed_djimport_too():
    """As the tests start theirs: ``python -c`` in the tests' working directory, with their environment."""
    child = subprocess.run([sys.executable, "-c", "import djimport; print(djimport.__file__)"],
                           capture_output=True, text=True, check=True)
    assert Path(child.stdout.strip()).resolve().parent == INSTALLED.resolve()
