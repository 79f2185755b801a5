"""Figures that are returned, never shown (shared by the plot modules)."""
from __future__ import annotations

import math


def new_figure(fig=None, figsize=(6.4, 4.8)):
    """Return ``fig`` cleared, or a new figure not managed by pyplot.

    A figure made here is not registered with ``pyplot``: Jupyter shows it
    once, as the value of the cell, and it is freed with its last reference.

    Examples
    --------
    >>> new_figure().get_size_inches().tolist()
    [6.4, 4.8]
    """
    from matplotlib.figure import Figure

    if fig is None:
        return Figure(figsize=figsize, layout="constrained")
    fig.clear()
    return fig


def grid_shape(n: int, ncols: int) -> tuple[int, int]:
    """Rows and columns for ``n`` panels with at most ``ncols`` per row.

    Examples
    --------
    >>> grid_shape(10, 4)
    (3, 4)
    >>> grid_shape(3, 8)
    (1, 3)
    """
    cols = max(1, min(ncols, n))
    return max(1, math.ceil(n / cols)), cols
