"""Convolution kinds explorer: standard, dilated, depthwise separable, transposed.

:class:`ConvKindsExplorer` draws, for one layer on a small square input,

1. the input grid (with its zero padding);
2. the output grid;
3. a table of output size, parameters, MACs and receptive field of the layer
   against a standard ``Conv2D`` with the same kernel, stride and padding on
   the same input (:func:`cnnlab.arith.convolutions.conv_kind_cost`).

For the convolutions (standard, dilated, depthwise separable) one *output*
pixel is selected and the input pixels its kernel taps read are marked, spread
apart for a dilated kernel. For a transposed convolution one *input* pixel is
selected and the output pixels it scatters its ``k × k`` stamp into are
marked; the output cells show how many stamps overlap there, which is where
the checkerboard pattern of stride-2, 3×3 transposed convolutions comes from.

The pure functions :func:`conv_taps`, :func:`scatter_taps` and
:func:`kind_layout` hold the geometry; :func:`explorer` is the one-line way to
make the widget in a notebook. :func:`receptive_growth_figure` draws how the
receptive field of a dilated stack grows.

Examples
--------
>>> conv_taps(0, 0, size=7, kernel=3, dilation=2)["taps"][:3]
[(0, 0), (0, 2), (0, 4)]
>>> scatter_taps(1, 1, size=3, kernel=3, stride=2)["taps"][:3]
[(2, 2), (2, 3), (2, 4)]
"""
from __future__ import annotations

import numpy as np

from cnnlab._validate import check_choice, check_int, check_padding
from cnnlab.arith.convolutions import KINDS, conv_kind_cost
from cnnlab.viz.base import ExplorerBase

#: colour-blind-safe colours (Okabe & Ito): the marked pixel, and the two curves
_MARK, _BLUE, _ORANGE = "#D55E00", "#0072B2", "#E69F00"

#: channel counts offered by the explorer's two channel menus
CHANNELS = (1, 3, 8, 16, 32, 64, 128, 256, 512)


def _check_cell(row, col, limit, what):
    for name, value in (("row", row), ("col", col)):
        check_int(name, value, 0)
        if value >= limit:
            raise ValueError(f"`{name}` must be < {limit}, the {what} size. "
                             f"Received: {name}={value}.")


def conv_taps(row: int, col: int, *, size: int, kernel: int = 3, stride: int = 1,
              padding="valid", dilation: int = 1) -> dict:
    """Input pixels read by output pixel ``(row, col)`` of a convolution on ``size × size``.

    Parameters
    ----------
    row, col : int
        The output pixel.
    size : int
        Side of the square input.
    kernel, stride, dilation : int, optional
        Square kernel size, step and tap spacing, as in Keras' ``Conv2D``.
    padding : {"valid", "same"} or int, optional
        Keras semantics ("same" puts an odd padded pixel at the bottom/right).

    Returns
    -------
    dict
        ``taps`` (list of ``(r, c)`` in input coordinates, row-major; a
        negative value or one ``>= size`` lies on the zero padding),
        ``pads`` (``(before, after)`` zeros on each axis), ``out_size`` and
        ``reads`` (int array ``(size, size)``: how many output pixels read
        each input pixel).

    Examples
    --------
    >>> r = conv_taps(0, 0, size=5, kernel=3, padding="same")
    >>> r["taps"][:2], r["pads"], r["out_size"]
    ([(-1, -1), (-1, 0)], (1, 1), 5)
    """
    from cnnlab.arith.sizes import axis_geometry
    from cnnlab.viz.conv import window_taps

    check_int("size", size, 1)
    out, before, after = axis_geometry(size, kernel, stride, check_padding(padding),
                                        dilation)
    _check_cell(row, col, out, "output")
    taps, _ = window_taps(row, col, kernel=kernel, stride=stride, padding=padding,
                          dilation=dilation, image_shape=(size, size))
    reads = np.zeros((size + before + after,) * 2, dtype=int)
    offsets = np.arange(kernel) * dilation
    for i in range(out):
        for j in range(out):
            rows = i * stride + offsets
            cols = j * stride + offsets
            reads[np.ix_(rows, cols)] += 1
    reads = reads[before:before + size, before:before + size]
    return {"taps": taps, "pads": (before, after), "out_size": out, "reads": reads}


def _transposed_geometry(size, kernel, stride, padding):
    """(output length, pixels cropped at the start) of Keras' Conv2DTranspose."""
    from cnnlab.arith import transposed_conv_output_size

    out = transposed_conv_output_size(size, kernel, stride, padding)
    if padding == "same":
        crop = max(kernel - stride, 0) // 2
    else:
        crop = 0
    return out, crop


def scatter_taps(row: int, col: int, *, size: int, kernel: int = 3, stride: int = 1,
                 padding="valid") -> dict:
    """Output pixels that input pixel ``(row, col)`` writes to in a transposed convolution.

    Input pixel ``(i, j)`` adds ``x[i, j] * w`` (a ``k × k`` stamp) into the
    output at rows ``i·s + t`` and columns ``j·s + u`` (``t, u < k``), minus
    what ``"same"`` padding crops off the top/left, as Keras'
    ``Conv2DTranspose`` does.

    Parameters
    ----------
    row, col : int
        The input pixel.
    size : int
        Side of the square input.
    kernel, stride : int, optional
        Square kernel size and upsampling factor.
    padding : {"valid", "same"}, optional
        Keras semantics: ``(size - 1)·stride + max(kernel, stride)`` or
        ``size·stride`` output pixels per axis.

    Returns
    -------
    dict
        ``taps`` (list of ``(r, c)`` output pixels inside the output, row-major),
        ``out_size``, ``crop`` (pixels cut off at the top/left) and
        ``overlap`` (int array ``(out, out)``: how many input pixels write
        to each output pixel).

    Examples
    --------
    Stride 2 with a 3×3 kernel: stamps overlap on every other row and column.

    >>> scatter_taps(0, 0, size=3, kernel=3, stride=2)["overlap"][:3, :5]
    array([[1, 1, 2, 1, 2],
           [1, 1, 2, 1, 2],
           [2, 2, 4, 2, 4]])
    """
    check_int("size", size, 1)
    check_int("kernel", kernel, 1)
    check_int("stride", stride, 1)
    padding = check_padding(padding)
    if isinstance(padding, int):
        raise ValueError("`padding` must be 'valid' or 'same' for Keras' "
                         f"Conv2DTranspose. Received: padding={padding!r}.")
    _check_cell(row, col, size, "input")
    out, crop = _transposed_geometry(size, kernel, stride, padding)
    full = max((size - 1) * stride + kernel, out + crop)
    overlap = np.zeros((full, full), dtype=int)
    for i in range(size):
        for j in range(size):
            overlap[i * stride:i * stride + kernel, j * stride:j * stride + kernel] += 1
    overlap = overlap[crop:crop + out, crop:crop + out]
    taps = [(row * stride + t - crop, col * stride + u - crop)
            for t in range(kernel) for u in range(kernel)]
    taps = [(r, c) for r, c in taps if 0 <= r < out and 0 <= c < out]
    return {"taps": taps, "out_size": out, "crop": crop, "overlap": overlap}


def kind_layout(kind: str, size: int, kernel: int, stride: int, padding, dilation: int,
                row: int, col: int, channels_in: int, channels_out: int) -> dict:
    """Everything the explorer shows for one setting (clamping the selected pixel).

    Parameters
    ----------
    kind : {"standard", "dilated", "depthwise separable", "transposed"}
    size : int
        Side of the square input.
    kernel, stride, padding, dilation
        Of the layer; ``dilation`` is used only by ``"dilated"``.
    row, col : int
        The selected pixel: an output pixel for the convolutions, an input
        pixel for ``"transposed"``. Values past the edge are clamped.
    channels_in, channels_out : int
        ``C_in`` and ``F``.

    Returns
    -------
    dict
        The entries of :func:`conv_taps` or :func:`scatter_taps`, plus
        ``kind``, ``size``, ``cell`` (the selected pixel after clamping),
        ``selected_in`` (``"output"`` or ``"input"``), ``cost``
        (:func:`~cnnlab.arith.convolutions.conv_kind_cost`) and ``table``
        (rows ``(what, this layer, standard Conv2D)`` as text).

    Examples
    --------
    >>> r = kind_layout("depthwise separable", 8, 3, 1, "same", 1, 9, 9, 16, 32)
    >>> r["cell"], r["cost"]["params"], r["cost"]["standard"]["params"]
    ((7, 7), 688, 4640)
    """
    check_choice("kind", kind, KINDS)
    check_int("size", size, 1)
    check_int("row", row, 0)
    check_int("col", col, 0)
    if kind != "dilated":
        dilation = 1
    cost = conv_kind_cost(kind, (size, size, channels_in), kernel, channels_out, stride,
                          padding, dilation)
    if kind == "transposed":
        cell = (min(row, size - 1), min(col, size - 1))
        geo = scatter_taps(*cell, size=size, kernel=kernel, stride=stride, padding=padding)
        selected = "input"
    else:
        out = cost["output_shape"][0]
        cell = (min(row, out - 1), min(col, out - 1))
        geo = conv_taps(*cell, size=size, kernel=kernel, stride=stride, padding=padding,
                        dilation=dilation)
        selected = "output"
    std = cost["standard"]

    def size_text(shape):
        return f"{shape[0]}×{shape[1]}×{shape[2]}"

    table = [("output", size_text(cost["output_shape"]), size_text(std["output_shape"])),
             ("parameters", f"{cost['params']:,}", f"{std['params']:,}"),
             ("MACs", f"{cost['macs']:,}", f"{std['macs']:,}"),
             ("receptive field", f"{cost['field']}×{cost['field']}",
              f"{std['field']}×{std['field']}")]
    return {**geo, "kind": kind, "size": size, "kernel": kernel, "stride": stride,
            "dilation": dilation, "cell": cell, "selected_in": selected, "cost": cost,
            "table": table}


_HELP = {
    "standard": "each output reads a k×k window of all C_in channels",
    "dilated": "the same k×k taps, spread d pixels apart: a wider view, same weights "
               "and MACs per output pixel",
    "depthwise separable": "k×k per channel (depthwise), then 1×1 across channels",
    "transposed": "each input pixel stamps a k×k×F copy of the kernel, s apart",
}


class ConvKindsExplorer(ExplorerBase):
    """One layer of each convolution kind: its taps, its output and its cost.

    Parameters
    ----------
    kind : str, optional
        Starting kind (default ``"dilated"``), one of
        :data:`cnnlab.arith.convolutions.KINDS`.
    size : int, optional
        Starting input side (default 9; the slider runs from 3 to 16).
    channels_in, channels_out : int, optional
        Starting ``C_in`` and ``F`` (default 16 and 32, the lesson's example);
        values from :data:`CHANNELS`.

    Notes
    -----
    Controls: kind, kernel, stride, dilation (used by "dilated" only; disabled
    otherwise), padding, ``C_in``, ``F``, input size, and the selected pixel's
    row and column (an output pixel, or an input pixel for "transposed").
    ``result`` is the dict of :func:`kind_layout`.

    Examples
    --------
    >>> w = explorer(kind="standard")                   # doctest: +SKIP
    >>> w.controls["kind"].value = "transposed"          # doctest: +SKIP
    >>> w.result["out_size"]                             # doctest: +SKIP
    19
    """

    figsize = (11, 4.2)

    def __init__(self, *, kind: str = "dilated", size: int = 9, channels_in: int = 16,
                 channels_out: int = 32):
        import ipywidgets as widgets

        check_choice("kind", kind, KINDS)
        check_int("size", size, 3)
        check_choice("channels_in", channels_in, CHANNELS)
        check_choice("channels_out", channels_out, CHANNELS)
        style = {"description_width": "initial"}
        self._syncing = False
        controls = {
            "kind": widgets.ToggleButtons(options=KINDS, value=kind, description="kind",
                                          style={"button_width": "10em"}),
            "kernel": widgets.IntSlider(3, min=1, max=7, description="kernel"),
            "stride": widgets.IntSlider(1, min=1, max=3, description="stride"),
            "dilation": widgets.IntSlider(2, min=1, max=4, description="dilation",
                                          disabled=kind != "dilated"),
            "padding": widgets.Dropdown(options=["valid", "same"], value="valid",
                                        description="padding"),
            "channels_in": widgets.Dropdown(options=CHANNELS, value=channels_in,
                                            description="C_in", style=style),
            "channels_out": widgets.Dropdown(options=CHANNELS, value=channels_out,
                                             description="F (out)", style=style),
            "size": widgets.IntSlider(min(size, 16), min=3, max=16,
                                      description="input size", style=style),
            "row": widgets.IntSlider(0, min=0, max=15, description="pixel row", style=style),
            "col": widgets.IntSlider(0, min=0, max=15, description="pixel col", style=style),
        }
        c = controls
        controls["kind"].observe(self._kind_changed, names="value")
        layout = widgets.VBox([
            c["kind"],
            widgets.HBox([c["kernel"], c["stride"], c["dilation"], c["padding"]],
                         layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HBox([c["channels_in"], c["channels_out"], c["size"], c["row"], c["col"]],
                         layout=widgets.Layout(flex_flow="row wrap")),
        ])
        super().__init__(controls, layout_controls=layout)

    def _kind_changed(self, change):
        self.controls["dilation"].disabled = change["new"] != "dilated"

    def compute(self, kind, kernel, stride, dilation, padding, channels_in, channels_out,
                size, row, col) -> dict:
        """The layout of :func:`kind_layout` for the controls' values."""
        return kind_layout(kind, size, kernel, stride, padding, dilation, row, col,
                           channels_in, channels_out)

    def update(self, *args):
        """Recompute and redraw, then fit the pixel sliders to the selectable grid."""
        if self._syncing:
            return
        super().update(*args)
        if self.result is None:
            return
        limit = (self.result["size"] if self.result["selected_in"] == "input"
                 else self.result["out_size"]) - 1
        row, col = self.controls["row"], self.controls["col"]
        if row.max == limit and col.max == limit:
            return
        self._syncing = True
        try:
            row.max = col.max = limit
        finally:
            self._syncing = False
        if (row.value, col.value) != self.result["cell"]:
            super().update()

    # -- drawing -------------------------------------------------------------
    def draw(self, result: dict, fig) -> None:
        """Input grid, output grid and the cost table.

        The axes and artists are made once and changed in place. The two grids
        keep fixed limits, a unit square in which each grid is fitted, so a new
        kernel, stride, size or kind moves no axis; the grids, marks, numbers,
        titles and table entries are animated (``ExplorerBase.animate``) and an
        update draws only them over the kept rest (axes, table lines, row names).
        """
        art = getattr(self, "_art", None)
        if art is None or self.kept_axes(fig) is None:
            art = self._art = self._make_artists(fig)
        conv = result["selected_in"] == "output"
        if conv:
            self._draw_conv(art, result)
        else:
            self._draw_transposed(art, result)
        self._draw_table(art, result)
        k, kind = result["kernel"], result["kind"]
        title = f"{kind}: {_HELP[kind]}"
        if kind == "dilated":
            d = result["dilation"]
            title += f" (span d(k−1)+1 = {d}·{k - 1}+1 = {d * (k - 1) + 1})"
        art["suptitle"].set_text(title)

    def _make_artists(self, fig) -> dict:
        import matplotlib.patches as patches
        from matplotlib.collections import PolyCollection

        fig.clear()
        axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [4, 4, 4.4]})
        fig.subplots_adjust(left=0.02, right=0.99, top=0.82, bottom=0.04, wspace=0.12)
        self.keep_axes(*axes)
        art = {"panels": []}
        animated = []
        for ax in axes[:2]:
            ax.set_axis_off()
            ground = ax.add_patch(patches.Rectangle(
                (0, 0), 1, 1, facecolor=fig.get_facecolor(), edgecolor="none", zorder=-1))
            panel = {
                "ax": ax,
                # the cells as one collection with white borders: drawn in
                # ~0.5 ms where imshow of a tiny array blown up takes ~4 ms
                "cells": ax.add_collection(PolyCollection(
                    [], cmap="Blues", edgecolors="white", linewidths=1), autolim=False),
                "marks": ax.add_collection(PolyCollection(
                    [], facecolors=_MARK, alpha=0.85, edgecolors="black", hatch="xx",
                    zorder=2), autolim=False),
                "stamps": ax.add_collection(PolyCollection(
                    [], facecolors="none", edgecolors=_MARK, linewidths=2.5, zorder=2.5),
                    autolim=False),
                "pad": ax.add_patch(patches.Rectangle((0, 0), 1, 1, fill=False,
                                                      edgecolor="0.3", linestyle="--",
                                                      zorder=2.6)),
            }
            ax.set_xlim(0, 1)             # fixed: grids are fitted into the square
            ax.set_ylim(1, 0)
            ax.set_aspect("equal")
            ax.set_title(" ", fontsize=9, y=1.0)
            art["panels"].append(panel)
            animated += [ground, panel["cells"], panel["marks"],
                         panel["stamps"], panel["pad"], ax.title]
        ax_tab = art["ax_tab"] = axes[2]
        ax_tab.set_axis_off()
        # the table as plain texts and two line collections: matplotlib's
        # ax.table lays its cells out again on every draw (most of a redraw)
        edges = np.cumsum([0.0, 0.3, 0.36, 0.34])
        n_rows = 5
        height = 0.6 / n_rows
        art["cells"] = []
        for n in range(n_rows):
            y = 0.8 - (n + 0.5) * height
            row = [ax_tab.text(edges[k + 1] - 0.015, y, "", ha="right", va="center",
                               fontsize=9, transform=ax_tab.transAxes) for k in range(3)]
            art["cells"].append(row)
            animated += row[1:]           # the first column (row names) stays
        ax_tab.hlines(0.8 - height * np.arange(n_rows + 1), 0, 1, color="black", lw=0.8,
                      transform=ax_tab.transAxes, clip_on=False)
        ax_tab.vlines(edges * 0.995, 0.2, 0.8, color="black", lw=0.8,
                      transform=ax_tab.transAxes, clip_on=False)
        ax_tab.set_title(" ", fontsize=9, y=1.0)
        # on an axes, in figure coordinates: a figure's own animated artists
        # are left out of every whole draw, savefig included
        art["suptitle"] = ax_tab.text(0.5, 0.98, "", ha="center", va="top", fontsize=10,
                                      transform=fig.transFigure)
        self.animate(*animated, ax_tab.title, art["suptitle"])
        return art

    def _grid(self, panel, fill, vmax, annotate=None, *, text_color="0.2", numbers=()):
        """Show ``fill`` as a grid of cells fitted into the panel; return the fit.

        ``annotate``: an array whose non-zero values are written in their cells;
        ``numbers``: ``(row, col, text)`` written in white (the tap order).
        """
        n = fill.shape[0]
        s = 1 / n
        panel["cells"].set_verts(self._cells(np.ndindex(fill.shape), s))
        panel["cells"].set_array(fill.ravel())
        panel["cells"].set_clim(0, vmax)
        labels = []
        if annotate is not None and annotate.size <= 256:
            labels = [(i, j, str(v), text_color) for (i, j), v in np.ndenumerate(annotate)
                      if v]
        labels += [(i, j, t, "white") for i, j, t in numbers]
        if "numbers" not in panel:       # one artist for all the cell numbers
            from cnnlab.viz._text_grid import TextGrid

            panel["numbers"] = TextGrid(panel["ax"], fontsize=9)
            self.animate(panel["numbers"])
        panel["numbers"].set_items(((j + 0.5) * s, (i + 0.5) * s, label, color)
                                   for i, j, label, color in labels)
        return s

    @staticmethod
    def _cells(cells, s, offset=0):
        return [[((j + offset) * s, (i + offset) * s), ((j + offset + 1) * s, (i + offset) * s),
                 ((j + offset + 1) * s, (i + offset + 1) * s), ((j + offset) * s,
                                                                (i + offset + 1) * s)]
                for i, j in cells]

    def _draw_conv(self, art, r):
        p_in, p_out = art["panels"]
        n, (before, after) = r["size"], r["pads"]
        total = n + before + after
        fill = np.zeros((total, total))
        fill[before:before + n, before:before + n] = 0.35       # the real input
        taps = r["taps"]
        # the tap order, where the cells are big enough for a 9 pt number
        numbers = ([(i + before, j + before, str(t + 1)) for t, (i, j) in enumerate(taps)]
                   if len(taps) <= 49 and total <= 16 else ())
        s = self._grid(p_in, fill, 1.0, numbers=numbers)
        p_in["marks"].set_verts(self._cells(taps, s, before))
        p_in["stamps"].set_visible(False)
        p_in["pad"].set_visible(bool(before or after))
        p_in["pad"].set_bounds(before * s, before * s, n * s, n * s)
        pad_note = f", padded by {before}+{after}:\n" if before or after else ": "
        p_in["ax"].title.set_text(f"input {n}×{n}{pad_note}the taps of the marked output")
        o, (i, j) = r["out_size"], r["cell"]
        self._one_cell(p_out, o, r["cell"],
                       f"output {o}×{o}: pixel ({i}, {j}) reads {len(taps)} taps")

    def _one_cell(self, panel, n: int, cell, title: str) -> None:
        """Panel as a plain n×n grid with one cell marked, no stamps or padding."""
        s = self._grid(panel, np.full((n, n), 0.35), 1.0)
        panel["marks"].set_verts(self._cells([cell], s))
        panel["marks"].set_visible(True)
        panel["stamps"].set_visible(False)
        panel["pad"].set_visible(False)
        panel["ax"].title.set_text(title)

    def _draw_transposed(self, art, r):
        p_in, p_out = art["panels"]
        n, (i, j) = r["size"], r["cell"]
        self._one_cell(p_in, n, r["cell"], f"input {n}×{n}: pixel ({i}, {j})")
        overlap, o = r["overlap"], r["out_size"]
        s = self._grid(p_out, overlap, max(int(overlap.max()), 1) * 1.6,
                       annotate=overlap if o <= 16 else None)
        p_out["marks"].set_visible(False)
        p_out["stamps"].set_verts(self._cells(r["taps"], s))
        p_out["stamps"].set_visible(True)
        p_out["pad"].set_visible(False)
        uneven = overlap.min() != overlap.max()
        p_out["ax"].title.set_text(f"output {o}×{o}: its stamp (outlined), stamps per pixel"
                                   + ("\n(uneven: a checkerboard)" if uneven else ""))

    @staticmethod
    def _draw_table(art, r):
        cost = r["cost"]
        mine = cost["keras_layer"].split(" ")[0]
        if r["kind"] == "dilated":
            mine += f" d={r['dilation']}"
        cells = [["", mine, "standard Conv2D"], *r["table"]]
        for texts, row in zip(art["cells"], cells):
            for text, value in zip(texts, row):
                text.set_text(value)      # row names: the same text, nothing redrawn
        ratio = cost["macs"] / cost["standard"]["macs"]
        title = f"MACs: {ratio:.3g}× a standard Conv2D"
        if r["kind"] == "dilated" and ratio != 1:
            # same MACs per output pixel: a wider span leaves fewer valid outputs
            title += "\n(same per output pixel; fewer output pixels)"
        art["ax_tab"].title.set_text(title)


def receptive_growth_figure(depth: int = 5, kernel: int = 3, fig=None):
    """Receptive field of stacked convolutions: dilations 1, 2, 4, … against all 1.

    Left: the receptive field after each layer, exponential for doubling
    dilations and linear without them. Right: for three layers, how many
    routes lead from each input pixel to one output
    (:func:`~cnnlab.arith.convolutions.dilated_coverage`): doubling
    dilations reach every pixel, equal dilations (2, 2, 2) leave holes.

    Parameters
    ----------
    depth : int, optional
        Number of layers on the left (default 5).
    kernel : int, optional
        Kernel size of every layer (default 3).
    fig : matplotlib Figure, optional
        Draw into this figure (cleared) instead of a new one.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = receptive_growth_figure(4)
    >>> [line.get_ydata().tolist() for line in fig.axes[0].lines]
    [[3, 7, 15, 31], [3, 5, 7, 9]]
    """
    from cnnlab.arith.convolutions import dilated_coverage, dilated_receptive_fields
    from cnnlab.plot._figure import new_figure

    depth = check_int("depth", depth, 1)
    kernel = check_int("kernel", kernel, 2)
    fig = new_figure(fig, figsize=(10, 3.4))
    ax, ax_cov = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.4]})
    layers = np.arange(1, depth + 1)
    doubling = [2 ** i for i in range(depth)]
    for dilations, label, style in ((doubling, "dilations 1, 2, 4, …",
                                     dict(color=_BLUE, marker="o", linestyle="-")),
                                    ([1] * depth, "no dilation",
                                     dict(color=_ORANGE, marker="s", linestyle="--"))):
        fields = dilated_receptive_fields(dilations, kernel)
        ax.plot(layers, fields, label=label, **style)
        ax.annotate(str(fields[-1]), (layers[-1], fields[-1]), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=9)
    ax.set_xlabel("layers")
    ax.set_ylabel("receptive field (pixels)")
    ax.set_xticks(layers)
    ax.legend(fontsize=9)
    ax.set_title(f"{kernel}×{kernel} convolutions, stride 1", fontsize=10)
    for offset, (dilations, colour, hatch) in enumerate((((1, 2, 4), _BLUE, ""),
                                                          ((2, 2, 2), _ORANGE, "//"))):
        counts = np.array(dilated_coverage(list(dilations), kernel))
        x = np.arange(len(counts)) - (len(counts) - 1) / 2
        ax_cov.bar(x + (offset - 0.5) * 0.4, counts, width=0.4, color=colour, hatch=hatch,
                   label=f"dilations {dilations}: {np.count_nonzero(counts == 0)} holes")
    ax_cov.set_xlabel("input pixel (0 = centre)")
    ax_cov.set_ylabel("routes to one output")
    ax_cov.legend(fontsize=9)
    ax_cov.set_title("which pixels three layers really see", fontsize=10)
    return fig


def explorer(**kwargs) -> ConvKindsExplorer:
    """Make the convolution kinds explorer (keyword arguments as :class:`ConvKindsExplorer`).

    Examples
    --------
    >>> w = explorer(kind="transposed")          # doctest: +SKIP
    """
    return ConvKindsExplorer(**kwargs)
