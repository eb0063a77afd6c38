"""Step 3, model development: features, a baseline, a scikit-learn model, judged by the scope.

Run on its own: `python snippets/lifecycle/model.py`.
"""

from __future__ import annotations

# --8<-- [start:features]
from typing import Self

import duckdb
import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor

from ridehail.data import RUSH_HOURS

FEATURES = ("distance_km", "hour", "weekday", "city")  # all in the scope's allowed list
CITY_CODES = "CASE city WHEN 'Lisbon' THEN 0 WHEN 'Porto' THEN 1 ELSE 2 END"


def load(warehouse_path: str, weeks: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix and labels for the rides of the given ISO weeks, in time order."""
    week_list = ", ".join(f"'{week}'" for week in weeks)
    with duckdb.connect(warehouse_path, read_only=True) as warehouse:
        columns = warehouse.execute(f"""
            SELECT distance_km, hour, weekday, {CITY_CODES} AS city, label FROM trips
            WHERE strftime(requested, '%G-W%V') IN ({week_list}) ORDER BY requested, ride_id
        """).fetchnumpy()
    features = np.column_stack([columns[name] for name in FEATURES]).astype(float)
    return features, columns["label"].astype(float)


# --8<-- [end:features]


# --8<-- [start:baseline]
class PaceBaseline:
    """No ML: the typical minutes per kilometre of past rides, times the distance."""

    def fit(self, features: np.ndarray, labels: np.ndarray) -> Self:
        self.pace = float(np.median(labels / features[:, 0]))
        return self

    def predict(self, features: np.ndarray) -> np.ndarray:
        return self.pace * features[:, 0]


# --8<-- [end:baseline]


# --8<-- [start:train]
def train(features: np.ndarray, labels: np.ndarray) -> HistGradientBoostingRegressor:
    """Gradient-boosted trees: they learn the rush-hour and city effects from the data."""
    model = HistGradientBoostingRegressor(
        loss="absolute_error", max_iter=100, categorical_features=[3], random_state=0
    )
    return model.fit(features, labels)


def evaluate(model, baseline: PaceBaseline, features: np.ndarray, labels: np.ndarray) -> dict:
    """The numbers the scope's criteria speak about."""
    errors = np.abs(model.predict(features) - labels)
    rush = np.isin(features[:, 1], RUSH_HOURS)
    return {
        "mae": round(float(errors.mean()), 2),
        "rush_hour_mae": round(float(errors[rush].mean()), 2),
        "baseline_mae": round(float(np.abs(baseline.predict(features) - labels).mean()), 2),
    }


# --8<-- [end:train]

if __name__ == "__main__":
    import tempfile
    from pathlib import Path

    from lifecycle.data import TEST_WEEKS, TRAIN_WEEKS, history

    _, warehouse = history(Path(tempfile.mkdtemp()))
    x_train, y_train = load(warehouse, TRAIN_WEEKS)
    x_test, y_test = load(warehouse, TEST_WEEKS)
    baseline = PaceBaseline().fit(x_train, y_train)
    print(evaluate(train(x_train, y_train), baseline, x_test, y_test))
