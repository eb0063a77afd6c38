"""Consistency: a ride must belong to a rider who exists, and make sense.

Run on its own: `python snippets/data_engineering/consistency.py`.
"""

from __future__ import annotations

# --8<-- [start:ghost-ride]
from ridehail.engines import execute
from ridehail.schema import create_small_world

GHOST_RIDE = """INSERT INTO rides VALUES
    (3, 99, NULL, 'Lisbon', '2026-01-05 09:00:00', 3.1, NULL, 'requested')"""
NEGATIVE_RIDE = """INSERT INTO rides VALUES
    (4, 1, NULL, 'Lisbon', '2026-01-05 09:05:00', -3.1, NULL, 'requested')"""


def attempt(connection, statement: str) -> str:
    """Run one insert; say whether the database accepted it."""
    try:
        execute(connection, statement)
    except Exception as error:
        return f"rejected ({type(error).__name__})"
    return "accepted"


# --8<-- [end:ghost-ride]

if __name__ == "__main__":
    from ridehail.engines import sqlite

    connection = sqlite()
    create_small_world(connection)
    print("ride by rider 99:", attempt(connection, GHOST_RIDE))
    print("negative distance:", attempt(connection, NEGATIVE_RIDE))
