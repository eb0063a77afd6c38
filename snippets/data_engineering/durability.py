"""Durability: a committed booking survives the death of the process that made it.

A child process commits booking 1, starts booking 2 without committing, tells the parent it is
ready, and is killed with SIGKILL: no cleanup, no atexit, no flush. The parent then reopens the
database. Run on its own: `python snippets/data_engineering/durability.py`.
"""

from __future__ import annotations

# --8<-- [start:crash]
import signal
import subprocess
import sys

import duckdb

from ridehail.engines import sqlite

BOOKING = "INSERT INTO bookings VALUES (?, 'Ana', 'Carla')"


def child(
    engine: str, path: str, journal_mode: str
) -> None:  # pragma: no cover - runs in the child process that is killed
    """Commit booking 1, leave booking 2 open, say so, then wait to be killed."""
    if engine == "sqlite":
        connection = sqlite(path)
        connection.execute(f"PRAGMA journal_mode={journal_mode}")
    else:
        connection = duckdb.connect(path)
    connection.execute("CREATE TABLE bookings (id INTEGER, rider TEXT, driver TEXT)")
    connection.execute("BEGIN")
    connection.execute(BOOKING, [1])
    connection.execute("COMMIT")
    connection.execute("BEGIN")
    connection.execute(BOOKING, [2])
    print("ready", flush=True)
    sys.stdin.read()  # block until killed


def crash_while_booking(engine: str, path: str, journal_mode: str = "delete") -> list:
    """Run the child, kill it once it is ready, and return the bookings that survived."""
    command = [sys.executable, "-m", "data_engineering.durability", engine, path, journal_mode]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "ready\n"  # a handshake, not a sleep
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdin.close()
    process.stdout.close()
    reopened = sqlite(path) if engine == "sqlite" else duckdb.connect(path)
    rows = reopened.execute("SELECT id FROM bookings ORDER BY id").fetchall()
    reopened.close()
    return [row[0] for row in rows]


# --8<-- [end:crash]

if __name__ == "__main__":
    if len(sys.argv) == 4:
        child(*sys.argv[1:])
    else:
        import tempfile
        from pathlib import Path

        folder = Path(tempfile.mkdtemp())
        print("SQLite:", crash_while_booking("sqlite", str(folder / "rides.db")))
        print("DuckDB:", crash_while_booking("duckdb", str(folder / "rides.duckdb")))
