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
# # Example notebook
#
# A notebook page is a [jupytext](https://jupytext.readthedocs.io/) percent-format file,
# `docs/contributing/notebook.nb.py`. The build executes it with mkdocs-jupyter, and
# `tests/test_notebooks.py` executes it with nbclient; a cell that raises fails both.
# It imports the same snippet as the [example page](example.html) (notebook Markdown is not
# rewritten by MkDocs, so links point at the built `.html` page; the link checker verifies them).

# %%
from contributing.example import fare

distances = [0.5 * step for step in range(1, 41)]
fares = [fare(km) for km in distances]
print(f"{len(fares)} fares from {fares[0]:.2f} to {fares[-1]:.2f} euros")

# %% [markdown]
# Charts are drawn from the values computed above, at build time.

# %%
import matplotlib.pyplot as plt

figure, axes = plt.subplots(figsize=(6, 3))
axes.plot(distances, fares, label="normal")
axes.plot(distances, [fare(km, surge=1.5) for km in distances], label="surge x1.5")
axes.set_xlabel("distance (km)")
axes.set_ylabel("fare (euros)")
axes.legend()
plt.show()
