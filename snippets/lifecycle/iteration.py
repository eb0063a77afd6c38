"""The second iteration: the scope revised by what monitoring and business analysis found.

Run on its own: `python snippets/lifecycle/iteration.py`.
"""

from __future__ import annotations

# --8<-- [start:scope]
from dataclasses import replace
from itertools import pairwise

from lifecycle.business import decide, revenue_lost
from lifecycle.model import evaluate, load, train
from lifecycle.monitoring import PRODUCTION
from lifecycle.scoping import FIRST_SCOPE

SECOND_SCOPE = replace(
    FIRST_SCOPE,
    max_rush_hour_mae_minutes=3.0,  # the rides where the money is lost
)
RETRAIN_ON_LAST_WEEKS = 1  # policy: every week, retrain on the newest labelled week


# --8<-- [end:scope]


# --8<-- [start:loop]
def run_with_weekly_retraining(so_far) -> list[str]:
    """Each production week is predicted by a model trained on the week before it."""
    lines = []
    weeks = ("2026-W05", *PRODUCTION)
    for previous, week in pairwise(weeks):
        model = train(*load(so_far.warehouse, (previous,)))
        results = evaluate(model, so_far.baseline, *load(so_far.warehouse, (week,)))
        lost = revenue_lost(model, so_far.warehouse, week)
        verdict = decide(
            SECOND_SCOPE, results, lost, revenue_lost(so_far.baseline, so_far.warehouse, week)
        )
        lines.append(
            f"{week} (trained on {previous}): MAE {results['mae']:.2f}, "
            f"rush hour {results['rush_hour_mae']:.2f} -> {verdict.split(':')[0]}"
        )
    return lines


# --8<-- [end:loop]
