"""The case study so far, for pages that start in the middle: each step's own functions, in order.

Every page of the lifecycle chapter runs on its own, so a later page calls this to redo the
earlier steps (about a second) instead of depending on another page's run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lifecycle.data import TRAIN_WEEKS, history
from lifecycle.model import PaceBaseline, load, train
from lifecycle.monitoring import run_production


@dataclass
class SoFar:
    oltp: str
    warehouse: str
    model: object
    baseline: PaceBaseline


def first_iteration(directory: Path, *, with_production: bool = False) -> SoFar:
    """Steps 2 and 3 of the first iteration (and the production weeks of step 5 if asked)."""
    oltp, warehouse = history(directory)
    features, labels = load(warehouse, TRAIN_WEEKS)
    model, baseline = train(features, labels), PaceBaseline().fit(features, labels)
    if with_production:
        run_production(oltp, warehouse)
    return SoFar(oltp, warehouse, model, baseline)
