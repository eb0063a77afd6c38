"""Step 1, project scoping: the business goal turned into an ML objective that code can check.

Run on its own: `python snippets/lifecycle/scoping.py`.
"""

from __future__ import annotations

# --8<-- [start:objective]
from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    """What the project must achieve, written as data that later steps check against."""

    business_goal: str
    ml_objective: str
    max_mae_minutes: float  # mean absolute error of the predicted trip duration
    min_gain_over_baseline: float  # relative MAE improvement the model must bring
    latency_budget_ms: float  # 95th percentile of one online prediction
    allowed_features: tuple[str, ...]  # known at request time, no personal data
    max_rush_hour_mae_minutes: float | None = None  # added by the second iteration

    def check(self, results: dict[str, float]) -> list[str]:
        """The criteria that `results` miss (an empty list means: ship it)."""
        misses = []
        if results["mae"] > self.max_mae_minutes:
            misses.append(f"MAE {results['mae']:.2f} > {self.max_mae_minutes} min")
        gain = 1 - results["mae"] / results["baseline_mae"]
        if gain < self.min_gain_over_baseline:
            misses.append(f"gain over baseline {gain:.0%} < {self.min_gain_over_baseline:.0%}")
        if "p95_latency_ms" in results and results["p95_latency_ms"] > self.latency_budget_ms:
            misses.append(
                f"p95 latency {results['p95_latency_ms']:.1f} > {self.latency_budget_ms} ms"
            )
        limit = self.max_rush_hour_mae_minutes
        if limit is not None and results["rush_hour_mae"] > limit:
            misses.append(f"rush-hour MAE {results['rush_hour_mae']:.2f} > {limit} min")
        return misses


FIRST_SCOPE = Scope(
    business_goal="Riders trust the arrival time shown when they book, and cancel less",
    ml_objective="Predict trip duration in minutes from what is known when the ride is requested",
    max_mae_minutes=3.0,
    min_gain_over_baseline=0.20,
    latency_budget_ms=50.0,
    allowed_features=("distance_km", "hour", "weekday", "city"),
)
# --8<-- [end:objective]

if __name__ == "__main__":
    print(FIRST_SCOPE)
