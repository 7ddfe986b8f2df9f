"""IDE stubs: .pyi files that type checkers (mypy here) accept user code against."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import textwrap

import datajoint as dj
import pytest

from djimport.stubs import stub_source, write_stubs
from tests.helpers import shown
from tests.sessions import sessions  # noqa: F401  (fixture)


def test_classes_derive_from_their_tier_with_the_definition_as_docstring(university):
    source = stub_source(university)
    assert "\nclass Student(_Manual[_Row_Student, _New_Student]):\n" in source
    assert "\nclass LetterGrade(_Lookup[_Row_LetterGrade, _New_LetterGrade]):\n" in source
    # int32 is DataJoint 2.x's core type; 0.14 declared the example with int.
    assert re.search(r"\n    student_id +: int(32)? +# university-wide ID number\n", source)
    compile(source, "university.pyi", "exec")


def test_parts_are_nested_in_their_masters(university, sessions):
    source = stub_source(sessions)
    assert "\nclass Score(_Computed[_Row_Score, _New_Score]):\n" in source
    assert "\n    class Trial(_Part[_Row_Session_Trial, _New_Session_Trial]):\n" in source
    assert "        -> master" in source


def test_write_stubs_writes_a_djschemas_package(university, sessions, tmp_path):
    written = write_stubs([university, sessions], tmp_path)
    package = tmp_path / "djschemas"
    assert written == [package / "__init__.pyi", package / f"{university}.pyi", package / f"{sessions}.pyi"]
    assert (package / f"{university}.pyi").read_text() == stub_source(university)


def test_write_stubs_refuses_names_no_import_statement_can_spell(tmp_path):
    with pytest.raises(ValueError, match="`my-schema` is not a Python identifier"):
        write_stubs(["my-schema"], tmp_path)
    assert not (tmp_path / "djschemas").exists()


def _mypy(tmp_path, script: str) -> subprocess.CompletedProcess:
    path = tmp_path / "user_script.py"
    path.write_text(textwrap.dedent(script))
    env = dict(os.environ, MYPYPATH=str(tmp_path / "stubs"))
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), str(path)],
        env=env, capture_output=True, text=True, timeout=300,
    )


def test_mypy_accepts_user_code_and_catches_a_misspelled_table(university, sessions, tmp_path):
    pytest.importorskip("mypy")
    write_stubs([university, sessions], tmp_path / "stubs")
    good = _mypy(tmp_path, f"""
        import djschemas.{university} as uni
        from djschemas.{university} import Student, StudentMajor
        from djschemas.{sessions} import Session

        no_major = uni.Student - uni.StudentMajor
        first_years = Student & "student_id < 10"
        trials = Session.Trial * Session
        table: StudentMajor = StudentMajor()
        print(no_major, first_years, trials, table, uni.schema, Student.__doc__)
        """)
    assert good.returncode == 0, good.stdout + good.stderr
    bad = _mypy(tmp_path, f"""
        import djschemas.{university} as uni

        print(uni.Studnet)
        """)
    assert bad.returncode == 1
    assert 'Module has no attribute "Studnet"; maybe "Student"?' in bad.stdout


def test_the_header_names_the_schema_and_the_server_kind_not_the_user_or_host(university, connection):
    source = stub_source(university)
    line = "2.x" if int(dj.__version__.split(".")[0]) >= 2 else "0.14"
    assert re.fullmatch(rf"DataJoint schema {re.escape(shown(connection, university))} on "
                        rf"(MariaDB|MySQL|PostgreSQL) \d+\.\d+(\.\d+)?, for DataJoint {re.escape(line)}\.",
                        ast.get_docstring(ast.parse(source)).splitlines()[0])
    info = connection.conn_info
    assert f"{info['user']}@" not in source and str(info["host"]) not in source and str(info["port"]) not in source
