"""Isolation: two riders must not get the same driver.

Two app servers book at the same moment: each checks that driver 1 is free, then assigns her.
The statements of the two transactions are interleaved in a fixed order by the step driver of
`hermitage.py`, so every run shows the same thing.

Run on its own: `python snippets/data_engineering/isolation.py`.
"""

from __future__ import annotations

# --8<-- [start:booking]
import tempfile
from pathlib import Path

from data_engineering.hermitage import (
    Engine,
    Tx,
    duckdb_engine,
    postgres_engine,
    sqlite_engine,
)
from ridehail.schema import SMALL_WORLD, TABLES

SETUP = [
    "DROP TABLE IF EXISTS payments",
    "DROP TABLE IF EXISTS rides",
    "DROP TABLE IF EXISTS drivers",
    "DROP TABLE IF EXISTS riders",
    *(s for s in (TABLES + SMALL_WORLD).split(";") if s.strip()),
]
CHECK = "SELECT driver_id, available FROM drivers WHERE driver_id = 1"
CHECK_FOR_UPDATE = CHECK + " FOR UPDATE"
TAKE = "UPDATE drivers SET available = FALSE WHERE driver_id = 1"
TAKE_IF_FREE = TAKE + " AND available RETURNING driver_id, available"  # compare-and-set


def book(tx: Tx, ride_id: int, check: str, take: str) -> None:
    """Check that driver 1 is free; if so, take her and assign her to the ride."""
    book_after_check(tx, tx(check), ride_id, take)


def two_bookings(engine: Engine, check: str = CHECK, take: str = TAKE) -> str:
    """A and B check, A books and commits, B books and commits; B retries once if aborted."""
    events: list[str] = []
    engine.reset()
    try:
        a, b = engine.begin("A", events), engine.begin("B", events)
        first_a, first_b = a(check), b(check)
        book_after_check(a, first_a, 1, take)
        a.commit()
        book_after_check(b, first_b, 2, take)
        b.commit()
        if b.aborted:
            retry = engine.begin("B again", events)
            book(retry, 2, check, take)
            retry.commit()
        assigned = engine.committed_rows("SELECT count(*) FROM rides WHERE driver_id = 1")
    finally:
        engine.end_test()
    verdict = "DOUBLE-BOOKED" if assigned[0][0] > 1 else "one booking"
    return f"{verdict:<13} | " + "; ".join(events or ["no waits, no errors"])


def book_after_check(tx: Tx, seen, ride_id: int, take: str) -> None:
    """Finish a booking whose check already ran (its result may still be waiting)."""
    if seen is None and not tx.aborted:
        seen = tx.wait()
    if tx.aborted:
        return
    if not (seen or {}).get(1):
        tx.events.append(f"{tx.name} sees the driver busy and offers another")
        return
    taken = tx(take)
    if take == TAKE_IF_FREE and taken == {} and not tx.aborted:
        tx.events.append(f"{tx.name}'s compare-and-set matched no row")
        return
    tx(f"UPDATE rides SET driver_id = 1, status = 'assigned' WHERE ride_id = {ride_id}")


# --8<-- [end:booking]


def engines(directory: Path) -> dict[str, Engine]:
    return {
        "PostgreSQL, read committed": postgres_engine("READ COMMITTED", SETUP, "booking"),
        "PostgreSQL, serializable": postgres_engine("SERIALIZABLE", SETUP, "booking"),
        "SQLite, BEGIN": sqlite_engine(directory / "deferred.db", "wal", SETUP),
        "SQLite, BEGIN IMMEDIATE": sqlite_engine(
            directory / "immediate.db", "wal", SETUP, begin="BEGIN IMMEDIATE"
        ),
        "DuckDB": duckdb_engine(directory / "booking.duckdb", SETUP),
    }


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as directory:
        for label, engine in engines(Path(directory)).items():
            print(f"{label:<28}", two_bookings(engine))
            engine.close()
