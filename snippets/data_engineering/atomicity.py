"""Atomicity: a booking whose payment fails must leave nothing behind.

Run on its own: `python snippets/data_engineering/atomicity.py`.
"""

from __future__ import annotations

# --8<-- [start:booking]
from collections.abc import Iterator
from contextlib import contextmanager

from ridehail.engines import execute
from ridehail.schema import create_small_world


class PaymentDeclined(Exception):
    """The card processor said no."""


def charge(card: str, amount: float) -> None:
    if card == "declined":
        raise PaymentDeclined(f"card {card!r} refused {amount:.2f}")


def book(connection, ride_id: int, driver_id: int, card: str) -> None:
    """Assign the driver, then take the payment: three writes and a call to the card processor."""
    execute(connection, "UPDATE drivers SET available = FALSE WHERE driver_id = ?", [driver_id])
    execute(
        connection,
        "UPDATE rides SET driver_id = ?, status = 'assigned' WHERE ride_id = ?",
        [driver_id, ride_id],
    )
    charge(card, 12.50)
    execute(
        connection,
        "INSERT INTO payments VALUES (?, ?, 12.50, 'authorised')",
        [ride_id, ride_id],
    )


def state(connection) -> str:
    """What the database says about driver 1 and ride 1."""
    available = execute(connection, "SELECT available FROM drivers WHERE driver_id = 1").fetchone()
    ride = execute(connection, "SELECT driver_id, status FROM rides WHERE ride_id = 1").fetchone()
    payments = execute(connection, "SELECT count(*) FROM payments").fetchone()
    return (
        f"driver 1 available: {bool(available[0])}, ride 1: {tuple(ride)}, payments: {payments[0]}"
    )


# --8<-- [end:booking]


# --8<-- [start:transaction]
@contextmanager
def transaction(connection) -> Iterator[None]:
    """BEGIN; COMMIT if the block finishes, ROLLBACK if it raises."""
    execute(connection, "BEGIN")
    try:
        yield
    except BaseException:
        execute(connection, "ROLLBACK")
        raise
    execute(connection, "COMMIT")


# --8<-- [end:transaction]


# --8<-- [start:swallowed]
def book_and_swallow_errors(connection) -> str:
    """A buggy caller: inside a transaction, it ignores a failed statement and commits anyway."""
    execute(connection, "BEGIN")
    execute(connection, "UPDATE drivers SET available = FALSE WHERE driver_id = 1")
    try:  # a negative amount breaks the CHECK constraint on payments
        execute(connection, "INSERT INTO payments VALUES (1, 1, -12.50, 'authorised')")
    except Exception as error:
        print("insert failed:", type(error).__name__)
    try:
        answer = execute(connection, "COMMIT")
        said = getattr(answer, "statusmessage", None)  # the server's reply, where there is one
        print("COMMIT accepted" + (f", the server answered {said}" if said else ""))
    except Exception as error:
        print("COMMIT refused:", type(error).__name__)
        execute(connection, "ROLLBACK")
    return state(connection)


# --8<-- [end:swallowed]


if __name__ == "__main__":
    from ridehail.engines import sqlite

    connection = sqlite()
    create_small_world(connection)
    try:
        with transaction(connection):
            book(connection, ride_id=1, driver_id=1, card="declined")
    except PaymentDeclined as error:
        print("booking failed:", error)
    print(state(connection))
