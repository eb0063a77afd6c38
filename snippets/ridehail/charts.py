"""Charts drawn at build time (hooks.py FIGURES): matplotlib without a screen, saved as SVG."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display on build machines

import matplotlib.pyplot as plt


def figure(*args, **options):
    """A new figure and its axes, as plt.subplots(*args, **options)."""
    return plt.subplots(*args, **options)


def svg(fig) -> bytes:
    """The figure as SVG bytes, without the date that would make every build differ."""
    fig.tight_layout()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue().encode()
