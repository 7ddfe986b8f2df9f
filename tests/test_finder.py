"""The finder answers djschemas.<schema> from the name alone, and nothing else."""

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from djimport._finder import finder, install, schema_of

ROOTS = {"djschemas": object()}


@pytest.mark.parametrize(
    "name, expected",
    [
        ("djschemas.university", ("djschemas", "university")),
        ("djschemas.my-schema", ("djschemas", "my-schema")),
        ("djschemas", None),
        ("djschemas.", None),
        ("djschemas.uni.Student", None),
        ("djschemasx.uni", None),
        ("json", None),
        ("os.path", None),
    ],
)
def test_schema_of(name, expected):
    assert schema_of(name, ROOTS) == expected


@given(st.text())
def test_schema_of_answers_only_names_under_a_root(name):
    hit = schema_of(name, ROOTS)
    if hit is None:
        assert not name.startswith("djschemas.") or "." in name[len("djschemas."):] or name == "djschemas."
    else:
        assert name == ".".join(hit) and hit[0] == "djschemas"


def test_find_spec_declines_other_names_without_io_or_datajoint():
    code = (
        "import sys, djschemas\n"
        "from djimport._finder import finder\n"
        "assert finder in sys.meta_path\n"
        "assert finder.find_spec('json') is None and finder.find_spec('djschemas.a.b') is None\n"
        "assert finder.find_spec('djschemas.anything') is not None\n"  # a spec, decided from the name only
        "print('datajoint' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_nothing_runs_at_interpreter_start_up():
    code = "import sys; print(sorted(m for m in sys.modules if m.split('.')[0] in ('djimport', 'djschemas', 'datajoint')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_fresh_interpreter_imports_a_schema_without_importing_djimport_first(university, server):
    code = (
        "import datajoint as dj\n"
        f"dj.config['database.host'] = '{server.host}'\n"
        f"dj.config['database.port'] = {server.port}\n"
        f"dj.config['database.user'] = '{server.user}'\n"
        f"dj.config['database.password'] = '{server.password}'\n"
        "dj.config['database.use_tls'] = False\n"
        f"import djschemas.{university} as uni\n"
        "print(len(uni.Student()), type(uni.Student).__name__ and uni.Student.__bases__[0].__name__)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["60", "Manual"]  # DataJoint may log above it


def test_install_returns_a_handle_whose_uninstall_is_idempotent():
    sys.meta_path.remove(finder) if finder in sys.meta_path else None
    with install() as handle:
        assert sys.meta_path[0] is finder
        assert install() is not None and sys.meta_path.count(finder) == 1
    assert finder not in sys.meta_path
    handle.uninstall()
    assert finder not in sys.meta_path
