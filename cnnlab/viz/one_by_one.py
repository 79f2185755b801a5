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

        The axes, images and number labels are made when C or F change (they
        set the layout) and changed in place when the pixel or the seed moves.
        """
        x, y = result["x"], result["y"]
        key = (x.shape, y.shape[-1])
        art = getattr(self, "_art", None)
        if art is None or art["key"] != key or fig.axes != list(art["axes"]):
            art = self._art = self._make_artists(fig, x.shape, y.shape[-1])
        (r, c), (h, w, cin), f = result["cell"], x.shape, y.shape[-1]
        names = ", ".join(result["names"])
        for (im, boxes, title), maps, label in (
                (art["maps"][0], x, f"input {h}×{w}×{cin}: {names}"),
                (art["maps"][1], y, f"output {h}×{w}×{f}")):
            im.set_data(_mosaic(maps))
            for i, box in enumerate(boxes):
                box.set_xy((i * (w + 1) + c - 0.5, r - 0.5))
            title.set_text(label)
        lim = max(np.abs(result["weights"]).max(), np.abs(result["mixed"]).max(), 1e-9)
        for (im, texts, title), a, label, fmt, vlim in zip(art["products"], (
                result["pixel"][None], result["weights"], result["bias"][None],
                result["mixed"][None]), (
                f"x[{r},{c}]  (1×{cin})", f"· W  ({cin}×{f})", f"+ b  (1×{f})",
                f"= y[{r},{c}]  (1×{f})"), (".2f", ".1f", ".1f", ".2f"),
                (1.0, lim, lim, lim)):
            im.set_data(a)
            im.set_clim(-vlim, vlim)
            for text, v in zip(texts, a.flat):   # dark cells get white numbers
                text.set_text(format(v.item(), fmt))
                text.set_color("white" if abs(v) > 0.6 * vlim else "black")
            title.set_text(label)
        art["formula"].set_text(
            f"y[{r},{c}] = x[{r},{c}] · W + b at every pixel.   "
            f"Parameters C·F + F = {cin}·{f} + {f} = {result['params']:,}.   "
            f"MACs H·W·C·F = {result['macs']:,}.")

    def _make_artists(self, fig, x_shape, f) -> dict:
        """The layout for C input channels and F filters, with empty artists."""
        import matplotlib.patches as patches

        fig.clear()
        h, w, cin = x_shape
        grid = fig.add_gridspec(3, 4, height_ratios=[1, 1.8, 1],
                                width_ratios=[cin + 1, f + 1, f + 1, f + 1])
        ax_x = fig.add_subplot(grid[0, :])
        ax_p, ax_w = fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])
        ax_b, ax_y = fig.add_subplot(grid[1, 2]), fig.add_subplot(grid[1, 3])
        ax_o = fig.add_subplot(grid[2, :])
        maps = []
        for ax, k in ((ax_x, cin), (ax_o, f)):
            im = ax.imshow(np.zeros((h, k * (w + 1) - 1)), cmap="gray",
                           interpolation="nearest", vmin=0, vmax=1)
            boxes = [ax.add_patch(patches.Rectangle((0, 0), 1, 1, fill=False,
                                                    edgecolor="tab:red", lw=1.5))
                     for _ in range(k)]
            ax.set_xlim(-0.5, 8 * (w + 1) - 1.5)
            ax.set_axis_off()
            maps.append((im, boxes, ax.set_title("", fontsize=10, loc="left")))
        products = []
        for ax, shape in ((ax_p, (1, cin)), (ax_w, (cin, f)), (ax_b, (1, f)),
                          (ax_y, (1, f))):
            im = ax.imshow(np.zeros(shape), cmap="RdBu_r", interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            size = 9 if shape[1] <= 4 else 6.5
            texts = [ax.text(j, i, "", ha="center", va="center", fontsize=size)
                     for i in range(shape[0]) for j in range(shape[1])]
            products.append((im, texts, ax.set_title("")))
        formula = fig.text(0.5, 0.005, "", ha="center", va="bottom")
        fig.subplots_adjust(left=0.02, right=0.98, top=0.95, bottom=0.07, hspace=0.45)
        axes = (ax_x, ax_p, ax_w, ax_b, ax_y, ax_o)
        self.keep_axes(*axes)
        return {"key": ((h, w, cin), f), "axes": axes, "maps": maps,
                "products": products, "formula": formula}
