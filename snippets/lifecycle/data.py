"""Step 2, data engineering: rides recorded by the app (SQLite), extracted for training (DuckDB).

Run on its own: `python snippets/lifecycle/data.py`.
"""

from __future__ import annotations

# --8<-- [start:record]
import csv
from pathlib import Path

import duckdb

from ridehail.data import Ride, generate_rides
from ridehail.engines import sqlite
from ridehail.schema import create_tables


def record(rides: list[Ride], oltp_path: str) -> None:
    """What the app does all day: one small transaction per finished ride."""
    connection = sqlite(oltp_path)
    connection.execute("PRAGMA journal_mode = WAL")  # many small commits: see Durability
    connection.execute("PRAGMA synchronous = NORMAL")
    if not connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'rides'").fetchone():
        create_tables(connection)
        connection.executemany(
            "INSERT INTO riders VALUES (?, 'rider', 'Lisbon')", [(i,) for i in range(1, 501)]
        )
        connection.executemany(
            "INSERT INTO drivers VALUES (?, 'driver', 'Lisbon', TRUE)",
            [(i,) for i in range(1, 121)],
        )
    for ride in rides:
        connection.execute("BEGIN")
        connection.execute(
            "INSERT INTO rides VALUES (?, ?, ?, ?, ?, ?, ?, 'completed')",
            (ride.ride_id, ride.rider_id, ride.driver_id, ride.city,
             ride.requested.isoformat(sep=" "), ride.distance_km, ride.duration_min),
        )  # fmt: skip
        connection.execute("COMMIT")
    connection.close()


# --8<-- [end:record]


# --8<-- [start:extract]
def extract(oltp_path: str, warehouse_path: str) -> int:
    """ETL: dump completed rides to CSV, load them into DuckDB, derive the features there."""
    export = Path(warehouse_path).with_suffix(".csv")
    source = sqlite(oltp_path)
    rows = source.execute(
        "SELECT ride_id, city, requested, distance_km, duration_min FROM rides "
        "WHERE status = 'completed' ORDER BY ride_id"
    )
    with export.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["ride_id", "city", "requested", "distance_km", "duration_min"])
        writer.writerows(rows)
    source.close()
    warehouse = duckdb.connect(warehouse_path)
    warehouse.execute(f"""
        CREATE OR REPLACE TABLE trips AS
        SELECT ride_id, city, requested, distance_km,
               hour(requested) AS hour, isodow(requested) AS weekday,
               duration_min AS label              -- known once the ride has ended
        FROM read_csv('{export}', header = true, timestampformat = '%Y-%m-%d %H:%M:%S')
    """)
    count = warehouse.execute("SELECT count(*) FROM trips").fetchone()[0]
    warehouse.close()
    return count


# --8<-- [end:extract]


# --8<-- [start:split]
def weeks(warehouse_path: str) -> list[tuple[str, int]]:
    """Rides per ISO week: the split must follow time, not chance."""
    with duckdb.connect(warehouse_path, read_only=True) as warehouse:
        return warehouse.execute(
            "SELECT strftime(requested, '%G-W%V') AS week, count(*) FROM trips "
            "GROUP BY week ORDER BY week"
        ).fetchall()


TRAIN_WEEKS = ("2026-W02", "2026-W03", "2026-W04")  # fit on these
TEST_WEEKS = ("2026-W05",)  # and judge on the week after: the future the model will face


# --8<-- [end:split]


def history(directory: Path) -> tuple[str, str]:
    """The four weeks of history every later step starts from: (oltp path, warehouse path)."""
    oltp, warehouse = str(directory / "rides.db"), str(directory / "warehouse.duckdb")
    record(generate_rides(6000, seed=11), oltp)
    extract(oltp, warehouse)
    return oltp, warehouse


if __name__ == "__main__":
    import tempfile

    oltp, warehouse = history(Path(tempfile.mkdtemp()))
    print(weeks(warehouse))
