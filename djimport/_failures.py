"""Why a DataJoint server could not be used, told from the driver's error, and what to change.

PyMySQL reports the cause as a MySQL error code, psycopg2 only in its message
text; DataJoint passes both on unwrapped (0.14 and 2.x), so the exception
raised while connecting, or one it chained, says what happened.
"""

from __future__ import annotations

import re
import socket
import struct
import time

from ._settings import timeout

# MySQL client and server error codes (PyMySQL raises them as OperationalError(code, message)).
_LOGIN_CODES = {1045, 1698}  # access denied (wrong password / unknown user)
_TLS_CODES = {2026}  # SSL connection error, e.g. "SSL is required but the server doesn't support it"
_UNREACHABLE_CODES = {2003, 2005}  # can't connect, unknown host

_NOT_CONFIGURED = re.compile(r"Database (user|password) not configured")

# psycopg2 (libpq) messages.
_PG_LOGIN = re.compile(r"authentication failed|role \S+ does not exist|no pg_hba\.conf entry")
_PG_TLS = re.compile(r"does not support SSL|SSL.*required")
_PG_UNREACHABLE = re.compile(r"could not connect|Connection refused|No such file or directory|could not translate host")


def cause(exc: BaseException) -> str | None:
    """``"credentials"``, ``"login"``, ``"tls"``, ``"unreachable"`` or ``"timeout"`` for an error raised while
    connecting to a server or listing its schemas (or one it was raised from); None when unknown."""
    seen: set[int] = set()
    error: BaseException | None = exc
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        found = _cause_of(error)
        if found:
            return found
        error = error.__cause__ or error.__context__
    return None


def _cause_of(error: BaseException) -> str | None:
    if isinstance(error, TimeoutError):
        return "timeout"
    # No user or password configured: DataJoint 2.x says so, 0.14 prompts with input(), which fails without a terminal.
    if isinstance(error, EOFError) or _NOT_CONFIGURED.search(str(error)):
        return "credentials"
    code = error.args[0] if error.args and isinstance(error.args[0], int) else None
    if type(error).__module__.startswith("pymysql") and code is not None:
        if code in _LOGIN_CODES:
            return "login"
        if code in _TLS_CODES:
            return "tls"
        if code in _UNREACHABLE_CODES:
            return "unreachable"
        return None
    if type(error).__module__.startswith("psycopg2"):
        text = str(error)
        for kind, pattern in (("login", _PG_LOGIN), ("tls", _PG_TLS), ("unreachable", _PG_UNREACHABLE)):
            if pattern.search(text):
                return kind
    return None


_SSL_REQUEST = struct.pack("!II", 8, 80877103)  # PostgreSQL's SSLRequest, answered with one byte: S or N


def server_kind(host: str, port: int, seconds: float) -> str | None:
    """``"mysql"`` or ``"postgresql"``: the kind of server that answers on TCP at ``host``:``port``, told
    within ``seconds``; None when nothing answers there or what answers is neither.

    A MySQL server speaks first (its greeting: a packet of sequence 0 holding protocol version 10); a
    PostgreSQL server waits for the client, and answers an SSLRequest with one byte. Nothing is logged in.
    """
    deadline = time.monotonic() + seconds
    try:
        with socket.create_connection((host, port), timeout=seconds) as sock:
            sock.settimeout(max(0.0, (deadline - time.monotonic()) / 2))
            try:
                first = sock.recv(5)
            except socket.timeout:  # silent: perhaps a PostgreSQL server, waiting for its client
                sock.settimeout(max(0.0, deadline - time.monotonic()))
                sock.sendall(_SSL_REQUEST)
                first = sock.recv(5)
                if first in (b"S", b"N"):
                    return "postgresql"
    except OSError:  # refused, unreachable, silent to the end: not a server that tells its kind
        return None
    return "mysql" if len(first) == 5 and first[3] == 0 and first[4] == 10 else None


class OtherServerKind(ConnectionError):
    """A server of the other kind than the settings name answers at their port; the message says which, and what
    to set."""


def check_server_kind(server: str, backend: str, is_v2: bool) -> None:
    """Raise :class:`OtherServerKind` when a server of another kind than ``backend`` answers at ``server``'s port
    (``user@host:port``); a look of at most 1 s (a quarter of ``DJIMPORT_TIMEOUT`` if less)."""
    message = _other_kind(server, backend, is_v2)
    if message is not None:
        raise OtherServerKind(message)


def _other_kind(server: str, backend: str, is_v2: bool) -> str | None:
    """The message for a server of the kind ``backend`` does not name answering at ``server``'s port, if so."""
    host, _, port = server.rpartition("@")[2].rpartition(":")
    if not host or host.startswith("/") or not port.isdigit():  # a Unix socket directory: the kind is known
        return None
    # A server greets, or answers an SSLRequest, in one round trip: a short look, not another full wait.
    found = server_kind(host, int(port), min(1.0, timeout() / 4))
    if found is None or found == backend:
        return None
    names = {"mysql": "MySQL", "postgresql": "PostgreSQL"}
    said = f"DataJoint server {server} is unavailable: a {names[found]} server answers at {host}:{port}, where "
    if not is_v2:
        return said + ("DataJoint 0.14 expects MySQL, the only server it speaks to. Point dj.config['database.host'] "
                       "and dj.config['database.port'] (or DJ_HOST as host:port) at a MySQL server.")
    return said + (
        f"DataJoint's settings expect {names[backend]} (dj.config['database.backend'] is {backend!r}). Point "
        f"dj.config['database.port'] at the {names[backend]} server, or, to use this one, set "
        f"dj.config['database.backend'] = {found!r}."
    )


def explain(exc: BaseException, server: str, mounted_as: str | None, is_v2: bool, backend: str | None = None) -> str:
    """What went wrong with ``server`` (``user@host:port``) and how to fix it, in one sentence or two.

    ``mounted_as`` names the root when the connection is the user's own (:func:`djimport.mount`);
    ``is_v2`` picks DataJoint 2.x's configuration sources over 0.14's. ``backend`` is the kind of
    server the settings name: when the failure is a silence or an unknown error, the port is asked
    which kind of server answers there (for a quarter of ``DJIMPORT_TIMEOUT``, at most 1 s). Never names
    the password.
    """
    if isinstance(exc, OtherServerKind):  # told while connecting: no second look
        return str(exc)
    detail = f"{type(exc).__name__}: {' '.join(str(exc).split())}"  # libpq's messages span lines
    user = server.rpartition("@")[0]
    kind = cause(exc)
    other = _other_kind(server, backend, is_v2) if backend is not None and kind in ("timeout", None) else None
    if other is not None:
        return other
    if mounted_as is not None:
        where = f"Check the connection mounted as {mounted_as!r}"
        fixes = {
            "login": f"{where}: its user and password.",
            "tls": f"{where}: pass use_tls=False for a server without TLS.",
            "unreachable": f"{where}: its host and port, and that the server runs.",
        }
    else:
        files = "datajoint.json or .secrets/database.password" if is_v2 else "dj_local_conf.json"
        host_env = "DJ_HOST and DJ_PORT" if is_v2 else "DJ_HOST as host:port"
        tls_file = '{"database": {"use_tls": false}} in datajoint.json (or set DJ_USE_TLS=false)' if is_v2 else (
            '{"database.use_tls": false} in dj_local_conf.json in the directory you start Python from '
            "(DataJoint 0.14 reads no environment variable for it)"
        )
        fixes = {
            "login": f"Check dj.config['database.user'] and dj.config['database.password'] "
                     f"(set in code, in {files}, or by DJ_USER and DJ_PASS).",
            "tls": f"For a server without TLS set dj.config['database.use_tls'] = False before importing, "
                   f"or put {tls_file}.",
            "unreachable": f"Check dj.config['database.host'] and dj.config['database.port'] (or {host_env}) "
                           "and that the server runs.",
        }
    if kind == "credentials":
        return f"No user or password is configured for DataJoint server {server} ({detail}). {fixes['login']}"
    if kind == "login":
        return f"DataJoint server {server} refused the login of user {user!r} ({detail}). {fixes['login']}"
    if kind == "tls":
        return f"DataJoint server {server} and the client disagree on TLS ({detail}). {fixes['tls']}"
    if kind == "unreachable":
        return f"DataJoint server {server} is unavailable: nothing answers there ({detail}). {fixes['unreachable']}"
    if kind == "timeout":
        return (f"DataJoint server {server} is unavailable: {exc}. Check that the server and the network "
                f"to it are up.")
    return f"DataJoint server {server} is unavailable ({detail}). {fixes['unreachable']}"
