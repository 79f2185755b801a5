"""1×1 convolution explorer: a dense layer applied to every pixel's channel vector.

:class:`OneByOneExplorer` mixes a stack of C channels into F output channels
with a C×F weight matrix and F biases, and shows the product for one chosen
pixel: ``y = x @ W + b`` with ``x`` that pixel's C values. The same ``W`` and
``b`` are used at every pixel, so the output keeps height and width and only
the number of channels changes.

:func:`channel_stack` builds the C input channels from a photo (red, green,
blue, then derived maps: grey, edges, blur, ...).

Examples
--------
>>> CHANNEL_NAMES[:4]
('red', 'green', 'blue', 'grey')
"""
from __future__ import annotations

import numpy as np

from cnnlab._validate import check_int
from cnnlab.viz.base import ExplorerBase

#: Names of the channels :func:`channel_stack` derives from an RGB photo, in order.
CHANNEL_NAMES = ("red", "green", "blue", "grey", "edges x", "edges y", "blur", "inverted")


def channel_stack(rgb) -> np.ndarray:
    """Eight channels derived from an RGB image, stacked on the last axis.

    Parameters
    ----------
    rgb : array_like of shape (H, W, 3)
        Values in [0, 1].

    Returns
    -------
    ndarray of shape (H, W, 8)
        Channels named in :data:`CHANNEL_NAMES`: red, green, blue, grey (the
        mean), absolute Sobel responses along x and y of the grey image
        (divided by 4, so they stay in [0, 1]), a 3×3 box blur and
        ``1 - grey``.

    Examples
    --------
    >>> channel_stack(np.ones((4, 4, 3))).shape
    (4, 4, 8)
    """
    from cnnlab.ops import correlate2d

    rgb = np.asarray(rgb, dtype=float)
    if rgb.ndim != 3 or rgb.shape[-1] != 3:
        raise ValueError("`rgb` must have shape (H, W, 3). "
                         f"Received: rgb.shape={rgb.shape}.")
    grey = rgb.mean(axis=-1)
    sobel = np.array([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    ex = np.abs(correlate2d(grey, sobel, padding="same")) / 4
    ey = np.abs(correlate2d(grey, sobel.T, padding="same")) / 4
    blur = correlate2d(grey, np.full((3, 3), 1 / 9), padding="same")
    return np.dstack([rgb, grey, ex, ey, blur, 1 - grey])


def mixing_weights(channels: int, filters: int, seed: int = 0):
    """Readable random weights (one decimal) of a 1×1 layer, C×F plus F biases.

    The full 8×8 matrix is drawn once per seed and cut to ``channels × filters``,
    so adding a channel or a filter keeps the weights already shown.

    Examples
    --------
    >>> w, b = mixing_weights(3, 2)
    >>> w.shape, b.shape
    ((3, 2), (2,))
    >>> bool(np.all(mixing_weights(8, 8)[0][:3, :2] == w))
    True
    """
    check_int("channels", channels, 1)
    check_int("filters", filters, 1)
    check_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    size = max(8, channels, filters)
    w = np.round(rng.normal(0, 0.6, size=(size, size)), 1)
    b = np.round(rng.normal(0, 0.2, size=size), 1)
    return w[:channels, :filters], b[:filters]


def _mosaic(maps: np.ndarray) -> np.ndarray:
    """Side-by-side maps (H, W, K) -> (H, K*(W+1)-1), each scaled to [0, 1], NaN gaps."""
    h, w, k = maps.shape
    out = np.full((h, k * (w + 1) - 1), np.nan)
    for i in range(k):
        m = maps[..., i]
        lo, hi = m.min(), m.max()
        out[:, i * (w + 1):i * (w + 1) + w] = (m - lo) / (hi - lo) if hi > lo else 0.5
    return out


class OneByOneExplorer(ExplorerBase):
    """Mix C channels into F with a 1×1 convolution; see one pixel's matrix product.

    Parameters
    ----------
    stack : array_like of shape (H, W, C), optional
        Your own channel stack. Default: :func:`channel_stack` of a photo.
    photo : str, optional
        Offline photo to derive channels from (default ``"astronaut"``).
    size : int, optional
        Side of the resized photo (default 32).

    Notes
    -----
    Controls: number of input channels C, number of filters F, the pixel's row
    and column, and the seed of the random weights. ``result`` holds ``x``
    (H, W, C), ``weights`` (C, F), ``bias`` (F,), ``pixel`` (C,), ``mixed``
    (F,) = ``pixel @ weights + bias``, ``y`` (H, W, F), ``params`` and ``macs``.

    Examples
    --------
    In a notebook (the widget displays itself):

    >>> w = OneByOneExplorer(stack=np.ones((4, 4, 3)))  # doctest: +SKIP
    >>> w.controls["filters"].value = 2  # doctest: +SKIP
    >>> w.result["y"].shape, w.result["params"]  # doctest: +SKIP
    ((4, 4, 2), 8)
    """

    figsize = (11, 6)

    def __init__(self, stack=None, *, photo: str = "astronaut", size: int = 32):
        import ipywidgets as widgets

        if stack is None:
            from cnnlab.data import sample_image
            check_int("size", size, 2)
            stack = channel_stack(sample_image(photo, size=size))
            names = CHANNEL_NAMES
        else:
            stack = np.asarray(stack, dtype=float)
            if stack.ndim != 3:
                raise ValueError("`stack` must have shape (H, W, C). "
                                 f"Received: stack.shape={stack.shape}.")
            names = tuple(f"channel {i}" for i in range(stack.shape[-1]))
        self.stack, self.channel_names = stack, names
        h, w, c = stack.shape
        controls = {
            "channels": widgets.IntSlider(min(3, c), min=1, max=c, description="C (in)"),
            "filters": widgets.IntSlider(min(4, max(c, 2)), min=1, max=8,
                                         description="F (out)"),
            "row": widgets.IntSlider(h // 2, min=0, max=h - 1, description="pixel row"),
            "col": widgets.IntSlider(w // 2, min=0, max=w - 1, description="pixel col"),
            "seed": widgets.IntSlider(0, min=0, max=9, description="weights seed"),
        }
        super().__init__(controls)

    def compute(self, channels: int, filters: int, row: int, col: int, seed: int = 0) -> dict:
        """Apply the 1×1 layer; pure (the stack is fixed at construction)."""
        from cnnlab.arith import conv_macs, conv_params
        from cnnlab.ops import conv2d

        h, w, c_max = self.stack.shape
        check_int("channels", channels, 1)
        if channels > c_max:
            raise ValueError(f"`channels` must be at most {c_max} (the stack has {c_max}). "
                             f"Received: channels={channels}.")
        if not (0 <= row < h and 0 <= col < w):
            raise ValueError(f"The pixel must lie in the {h}x{w} image. "
                             f"Received: row={row}, col={col}.")
        x = self.stack[..., :channels]
        weights, bias = mixing_weights(channels, filters, seed)
        y = conv2d(x[None], weights[None, None], bias)[0]
        pixel = x[row, col]
        return {"x": x, "weights": weights, "bias": bias, "pixel": pixel,
                "mixed": pixel @ weights + bias, "y": y, "cell": (row, col),
                "names": self.channel_names[:channels],
                "params": conv_params(1, channels, filters),
                "macs": conv_macs((h, w, channels), 1, filters)}

    def draw(self, result: dict, fig) -> None:
        """Input maps, the per-pixel product x·W + b = y, output maps.

        The layout is made once, for the largest C and F the sliders allow:
        the maps are drawn left-aligned at a fixed scale, the product's arrays
        in one panel of cells of a fixed size (``x`` right-aligned next to
        ``W``; ``b`` above ``y``), so no axis moves when C, F, the pixel or the
        seed change. Everything that changes is animated
        (``ExplorerBase.animate``): an update draws only it, over opaque
        grounds that hide the previous, larger arrays.
        """
        art = getattr(self, "_art", None)
        if art is None or self.kept_axes(fig) is None:
            art = self._art = self._make_artists(fig)
        x, y = result["x"], result["y"]
        (r, c), (h, w, cin), f = result["cell"], x.shape, y.shape[-1]
        names = result["names"]
        names = ", ".join(names) if len(names) <= 8 else f"{names[0]}, …, {names[-1]}"
        for (im, boxes, title), maps, label in (
                (art["maps"][0], x, f"input {h}×{w}×{cin}: {names}"),
                (art["maps"][1], y, f"output {h}×{w}×{f}")):
            k = maps.shape[-1]
            im.set_data(_mosaic(maps))
            im.set_extent((-0.5, k * (w + 1) - 1.5, h - 0.5, -0.5))
            boxes.set_verts([[(i * (w + 1) + c - 0.5 + dx, r - 0.5 + dy)
                              for dx, dy in ((0, 0), (1, 0), (1, 1), (0, 1))]
                             for i in range(k)])
            title.set_text(label)
        lim = max(np.abs(result["weights"]).max(), np.abs(result["mixed"]).max(), 1e-9)
        for block, a, label, fmt, vlim in zip(art["products"], (
                result["pixel"][None], result["weights"], result["bias"][None],
                result["mixed"][None]), (
                f"x[{r},{c}]  (1×{cin})", f"· W  ({cin}×{f})", f"+ b  (1×{f})",
                f"= y[{r},{c}]  (1×{f})"), (".2f", ".1f", ".1f", ".2f"),
                (1.0, lim, lim, lim)):
            im, frame, texts, title = block["im"], block["frame"], block["texts"], block["title"]
            m, n = a.shape
            left = block["right"] - n if block["right"] is not None else block["left"]
            top = block["top"]
            im.set_verts([[(left + j, top + i), (left + j + 1, top + i),
                           (left + j + 1, top + i + 1), (left + j, top + i + 1)]
                          for i, j in np.ndindex(m, n)])
            im.set_array(a.ravel())
            im.set_clim(-vlim, vlim)
            frame.set_bounds(left, top, n, m)
            for text, ((i, j), v) in zip(texts, np.ndenumerate(a)):   # dark cells: white
                text.set_position((left + j + 0.5, top + i + 0.5))
                text.set_text(format(v.item(), fmt))
                text.set_color("white" if abs(v) > 0.6 * vlim else "black")
                text.set_visible(True)
            for text in texts[a.size:]:
                text.set_visible(False)
            title.set_text(label)
        art["formula"].set_text(
            f"y[{r},{c}] = x[{r},{c}] · W + b at every pixel.   "
            f"Parameters C·F + F = {cin}·{f} + {f} = {result['params']:,}.   "
            f"MACs H·W·C·F = {result['macs']:,}.")

    def _make_artists(self, fig) -> dict:
        """The layout for the largest C and F, with empty (animated) artists."""
        import matplotlib.patches as patches
        from matplotlib.collections import PolyCollection
        from matplotlib.transforms import offset_copy

        fig.clear()
        h, w, c_max = self.stack.shape
        f_max = self.controls["filters"].max
        grid = fig.add_gridspec(3, 1, height_ratios=[1, 1.8, 1])
        ax_x, ax_p, ax_o = (fig.add_subplot(grid[i, 0]) for i in range(3))
        fig.subplots_adjust(left=0.02, right=0.98, top=0.95, bottom=0.07, hspace=0.45)
        animated = []

        def ground(ax):
            """An opaque rectangle over the whole axes, under its animated artists."""
            return ax.add_patch(patches.Rectangle(
                (0, 0), 1, 1, transform=ax.transAxes, facecolor=fig.get_facecolor(),
                edgecolor="none", zorder=-1))

        maps = []
        for ax, k in ((ax_x, c_max), (ax_o, f_max)):
            im = ax.imshow(np.zeros((h, w)), cmap="gray", interpolation="nearest",
                           vmin=0, vmax=1)
            boxes = ax.add_collection(PolyCollection(
                [], facecolor="none", edgecolor="tab:red", linewidth=1.5, zorder=3),
                autolim=False)
            ax.set_xlim(-0.5, max(k, 8) * (w + 1) - 1.5)
            ax.set_ylim(h - 0.5, -0.5)
            ax.set_axis_off()
            title = ax.set_title("", fontsize=10, loc="left", y=1.0)
            maps.append((im, boxes, title))
            animated += [ground(ax), im, boxes, title]
        # the product x · W + b = y in one panel, in cell units: x right-aligned
        # in a slot of c_max cells, a gap, W (c_max x f_max), a gap, b over y
        gap = 1.3
        x_end, w_left = c_max, c_max + gap
        by_left = w_left + f_max + gap
        # room for a 12 pt title above a row: 1.4 cells, more when many
        # channels make the cells short (axes height in points / rows)
        rows_pt = ax_p.get_position().height * fig.get_figheight() * 72
        title_room = max(1.4, 1.2 * 20 * (c_max + 1.4) / rows_pt)
        width = by_left + f_max
        height = max(c_max, 2 + title_room) + title_room
        ax_p.set_xlim(-0.1, width + 0.1)      # room for the frames' edges
        ax_p.set_ylim(height, 0)
        ax_p.set_axis_off()
        animated.append(ground(ax_p))
        above = offset_copy(ax_p.transData, fig=fig, y=4, units="points")
        products = []
        for left, right, top, rows, cols, title_x, ha in (
                (None, x_end, title_room, 1, c_max, x_end, "right"),
                (w_left, None, title_room, c_max, f_max, w_left, "left"),
                (by_left, None, title_room, 1, f_max, by_left, "left"),
                (by_left, None, 2 * title_room + 1, 1, f_max, by_left, "left")):
            # cells as one collection: ~0.3 ms to draw where imshow of a tiny
            # array blown up takes ~3.5 ms (colour mapping at output resolution)
            im = ax_p.add_collection(PolyCollection([], cmap="RdBu_r", edgecolors="none",
                                                    antialiaseds=False), autolim=False)
            frame = ax_p.add_patch(patches.Rectangle((0, 0), 1, 1, fill=False,
                                                     edgecolor="black", linewidth=0.8))
            texts = [ax_p.text(0, 0, "", ha="center", va="center", fontsize=9)
                     for _ in range(rows * cols)]
            title = ax_p.text(title_x, top, "", ha=ha, va="bottom", fontsize=12,
                              transform=above)
            products.append({"im": im, "frame": frame, "texts": texts, "title": title,
                             "left": left, "right": right, "top": top})
            animated += [im, frame, *texts, title]
        # on an axes, in figure coordinates: a figure's own animated artists
        # are left out of every whole draw, savefig included
        formula = ax_p.text(0.5, 0.005, "", ha="center", va="bottom", fontsize=10,
                            transform=fig.transFigure)
        self.keep_axes(ax_x, ax_p, ax_o)
        self.animate(*animated, formula)
        return {"axes": (ax_x, ax_p, ax_o), "maps": maps, "products": products,
                "formula": formula}
