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


def _metrics(renderer, text: str, prop) -> tuple:
    """Width, height and depth of ``text`` in pixels (matplotlib's cache when it has one)."""
    from matplotlib import text as mtext

    cached = getattr(mtext, "_get_text_metrics_with_cache", None)
    if cached is not None:
        return cached(renderer, text, prop, False, renderer.dpi)
    return renderer.get_text_width_height_descent(text, prop, ismath=False)
