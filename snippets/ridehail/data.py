"""Seeded synthetic rides: the same numbers on every machine, no download."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

CITIES = ("Lisbon", "Porto", "Braga")
RUSH_HOURS = (7, 8, 17, 18)
START = datetime(2026, 1, 5)  # a Monday


@dataclass(frozen=True)
class Ride:
    ride_id: int
    rider_id: int
    driver_id: int
    city: str
    requested: datetime
    distance_km: float
    duration_min: float


def trip_minutes(
    distance_km: float, hour: int, city: str, rng: random.Random, congestion: float = 1.0
) -> float:
    """The 'true' duration a model must learn: slower at rush hour and in Lisbon.

    `congestion` scales how much slower rush hour is; production drift raises it.
    """
    speed_kmh = 26.0 if city == "Lisbon" else 32.0
    if hour in RUSH_HOURS:
        speed_kmh /= 1.6 * congestion
    minutes = 3.0 + 60.0 * distance_km / speed_kmh
    return round(minutes * math.exp(rng.gauss(0.0, 0.12)), 2)


def generate_rides(
    n: int,
    *,
    seed: int,
    start: datetime = START,
    days: int = 28,
    rush_share: float = 0.25,
    congestion: float = 1.0,
    first_id: int = 1,
) -> list[Ride]:
    """`n` rides over `days` days from `start`, in time order.

    A share `rush_share` of them is requested in a rush hour (7-9 h, 17-19 h).
    """
    rng = random.Random(seed)
    rides = []
    for offset in range(n):
        city = rng.choice(CITIES)
        if rng.random() < rush_share:
            hour = rng.choice(RUSH_HOURS)
        else:
            hour = rng.choice([h for h in range(6, 24) if h not in RUSH_HOURS])
        requested = start + timedelta(
            days=rng.randrange(days), hours=hour, minutes=rng.randrange(60)
        )
        distance = round(min(rng.lognormvariate(1.3, 0.55), 40.0), 2)
        rides.append(
            Ride(
                ride_id=first_id + offset,
                rider_id=rng.randint(1, 500),
                driver_id=rng.randint(1, 120),
                city=city,
                requested=requested,
                distance_km=distance,
                duration_min=trip_minutes(distance, hour, city, rng, congestion),
            )
        )
    rides.sort(key=lambda ride: (ride.requested, ride.ride_id))
    return rides
