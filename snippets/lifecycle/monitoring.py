"""Step 5, monitoring and continual learning: drift in production, detected, then retrained away.

Run on its own: `python snippets/lifecycle/monitoring.py`.
"""

from __future__ import annotations

# --8<-- [start:traffic]
from datetime import timedelta

import duckdb
import numpy as np
from scipy.stats import ks_2samp

from lifecycle.data import extract, record
from ridehail.data import START, generate_rides

# After week 7 a commuter promotion brings more rush-hour rides, and road works slow them down.
PRODUCTION = {
    "2026-W06": {"rush_share": 0.25, "congestion": 1.0},
    "2026-W07": {"rush_share": 0.25, "congestion": 1.0},
    "2026-W08": {"rush_share": 0.55, "congestion": 1.4},
    "2026-W09": {"rush_share": 0.55, "congestion": 1.4},
}


def run_production(oltp_path: str, warehouse_path: str) -> None:
    """Four weeks of rides recorded by the app, then extracted like the history was."""
    for number, conditions in enumerate(PRODUCTION.values()):
        monday = START + timedelta(weeks=4 + number)
        rides = generate_rides(
            1500, seed=100 + number, start=monday, days=7, first_id=10_000 * (number + 1),
            **conditions,
        )  # fmt: skip
        record(rides, oltp_path)
    extract(oltp_path, warehouse_path)


# --8<-- [end:traffic]


# --8<-- [start:drift]
def column(warehouse_path: str, name: str, weeks: tuple[str, ...]) -> np.ndarray:
    week_list = ", ".join(f"'{week}'" for week in weeks)
    with duckdb.connect(warehouse_path, read_only=True) as warehouse:
        return (
            warehouse.execute(
                f"SELECT {name} FROM trips WHERE strftime(requested, '%G-W%V') IN ({week_list})"
            )
            .fetchnumpy()[name]
            .astype(float)
        )


def psi(reference: np.ndarray, current: np.ndarray, bins: np.ndarray) -> float:
    """Population stability index: sum of (current - reference) * ln(current / reference)."""
    expected = np.histogram(reference, bins)[0] / len(reference) + 1e-6
    actual = np.histogram(current, bins)[0] / len(current) + 1e-6
    return float(np.sum((actual - expected) * np.log(actual / expected)))


HOUR_BINS = np.arange(6, 25)  # one bin per hour of service
PSI_ALARM = 0.25  # rule of thumb: < 0.1 stable, 0.1-0.25 watch, > 0.25 shifted
KS_ALARM = 0.01  # p-value below which the two samples are taken to differ


def drift(warehouse_path: str, reference: tuple[str, ...], week: str) -> str:
    """Compare one production week's inputs with the training weeks, before any label exists."""
    hours_then, hours_now = (column(warehouse_path, "hour", w) for w in (reference, (week,)))
    km_then, km_now = (column(warehouse_path, "distance_km", w) for w in (reference, (week,)))
    hour_psi = psi(hours_then, hours_now, HOUR_BINS)
    hour_p = ks_2samp(hours_then, hours_now).pvalue
    km_p = ks_2samp(km_then, km_now).pvalue
    alarm = hour_psi > PSI_ALARM or hour_p < KS_ALARM or km_p < KS_ALARM
    return (
        f"{week}: PSI(hour) {hour_psi:.3f}, KS p(hour) {hour_p:.1e}, KS p(distance) {km_p:.2f}"
        f" -> {'DRIFT' if alarm else 'ok'}"
    )


# --8<-- [end:drift]


# --8<-- [start:retrain]
def weekly_mae(model, warehouse_path: str, weeks: tuple[str, ...]) -> list[str]:
    """The model's error week by week, once each week's labels (trip durations) have arrived."""
    from lifecycle.model import load

    lines = []
    for week in weeks:
        features, labels = load(warehouse_path, (week,))
        lines.append(f"{week}: MAE {np.abs(model.predict(features) - labels).mean():.2f} min")
    return lines


# --8<-- [end:retrain]
