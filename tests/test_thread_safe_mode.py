"""DataJoint 2.x's thread-safe mode, as a process started with ``DJ_THREAD_SAFE=1`` has it: no default
connection, one ``dj.Instance`` per thread, each mounted with ``djimport.mount``."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from djimport._datajoint import IS_V2
from tests.helpers import quote

pytestmark = pytest.mark.skipif(not IS_V2, reason="thread-safe mode is DataJoint 2.x's")

SCRIPT = textwrap.dedent("""
    import importlib, os, sys, threading
    import datajoint as dj
    import djimport

    host, port, user, backend, name = sys.argv[1:]
    password = os.environ["DJIMPORT_TEST_PASSWORD"]  # not on the command line, where ps shows it
    try:
        dj.conn()
    except dj.errors.ThreadSafetyError:
        pass
    else:
        raise AssertionError("DJ_THREAD_SAFE=1 did not put DataJoint in thread-safe mode")
    try:
        djimport.load(name)
    except ImportError as exc:  # the mode is the cause, not a server: no hint about host or port
        assert str(exc).startswith(f"Cannot import djschemas.{name}: DataJoint runs in thread-safe mode "
                                   "(DJ_THREAD_SAFE is set)"), exc
        assert "djimport.mount('lab', connection=dj.Instance(" in str(exc) and "database.host" not in str(exc), exc
    else:
        raise AssertionError("djschemas imported without a default connection")

    results, errors = {}, []

    def work(i):
        try:
            instance = dj.Instance(host=host, user=user, password=password, port=int(port), use_tls=False,
                                   backend=backend)
            djimport.mount(f"lab{i}", connection=instance.connection)
            uni = importlib.import_module(f"lab{i}.{name}")
            assert uni.Student.connection is instance.connection
            djimport.invalidate_caches()
            importlib.reload(uni)
            results[i] = len(uni.Student - uni.StudentMajor), len(uni.Student())
            instance.connection.close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "threads still running"
    assert not errors, errors
    assert len(set(results.values())) == 1 and len(results) == 4, results
    print(*results[0])
""")


def test_thread_safe_mode_with_an_instance_per_thread_in_a_fresh_process(university, server, connection):
    env = {**os.environ, "DJ_THREAD_SAFE": "1", "DJIMPORT_TEST_PASSWORD": server.password}
    args = [server.host, str(server.port), server.user, server.backend, university]
    run = subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stderr
    without_major, students = map(int, run.stdout.split()[-2:])
    expected = connection.query(f"SELECT count(*) FROM {quote(connection, university, 'student')}").fetchone()[0]
    assert students == expected > 0
    assert 0 < without_major < students
