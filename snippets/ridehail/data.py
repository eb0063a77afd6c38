"""Seeded synthetic rides: the same numbers on every machine, no download."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

CITIES = ("Lisbon", "Porto", "Braga")
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


def rush_hour(hour: int) -> bool:
    return hour in (7, 8, 17, 18)


def trip_minutes(
    distance_km: float, hour: int, city: str, rng: random.Random, congestion: float = 1.0
) -> float:
    """The 'true' duration the model must learn: speed drops at rush hour and in Lisbon."""
    speed_kmh = 32.0 if city != "Lisbon" else 26.0
    if rush_hour(hour):
        speed_kmh /= 1.6 * congestion
    minutes = 3.0 + 60.0 * distance_km / speed_kmh
    return round(minutes * math.exp(rng.gauss(0.0, 0.12)), 2)


def generate_rides(
    n: int,
    *,
    seed: int = 7,
    start: datetime = START,
    days: int = 28,
    cities: tuple[str, ...] = CITIES,
    congestion: float = 1.0,
    first_id: int = 1,
) -> list[Ride]:
    """`n` rides spread over `days` days from `start`, in time order."""
    rng = random.Random(seed)
    rides = []
    for offset in range(n):
        city = rng.choice(cities)
        requested = start + timedelta(minutes=rng.uniform(0, days * 24 * 60))
        distance = round(rng.lognormvariate(1.3, 0.55), 2)
        rides.append(
            Ride(
                ride_id=first_id + offset,
                rider_id=rng.randint(1, 500),
                driver_id=rng.randint(1, 120),
                city=city,
                requested=requested.replace(microsecond=0),
                distance_km=distance,
                duration_min=trip_minutes(distance, requested.hour, city, rng, congestion),
            )
        )
    rides.sort(key=lambda ride: ride.requested)
    return rides
