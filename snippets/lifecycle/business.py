"""Step 6, business analysis: prediction errors turned into money, and a decision.

Run on its own: `python snippets/lifecycle/business.py`.
"""

from __future__ import annotations

# --8<-- [start:money]
import numpy as np

from lifecycle.model import load
from lifecycle.scoping import Scope
from ridehail.data import RUSH_HOURS

# Assumptions of this case study (a real team measures them, e.g. with an A/B test):
CANCEL_PER_LATE_MINUTE = 0.05  # each minute the driver is later than promised, beyond 2 min
LOSE_PER_EARLY_MINUTE = 0.03  # each minute the promise is too pessimistic, beyond 2 min


def revenue_lost(model, warehouse_path: str, week: str, *, rush_hour_only: bool = False) -> float:
    """Expected fares lost per 1,000 rides: cancelled when late, booked elsewhere when slow.

    With rush_hour_only, count only the losses on rush-hour rides (still per 1,000 rides).
    """
    features, actual = load(warehouse_path, (week,))
    late = actual - model.predict(features)  # > 0: the trip took longer than shown
    p_cancel = np.clip(CANCEL_PER_LATE_MINUTE * (late - 2), 0, 0.6)
    p_elsewhere = np.clip(LOSE_PER_EARLY_MINUTE * (-late - 2), 0, 0.5)
    fares = 2.5 + 1.2 * features[:, 0]
    counted = np.isin(features[:, 1], RUSH_HOURS) if rush_hour_only else True
    losses = (p_cancel + p_elsewhere) * fares * counted
    return round(float(np.sum(losses) / len(fares) * 1000), 2)


# --8<-- [end:money]


# --8<-- [start:decision]
def decide(scope: Scope, results: dict, lost: float, lost_by_baseline: float) -> str:
    """Keep the model, iterate on it, or go back to scoping."""
    misses = scope.check(results)
    if not misses:
        return (
            f"KEEP: meets every criterion, saves {lost_by_baseline - lost:.2f} EUR per 1,000 rides"
        )
    if lost < lost_by_baseline:
        return "ITERATE: still beats the baseline, but misses " + "; ".join(misses)
    return "RE-SCOPE: no better than the baseline; revisit the objective"


# --8<-- [end:decision]
