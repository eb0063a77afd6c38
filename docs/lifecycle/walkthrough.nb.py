# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Walkthrough notebook: the whole loop, with charts
#
# This notebook runs the case study of the chapter from end to end with the same snippet
# functions the step pages use (`snippets/lifecycle/`), and draws what is easier to see than to
# read. It is executed when the site is built and by the test suite, so every chart comes from
# a real run.

# %%
import tempfile
from itertools import pairwise
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from lifecycle.data import TRAIN_WEEKS
from lifecycle.model import load, train
from lifecycle.monitoring import HOUR_BINS, PRODUCTION, column, psi
from lifecycle.story import first_iteration
from ridehail.data import RUSH_HOURS

so_far = first_iteration(Path(tempfile.mkdtemp()), with_production=True)
print("history and production recorded, extracted, and a first model trained")

# %% [markdown]
# ## The data: duration grows with distance, and faster at rush hour

# %%
features, labels = load(so_far.warehouse, TRAIN_WEEKS)
rush = np.isin(features[:, 1], RUSH_HOURS)
figure, axes = plt.subplots(figsize=(7, 3.5))
axes.scatter(features[~rush, 0], labels[~rush], s=4, alpha=0.4, label="other hours")
axes.scatter(features[rush, 0], labels[rush], s=4, alpha=0.4, label="rush hour")
axes.set_xlabel("distance (km)")
axes.set_ylabel("trip duration (min)")
axes.set_title("Training weeks: rides by distance and duration")
axes.legend()
plt.show()

# %% [markdown]
# ## The drift: rush hour takes over in week 8

# %%
reference = column(so_far.warehouse, "hour", TRAIN_WEEKS)
drifted = column(so_far.warehouse, "hour", ("2026-W08",))
figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
left.hist([reference, drifted], bins=HOUR_BINS, density=True, label=["training weeks", "week 8"])
left.set_xlabel("hour of request")
left.set_ylabel("share of rides")
left.legend()
weeks = list(PRODUCTION)
scores = [psi(reference, column(so_far.warehouse, "hour", (week,)), HOUR_BINS) for week in weeks]
right.bar(weeks, scores, color=["#3f51b5" if s <= 0.25 else "#e53935" for s in scores])
right.axhline(0.25, color="black", linestyle="--", label="alarm: PSI > 0.25")
right.set_ylabel("PSI of the hour of request")
right.legend()
figure.suptitle("Input drift, visible before any label arrives")
plt.show()

# %% [markdown]
# ## The metric over time: decay, and recovery by retraining

# %%
weeks = ("2026-W05", *PRODUCTION)
once = [
    np.abs(so_far.model.predict(x) - y).mean()
    for x, y in (load(so_far.warehouse, (w,)) for w in weeks)
]
weekly = [np.nan]
for previous, week in pairwise(weeks):
    model = train(*load(so_far.warehouse, (previous,)))
    x, y = load(so_far.warehouse, (week,))
    weekly.append(np.abs(model.predict(x) - y).mean())
figure, axes = plt.subplots(figsize=(7, 3.5))
axes.plot(weeks, once, "-o", label="first model, trained once")
axes.plot(weeks, weekly, "-s", label="retrained every week")
axes.axhline(3.0, color="black", linestyle="--", label="scope: MAE at most 3 min")
axes.set_ylabel("MAE (min)")
axes.set_title("Weekly error of the arrival-time model")
axes.legend()
plt.show()
print({week: round(float(mae), 2) for week, mae in zip(weeks, once, strict=True)})
