"""Errors name what went wrong, where, and how to fix it."""

import json
import os
import socket
import subprocess
import sys
import uuid

import pymysql
import pytest

import djimport
from djimport._datajoint import IS_V2


def test_missing_schema_names_it_the_server_close_matches_and_the_fix(university, server):
    typo = university[:-1] + "x"
    with pytest.raises(ModuleNotFoundError) as info:
        __import__(f"djschemas.{typo}")
    message = str(info.value)
    assert (f'"{typo}"' if server.backend == "postgresql" else f"`{typo}`") in message  # as the server quotes it
    assert f"{server.user}@{server.host}:{server.port}" in message
    assert f"Did you mean '{university}'" in message
    assert "create_schema=True" not in message  # a typo is not a schema to create
    assert info.value.name == f"djschemas.{typo}"
    assert f"djschemas.{typo}" not in sys.modules


def test_close_matches_ignore_case_and_only_a_new_valid_name_is_offered_creation(university, server):
    with pytest.raises(ModuleNotFoundError) as shouted:
        djimport.load(university.upper())
    assert str(shouted.value).endswith(f"(import djschemas.{university.upper()}). Did you mean '{university}'?")
    new = f"zq{uuid.uuid4().hex}"  # close to no schema of the server's
    with pytest.raises(ModuleNotFoundError) as missing:
        djimport.load(new)
    assert str(missing.value).endswith(
        f"To create it: `with djimport.create_tables({new!r}, create_schema=True) as module: ...`."
    )
    with pytest.raises(ModuleNotFoundError) as pattern:
        djimport.load("zq*")  # a pattern, not a name to create
    assert str(pattern.value).endswith("(import djschemas.zq*).")


def test_from_import_of_missing_schema_gives_the_same_message(university):
    with pytest.raises(ModuleNotFoundError, match="Did you mean"):
        exec(f"from djschemas import {university}x")


def test_from_import_of_a_missing_table_names_the_schema_and_suggests_as_attribute_access(university, server,
                                                                                          capsys):
    uni = djimport.load(university)
    shown = []
    for statement in ("uni.Studnet", f"from {uni.__name__} import Student, Studnet"):
        try:
            exec(statement, {"uni": uni})
        except (AttributeError, ImportError) as error:
            sys.__excepthook__(type(error), error, None)  # as Python shows it at its prompt, suggestion included
            shown.append(capsys.readouterr().err.splitlines()[-1])
    suggestion = ". Did you mean: 'Student'?" if sys.version_info >= (3, 10) else ""  # Python's own for `uni.Studnet`
    schema = f'"{university}"' if server.backend == "postgresql" else f"`{university}`"
    assert shown == [
        f"AttributeError: module {uni.__name__!r} has no attribute 'Studnet'{suggestion}",
        f"ImportError: cannot import name 'Studnet' from {uni.__name__!r} (schema {schema} on "
        f"{server.user}@{server.host}:{server.port}). Did you mean: 'Student'?",
    ]
    assert not hasattr(uni, "Studnet") and getattr(uni, "Studnet", None) is None  # attribute probes as before


def test_missing_schema_through_load(university):
    with pytest.raises(ModuleNotFoundError, match="No schema .no-such-schema. on"):
        djimport.load("no-such-schema")


def test_unreachable_server_raises_import_error_naming_it(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    code = (
        "import datajoint as dj\n"
        f"dj.config['database.host'] = '127.0.0.1:{port}'\n"
        "dj.config['database.user'] = 'alice'\n"
        "dj.config['database.password'] = 'pw-do-not-show'\n"
        "dj.config['database.use_tls'] = False\n"
        "try:\n"
        "    import djschemas.anything\n"
        "except ImportError as e:\n"
        "    print(type(e).__name__, '|', e)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.stdout.startswith("ImportError |"), result.stdout + result.stderr
    assert f"alice@127.0.0.1:{port}" in result.stdout
    assert "pw-do-not-show" not in result.stdout + result.stderr


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens here once the socket is closed


@pytest.fixture
def reconnecting(monkeypatch):
    """dj.config may be changed in the test; DataJoint connects afresh, and as the test server's user after it."""
    import datajoint as dj

    from tests.helpers import forget_default_connection

    forget_default_connection()
    yield monkeypatch
    forget_default_connection(close=True)
    monkeypatch.undo()
    dj.conn(reset=True)


def _import_and_dir_fail_alike(schema: str) -> str:
    """The message of the ImportError that both ``import djschemas.<schema>`` and ``dir(djschemas)`` raise."""
    import djschemas

    with pytest.raises(ImportError) as imported:
        djimport.load(schema)
    assert type(imported.value) is ImportError  # an outage or a refused login is not "no such schema"
    assert f"djschemas.{schema}" not in sys.modules
    with pytest.raises(ImportError) as listed:
        dir(djschemas)
    assert type(listed.value) is ImportError
    cause = str(imported.value).split(": ", 1)[1]
    assert str(listed.value) == f"Cannot list the schemas of djschemas: {cause}"
    return str(imported.value)


def test_refused_login_names_the_user_and_the_settings_never_the_password(server, connection, reconnecting):
    import datajoint as dj

    from tests.helpers import limited_user

    user = f"dju_{uuid.uuid4().hex[:8]}"
    if server.backend == "postgresql":  # the embedded server trusts local logins: a role it does not know
        reconnecting.setitem(dj.config, "database.user", user)
        reconnecting.setitem(dj.config, "database.password", "wrong-pw-9")
        message = _import_and_dir_fail_alike("djtest_any")
    else:
        with limited_user(connection, user, "right-pw-7", "djtest_any"):
            reconnecting.setitem(dj.config, "database.user", user)
            reconnecting.setitem(dj.config, "database.password", "wrong-pw-9")
            message = _import_and_dir_fail_alike("djtest_any")
    assert f"refused the login of user {user!r}" in message
    assert f"{user}@" in message
    assert "dj.config['database.user'] and dj.config['database.password']" in message
    assert "DJ_USER and DJ_PASS" in message
    assert "wrong-pw-9" not in message and "right-pw-7" not in message
    assert "database.host" not in message  # the host is fine


def test_unreachable_server_names_host_and_port_settings(server, connection, reconnecting):
    import datajoint as dj

    port = _unused_port()
    reconnecting.setitem(dj.config, "database.host", "127.0.0.1")
    reconnecting.setitem(dj.config, "database.port", port)
    message = _import_and_dir_fail_alike("djtest_any")
    assert f"@127.0.0.1:{port} is unavailable: nothing answers there" in message
    assert "dj.config['database.host'] and dj.config['database.port']" in message


@pytest.mark.skipif(IS_V2, reason="DataJoint 2.x falls back to a connection without TLS by itself")
@pytest.mark.skipif(pymysql.VERSION[:2] < (1, 2),
                    reason="PyMySQL before 1.2 connects without TLS to a server that has none: nothing is refused")
def test_tls_refusal_on_datajoint_014_gives_the_setting_and_the_file_that_fix_it(mysql_server, tmp_path):
    settings = {
        "database.host": mysql_server.host, "database.port": mysql_server.port,
        "database.user": mysql_server.user, "database.password": mysql_server.password,
    }
    (tmp_path / "dj_local_conf.json").write_text(json.dumps(settings))
    code = "import djschemas, djimport\nprint(sorted(dir(djschemas)))\n"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJ_")}
    failed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            cwd=tmp_path, env=env)
    assert failed.returncode == 1
    message = failed.stderr.strip().splitlines()[-1]
    assert message.startswith("ImportError: Cannot list the schemas of djschemas: ") and "TLS" in message
    assert "dj.config['database.use_tls'] = False" in message
    hint = '{"database.use_tls": false} in dj_local_conf.json'
    assert hint in message
    # The file content given in the hint is what makes it work.
    settings.update(json.loads(hint.split(" in ")[0]))
    (tmp_path / "dj_local_conf.json").write_text(json.dumps(settings))
    fixed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                           cwd=tmp_path, env=env)
    assert fixed.returncode == 0, fixed.stderr
    assert fixed.stdout.startswith("[")


def test_dir_of_djschemas_shows_schema_names_and_nothing_of_its_own(university):
    import djschemas

    djimport.load(university)
    names = dir(djschemas)
    assert university in names
    assert not [name for name in names if name.startswith("_")]
    assert not {"djimport", "sys", "importlib"} & set(names)


def test_no_user_configured_says_so_and_where_to_set_it(tmp_path):
    # A fresh machine: no DJ_* variables, no configuration file, no terminal to prompt on (DataJoint 0.14 would).
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJ_")}
    env["HOME"] = str(tmp_path)  # no ~/.datajoint_config.json either
    code = "try:\n    import djschemas.anything\nexcept ImportError as e:\n    print(type(e).__name__, '|', e)\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path,
                            env=env, stdin=subprocess.DEVNULL)
    # No prompt text before the error (DataJoint 0.14 alone prints it), and no "None@" for the missing user.
    assert result.stdout.startswith("ImportError | Cannot import djschemas.anything: No user or password is "
                                    "configured for DataJoint server localhost:"), result.stdout + result.stderr
    assert "None" not in result.stdout and "Please enter" not in result.stdout + result.stderr
    assert "dj.config['database.user'] and dj.config['database.password']" in result.stdout
