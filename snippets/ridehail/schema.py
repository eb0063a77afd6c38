"""Tables of the ride-hailing company, in SQL that SQLite, DuckDB and PostgreSQL all accept."""

TABLES = """
CREATE TABLE riders (
    rider_id   INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    city       TEXT NOT NULL
);
CREATE TABLE drivers (
    driver_id  INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    city       TEXT NOT NULL,
    available  BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE TABLE rides (
    ride_id     INTEGER PRIMARY KEY,
    rider_id    INTEGER NOT NULL REFERENCES riders (rider_id),
    driver_id   INTEGER REFERENCES drivers (driver_id),
    city        TEXT NOT NULL,
    requested   TIMESTAMP NOT NULL,
    distance_km DOUBLE PRECISION NOT NULL CHECK (distance_km > 0),
    duration_min DOUBLE PRECISION,
    status      TEXT NOT NULL CHECK (status IN ('requested', 'assigned', 'completed', 'cancelled'))
);
CREATE TABLE payments (
    payment_id INTEGER PRIMARY KEY,
    ride_id    INTEGER NOT NULL REFERENCES rides (ride_id),
    amount     DOUBLE PRECISION NOT NULL CHECK (amount >= 0),
    status     TEXT NOT NULL CHECK (status IN ('authorised', 'failed'))
);
"""


def create_tables(connection) -> None:
    """Create the four tables through any DB-API connection (one statement at a time)."""
    for statement in TABLES.split(";"):
        if statement.strip():
            connection.execute(statement)


SMALL_WORLD = """
INSERT INTO riders VALUES (1, 'Ana', 'Lisbon'), (2, 'Bruno', 'Lisbon');
INSERT INTO drivers VALUES (1, 'Carla', 'Lisbon', TRUE), (2, 'Duarte', 'Lisbon', TRUE);
INSERT INTO rides VALUES
    (1, 1, NULL, 'Lisbon', '2026-01-05 08:10:00', 4.2, NULL, 'requested'),
    (2, 2, NULL, 'Lisbon', '2026-01-05 08:11:00', 6.8, NULL, 'requested');
"""


def create_small_world(connection) -> None:
    """The tables, two riders who each requested a ride, and two free drivers."""
    create_tables(connection)
    for statement in SMALL_WORLD.split(";"):
        if statement.strip():
            connection.execute(statement)
