"""Figures that are returned, never shown through pyplot (shared by every figure maker).

:func:`new_figure` makes a :class:`CourseFigure`: a matplotlib ``Figure``
that is not registered with pyplot and knows how to show itself
(``_repr_png_``), so the value of a cell is drawn as a picture in every
front end -- JupyterLab, Colab, VS Code, nbconvert's HTML -- whether or not
pyplot's inline backend was ever loaded. :func:`to_png` is the one
figure -> PNG conversion in cnnlab (widgets, live plots and figures use it).
"""
from __future__ import annotations

import io
import math

#: resolution of figures shown in a notebook (matplotlib-inline's default is 100 dpi too)
DPI = 100


def to_png(fig, *, dpi: float = DPI, tight: bool = True) -> bytes:
    """The figure as PNG bytes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    dpi : float, optional
        Dots per inch (default 100).
    tight : bool, optional
        Crop to the drawn area (``bbox_inches="tight"``, as Jupyter does).

    Examples
    --------
    >>> to_png(new_figure(figsize=(1, 1)))[:4]
    b'\\x89PNG'
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight" if tight else None)
    return buffer.getvalue()


_CLASS = None


def figure_class():
    """The :class:`CourseFigure` class (imports matplotlib on first call)."""
    global _CLASS
    if _CLASS is None:
        from matplotlib.figure import Figure

        class CourseFigure(Figure):
            """A matplotlib Figure that displays itself as a PNG in IPython."""

            def _repr_png_(self):
                return to_png(self)

        _CLASS = CourseFigure
    return _CLASS


def new_figure(fig=None, figsize=(6.4, 4.8), *, layout: str | None = "constrained"):
    """Return ``fig`` cleared, or a new self-displaying figure not managed by pyplot.

    A figure made here is not registered with ``pyplot``: Jupyter shows it
    once, as the value of the cell (or with ``display(fig)``), and it is freed
    with its last reference.

    Examples
    --------
    >>> fig = new_figure()
    >>> fig.get_size_inches().tolist()
    [6.4, 4.8]
    >>> hasattr(fig, "_repr_png_")
    True
    """
    if fig is None:
        return figure_class()(figsize=figsize, layout=layout)
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
