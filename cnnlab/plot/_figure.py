"""Figures that are returned, never shown through pyplot (shared by every figure maker).

:func:`new_figure` makes a :class:`CourseFigure`: a matplotlib ``Figure``
that is not registered with pyplot and knows how to show itself
(``_repr_mimebundle_``), so the value of a cell is drawn as a picture in every
front end -- JupyterLab, Colab, VS Code, nbconvert's HTML -- whether or not
pyplot's inline backend was ever loaded. :func:`to_png` is the one
figure -> PNG conversion in cnnlab (widgets, live plots and figures use it).

Every picture carries alt text: the PNG's output metadata ``{"alt": …}``, which
nbconvert's HTML exporter writes into ``<img alt="…">`` (jupyter/nbconvert#1112),
and the same sentence as the ``text/plain`` form, which text-only views show. It
is ``fig.alt_text`` when a figure maker sets it, else :func:`describe` (titles
and axis labels).
"""
from __future__ import annotations

import base64
import io
import math

from cnnlab._validate import check_int

#: resolution of figures shown in a notebook (matplotlib-inline's default is 100 dpi too)
DPI = 100


def to_png(fig, *, dpi: float = DPI, tight: bool = True, compress_level: int = 6) -> bytes:
    """The figure as PNG bytes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    dpi : float, optional
        Dots per inch (default 100).
    tight : bool, optional
        Crop to the drawn area (``bbox_inches="tight"``, as Jupyter does). This
        draws the figure twice (once to measure it): a widget, whose figure is
        laid out once, passes ``tight=False``.
    compress_level : int, optional
        zlib level 0-9 of the PNG (Pillow's default 6). Widgets use 1: on a
        800x350 explorer figure encoding takes 7 ms instead of 10.5 ms for
        about 25 % more bytes (29 kB instead of 23 kB); 0 is no faster and 50x
        larger.

    Examples
    --------
    >>> to_png(new_figure(figsize=(1, 1)))[:4]
    b'\\x89PNG'
    >>> to_png(new_figure(figsize=(1, 1)), tight=False, compress_level=1)[:4]
    b'\\x89PNG'
    """
    if check_int("compress_level", compress_level) > 9:
        raise ValueError("`compress_level` must be an integer from 0 to 9. "
                         f"Received: compress_level={compress_level!r}.")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight" if tight else None,
                pil_kwargs={"compress_level": compress_level})
    return buffer.getvalue()


def rgba_to_png(rgba, *, compress_level: int = 6) -> bytes:
    """PNG bytes of an RGBA pixel buffer (a canvas's ``buffer_rgba()``, H×W×4 uint8).

    What :func:`to_png` does after drawing, for a widget that drew its canvas
    itself (``savefig`` would draw the whole figure again). Pillow writes it,
    as it writes matplotlib's PNGs.

    Examples
    --------
    >>> import numpy as np
    >>> png = rgba_to_png(np.zeros((2, 3, 4), np.uint8), compress_level=1)
    >>> png[:4], len(png) > 40
    (b'\\x89PNG', True)
    """
    import numpy as np
    from PIL import Image

    if check_int("compress_level", compress_level) > 9:
        raise ValueError("`compress_level` must be an integer from 0 to 9. "
                         f"Received: compress_level={compress_level!r}.")
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(rgba), "RGBA").save(buffer, format="png",
                                                   compress_level=compress_level)
    return buffer.getvalue()


def describe(fig) -> str:
    """A one-line description of ``fig`` from its titles and axis labels (alt text).

    Examples
    --------
    >>> fig = new_figure()
    >>> ax = fig.add_subplot(title="Loss per epoch", xlabel="epoch", ylabel="loss")
    >>> describe(fig)
    'Figure: Loss per epoch (epoch vs loss)'
    >>> describe(new_figure())
    'Figure (empty)'
    """
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
    panels = []
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>" or not ax.get_visible():
            continue
        title = ax.get_title() or ax.get_title("left") or ax.get_title("right")
        x, y = ax.get_xlabel(), ax.get_ylabel()
        axes_text = f"{x} vs {y}" if x and y else (x or y)
        part = f"{title} ({axes_text})" if title and axes_text else (title or axes_text)
        if part and part not in panels:
            panels.append(part)
    if not fig.axes:
        return "Figure (empty)"
    head = f"Figure: {suptitle}" if suptitle else "Figure"
    if len(fig.axes) > 1:
        head += f", {len(fig.axes)} panels"
    text = f"{head}: {'; '.join(panels)}" if panels else head
    return text if len(text) <= 300 else text[:297] + "..."


def png_bundle(png: bytes, alt: str) -> tuple[dict, dict]:
    """An IPython mime bundle: the PNG with ``alt`` as its alt text and plain text.

    Examples
    --------
    >>> data, meta = png_bundle(b"\\x89PNG", "A picture")
    >>> sorted(data), meta
    (['image/png', 'text/plain'], {'image/png': {'alt': 'A picture'}})
    """
    return ({"image/png": base64.b64encode(png).decode("ascii"), "text/plain": alt},
            {"image/png": {"alt": alt}})


_CLASS = None


def figure_class():
    """The :class:`CourseFigure` class (imports matplotlib on first call)."""
    global _CLASS
    if _CLASS is None:
        from matplotlib.figure import Figure

        class CourseFigure(Figure):
            """A matplotlib Figure that displays itself as a PNG with alt text in IPython.

            Set ``fig.alt_text`` to say what the figure shows; otherwise the alt
            text is made from its titles and axis labels (:func:`describe`).
            """

            alt_text: str | None = None

            def _repr_png_(self):
                return to_png(self)

            def _repr_mimebundle_(self, include=None, exclude=None):
                return png_bundle(to_png(self), self.alt_text or describe(self))

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
