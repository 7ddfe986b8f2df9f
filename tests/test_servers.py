"""The test servers themselves: a private server dying mid-run stops the run with one clear error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import servers

REPO = Path(__file__).resolve().parent.parent

DYING_RUN = '''
import time

from tests import servers


def test_server_dies(server):
    servers.kill(server)
    deadline = time.monotonic() + 30
    while not server.died() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_after_the_death_one(connection):
    pass


def test_after_the_death_two(connection):
    pass
'''


@pytest.mark.parametrize("backend", servers.BACKENDS)
def test_a_private_server_dying_mid_run_stops_the_run_with_one_error_naming_it(backend, tmp_path):
    (tmp_path / "test_dying.py").write_text(DYING_RUN)
    env = {name: value for name, value in os.environ.items() if name not in ("DJIMPORT_TEST_MYSQL", "DJIMPORT_TEST_POSTGRESQL")}
    env["DJIMPORT_TEST_BACKENDS"] = backend
    # The suite's conftest and tests after site-packages on sys.path, as pytest's --import-mode=append has them.
    pytest_main = f"import sys; sys.path.append({str(REPO)!r}); import pytest; sys.exit(pytest.main(sys.argv[1:]))"
    run = subprocess.run(
        [sys.executable, "-c", pytest_main, "-p", "conftest", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
         "-q", str(tmp_path / "test_dying.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    output = run.stdout + run.stderr
    if run.returncode == 0 and " passed" not in output:  # every test skipped: no private server here
        pytest.skip(f"no private {backend} server here: {output.strip().splitlines()[-1]}")
    assert run.returncode == pytest.ExitCode.INTERNAL_ERROR, output
    mysql = {"mariadb": "private MariaDB server", "mysql": "private MySQL server"}[servers.MYSQL_FLAVOR]
    name = {"mysql": mysql, "postgresql": "embedded PostgreSQL server"}[backend]
    assert output.count(f"the {name} at ") == 1, output
    assert "died during the test run; its log " in output, output
    assert "test_after_the_death" not in output and "failed" not in output, output
