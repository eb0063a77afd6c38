"""Martin Kleppmann's Hermitage anomaly tests, driven step by step against real engines.

Each test opens two or three transactions on one engine and runs Hermitage's statements in
Hermitage's order (https://github.com/ept/hermitage). A statement that waits for a lock (only
PostgreSQL waits; SQLite here fails at once with SQLITE_BUSY, DuckDB never waits) is parked on
its own thread until the test's next step for that transaction; the driver learns that it waits
by asking PostgreSQL (`pg_blocking_pids`), never by sleeping. A statement that fails aborts its
transaction, as an application would. Each test then reports whether the anomaly occurred.

Run on its own: `python snippets/data_engineering/hermitage.py` prints the matrix.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import psycopg

from ridehail.engines import fresh_postgres_database

BLOCKED = object()
SETUP = [
    "DROP TABLE IF EXISTS test",
    "CREATE TABLE test (id INT PRIMARY KEY, value INT)",
    "INSERT INTO test (id, value) VALUES (1, 10), (2, 20)",
]


# --------------------------------------------------------------------------------------------
# Sessions: one connection each, with the same four verbs on every engine
# --------------------------------------------------------------------------------------------


class SqliteSession:
    errors = (sqlite3.OperationalError,)

    begin_statement = "BEGIN"  # or BEGIN IMMEDIATE: take the write lock at once

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, timeout=0, isolation_level=None)

    def begin(self) -> None:
        self.connection.execute(self.begin_statement)

    def run(self, statement: str):
        return self.connection.execute(statement).fetchall()

    def commit(self) -> None:
        self.connection.execute("COMMIT")

    def rollback(self) -> None:
        if self.connection.in_transaction:
            self.connection.execute("ROLLBACK")

    def close(self) -> None:
        self.connection.close()


class DuckSession:
    errors = (duckdb.Error,)

    def __init__(self, database: duckdb.DuckDBPyConnection) -> None:
        self.connection = database.cursor()  # a second connection to the same database

    def begin(self) -> None:
        self.connection.execute("BEGIN TRANSACTION")

    def run(self, statement: str):
        cursor = self.connection.execute(statement)
        return cursor.fetchall() if cursor.description else []

    def commit(self) -> None:
        self.connection.execute("COMMIT")

    def rollback(self) -> None:
        with suppress(duckdb.TransactionException):  # nothing open any more
            self.connection.execute("ROLLBACK")

    def close(self) -> None:
        self.connection.close()


class PostgresSession:
    errors = (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected)

    def __init__(self, url: str, level: str, monitor: psycopg.Connection) -> None:
        self.connection = psycopg.connect(url, autocommit=True)
        self.level, self.monitor = level, monitor
        self.pid = self.connection.info.backend_pid
        self.thread = ThreadPoolExecutor(max_workers=1)
        self.pending: Future | None = None

    def begin(self) -> None:
        self.connection.execute(f"BEGIN ISOLATION LEVEL {self.level}")

    def _execute(self, statement: str):
        cursor = self.connection.execute(statement)
        return cursor.fetchall() if cursor.description else []

    def run(self, statement: str):
        """Run a statement; BLOCKED if the server makes it wait for another transaction."""
        future = self.thread.submit(self._execute, statement)
        while True:
            try:
                return future.result(timeout=0.002)
            except TimeoutError:
                waiting = self.monitor.execute("SELECT pg_blocking_pids(%s)", [self.pid]).fetchone()
                if waiting[0]:
                    self.pending = future
                    return BLOCKED

    def finish_pending(self):
        future, self.pending = self.pending, None
        return future.result(timeout=60)

    def commit(self) -> None:
        self.connection.execute("COMMIT")

    def rollback(self) -> None:
        self.connection.execute("ROLLBACK")

    def close(self) -> None:
        self.thread.shutdown()
        self.connection.close()


# --------------------------------------------------------------------------------------------
# A transaction as a test sees it
# --------------------------------------------------------------------------------------------


def as_pairs(rows) -> dict:
    """Rows of (id, value) as a dict; {} for statements that return no such rows."""
    return dict(rows) if rows and len(rows[0]) == 2 else {}


@dataclass
class Tx:
    name: str
    session: object
    events: list[str]
    aborted: bool = False
    committed: bool = False

    def _fail(self, error: Exception) -> None:
        # SQLite has one error class for many causes: its message says which.
        detail = f" ({error})" if isinstance(error, sqlite3.OperationalError) else ""
        self.events.append(f"{self.name} aborted: {type(error).__name__}{detail}")
        self.aborted = True
        self.session.rollback()

    def _settle(self) -> dict[int, int] | None:
        """Wait for a statement that was blocked; by now its blocker has finished."""
        if getattr(self.session, "pending", None) is not None:
            try:
                rows = self.session.finish_pending()
            except self.session.errors as error:
                self._fail(error)
                return None
            self.events.append(f"{self.name} resumes")
            return as_pairs(rows)
        return None

    def wait(self) -> dict[int, int] | None:
        """The result of the statement that had to wait (None if it failed)."""
        return self._settle()

    def __call__(self, statement: str) -> dict[int, int] | None:
        """Run a statement; for a SELECT, the rows it saw as {id: value}."""
        self._settle()
        if self.aborted:
            return None
        try:
            rows = self.session.run(statement)
        except self.session.errors as error:
            self._fail(error)
            return None
        if rows is BLOCKED:
            self.events.append(f"{self.name} waits")
            return None
        return as_pairs(rows)

    def commit(self) -> bool:
        self._settle()
        if self.aborted:
            return False
        try:
            self.session.commit()
        except self.session.errors as error:
            self._fail(error)
            return False
        self.committed = True
        return True

    def abort(self) -> None:
        self._settle()
        if not self.aborted:
            self.session.rollback()
            self.aborted = True


@dataclass
class Engine:
    """One engine at one isolation level: it makes sessions on a freshly set-up table."""

    label: str
    make: Callable[[], object]
    reset: Callable[[], None]
    finalizers: list[Callable[[], None]] = field(default_factory=list)
    sessions: list = field(default_factory=list)

    def transactions(self, count: int, events: list[str]) -> list[Tx]:
        """Reset the table, then begin `count` transactions T1, T2, ..."""
        self.reset()
        return [self.begin(f"T{number}", events) for number in range(1, count + 1)]

    def begin(self, name: str, events: list[str]) -> Tx:
        session = self.make()
        self.sessions.append(session)
        tx = Tx(name, session, events)
        try:
            session.begin()
        except session.errors as error:  # SQLite's BEGIN IMMEDIATE refuses at once if busy
            tx._fail(error)
        return tx

    def committed_state(self) -> dict[int, int]:
        session = self.make()
        self.sessions.append(session)
        return dict(session.run("SELECT id, value FROM test ORDER BY id"))

    def committed_rows(self, query: str) -> list[tuple]:
        session = self.make()
        self.sessions.append(session)
        return session.run(query)

    def end_test(self) -> None:
        while self.sessions:
            self.sessions.pop().close()

    def close(self) -> None:
        self.end_test()
        while self.finalizers:
            self.finalizers.pop()()


def sqlite_engine(path: Path, journal_mode: str, setup: list[str] = SETUP, begin="BEGIN") -> Engine:
    def reset() -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute(f"PRAGMA journal_mode={journal_mode}")
        for statement in setup:
            connection.execute(statement)
        connection.close()

    def make() -> SqliteSession:
        session = SqliteSession(path)
        session.begin_statement = begin
        return session

    return Engine(f"SQLite, journal_mode={journal_mode}", make, reset)


def duckdb_engine(path: Path, setup: list[str] = SETUP) -> Engine:
    database = duckdb.connect(str(path))

    def reset() -> None:
        for statement in setup:
            database.execute(statement)

    engine = Engine("DuckDB", lambda: DuckSession(database), reset)
    engine.finalizers.append(database.close)
    return engine


def postgres_engine(level: str, setup: list[str] = SETUP, database: str = "hermitage") -> Engine:
    url = fresh_postgres_database(f"{database}_{level.lower().replace(' ', '_')}")
    monitor = psycopg.connect(url, autocommit=True)

    def reset() -> None:
        for statement in setup:
            monitor.execute(statement)

    engine = Engine(
        f"PostgreSQL, {level.lower()}", lambda: PostgresSession(url, level, monitor), reset
    )
    engine.finalizers.append(monitor.close)
    return engine


# --------------------------------------------------------------------------------------------
# The tests: Hermitage's statements in Hermitage's order; each returns True if the anomaly showed
# --------------------------------------------------------------------------------------------

ALL = "SELECT id, value FROM test ORDER BY id"


def g0(db: Engine, events: list[str]) -> bool:
    """Write cycles (dirty writes): the final state mixes the writes of T1 and T2."""
    t1, t2 = db.transactions(2, events)
    t1("UPDATE test SET value = 11 WHERE id = 1")
    t2("UPDATE test SET value = 12 WHERE id = 1")
    t1("UPDATE test SET value = 21 WHERE id = 2")
    t1.commit()
    t2("UPDATE test SET value = 22 WHERE id = 2")
    t2.commit()
    return db.committed_state() in ({1: 12, 2: 21}, {1: 11, 2: 22})


def g1a(db: Engine, events: list[str]) -> bool:
    """Aborted reads: T2 sees a value that T1 wrote and then rolled back."""
    t1, t2 = db.transactions(2, events)
    t1("UPDATE test SET value = 101 WHERE id = 1")
    first = t2(ALL)
    t1.abort()
    second = t2(ALL)
    t2.commit()
    return any(seen and seen.get(1) == 101 for seen in (first, second))


def g1b(db: Engine, events: list[str]) -> bool:
    """Intermediate reads: T2 sees a value T1 wrote but later overwrote before committing."""
    t1, t2 = db.transactions(2, events)
    t1("UPDATE test SET value = 101 WHERE id = 1")
    first = t2(ALL)
    t1("UPDATE test SET value = 11 WHERE id = 1")
    t1.commit()
    second = t2(ALL)
    t2.commit()
    return any(seen and seen.get(1) == 101 for seen in (first, second))


def g1c(db: Engine, events: list[str]) -> bool:
    """Circular information flow: each transaction sees the other's uncommitted write."""
    t1, t2 = db.transactions(2, events)
    t1("UPDATE test SET value = 11 WHERE id = 1")
    t2("UPDATE test SET value = 22 WHERE id = 2")
    seen_by_t1 = t1("SELECT id, value FROM test WHERE id = 2")
    seen_by_t2 = t2("SELECT id, value FROM test WHERE id = 1")
    t1.commit()
    t2.commit()
    return (seen_by_t1 or {}).get(2) == 22 or (seen_by_t2 or {}).get(1) == 11


def otv(db: Engine, events: list[str]) -> bool:
    """Observed transaction vanishes: T3 sees T1's write, then a state where it is gone."""
    t1, t2, t3 = db.transactions(3, events)
    t1("UPDATE test SET value = 11 WHERE id = 1")
    t1("UPDATE test SET value = 19 WHERE id = 2")
    t2("UPDATE test SET value = 12 WHERE id = 1")
    t1.commit()
    reads = [t3("SELECT id, value FROM test WHERE id = 1")]
    t2("UPDATE test SET value = 18 WHERE id = 2")
    reads.append(t3("SELECT id, value FROM test WHERE id = 2"))
    t2.commit()
    reads.append(t3("SELECT id, value FROM test WHERE id = 2"))
    reads.append(t3("SELECT id, value FROM test WHERE id = 1"))
    t3.commit()
    saw_t2 = False  # once T3 has seen T2's write, T1's overwritten value must not come back
    for read in map(dict, filter(None, reads)):
        if saw_t2 and read.get(1) == 11:
            return True
        saw_t2 = saw_t2 or read.get(2) == 18
    return False


def pmp(db: Engine, events: list[str]) -> bool:
    """Predicate-many-preceders: a predicate read sees a row that appeared after the first."""
    t1, t2 = db.transactions(2, events)
    t1("SELECT id, value FROM test WHERE value = 30")
    t2("INSERT INTO test (id, value) VALUES (3, 30)")
    t2.commit()
    later = t1("SELECT id, value FROM test WHERE value % 3 = 0")
    t1.commit()
    return bool(later)


# --8<-- [start:lost-update]
def p4(db: Engine, events: list[str]) -> bool:
    """Lost update: two read-modify-write transactions both commit; one write is lost."""
    t1, t2 = db.transactions(2, events)
    t1("SELECT id, value FROM test WHERE id = 1")
    t2("SELECT id, value FROM test WHERE id = 1")
    t1("UPDATE test SET value = 11 WHERE id = 1")
    t2("UPDATE test SET value = 11 WHERE id = 1")
    first, second = t1.commit(), t2.commit()
    return first and second


# --8<-- [end:lost-update]


def g_single(db: Engine, events: list[str]) -> bool:
    """Read skew: T1 sees item 1 before T2's commit and item 2 after it."""
    t1, t2 = db.transactions(2, events)
    t1("SELECT id, value FROM test WHERE id = 1")
    t2("SELECT id, value FROM test WHERE id = 1")
    t2("SELECT id, value FROM test WHERE id = 2")
    t2("UPDATE test SET value = 12 WHERE id = 1")
    t2("UPDATE test SET value = 18 WHERE id = 2")
    t2.commit()
    later = t1("SELECT id, value FROM test WHERE id = 2")
    t1.commit()
    return (later or {}).get(2) == 18


# --8<-- [start:write-skew]
def g2_item(db: Engine, events: list[str]) -> bool:
    """Write skew: both read items 1 and 2, each updates a different one, both commit."""
    t1, t2 = db.transactions(2, events)
    t1("SELECT id, value FROM test WHERE id IN (1, 2)")
    t2("SELECT id, value FROM test WHERE id IN (1, 2)")
    t1("UPDATE test SET value = 11 WHERE id = 1")
    t2("UPDATE test SET value = 21 WHERE id = 2")
    first, second = t1.commit(), t2.commit()
    return first and second


# --8<-- [end:write-skew]


def g2(db: Engine, events: list[str]) -> bool:
    """Anti-dependency cycle: both check a predicate, both insert a row matching it, both commit."""
    t1, t2 = db.transactions(2, events)
    t1("SELECT id, value FROM test WHERE value % 3 = 0")
    t2("SELECT id, value FROM test WHERE value % 3 = 0")
    t1("INSERT INTO test (id, value) VALUES (3, 30)")
    t2("INSERT INTO test (id, value) VALUES (4, 42)")
    first, second = t1.commit(), t2.commit()
    return first and second


ANOMALIES: dict[str, Callable[[Engine, list[str]], bool]] = {
    "G0": g0,
    "G1a": g1a,
    "G1b": g1b,
    "G1c": g1c,
    "OTV": otv,
    "PMP": pmp,
    "P4": p4,
    "G-single": g_single,
    "G2-item": g2_item,
    "G2": g2,
}

# Published results, https://github.com/ept/hermitage#summary-of-test-results
# (True = the level prevents the anomaly).
HERMITAGE_POSTGRESQL = {
    "PostgreSQL, read committed": dict.fromkeys(["G0", "G1a", "G1b", "G1c", "OTV"], True)
    | dict.fromkeys(["PMP", "P4", "G-single", "G2-item", "G2"], False),
    "PostgreSQL, repeatable read": dict.fromkeys(ANOMALIES, True)
    | dict.fromkeys(["G2-item", "G2"], False),
    "PostgreSQL, serializable": dict.fromkeys(ANOMALIES, True),
}


def run_matrix(engines: list[Engine]) -> dict[str, dict[str, bool]]:
    """{engine label: {anomaly: prevented?}} from live runs."""
    matrix = {}
    for engine in engines:
        row = {}
        try:
            for name, test in ANOMALIES.items():
                events: list[str] = []
                try:
                    row[name] = not test(engine, events)
                finally:
                    engine.end_test()
        finally:
            engine.close()
        matrix[engine.label] = row
    return matrix


def format_matrix(matrix: dict[str, dict[str, bool]]) -> str:
    """A text table: ✓ prevented, — allowed (Hermitage's legend)."""
    width = max(map(len, matrix))
    lines = [" " * width + " " + " ".join(f"{name:>8}" for name in ANOMALIES)]
    for label, row in matrix.items():
        cells = " ".join(f"{'✓' if row[name] else '—':>8}" for name in ANOMALIES)
        lines.append(f"{label:<{width}} {cells}")
    return "\n".join(lines)


def all_engines(directory: Path) -> list[Engine]:
    return [
        postgres_engine("READ COMMITTED"),
        postgres_engine("REPEATABLE READ"),
        postgres_engine("SERIALIZABLE"),
        sqlite_engine(directory / "hermitage-delete.db", "delete"),
        sqlite_engine(directory / "hermitage-wal.db", "wal"),
        duckdb_engine(directory / "hermitage.duckdb"),
    ]


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        print(format_matrix(run_matrix(all_engines(Path(directory)))))
