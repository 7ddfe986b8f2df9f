"""The stubs as users check their code with them: pyright (basic and standard mode, from npm) and mypy report
nothing on valid code (tests/stub_corpus/valid*.py) and every typo of tests/stub_corpus/typos.py, with stubs
written from the live server for the university, a schema of parts and a Computed table, and a schema whose
table names are keywords, soft keywords, builtins and the names of `typing`.

Without Node's npm the pyright half skips, unless ``DJIMPORT_REQUIRE_BACKENDS`` is set (CI sets it): then it fails.
"""

from __future__ import annotations

import ast
import os
import shutil
from pathlib import Path

import datajoint as dj
import pytest

from djimport import load
from djimport.stubs import write_stubs
from tests import typecheckers
from tests.sessions import sessions  # noqa: F401  (fixture)

CORPUS = Path(__file__).parent / "stub_corpus"
DATAJOINT_2 = int(dj.__version__.split(".")[0]) >= 2
VALID = ["valid.py", *(["valid_2.py"] if DATAJOINT_2 else [])]
# Tables named so that DataJoint's class names are keywords (None_, True_, False_ in the module), soft keywords,
# builtins, and the names of `typing` that a stub would otherwise import.
ODD = ("None", "True", "False", "Any", "Iterator", "Exception", "Match", "Type", "TypedDict", "Literal", "Optional",
       "Schema")


@pytest.fixture
def odd(connection, schema_name):
    """A schema of odd table names (a part of `false` named `none` too); yields its name."""
    from conftest import drop_schema

    name = schema_name + "_odd"
    schema = dj.Schema(name, connection=connection)
    try:
        for table in ODD:
            body = {"definition": "id : int\n"}
            if table == "False":
                body["None_"] = type("None", (dj.Part,), {"definition": "-> master\nn : int\n"})
            schema(type(table, (dj.Manual,), body))
        yield name
    finally:
        drop_schema(name)


@pytest.fixture
def project(university, sessions, odd, tmp_path):  # noqa: F811
    """A directory with the corpus and stubs of the three schemas in typings/, under fixed module names."""
    write_stubs([university, sessions, odd], tmp_path / "typings")
    package = tmp_path / "typings" / "djschemas"
    for schema, fixed in ((university, "university"), (sessions, "sessions"), (odd, "odd")):
        (package / f"{schema}.pyi").rename(package / f"{fixed}.pyi")
    for file in CORPUS.glob("*.py"):
        shutil.copy(file, tmp_path / file.name)
    return tmp_path


def typos() -> list[int]:
    lines = (CORPUS / "typos.py").read_text().splitlines()
    return [number for number, line in enumerate(lines, 1) if line.endswith("# typo")]


def check(errors: dict[str, dict[int, list[str]]], checker: str) -> None:
    wrong = {file: found for file, found in errors.items() if file != "typos.py"}  # the stubs' own included
    assert not wrong, f"{checker} on valid code: {wrong}"
    missed = [(line, (CORPUS / "typos.py").read_text().splitlines()[line - 1]) for line in typos()
              if line not in errors.get("typos.py", {})]
    assert not missed, f"{checker} missed typos: {missed}"


def test_mypy_accepts_valid_code_and_reports_every_typo(project):
    check(typecheckers.run_mypy(project, [*VALID, "typos.py"]), "mypy")


@pytest.mark.parametrize("mode", ["basic", "standard"])
def test_pyright_accepts_valid_code_and_reports_every_typo(project, mode):
    try:
        typecheckers.pyright()
    except typecheckers.Unavailable as exc:
        if os.environ.get("DJIMPORT_REQUIRE_BACKENDS"):
            pytest.fail(f"{exc}; DJIMPORT_REQUIRE_BACKENDS is set (CI), so this is an error")
        pytest.skip(str(exc))
    check(typecheckers.run_pyright(project, mode, [*VALID, "typos.py"]), f"pyright {mode}")


def test_all_is_what_a_star_import_binds(university, odd, tmp_path):
    write_stubs([university, odd], tmp_path)
    for schema in (university, odd):
        tree = ast.parse((tmp_path / "djschemas" / f"{schema}.pyi").read_text())
        declared = next(ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
                        and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["__all__"])
        bound: dict = {}
        exec(f"from djschemas.{schema} import *", bound)  # noqa: S102  (the runtime module, not the stub)
        assert sorted(declared) == sorted(name for name in bound if name != "__builtins__")
        assert "schema" not in declared and declared
    assert {"None_", "True_", "False_", "Any", "TypedDict", "Schema"} <= set(dir(load(odd)))
