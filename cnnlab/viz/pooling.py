"""Pooling explorer: windows, outputs, winners and where the gradient goes back.

:class:`PoolingExplorer` pools the 4x4 example of lesson 02 or a grey photo
with max, average, min or global average pooling, and shows three panels:

1. the input with the pooling windows outlined (and, for max/min, the winner
   of each window ringed);
2. the output;
3. the backward pass: where an upstream gradient of ones lands in the input
   (max/min: only on the winners; average: shared over each window).

The pure function :func:`pool_and_route` does all the arithmetic with
:mod:`cnnlab.ops`; the widget only draws its result.

Examples
--------
>>> from cnnlab.viz.pooling import EXAMPLE, pool_and_route
>>> r = pool_and_route(EXAMPLE, "max", 2, 2)
>>> r["y"].tolist()
[[20.0, 30.0], [112.0, 37.0]]
>>> r["winners"].tolist()          # (row, col) of each window's maximum
[[0, 1], [0, 2], [3, 0], [2, 2]]
"""
from __future__ import annotations

import numpy as np

from cnnlab._validate import check_choice, check_int
from cnnlab.viz.base import ExplorerBase

#: The 4x4 worked example of lesson 02.
EXAMPLE = np.array([[12, 20, 30, 0],
                    [8, 12, 2, 0],
                    [34, 70, 37, 4],
                    [112, 100, 25, 12]], dtype=float)

MODES = ("max", "average", "min", "global average")
EXAMPLE_NAME = "4x4 example"

#: draw window outlines and winner rings only up to this many windows
MAX_OUTLINES = 64


def pool_and_route(x, mode: str = "max", pool_size: int = 2, strides: int | None = None) -> dict:
    """Pool a 2-D array and send a gradient of ones back through the pooling.

    Parameters
    ----------
    x : array_like of shape (H, W)
        One feature map (or a grey image).
    mode : {"max", "average", "min", "global average"}, optional
    pool_size : int, optional
        Window side (default 2); ignored for global average pooling.
    strides : int, optional
        Step between windows; ``None`` means ``pool_size``.

    Returns
    -------
    dict
        ``y`` (output, 2-D; 1x1 for global average), ``dx`` (gradient of
        ``sum(y)`` with respect to ``x``: where a gradient of ones lands),
        ``windows`` (int array of shape (n, 4): ``row, col, height, width`` of
        each window in input pixels, row-major), ``winners`` (int array of
        shape (n, 2): input ``row, col`` of each window's winner, or ``None``
        for the averages), ``input_shape``, ``output_shape``.

    Raises
    ------
    ValueError
        For an unknown mode, a window larger than the input, bad sizes.

    See Also
    --------
    cnnlab.ops.max_pool2d, cnnlab.ops.max_pool2d_backward, cnnlab.ops.avg_pool2d_backward

    Examples
    --------
    Overlapping windows (stride 1): the 70 wins two windows, so it receives
    two gradients.

    >>> r = pool_and_route(EXAMPLE, "max", 2, 1)
    >>> int(r["dx"][2, 1])
    2
    >>> pool_and_route(EXAMPLE, "average")["dx"][0].tolist()
    [0.25, 0.25, 0.25, 0.25]
    """
    from cnnlab import ops

    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"`x` must be a 2-D array (H, W). Received: x.shape={x.shape}.")
    check_choice("mode", mode, MODES)
    h, w = x.shape
    if mode == "global average":
        y = ops.global_avg_pool2d(x[None, :, :, None]).reshape(1, 1)
        return {"y": y, "dx": np.full_like(x, 1.0 / x.size),
                "windows": np.array([[0, 0, h, w]]),
                "winners": None, "input_shape": (h, w), "output_shape": (1, 1)}
    check_int("pool_size", pool_size, 1)
    strides = pool_size if strides is None else check_int("strides", strides, 1)
    x4 = x[None, :, :, None]
    if mode == "average":
        y = ops.avg_pool2d(x4, pool_size, strides)
        dx = ops.avg_pool2d_backward(np.ones_like(y), x4, pool_size, strides)
        index = None
    elif mode == "max":
        y, index = ops.max_pool2d(x4, pool_size, strides, return_argmax=True)
        dx = ops.max_pool2d_backward(np.ones_like(y), x4, pool_size, strides)
    else:
        y, index = ops.min_pool2d(x4, pool_size, strides, return_argmin=True)
        dx = None
    out_h, out_w = y.shape[1:3]
    rows = np.repeat(np.arange(out_h) * strides, out_w)
    cols = np.tile(np.arange(out_w) * strides, out_h)
    windows = np.stack([rows, cols, np.full_like(rows, pool_size),
                        np.full_like(rows, pool_size)], axis=1)
    winners = None
    if index is not None:
        k = index[0, :, :, 0].ravel()
        winners = np.stack([rows + k // pool_size, cols + k % pool_size], axis=1)
        if dx is None:  # min pooling: route to the argmin, like max pooling's backward
            dx2 = np.zeros_like(x)
            np.add.at(dx2, (winners[:, 0], winners[:, 1]), 1.0)
            dx = dx2[None, :, :, None]
    return {"y": y[0, :, :, 0].astype(np.float64), "dx": dx[0, :, :, 0].astype(np.float64),
            "windows": windows, "winners": winners, "input_shape": (h, w),
            "output_shape": (int(out_h), int(out_w))}


def _photo(name: str, size: int) -> np.ndarray:
    from cnnlab.data import sample_image
    return np.asarray(sample_image(name, size=size, grey=True), dtype=np.float64)[..., 0]


#: window outlines: Okabe-Ito colours (told apart with colour-blindness too),
#: each with its own line style, so no window is known by its colour alone
WINDOW_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9")
WINDOW_STYLES = ("-", "--", ":", "-.")
#: the winners are ringed (the ring, not its colour, marks them)
RING_COLOR = "#D55E00"


class PoolingExplorer(ExplorerBase):
    """Max, average, min and global average pooling on the 4x4 example or a photo.

    Parameters
    ----------
    photos : sequence of str, optional
        Offline photos to offer (:func:`cnnlab.data.sample_image_names`).
    size : int, optional
        Starting side of the resized photo in pixels (default 64; a slider
        changes it from 8 to 256).
    source : str, optional
        Starting input: ``"4x4 example"`` (default) or ``"photo: <name>"``.

    Notes
    -----
    Controls: source, mode, pool size, stride, photo size. ``result`` is the
    dict of :func:`pool_and_route` plus ``x`` (the input), ``mode``,
    ``pool_size``, ``strides`` and ``summary`` (one line of text).

    Examples
    --------
    >>> w = PoolingExplorer()  # doctest: +SKIP
    >>> w.result["y"].tolist()  # doctest: +SKIP
    [[20.0, 30.0], [112.0, 37.0]]
    >>> w.controls["pool_size"].value = 5  # doctest: +SKIP
    >>> w.result is None and "larger than" in w.message.value  # doctest: +SKIP
    True
    """

    figsize = (10.5, 3.6)

    def __init__(self, *, photos=("camera", "chelsea", "coins"), size: int = 64,
                 source: str = EXAMPLE_NAME):
        import ipywidgets as widgets

        check_int("size", size, 2)
        sources = [EXAMPLE_NAME, *[f"photo: {p}" for p in photos]]
        check_choice("source", source, sources)
        self._photos = {}
        style = {"description_width": "initial"}
        controls = {
            "source": widgets.Dropdown(options=sources, value=source, description="input",
                                       style=style),
            "mode": widgets.ToggleButtons(options=MODES, value="max", description="pooling",
                                          style={"button_width": "7.5em"}),
            "pool_size": widgets.IntSlider(2, min=1, max=8, description="pool size",
                                           style=style, continuous_update=False),
            "strides": widgets.IntSlider(2, min=1, max=8, description="stride", style=style,
                                         continuous_update=False),
            "size": widgets.IntSlider(min(max(size, 8), 256), min=8, max=256, step=8,
                                      description="photo size (px)", style=style,
                                      continuous_update=False),
        }
        super().__init__(controls)

    def image(self, source: str, size: int) -> np.ndarray:
        """The input array for a source name (photos are cached per size)."""
        if source == EXAMPLE_NAME:
            return EXAMPLE
        key = (source, size)
        if key not in self._photos:
            self._photos[key] = _photo(source.split(": ", 1)[1], size)
        return self._photos[key]

    def compute(self, source, mode, pool_size, strides, size) -> dict:
        x = self.image(source, size)
        result = pool_and_route(x, mode, pool_size, strides)
        (h, w), (oh, ow) = result["input_shape"], result["output_shape"]
        if mode == "global average":
            summary = f"{h}x{w} -> 1x1: the mean of the whole map"
        else:
            summary = (f"{h}x{w} -> {oh}x{ow}: out = floor(({h} - {pool_size}) / {strides}) + 1"
                       f" = {oh}")
        result.update(x=x, mode=mode, pool_size=pool_size, strides=strides, summary=summary)
        return result

    def draw(self, result, fig) -> None:
        """Input with windows and winners, output, backward pass.

        The axes and artists are made once and changed in place. Each panel
        keeps fixed limits, a unit square in which its array is fitted
        (:func:`_fit`), so a new pool size, stride or mode moves no axis: the
        output, the gradient, the outlines, rings, numbers and titles are
        animated (``ExplorerBase.animate``) and an update draws only them over
        the kept rest. A new input (source, photo size) redraws the whole figure.
        """
        art = getattr(self, "_art", None)
        if art is None or self.kept_axes(fig) is None:
            art = self._art = self._make_artists(fig)
        x, y, dx = result["x"], result["y"], result["dx"]
        small = x.size <= 64

        # input: unanimated, touched only when it changes
        if art["x"] is not x:
            art["x"] = x
            fit = art["in_fit"] = _fit(x.shape)
            im = art["ims"][0]
            if small:
                self._matrix(art, 0, x, "g", fit, "Greys", 0, x.max() * 1.6)
            else:
                self._picture_of(art, 0, x, fit, "gray", "antialiased")
            im.set_visible(True)
        x0, y0, s = art["in_fit"]
        windows = result["windows"]
        outlines = art["outlines"]
        shown = windows if len(windows) <= MAX_OUTLINES else windows[:0]
        while len(outlines) < len(shown):
            outline = art["ax_in"].add_patch(_outline())
            self.animate(outline)
            outlines.append(outline)
        for n, (outline, (r, c, hh, ww)) in enumerate(zip(outlines, shown)):
            inset = 0.06 * (n % 3) if small else 0
            outline.set_bounds(x0 + (c + inset) * s, y0 + (r + inset) * s,
                               (ww - 2 * inset) * s, (hh - 2 * inset) * s)
            outline.set_linewidth(2 if small else 1)
            outline.set_edgecolor(WINDOW_COLORS[n % len(WINDOW_COLORS)])
            outline.set_linestyle(WINDOW_STYLES[n % len(WINDOW_STYLES)])
            outline.set_visible(True)
        for outline in outlines[len(shown):]:
            outline.set_visible(False)
        winners = result["winners"]
        rings = winners is not None and len(winners) <= 4 * MAX_OUTLINES
        ring = art["rings"]
        ring.set_visible(bool(rings))
        if rings:
            ring.set_offsets(np.column_stack([x0 + (winners[:, 1] + 0.5) * s,
                                              y0 + (winners[:, 0] + 0.5) * s]))
            ring.set_sizes([260 if small else 12])
            ring.set_linewidths([2 if small else 1])

        # output and gradient: animated
        if y.size <= 64:
            self._matrix(art, 1, y, ".3g", _fit(y.shape), "Greys", 0,
                         max(y.max(), 1e-9) * 1.6)
        else:
            self._picture_of(art, 1, y, _fit(y.shape), "gray", "antialiased")
        if small:
            self._matrix(art, 2, dx, ".3g", _fit(dx.shape), "Oranges", 0,
                         max(dx.max(), 1e-9) * 1.6)
        else:
            self._picture_of(art, 2, dx, _fit(dx.shape), "magma", "nearest")
        self._set_titles(art, result, rings)

    def _matrix(self, art, k, a, fmt, fit, cmap, vmin, vmax):
        """Panel ``k`` as :func:`cnnlab.plot.matrix` draws it: cells, frame, numbers."""
        x0, y0, s = fit
        im = art["ims"][k]
        im.set_data(a)
        im.set_cmap(cmap)
        im.set_clim(vmin, vmax)
        im.set_interpolation("nearest")
        im.set_extent((x0, x0 + a.shape[1] * s, y0 + a.shape[0] * s, y0))
        art["frames"][k].set_bounds(x0, y0, a.shape[1] * s, a.shape[0] * s)
        art["frames"][k].set_visible(True)
        from cnnlab.viz._text_grid import TextGrid, cell_numbers

        if art["texts"][k] is None:
            art["texts"][k] = TextGrid(art["axes"][k])
            if k:
                self.animate(art["texts"][k])
        if np.all(a == np.round(a)):
            fmt = "g"                       # whole numbers stay whole
        elif a.shape[1] > 4:
            fmt = ".2f"                     # more digits would overflow narrow cells
        cell_numbers(art["texts"][k], a, fmt, fit, wide=6)

    @staticmethod
    def _picture_of(art, k, a, fit, cmap, interpolation):
        """Panel ``k`` as a plain picture: no frame, no numbers."""
        x0, y0, s = fit
        im = art["ims"][k]
        im.set_data(a)
        im.set_cmap(cmap)
        im.set_clim(float(a.min()), float(a.max()))
        im.set_interpolation(interpolation)
        im.set_extent((x0, x0 + a.shape[1] * s, y0 + a.shape[0] * s, y0))
        art["frames"][k].set_visible(False)
        if art["texts"][k] is not None:
            art["texts"][k].set_items([])

    def _make_artists(self, fig) -> dict:
        """Three fixed panels with empty artists; all but the input's are animated."""
        import matplotlib.patches as patches

        fig.clear()
        axes = fig.subplots(1, 3)
        self.keep_axes(*axes)
        art = {"axes": axes, "ax_in": axes[0], "x": None, "ims": [], "frames": [],
               "texts": [None, None, None], "outlines": []}
        for k, ax in enumerate(axes):
            art["ims"].append(ax.imshow(np.zeros((1, 1)), extent=(0, 1, 1, 0)))
            art["frames"].append(ax.add_patch(patches.Rectangle(
                (0, 0), 1, 1, fill=False, edgecolor="black", linewidth=0.8, clip_on=False)))
            ax.set_xlim(0, 1)             # fixed: arrays are fitted into the square
            ax.set_ylim(1, 0)
            ax.set_aspect("equal")
            ax.set_axis_off()
            ax.set_title(" ", y=1.0)
            if k:
                # an opaque square under the panel: the kept picture holds the
                # last images (drawn there too), which a smaller one must cover
                ground = ax.add_patch(patches.Rectangle(
                    (0, 0), 1, 1, facecolor=fig.get_facecolor(), edgecolor="none",
                    zorder=-1))
                self.animate(ground, art["ims"][k], art["frames"][k], ax.title)
        art["rings"] = axes[0].scatter([], [], s=260, facecolors="none",
                                       edgecolors=RING_COLOR, linewidths=2, zorder=4)
        for ax in axes:                   # scatter and imshow autoscaled: fixed again
            ax.set_xlim(0, 1)
            ax.set_ylim(1, 0)
        # on an axes, in figure coordinates: a figure's own animated artists
        # are left out of every whole draw, savefig included
        art["heading"] = axes[1].text(0.5, 0.98, "", ha="center", va="top", fontsize=10,
                                      transform=fig.transFigure)
        self.animate(art["rings"], axes[0].title, art["heading"])
        return art

    def _set_titles(self, art, result, rings):
        x, y = result["x"], result["y"]
        axes = art["axes"]
        axes[0].title.set_text(f"input {x.shape[0]}x{x.shape[1]}"
                               + (" (winners ringed)" if rings else ""))
        axes[1].title.set_text(f"{result['mode']} pool -> {y.shape[0]}x{y.shape[1]}")
        axes[2].title.set_text("backward: where a gradient of 1s lands")
        axes[2].title.set_fontsize(10)
        art["heading"].set_text(result["summary"])


def _outline():
    """An empty window outline (placed and styled by ``PoolingExplorer.draw``)."""
    from matplotlib.patches import Rectangle
    return Rectangle((0, 0), 1, 1, fill=False, zorder=3.5)   # animated: above the numbers


def _fit(shape) -> tuple[float, float, float]:
    """Where an (M, N) array sits in a unit square, centred: left, top, cell side."""
    m, n = shape
    s = 1 / max(m, n)
    return (1 - n * s) / 2, (1 - m * s) / 2, s
