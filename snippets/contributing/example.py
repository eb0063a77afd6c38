"""Ride fares: the small program the example page includes piece by piece.

Run it on its own with `python snippets/contributing/example.py`.
"""

# --8<-- [start:fare]
BASE_FARE = 2.50  # euros
PER_KM = 1.20  # euros per kilometre


def fare(km: float, surge: float = 1.0) -> float:
    """Price of a ride of `km` kilometres at a surge multiplier."""
    return round((BASE_FARE + PER_KM * km) * surge, 2)


# --8<-- [end:fare]


# --8<-- [start:receipt]
def receipt(rides: list[tuple[str, float]]) -> str:
    """One line per ride: who rode, and what they paid."""
    return "\n".join(f"{rider:<6}{fare(km):>7.2f}" for rider, km in rides)


# --8<-- [end:receipt]

if __name__ == "__main__":
    print(receipt([("ana", 3.0), ("bo", 12.5)]))
