"""The database server a benchmark runs against, and counting what it executes.

Everything backend-specific lives here (one class per backend) so that adding
PostgreSQL means adding one class: start/attach a server, count statements and
connections at the server, and the SQL that adds one table behind a client's back.
"""

from __future__ import annotations

import shutil
import tempfile
import urllib.parse
from pathlib import Path


class MySQL:
    """A MariaDB/MySQL server: a private one (the test suite's) or the one at ``url``."""

    name = "mysql"

    def __init__(self, host: str, port: int, user: str, password: str, server=None, tmp: Path | None = None) -> None:
        self.host, self.port, self.user, self.password = host, port, user, password
        self._server, self._tmp = server, tmp

    @classmethod
    def private(cls) -> MySQL:
        """A private MariaDB in a temporary directory: the test suite's own, not a copy of it."""
        from conftest import _private_mariadb

        tmp = Path(tempfile.mkdtemp(prefix="djimport-bench-"))
        try:
            server = _private_mariadb(tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return cls("127.0.0.1", server.port, "root", "", server, tmp)

    @classmethod
    def from_url(cls, url: str) -> MySQL:
        """The external server at ``mysql://user:password@host:port``."""
        parts = urllib.parse.urlsplit(url)
        return cls(
            parts.hostname or "127.0.0.1",
            parts.port or 3306,
            urllib.parse.unquote(parts.username or "root"),
            urllib.parse.unquote(parts.password or ""),
        )

    @classmethod
    def attach(cls, job: dict) -> MySQL:
        """The server a parent process handed to a child in ``job`` (see :meth:`job`)."""
        return cls(job["host"], job["port"], job["user"], job["password"])

    def job(self) -> dict:
        return {"backend": self.name, "host": self.host, "port": self.port, "user": self.user, "password": self.password}

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def describe(self) -> str:
        with self.admin() as admin, admin.cursor() as cursor:
            cursor.execute("SELECT VERSION()")
            return f"{cursor.fetchone()[0]} ({'private server' if self._server else 'external server'})"

    def admin(self):
        """A fresh direct connection (no proxy) for counting and set-up."""
        import pymysql

        return pymysql.connect(host=self.host, port=self.port, user=self.user, password=self.password, autocommit=True)

    @staticmethod
    def status(admin, variable: str) -> int:
        """A global status counter of the server (``Questions``, ``Connections``)."""
        with admin.cursor() as cursor:
            cursor.execute("SHOW GLOBAL STATUS LIKE %s", (variable,))
            return int(cursor.fetchone()[1])

    @staticmethod
    def drop_schema_sql(schema: str) -> str:
        return f"DROP DATABASE IF EXISTS `{schema}`"

    @staticmethod
    def add_table_sql(schema: str) -> str:
        """One more (Lookup) table, created behind the clients' back as another user would."""
        return f"CREATE TABLE `{schema}`.`#bench_added` (added int NOT NULL, PRIMARY KEY (added)) COMMENT 'added'"

    @staticmethod
    def drop_added_sql(schema: str) -> str:
        return f"DROP TABLE IF EXISTS `{schema}`.`#bench_added`"

    @staticmethod
    def execute(admin, sql: str) -> None:
        with admin.cursor() as cursor:
            cursor.execute(sql)


class Counter:
    """Statements executed by the whole server between two reads, minus the reads themselves."""

    def __init__(self, backend, admin) -> None:
        self.backend, self.admin = backend, admin
        first = backend.status(admin, "Questions")
        self._own = backend.status(admin, "Questions") - first  # what one read adds to the count

    def read(self) -> int:
        return self.backend.status(self.admin, "Questions")

    def between(self, before: int, after: int) -> int:
        """Statements between two reads, the later read not counted."""
        return after - before - self._own

    def since(self, before: int) -> int:
        return self.between(before, self.read())


BACKENDS = {"mysql": MySQL}
