"""The djimport command, run in-process through ``main`` and as ``python -m djimport``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import distribution

import datajoint as dj
import pytest

from djimport.cli import main
from tests.helpers import shown
from tests.sessions import sessions  # noqa: F401  (fixture)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def error_line(err: str) -> str:
    """The command's one-line error (DataJoint may log its own lines to stderr before it)."""
    lines = [line for line in err.splitlines() if line.startswith("djimport:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_list_counts_tables(university, capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert any(line.split() == [university, "10"] for line in out.splitlines())
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0 and {"schema": university, "tables": 10} in json.loads(out)


def test_show_is_a_tree_with_tiers_and_primary_keys(university, sessions, capsys):
    code, out, _ = run(capsys, "show", university)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"{shown(dj.conn(), university)} on ") and lines[0].endswith(": 10 tables")
    assert lines[1].split() == ["TABLE", "TIER", "PRIMARY", "KEY", "COMMENT"]
    assert any(line.split() == ["Section", "Manual", "dept,", "course,", "term_year,", "term,", "section"]
               for line in lines)
    assert any(line.split() == ["LetterGrade", "Lookup", "grade"] for line in lines)
    code, out, _ = run(capsys, "show", sessions)
    names = [line.split()[0] for line in out.splitlines()[2:]]
    assert names == ["Score", "Session", "Session.Trial"]
    assert [line for line in out.splitlines() if "Session.Trial" in line][0].startswith("  Session.Trial")
    assert "a recording session of one student" in out


def test_show_json_with_row_counts(university, sessions, capsys):
    code, out, _ = run(capsys, "show", sessions, "--json", "--count")
    assert code == 0
    shown = json.loads(out)
    assert shown["schema"] == sessions
    session = next(t for t in shown["tables"] if t["class"] == "Session")
    assert session["tier"] == "Manual" and session["primary_key"] == ["student_id", "session"]
    assert session["rows"] == 0
    assert [p["class"] for p in session["parts"]] == ["Session.Trial"]
    assert session["parts"][0]["primary_key"] == ["student_id", "session", "trial"]
    code, out, _ = run(capsys, "show", university, "--json", "--count")
    rows = {t["class"]: t["rows"] for t in json.loads(out)["tables"]}
    assert rows["LetterGrade"] == 11 and rows["Student"] == 60


def test_missing_schema_is_one_line_and_exit_1(connection, capsys):
    for command in (["show"], ["diagram", "-o", "x.dot"], ["export"], ["stubs", "-o", "stubs"]):
        code, out, err = run(capsys, *command, "djtest_no_such_schema")
        assert code == 1 and out == ""
        no_schema = shown(connection, "djtest_no_such_schema")
        assert error_line(err).startswith(f"djimport: error: No schema {no_schema} on DataJoint server")


def test_diagram_writes_dot_text(university, tmp_path, capsys):
    code, out, _ = run(capsys, "diagram", university, "-o", str(tmp_path / "uni.dot"))
    assert code == 0 and out == f"wrote {tmp_path / 'uni.dot'}\n"
    assert (tmp_path / "uni.dot").read_text().startswith(f"digraph {university} {{")


def test_diagram_without_dot_says_so_and_writes_dot(university, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    code, _, err = run(capsys, "diagram", university, "-o", str(tmp_path / "uni.png"))
    assert code == 1
    assert "`dot` program was not found, so wrote DOT text to" in error_line(err)
    assert (tmp_path / "uni.dot").exists() and not (tmp_path / "uni.png").exists()


def test_stubs_and_export_write_files(university, tmp_path, capsys):
    code, out, _ = run(capsys, "stubs", university, "-o", str(tmp_path))
    assert code == 0 and out.startswith(f"wrote 1 schema stub to {tmp_path / 'djschemas'}")
    assert (tmp_path / "djschemas" / f"{university}.pyi").exists()
    code, out, _ = run(capsys, "export", university)
    assert code == 0 and "class Student(dj.Manual):" in out
    code, _, _ = run(capsys, "export", university, "-o", str(tmp_path / "uni.py"))
    assert code == 0 and (tmp_path / "uni.py").read_text().startswith('"""DataJoint schema')


def test_stubs_of_every_schema(university, tmp_path, capsys):
    code, _, _ = run(capsys, "stubs", "-o", str(tmp_path))
    assert code == 0 and (tmp_path / "djschemas" / f"{university}.pyi").exists()


def test_stubs_refuse_a_name_import_cannot_spell(connection, tmp_path, capsys):
    code, _, err = run(capsys, "stubs", "my-schema", "-o", str(tmp_path))
    assert code == 1 and "`my-schema` is not a Python identifier" in error_line(err)


@pytest.mark.parametrize("argv", [[], ["nonsense"], ["show"], ["diagram", "x"], ["diagram", "x", "-o", "x.jpg"],
                                  ["stubs"], ["list", "--bogus"]])
def test_bad_usage_exits_2(argv, capsys):
    with pytest.raises(SystemExit) as exit:
        main(argv)
    assert exit.value.code == 2
    assert "usage: djimport" in capsys.readouterr().err


@pytest.mark.parametrize("command", [[], ["list"], ["show"], ["diagram"], ["stubs"], ["export"], ["demo"]])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit:
        main([*command, "--help"])
    assert exit.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: djimport {' '.join(command)}".rstrip())
    assert "``" not in out  # plain text, not reST


def test_version(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr().out == f"djimport {version('djimport')}\n"


def test_console_script_is_declared():
    # djimport's own entry points (entry_points(group=...) needs Python 3.10)
    scripts = {ep.name: ep.value for ep in distribution("djimport").entry_points if ep.group == "console_scripts"}
    assert scripts.get("djimport") == "djimport.cli:main"


def _python_m(args: list[str], cwd, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJ_")}
    return subprocess.run([sys.executable, "-m", "djimport", *args], cwd=cwd, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def test_python_m_takes_the_server_from_datajoint_config(university, server, tmp_path):
    # DataJoint 0.14 reads dj_local_conf.json (it has no environment variable for TLS); 2.x the DJ_* variables.
    (tmp_path / "dj_local_conf.json").write_text(json.dumps({
        "database.host": server.host, "database.port": server.port, "database.user": server.user,
        "database.password": server.password, "database.use_tls": False,
    }))
    env = dict(DJ_HOST=server.host, DJ_PORT=str(server.port), DJ_USER=server.user, DJ_PASS=server.password,
               DJ_USE_TLS="false", DJ_BACKEND=server.backend)
    result = _python_m(["show", university], tmp_path, **env)
    assert result.returncode == 0, result.stderr
    assert "StudentMajor" in result.stdout
    # Only the command's output goes to stdout (DataJoint 2.x logs there by default), so JSON parses.
    result = _python_m(["show", university, "--json"], tmp_path, **env)
    assert result.returncode == 0 and json.loads(result.stdout)["schema"] == university


@pytest.mark.parametrize("command", [["list"], ["show", "university"], ["diagram", "--all", "-o", "x.dot"],
                                     ["stubs", "--check", "-o", "typings"]])
def test_unreachable_server_is_one_line_and_exit_1(command, tmp_path):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = _python_m(command, tmp_path, DJ_HOST=f"127.0.0.1:{port}", DJ_USER="nobody", DJ_PASS="secret-pw")
    assert result.returncode == 1
    line = error_line(result.stderr)
    assert "is unavailable" in line and f"nobody@127.0.0.1:{port}" in line
    assert "secret-pw" not in result.stderr + result.stdout


def test_queries_list_1_show_1_count_1_more(university, connection, capsys):
    from tests.helpers import server_queries

    import djimport

    djimport.load(university)
    for argv, queries in ((["list"], 1), (["show", university], 1), (["show", university, "--count"], 2)):
        with server_queries(connection) as count:
            assert main(argv) == 0
        assert count.queries == queries, argv
    capsys.readouterr()
