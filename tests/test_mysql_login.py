"""A user with a password logs in without TLS, on MySQL 8+ (caching_sha2_password) as on MariaDB.

MySQL 8 and later give new users ``caching_sha2_password`` (MySQL 9 has no ``mysql_native_password``).
The first login of such a user over a connection without TLS sends the password encrypted with the
server's RSA key, which PyMySQL can do only with ``cryptography`` installed: djimport requires
``pymysql[rsa]`` for it. MariaDB's users log in with ``mysql_native_password``, which needs nothing more.
"""

from __future__ import annotations

import datajoint as dj
import pytest

import djimport
from tests.helpers import signed_in_as_limited_user

PASSWORD = "login-5e2a91-Pw"


def test_a_user_with_a_password_imports_a_schema_without_tls(server, connection, university, monkeypatch):
    if server.backend != "mysql":
        pytest.skip("MySQL's and MariaDB's logins; PostgreSQL's are tested by test_privileges and test_secrets")
    version = connection.query("SELECT VERSION()").fetchone()[0]
    with signed_in_as_limited_user(connection, PASSWORD, university, monkeypatch) as user:
        plugin = connection.query("SELECT plugin FROM mysql.user WHERE user = %s", (user,)).fetchone()[0]
        expected = "mysql_native_password" if "MariaDB" in version else "caching_sha2_password"
        assert plugin == expected, (version, plugin)
        uni = djimport.load(university)
        assert len(uni.Student()) > 0
        session = dj.conn()
        assert session.conn_info["user"] == user
        cipher = session.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'").fetchone()[1]
        assert cipher == "", f"the login used TLS ({cipher}): the test must log in without it"
