"""A schema declared by DataJoint 0.14 has no ~lineage table, and DataJoint 2.x refuses joins of its tables:
a 2.x import says so once per schema, with the fix for the schema's owner, and writes nothing."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import warnings

import datajoint as dj
import pytest

import djimport
from djimport._catalog import table_exists
from djimport._datajoint import IS_V2
from tests.helpers import backend, quote, server_writes

MESSAGE = (
    "Schema {schema!r} has no ~lineage table (it was declared by DataJoint 0.14, or before DataJoint 2.x tracked "
    "lineage): DataJoint {version} may refuse joins of its 10 tables with \"Cannot join on attribute ...: "
    "lineage missing on one side (None vs None)\". The schema's owner can add the table once with "
    "dj.Schema({schema!r}).rebuild_lineage(), then restart Python; djimport writes nothing to the server."
)


@pytest.fixture
def without_lineage(university, connection):
    """The university as DataJoint 0.14 leaves it: no ~lineage table (2.x made one when it declared it)."""
    connection.query(f"DROP TABLE IF EXISTS {quote(connection, university, '~lineage')}")
    return university


def _lineage_warnings(caught) -> list[str]:
    return [str(w.message) for w in caught if "~lineage" in str(w.message)]


def test_a_2x_import_warns_once_per_schema_and_writes_nothing(without_lineage, connection):
    schema = without_lineage
    with warnings.catch_warnings(record=True) as caught, server_writes(connection) as writes:
        warnings.simplefilter("always")
        uni = djimport.load(schema)
        djimport.invalidate_caches()
        importlib.reload(uni)  # the listing is read again: still one warning
    assert writes == {}
    if not IS_V2 or backend(connection) == "postgresql":  # 0.14 has no lineage, nor declares on PostgreSQL
        assert _lineage_warnings(caught) == []
        return
    assert _lineage_warnings(caught) == [MESSAGE.format(schema=schema, version=dj.__version__)]
    assert issubclass(caught[0].category, UserWarning)
    assert uni.__doc__.endswith("\n\n" + MESSAGE.format(schema=schema, version=dj.__version__))  # help(uni) says it
    with pytest.raises(dj.DataJointError, match="lineage missing on one side"):
        len(uni.Student * uni.Enroll)  # what the warning announces
    # The fix it names runs as written (the owner's to run: it writes to the server).
    exec("dj.Schema(%r).rebuild_lineage()" % schema, {"dj": dj})
    assert table_exists(connection, schema, "~lineage")


def test_a_schema_with_its_lineage_gets_no_warning(university, connection):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        uni = djimport.load(university)
    assert _lineage_warnings(caught) == [] and "~lineage" not in uni.__doc__


@pytest.mark.skipif(not IS_V2, reason="DataJoint 0.14 has no lineage")
def test_the_command_says_it_in_one_line_per_schema_and_nothing_else(without_lineage, server, tmp_path):
    if server.backend == "postgresql":
        pytest.skip("DataJoint 0.14 never declared a PostgreSQL schema")
    (tmp_path / "datajoint.json").write_text(json.dumps({"database": {
        "host": server.host, "port": server.port, "user": server.user, "password": server.password,
        "backend": server.backend}}))
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJ_")}
    said = {}
    for loudness in ([], ["-q"], ["-v"]):
        result = subprocess.run([sys.executable, "-m", "djimport", *loudness, "stubs", without_lineage, "-o", "typings"],
                                cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("wrote 1 schema stub to ")
        said[" ".join(loudness)] = result.stderr.splitlines()
    # Quiet by default: no "connected to", no notice about MariaDB; the schema's line, with the fix.
    assert said[""] == ["djimport: " + MESSAGE.format(schema=without_lineage, version=dj.__version__)]
    assert said["-q"] == []
    assert said["-v"][-1] == said[""][0] and any(" connected to " in line for line in said["-v"])
