"""The same rides in a row store (SQLite) and a column store (DuckDB), under two workloads.

Run on its own: `python snippets/data_engineering/oltp_olap.py`.
"""

from __future__ import annotations

# --8<-- [start:imports]
import random
import sqlite3
import time
from collections.abc import Callable

import duckdb

# --8<-- [end:imports]

# --8<-- [start:load]
SCHEMA = """CREATE TABLE rides (
    ride_id INTEGER PRIMARY KEY, rider_id INTEGER, city TEXT, distance_km DOUBLE, fare DOUBLE)"""

# Deterministic "random" columns computed from the ride number, so both engines hold the same rows.
COLUMNS = """i, (i * 7919) % 50000 + 1,
    CASE i % 3 WHEN 0 THEN 'Lisbon' WHEN 1 THEN 'Porto' ELSE 'Braga' END,
    ((i * 104729) % 2900) / 100.0 + 1.0,
    2.5 + 1.2 * (((i * 104729) % 2900) / 100.0 + 1.0)"""


def load(count: int) -> tuple[sqlite3.Connection, duckdb.DuckDBPyConnection]:
    """`count` rides in SQLite (rows stored together) and DuckDB (columns stored together)."""
    lite = sqlite3.connect(":memory:")
    lite.execute(SCHEMA)
    lite.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        f"INSERT INTO rides SELECT {COLUMNS} FROM n",
        [count],
    )
    lite.commit()
    duck = duckdb.connect(":memory:")
    duck.execute(SCHEMA)
    duck.execute(f"INSERT INTO rides SELECT {COLUMNS} FROM range(1, ? + 1) AS t(i)", [count])
    return lite, duck


# --8<-- [end:load]


# --8<-- [start:workloads]
REVENUE_BY_CITY = """SELECT city, count(*) AS rides, round(sum(fare), 2) AS revenue
FROM rides GROUP BY city ORDER BY city"""


def point_lookups(connection, ride_ids: list[int]) -> None:
    """OLTP: fetch one ride by its key, then update its fare, one transaction each."""
    for ride_id in ride_ids:
        connection.execute("BEGIN")
        connection.execute("SELECT fare FROM rides WHERE ride_id = ?", [ride_id]).fetchone()
        connection.execute("UPDATE rides SET fare = fare + 1 WHERE ride_id = ?", [ride_id])
        connection.execute("COMMIT")


def revenue_by_city(connection) -> list[tuple]:
    """OLAP: scan every ride, aggregate two columns out of five."""
    return connection.execute(REVENUE_BY_CITY).fetchall()


# --8<-- [end:workloads]


# --8<-- [start:timing]
def best_of(repeats: int, work: Callable[[], object]) -> float:
    """The fastest of `repeats` runs, in seconds: the least disturbed by other processes."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return min(timings)


def measure(count: int = 200_000, lookups: int = 200, seed: int = 1) -> dict[str, dict[str, float]]:
    """Seconds per operation: {workload: {engine: seconds}}."""
    lite, duck = load(count)
    lite.isolation_level = None  # we write BEGIN/COMMIT ourselves
    ids = random.Random(seed).sample(range(1, count + 1), lookups)
    return {
        "point lookup + update": {
            "SQLite": best_of(3, lambda: point_lookups(lite, ids)) / lookups,
            "DuckDB": best_of(3, lambda: point_lookups(duck, ids)) / lookups,
        },
        "revenue by city (full scan)": {
            "SQLite": best_of(3, lambda: revenue_by_city(lite)),
            "DuckDB": best_of(3, lambda: revenue_by_city(duck)),
        },
    }


# --8<-- [end:timing]


def figure() -> bytes:  # pragma: no cover - drawn at build time by hooks.py, in the mkdocs process
    """The chart on the page, as SVG, from a live measurement (mkdocs hooks.py calls this)."""
    from ridehail.charts import figure as new_figure
    from ridehail.charts import svg

    timings = measure()
    fig, axes = new_figure(1, 2, figsize=(8, 3))
    for axis, (workload, by_engine) in zip(axes, timings.items(), strict=True):
        engines = list(by_engine)
        microseconds = [by_engine[e] * 1e6 for e in engines]
        axis.bar(engines, microseconds, color=["#3f51b5", "#ff9800"])
        axis.set_title(workload)
        axis.set_ylabel("microseconds per operation")
        for x, value in enumerate(microseconds):
            axis.annotate(f"{value:,.0f}", (x, value), ha="center", va="bottom")
    fig.suptitle("Lower is better: each engine wins the workload it was built for")
    return svg(fig)


if __name__ == "__main__":
    for workload, by_engine in measure().items():
        print(
            workload, {engine: f"{seconds * 1e6:,.0f} µs" for engine, seconds in by_engine.items()}
        )
