"""Convolution explorer: slide a 3x3 kernel over an image and see where each output comes from.

:class:`ConvExplorer` shows the (padded) input, the kernel and the output side
by side, fills the output-size formula in with the current numbers, and
outlines the input taps that produced the selected output cell (with dilation
the taps are spread out, so each one is marked).

The pure helpers :func:`kernel_preset` and :func:`window_taps` are what the
widget is made of; lessons and tests can call them directly.

Examples
--------
>>> window_taps(0, 1, kernel=3, stride=2, padding=0, dilation=1)[0]
[(0, 2), (0, 3), (0, 4), (1, 2), (1, 3), (1, 4), (2, 2), (2, 3), (2, 4)]
"""
from __future__ import annotations

import numpy as np

from cnnlab._validate import check_choice, check_int, check_padding
from cnnlab.arith.sizes import axis_geometry
from cnnlab.viz.base import ExplorerBase

#: The 5x5 binary image of the lesson's worked example.
WORKED_IMAGE = np.array([[1, 1, 1, 0, 0],
                         [0, 1, 1, 1, 0],
                         [0, 0, 1, 1, 1],
                         [0, 0, 1, 1, 0],
                         [0, 1, 1, 0, 0]], dtype=float)

#: 3x3 kernels offered by the explorer (rows top to bottom).
PRESETS = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "edges: Sobel x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "edges: Sobel y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "edges: Laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "blur: box": [[1 / 9] * 3] * 3,
    "blur: Gaussian": [[1 / 16, 2 / 16, 1 / 16], [2 / 16, 4 / 16, 2 / 16],
                       [1 / 16, 2 / 16, 1 / 16]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
    "worked example (X)": [[1, 0, 1], [0, 1, 0], [1, 0, 1]],
}
CUSTOM = "custom"
EXAMPLE = "5x5 worked example"
GIVEN = "your array"


def kernel_preset(name: str) -> np.ndarray:
    """Return the 3x3 kernel of a preset by name.

    Parameters
    ----------
    name : str
        One of the keys of :data:`PRESETS` (``"identity"``, ``"edges: Sobel x"``,
        ``"blur: box"``, ``"sharpen"``, ...).

    Returns
    -------
    ndarray of shape (3, 3)

    Examples
    --------
    >>> kernel_preset("edges: Laplacian")
    array([[ 0.,  1.,  0.],
           [ 1., -4.,  1.],
           [ 0.,  1.,  0.]])
    """
    check_choice("name", name, tuple(PRESETS))
    return np.array(PRESETS[name], dtype=float)


def window_taps(row: int, col: int, *, kernel: int = 3, stride: int = 1, padding=0,
                dilation: int = 1, image_shape: tuple[int, int] | None = None):
    """Input coordinates read by output cell ``(row, col)``, one per kernel tap.

    Parameters
    ----------
    row, col : int
        The output cell.
    kernel, stride, dilation : int, optional
        Square kernel size, step between windows, spacing between taps.
    padding : {"valid", "same"} or int, optional
        Keras semantics; "same" pads like TensorFlow (odd pixel at the end).
    image_shape : (H, W), optional
        Needed for "same" padding (its amount depends on the input size).

    Returns
    -------
    taps : list of (r, c)
        Row-major, in the coordinates of the unpadded image; a negative value or
        one past the edge is a tap that falls on the zero padding.
    pads : ((top, bottom), (left, right))
        The zeros added on each side.

    Examples
    --------
    A dilated 3x3 kernel (d = 2) skips every other pixel:

    >>> taps, pads = window_taps(0, 0, kernel=3, dilation=2)
    >>> taps[:3], pads
    ([(0, 0), (0, 2), (0, 4)], ((0, 0), (0, 0)))
    """
    for name, value, low in (("row", row, 0), ("col", col, 0), ("kernel", kernel, 1),
                             ("stride", stride, 1), ("dilation", dilation, 1)):
        check_int(name, value, low)
    padding = check_padding(padding)
    if padding == "same":
        if image_shape is None:
            raise ValueError("`image_shape` is needed with padding='same'. "
                             "Received: image_shape=None.")
        pads = tuple(axis_geometry(n, kernel, stride, padding, dilation)[1:]
                     for n in image_shape)
    else:
        p = 0 if padding == "valid" else padding
        pads = ((p, p), (p, p))
    top, left = row * stride - pads[0][0], col * stride - pads[1][0]
    taps = [(top + i * dilation, left + j * dilation)
            for i in range(kernel) for j in range(kernel)]
    return taps, pads


def _photo(name: str, size: int) -> np.ndarray:
    from cnnlab.data import sample_image
    return np.asarray(sample_image(name, size=size, grey=True), dtype=float)[..., 0]


class ConvExplorer(ExplorerBase):
    """Slide a 3x3 kernel over an image; see the output and where each value comes from.

    Parameters
    ----------
    image : array_like of shape (H, W), optional
        Your own small array (e.g. the 5x5 worked example). Without it the
        explorer starts on the worked example; photos are in the *image* menu.
    photos : sequence of str, optional
        Names of offline photos (:func:`cnnlab.data.sample_image_names`) to offer.
    size : int, optional
        Side of the resized photos in pixels (default 64).
    preset : str, optional
        Starting kernel (a key of :data:`PRESETS`).
    source : str, optional
        Starting image: ``"5x5 worked example"`` (default), ``"your array"`` or
        ``"photo: <name>"`` for one of ``photos``.

    Notes
    -----
    Controls: image, kernel preset, nine kernel entries (editing one switches the
    preset to "custom"), stride, padding ("valid", "same", 1, 2, 3), dilation,
    and the output cell's row and column. Clicking the output panel selects a
    cell too when the figure is interactive (e.g. with ``%matplotlib widget``).

    ``result`` holds ``image``, ``padded``, ``kernel``, ``output``, ``out_shape``,
    ``pads``, ``taps``, ``cell`` (row, col), ``value`` and ``formula`` (text).

    Examples
    --------
    In a notebook (the widget displays itself):

    >>> w = ConvExplorer(preset="worked example (X)")  # doctest: +SKIP
    >>> w.result["output"].tolist()  # doctest: +SKIP
    [[4.0, 3.0, 4.0], [2.0, 4.0, 3.0], [2.0, 3.0, 4.0]]
    >>> w.controls["dilation"].value = 3  # doctest: +SKIP
    >>> "larger than the padded input" in w.message.value  # doctest: +SKIP
    True
    """

    figsize = (10, 3.8)

    def __init__(self, image=None, *, photos=("chelsea", "camera", "coins"), size: int = 64,
                 preset: str = "worked example (X)", source: str | None = None):
        import ipywidgets as widgets

        check_int("size", size, 3)
        check_choice("preset", preset, (*PRESETS, CUSTOM))
        self._size = size
        self._images = {EXAMPLE: WORKED_IMAGE}
        sources = [EXAMPLE, *[f"photo: {p}" for p in photos]]
        if image is not None:
            image = np.asarray(image, dtype=float)
            if image.ndim != 2:
                raise ValueError("`image` must be a 2-D array (H, W). "
                                 f"Received: image.shape={image.shape}.")
            self._images[GIVEN] = image
            sources.insert(0, GIVEN)
        if source is not None:
            check_choice("source", source, sources)
        self._syncing = False
        short = {"description_width": "initial"}
        start = kernel_preset(preset) if preset != CUSTOM else np.eye(3)
        self.entries = [widgets.FloatText(value=float(start.flat[i]), step=0.5,
                                          layout=widgets.Layout(width="4.5em"))
                        for i in range(9)]
        controls = {
            "source": widgets.Dropdown(options=sources, value=source or sources[0],
                                       description="image", style=short),
            "preset": widgets.Dropdown(options=[*PRESETS, CUSTOM], value=preset,
                                       description="kernel", style=short),
            **{f"k{i}": e for i, e in enumerate(self.entries)},
            "stride": widgets.IntSlider(1, min=1, max=4, description="stride"),
            "padding": widgets.Dropdown(options=[("valid", "valid"), ("same", "same"),
                                                 ("1", 1), ("2", 2), ("3", 3)],
                                        value="valid", description="padding"),
            "dilation": widgets.IntSlider(1, min=1, max=4, description="dilation"),
            "row": widgets.IntSlider(0, min=0, max=2, description="output row"),
            "col": widgets.IntSlider(0, min=0, max=2, description="output col"),
        }
        # Registered before ExplorerBase's own observers, so the boxes and the
        # preset agree by the time the widget recomputes.
        controls["preset"].observe(self._preset_changed, names="value")
        for e in self.entries:
            e.observe(self._entry_changed, names="value")
        c = controls
        grid = widgets.GridBox(self.entries, layout=widgets.Layout(
            grid_template_columns="repeat(3, 4.8em)", width="16em"))
        layout = widgets.HBox([
            widgets.VBox([c["source"], c["preset"], grid]),
            widgets.VBox([c["stride"], c["padding"], c["dilation"], c["row"], c["col"]]),
        ])
        super().__init__(controls, layout_controls=layout)

    # -- keeping controls consistent ----------------------------------------
    def _preset_changed(self, change):
        if change["new"] == CUSTOM or self._syncing:
            return
        self._syncing = True
        try:
            for e, v in zip(self.entries, kernel_preset(change["new"]).flat):
                e.value = float(v)
        finally:
            self._syncing = False

    def _entry_changed(self, change):
        if self._syncing or self.controls["preset"].value == CUSTOM:
            return
        self._syncing = True
        try:
            self.controls["preset"].value = CUSTOM
        finally:
            self._syncing = False

    def update(self, *args):
        """Recompute and redraw (skipped while controls are being synchronised)."""
        if self._syncing:
            return
        super().update(*args)
        if self.result is not None:
            self._set_cell_ranges(*self.result["out_shape"])

    def _set_cell_ranges(self, out_h: int, out_w: int):
        row, col = self.controls["row"], self.controls["col"]
        if row.max == out_h - 1 and col.max == out_w - 1:
            return
        self._syncing = True
        try:
            row.max, col.max = out_h - 1, out_w - 1
        finally:
            self._syncing = False
        if (row.value, col.value) != self.result["cell"]:
            super().update()

    def _on_click(self, event):
        """Select the output cell under a mouse click on the output panel."""
        if self.result is None or event.inaxes is None or event.xdata is None:
            return
        if event.inaxes is not getattr(self, "_out_ax", None):
            return
        r, c = self._cell_at(event.xdata, event.ydata, self.result["out_shape"])
        self._syncing = True
        try:
            self.controls["row"].value = r
        finally:
            self._syncing = False
        self.controls["col"].value = c
        if self.controls["col"].value == c and self.result["cell"] != (r, c):
            self.update()

    # -- the widget's two jobs ------------------------------------------------
    def image(self, source: str) -> np.ndarray:
        """The 2-D input array for a *source* menu entry (photos are loaded once)."""
        if source not in self._images:
            if not source.startswith("photo: "):
                raise ValueError(f"`source` must be one of {list(self._images)} or "
                                 f"'photo: <name>'. Received: source={source!r}.")
            self._images[source] = _photo(source[len("photo: "):], self._size)
        return self._images[source]

    def compute(self, source, preset, stride, padding, dilation, row, col, **entries) -> dict:
        """Correlate the chosen image with the kernel in the boxes; pure but for caching."""
        from cnnlab.ops import correlate2d

        img = self.image(source)
        kernel = np.array([entries[f"k{i}"] for i in range(9)], dtype=float).reshape(3, 3)
        if not np.all(np.isfinite(kernel)):
            raise ValueError("The kernel entries must be finite numbers. "
                             f"Received: kernel={kernel.tolist()}.")
        (h, w), k = img.shape, 3
        geo = []
        for name, n in (("height", h), ("width", w)):
            try:
                geo.append(axis_geometry(n, k, stride, padding, dilation))
            except ValueError:
                span = dilation * (k - 1) + 1
                raise ValueError(
                    f"The kernel spans {span}x{span} pixels with dilation {dilation}, "
                    f"which is larger than the padded input ({h}x{w}, padding="
                    f"{padding!r}). Lower the dilation or add padding.") from None
        (oh, top, bottom), (ow, left, right) = geo
        # the last correlation is kept: moving the output cell needs no new one
        key = (id(img), kernel.tobytes(), stride, padding, dilation)
        last = getattr(self, "_last_output", None)
        if last is not None and last[0] == key and last[1] is img:
            out = last[2]
        else:
            out = correlate2d(img, kernel, strides=stride, padding=padding,
                              dilation_rate=dilation)
            out = np.asarray(out, dtype=float)
            out.flags.writeable = False
            self._last_output = (key, img, out)
        r, c = min(row, oh - 1), min(col, ow - 1)
        taps, pads = window_taps(r, c, kernel=k, stride=stride, padding=padding,
                                 dilation=dilation, image_shape=(h, w))
        padded = np.pad(img, ((top, bottom), (left, right)))
        formula = self._formula((h, w), (oh, ow), k, stride, padding, dilation, pads)
        if max(h, w) <= 12:
            formula += "\n" + self._products(padded, kernel, taps, pads, out[r, c], (r, c))
        return {"image": img, "padded": padded, "kernel": kernel, "output": out,
                "out_shape": (oh, ow), "pads": pads, "taps": taps, "cell": (r, c),
                "value": float(out[r, c]), "formula": formula,
                "small": max(h, w) <= 12}

    @staticmethod
    def _formula(in_hw, out_hw, k, s, padding, d, pads) -> str:
        lines = []
        for axis, i, o, (p0, p1) in zip(("height", "width"), in_hw, out_hw, pads):
            if padding == "same":
                lines.append(f"{axis}: 'same' keeps o = ⌈i/s⌉ = ⌈{i}/{s}⌉ = {o} "
                             f"(pads {p0} + {p1} zeros)")
            else:
                lines.append(f"{axis}: o = ⌊(i + 2p − d(k−1) − 1)/s⌋ + 1 = "
                             f"⌊({i} + 2·{p0} − {d}·({k}−1) − 1)/{s}⌋ + 1 = {o}")
            if in_hw[0] == in_hw[1] and pads[0] == pads[1]:
                lines[-1] = lines[-1].replace("height: ", "")
                break
        return "\n".join(lines)

    @staticmethod
    def _products(padded, kernel, taps, pads, value, cell) -> str:
        """'y[r,c] = 1·1 + 0·0 + ... = v' for the non-zero products of a small input."""
        (top, _), (left, _) = pads
        terms = [f"{padded[i + top, j + left]:g}·{kv:g}"
                 for (i, j), kv in zip(taps, kernel.flat)
                 if padded[i + top, j + left] != 0 and kv != 0]
        if not terms:
            return f"y[{cell[0]},{cell[1]}] = {value:g} (every product is 0)"
        return f"y[{cell[0]},{cell[1]}] = {' + '.join(terms)} = {value:g}"

    def draw(self, result: dict, fig) -> None:
        """Padded input with the window's taps, the kernel, and the output.

        The axes and artists are made once and changed in place. The
        input and output panels keep fixed limits, a unit square in which the
        array is fitted (:func:`_fit`), so a new output size (stride, padding,
        dilation) moves no axis: the output, its numbers, the selected cell,
        the taps, the kernel and the formula are animated
        (``ExplorerBase.animate``) and an update draws only them over the kept
        rest. A new padded input (image, padding) changes unanimated artists,
        which redraws the whole figure.
        """
        art = getattr(self, "_art", None)
        if art is None or self.kept_axes(fig) is None:
            art = self._art = self._make_artists(fig)
        small, padded = result["small"], result["padded"]
        if art["small"] != small:             # annotated small array <-> photo
            art["small"] = small
            for im in (art["in_im"], art["out_im"]):
                im.set_cmap("Blues" if small else "gray")
            art["taps"].set_linewidth(2 if small else 1.2)
            art["in_key"] = None
            for grid in (art["in_texts"], art["out_texts"]):
                if grid is not None:
                    grid.set_items([])
        (top, _), (left, _) = result["pads"]

        # input: unanimated, touched only when the padded input changes
        key = (id(result["image"]), result["image"].shape, result["pads"])
        if art["in_key"] != key:
            art["in_key"] = key
            x0, y0, s = art["in_fit"] = _fit(padded.shape)
            _show_array(art["in_im"], padded, (x0, y0, s))
            art["in_frame"].set_bounds(x0, y0, padded.shape[1] * s, padded.shape[0] * s)
            h, w = result["image"].shape
            art["in_pad"].set_bounds(x0 + left * s, y0 + top * s, w * s, h * s)
            art["in_pad"].set_visible(padded.shape != result["image"].shape)
            if small:
                self._annotate(art, "in_texts", art["ax_in"], padded, "g", (x0, y0, s),
                               animated=False)
            art["ax_in"].set_title(
                f"input {h}×{w}" + (" (padded)" if padded.shape != (h, w) else ""), y=1.0)
        x0, y0, s = art["in_fit"]
        size = 1 if small else max(1.0, padded.shape[0] / 40)
        art["taps"].set_verts(
            [_square(x0 + (c + left + 0.5 - size / 2) * s, y0 + (r + top + 0.5 - size / 2) * s,
                     size * s) for r, c in result["taps"]])

        # kernel: animated (a preset or an edited entry blits too)
        kernel = result["kernel"]
        lim = np.abs(kernel).max() + 1e-9
        art["k_cells"].set_array(kernel.ravel())
        art["k_cells"].set_clim(-lim, lim)
        for text, v in zip(art["k_texts"], kernel.flat):
            text.set_text(format(v, ".3g"))
            text.set_color("white" if abs(v) > 0.6 * lim else "black")

        # output: animated
        out = result["output"]
        oh, ow = result["out_shape"]
        r, c = result["cell"]
        fit = x0, y0, s = art["out_fit"] = _fit(out.shape)
        _show_array(art["out_im"], out, fit)
        art["out_frame"].set_bounds(x0, y0, ow * s, oh * s)
        art["cell"].set_bounds(x0 + c * s, y0 + r * s, s, s)
        if small:
            # two digits where three would overflow the cells of a wide output
            self._annotate(art, "out_texts", art["ax_out"], out,
                           ".2g" if ow > 6 else ".3g", fit, animated=True)
        art["ax_out"].title.set_text(f"output {oh}×{ow}: y[{r},{c}] = {result['value']:.3g}")
        art["formula"].set_text(result["formula"])

    def _make_artists(self, fig) -> dict:
        """The three panels and their artists, empty; what changes per update is animated."""
        import matplotlib.patches as patches
        from matplotlib.collections import PolyCollection

        fig.clear()
        ax_in, ax_k, ax_out = fig.subplots(1, 3, gridspec_kw={"width_ratios": [4, 2.2, 4]})
        fig.subplots_adjust(left=0.02, right=0.98, top=0.88, bottom=0.2, wspace=0.15)
        self.keep_axes(ax_in, ax_k, ax_out)
        self._out_ax = ax_out
        cmap = "Blues"
        art = {"small": True, "ax_in": ax_in, "ax_out": ax_out, "in_key": None,
               "in_texts": None, "out_texts": None}
        for name, ax in (("in", ax_in), ("out", ax_out)):
            ax.set_xlim(0, 1)                 # fixed: arrays are fitted into the square
            ax.set_ylim(1, 0)
            ax.set_aspect("equal")
            ax.set_axis_off()
            art[f"{name}_im"] = ax.imshow(np.zeros((1, 1)), cmap=cmap, interpolation="nearest",
                                          extent=(0, 1, 1, 0))
            art[f"{name}_frame"] = ax.add_patch(patches.Rectangle(
                (0, 0), 1, 1, fill=False, edgecolor="black", linewidth=0.8, clip_on=False))
            ax.set_title(" ", y=1.0)          # a fixed title height: no search for room
        ax_in.set_xlim(0, 1)                  # imshow autoscaled: fixed limits again
        ax_in.set_ylim(1, 0)
        ax_out.set_xlim(0, 1)
        ax_out.set_ylim(1, 0)
        art["in_pad"] = ax_in.add_patch(patches.Rectangle(
            (0, 0), 1, 1, fill=False, edgecolor="0.4", linestyle="--", linewidth=1))
        # the nine taps as one collection (one artist to draw, not nine)
        art["taps"] = ax_in.add_collection(PolyCollection(
            [], facecolor="none", edgecolor="tab:red", linewidth=2,
            zorder=4), autolim=False)
        # the kernel's cells as one collection (imshow of a 3x3 array blown up
        # costs ~3.5 ms a draw, this ~0.3 ms) and its frame as a patch over them
        art["k_cells"] = ax_k.add_collection(PolyCollection(
            [_square(j - 0.5, i - 0.5, 1) for i in range(3) for j in range(3)],
            cmap="RdBu_r", edgecolors="none", antialiaseds=False, zorder=2.6),
            autolim=False)
        art["k_frame"] = ax_k.add_patch(patches.Rectangle(
            (-0.5, -0.5), 3, 3, fill=False, edgecolor="black", linewidth=0.8,
            clip_on=False, zorder=2.7))
        ax_k.spines[:].set_visible(False)
        ax_k.set_xlim(-0.5, 2.5)
        ax_k.set_ylim(2.5, -0.5)
        ax_k.set_aspect("equal")
        ax_k.set_xticks([])
        ax_k.set_yticks([])
        ax_k.set_title("kernel 3×3", y=1.0)
        art["k_texts"] = [ax_k.text(j, i, "", ha="center", va="center", fontsize=10)
                          for i in range(3) for j in range(3)]
        # an opaque square under the output: the kept picture holds the last
        # output (images are drawn there too), which a smaller one must cover
        art["out_ground"] = ax_out.add_patch(patches.Rectangle(
            (0, 0), 1, 1, facecolor=fig.get_facecolor(), edgecolor="none", zorder=-1))
        art["cell"] = ax_out.add_patch(patches.Rectangle(
            (0, 0), 1, 1, fill=False, edgecolor="tab:red", linewidth=2.5, zorder=4))
        # on an axes, in figure coordinates: a figure's own animated artists
        # are left out of every whole draw, savefig included
        art["formula"] = ax_k.text(0.5, 0.01, "", ha="center", va="bottom", fontsize=10,
                                   family="DejaVu Sans", transform=fig.transFigure)
        if getattr(self, "_click_figure", None) is not fig:
            fig.canvas.mpl_connect("button_press_event", self._on_click)
            self._click_figure = fig
        self.animate(art["taps"], art["out_ground"], art["out_im"], art["out_frame"],
                     art["cell"], ax_out.title, art["formula"], art["k_cells"],
                     art["k_frame"], *art["k_texts"])
        return art

    def _annotate(self, art, name, ax, a, fmt, fit, *, animated):
        """Write ``a``'s numbers in its cells (one text grid per panel, made on first use)."""
        from cnnlab.viz._text_grid import TextGrid, cell_numbers

        if art[name] is None:
            art[name] = TextGrid(ax)
            if animated:
                self.animate(art[name])
        cell_numbers(art[name], a, fmt, fit, wide=8)

    def _cell_at(self, x: float, y: float, shape) -> tuple[int, int]:
        """The output cell under the point ``(x, y)`` of the output panel (clamped)."""
        x0, y0, s = self._art["out_fit"]
        oh, ow = shape
        return (min(max(int((y - y0) // s), 0), oh - 1),
                min(max(int((x - x0) // s), 0), ow - 1))


def _fit(shape) -> tuple[float, float, float]:
    """Where an (M, N) array sits in a unit square, centred: left, top, cell side."""
    m, n = shape
    s = 1 / max(m, n)
    return (1 - n * s) / 2, (1 - m * s) / 2, s


def _show_array(im, a, fit) -> None:
    """Put ``a`` into image ``im`` at ``fit``, its colours scaled to its own range."""
    x0, y0, s = fit
    im.set_data(a)
    im.set_extent((x0, x0 + a.shape[1] * s, y0 + a.shape[0] * s, y0))
    im.set_clim(float(a.min()), float(a.max()))


def _square(x: float, y: float, side: float):
    return [(x, y), (x + side, y), (x + side, y + side), (x, y + side)]
