"""Many short labels drawn as one artist: the numbers in a widget's grid of cells.

A matplotlib ``Text`` costs about 0.4 ms to draw (layout, a graphics context,
transforms), most of it overhead for a one- or two-digit number; a widget
that rewrites 64 cell numbers on every move spends 25 ms on them. A
:class:`TextGrid` holds all of them and draws them with one graphics context
and cached text metrics, centred on their points like ``ha="center",
va="center"`` texts -- about a quarter of the cost. matplotlib has no text
collection, so this small artist is written by hand.
"""
from __future__ import annotations

import matplotlib as mpl
from matplotlib.artist import Artist
from matplotlib.font_manager import FontProperties


class TextGrid(Artist):
    """Short texts centred on points of an axes, drawn in one go.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes whose data coordinates the points are in.
    fontsize : float, optional
        Points (default 9, the course's smallest).

    Examples
    --------
    >>> from cnnlab.plot._figure import new_figure
    >>> ax = new_figure(figsize=(2, 2)).add_subplot()
    >>> grid = TextGrid(ax)
    >>> grid.set_items([(0.25, 0.5, "1", "black"), (0.75, 0.5, "16", "white")])
    >>> [text for _, _, text, _ in grid.items]
    ['1', '16']
    """

    zorder = 3

    def __init__(self, ax, *, fontsize: float = 9):
        super().__init__()
        self.items: list[tuple[float, float, str, object]] = []
        self._prop = FontProperties(size=fontsize)
        self.set_transform(ax.transData)
        ax.add_artist(self)
        self.set_clip_on(False)

    def set_fontsize(self, size: float) -> None:
        """Font size in points (marks the grid changed only if it differs)."""
        if size != self._prop.get_size():
            self._prop.set_size(size)
            self.stale = True

    def set_items(self, items) -> None:
        """Replace the labels: an iterable of ``(x, y, text, color)``."""
        self.items = list(items)
        self.stale = True

    def draw(self, renderer) -> None:
        if not self.get_visible() or not self.items:
            self.stale = False
            return
        points = self.get_transform().transform([(x, y) for x, y, _, _ in self.items])
        # a line's height and depth as Text lays it out (at least those of "lp")
        _, line_height, line_depth = _metrics(renderer, "lp", self._prop)
        gc = renderer.new_gc()
        gc.set_alpha(self.get_alpha())
        gc.set_antialiased(mpl.rcParams["text.antialiased"])
        flip = renderer.height if renderer.flipy() else None
        for (x, y), (_, _, text, color) in zip(points, self.items):
            if not text:
                continue
            width, height, depth = _metrics(renderer, text, self._prop)
            height, depth = max(height, line_height), max(depth, line_depth)
            baseline = y - height / 2 + depth
            gc.set_foreground(color)
            renderer.draw_text(gc, x - width / 2, flip - baseline if flip else baseline,
                               text, self._prop, 0)
        gc.restore()
        self.stale = False


def cell_numbers(grid: TextGrid, a, fmt: str, fit, *, wide: int) -> None:
    """Write the numbers of the 2-D array ``a`` centred in its cells on ``grid``.

    ``fit = (x0, y0, s)``: the top-left corner of cell (0, 0) and a cell's side.
    9 pt when ``a`` has more than ``wide`` columns, else 10 pt; white on the
    darker half of the values, black on the rest.

    Examples
    --------
    >>> import numpy as np
    >>> from cnnlab.plot._figure import new_figure
    >>> grid = TextGrid(new_figure().add_subplot())
    >>> cell_numbers(grid, np.array([[0, 4]]), "g", (0, 0, 1), wide=8)
    >>> grid.items
    [(0.5, 0.5, '0', 'black'), (1.5, 0.5, '4', 'white')]
    """
    import numpy as np

    x0, y0, s = fit
    lo, hi = (a.min(), a.max()) if a.size else (0, 0)
    mid = (lo + hi) / 2
    grid.set_fontsize(9 if a.shape[1] > wide else 10)
    grid.set_items((x0 + (j + 0.5) * s, y0 + (i + 0.5) * s, format(v.item(), fmt),
                    "white" if v > mid and hi > lo else "black")
                   for (i, j), v in np.ndenumerate(a))


def _metrics(renderer, text: str, prop) -> tuple:
    """Width, height and depth of ``text`` in pixels (matplotlib's cache when it has one)."""
    from matplotlib import text as mtext

    cached = getattr(mtext, "_get_text_metrics_with_cache", None)
    if cached is not None:
        return cached(renderer, text, prop, False, renderer.dpi)
    return renderer.get_text_width_height_descent(text, prop, ismath=False)
