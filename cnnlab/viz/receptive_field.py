"""Receptive-field calculator: stack conv and pool layers, watch the field grow.

A stack is written as a compact text spec, one item per layer, separated by
commas::

    conv3x3, conv3x3, pool2, conv3x3/d2, conv7x7/s2

- ``conv<k>``: a k x k convolution, stride 1 (``/s<n>`` sets the stride,
  ``/d<n>`` the dilation);
- ``pool<k>``: a k x k pooling window, stride k unless ``/s<n>`` says otherwise.

:func:`parse_layers` reads a spec, :func:`field_table` computes the
receptive field, jump and output size after each layer (with
:func:`cnnlab.arith.receptive_field` and :func:`cnnlab.arith.conv_output_size`),
and :class:`ReceptiveFieldExplorer` shows the table next to the fields drawn
as squares on the input.

Examples
--------
>>> [row["rf"] for row in field_table("conv3x3, conv3x3, conv3x3")]
[3, 5, 7]
"""
from __future__ import annotations

import re

import numpy as np

from cnnlab._validate import check_int, check_padding
from cnnlab.viz.base import ExplorerBase

_ITEM = re.compile(r"^(conv(\d+)x(\d+)|pool(\d+))((?:/[sd]\d+)*)$")

#: ready-made stacks offered by the explorer
PRESETS = {
    "three 3x3 convs (= one 7x7)": "conv3x3, conv3x3, conv3x3",
    "two 3x3 convs (= one 5x5)": "conv3x3, conv3x3",
    "classic convnet": "conv3x3, pool2, conv3x3, pool2, conv3x3",
    "VGG: 5 stages": ", ".join(["conv3x3, conv3x3, pool2"] * 2
                             + ["conv3x3, conv3x3, conv3x3, pool2"] * 3),
    "AlexNet-like": "conv11x11/s4, pool3/s2, conv5x5, pool3/s2, conv3x3, conv3x3, conv3x3, pool3/s2",
    "dilated 3x3 (d = 1, 2, 4)": "conv3x3, conv3x3/d2, conv3x3/d4",
    "ResNet stem": "conv7x7/s2, pool3/s2, conv3x3, conv3x3",
}


def parse_layers(spec: str) -> list[dict]:
    """Read a layer spec such as ``"conv3x3, pool2, conv3x3/d2"``.

    Parameters
    ----------
    spec : str
        Comma-separated items ``conv<k>x<k>[/s<stride>][/d<dilation>]`` or
        ``pool<k>[/s<stride>]`` (case and spaces do not matter).

    Returns
    -------
    list of dict
        One per layer: ``kind`` ("conv" or "pool"), ``kernel``, ``stride``,
        ``dilation`` and ``label`` (the item, normalised).

    Raises
    ------
    ValueError
        Naming the item that cannot be read.

    Examples
    --------
    >>> parse_layers("conv3x3, pool2, conv3x3/d2")[1]
    {'kind': 'pool', 'kernel': 2, 'stride': 2, 'dilation': 1, 'label': 'pool2'}
    >>> parse_layers("conv7x7/s2")[0]["stride"]
    2
    """
    if not isinstance(spec, str):
        raise ValueError("`spec` must be a string such as 'conv3x3, pool2'. "
                         f"Received: spec={spec!r}.")
    items = [s.strip().lower().replace(" ", "") for s in spec.split(",")]
    items = [s for s in items if s]
    if not items:
        raise ValueError("`spec` must list at least one layer, e.g. 'conv3x3, pool2, conv3x3'. "
                         f"Received: spec={spec!r}.")
    layers = []
    for n, item in enumerate(items, start=1):
        m = _ITEM.match(item)
        if not m:
            hint = (" Write a convolution's kernel as conv3x3: in cnnlab's layer lists "
                    "conv3 means 3 filters (the model inspector's grammar)."
                    if re.fullmatch(r"conv\d+(/[sd]\d+)*", item) else "")
            raise ValueError(f"Layer {n} of `spec` must look like conv3x3, conv3x3/s2, "
                             f"conv3x3/d2, pool2 or pool3/s2. Received: {item!r}.{hint}")
        if m.group(2) is not None and m.group(2) != m.group(3):
            raise ValueError(f"Layer {n} of `spec`: kernels here are square (conv3x3). "
                             f"Received: {item!r}.")
        kind = "conv" if m.group(2) is not None else "pool"
        kernel = int(m.group(2) or m.group(4))
        options = dict((o[0], int(o[1:])) for o in m.group(5).split("/")[1:])
        stride = options.get("s", 1 if kind == "conv" else kernel)
        dilation = options.get("d", 1)
        if kind == "pool" and dilation != 1:
            raise ValueError(f"Layer {n} of `spec`: pooling windows are not dilated in Keras. "
                             f"Received: {item!r}.")
        for name, value in (("kernel", kernel), ("stride", stride), ("dilation", dilation)):
            if value < 1:
                raise ValueError(f"Layer {n} of `spec`: the {name} must be >= 1. "
                                 f"Received: {item!r}.")
        label = (f"conv{kernel}x{kernel}" if kind == "conv" else f"pool{kernel}") + (f"/s{stride}" if stride != (1 if kind == "conv" else kernel)
                                     else "") + (f"/d{dilation}" if dilation != 1 else "")
        layers.append({"kind": kind, "kernel": kernel, "stride": stride,
                       "dilation": dilation, "label": label})
    return layers


def field_table(spec: str, input_size: int | None = None, padding="same") -> list[dict]:
    """Receptive field, jump and output size after each layer of a spec.

    Parameters
    ----------
    spec : str
        Layers as in :func:`parse_layers`.
    input_size : int, optional
        Side of the input in pixels; if given, each row also has ``size``,
        the output side after that layer.
    padding : {"same", "valid"} or int, optional
        Padding used for the output sizes (it does not change the field).

    Returns
    -------
    list of dict
        ``layer`` (label), ``kind``, ``kernel``, ``stride``, ``dilation``,
        ``rf`` (input pixels one output sees, per axis), ``jump`` (input
        pixels between neighbouring outputs) and ``size`` (or ``None``).

    Examples
    --------
    >>> rows = field_table("conv3x3, pool2, conv3x3", input_size=28, padding="valid")
    >>> [(r["rf"], r["jump"], r["size"]) for r in rows]
    [(3, 1, 26), (4, 2, 13), (8, 2, 11)]
    """
    from cnnlab.arith import conv_output_size, receptive_field

    layers = parse_layers(spec)
    padding = check_padding(padding)
    fields = receptive_field([(lay["kernel"], lay["stride"], lay["dilation"]) for lay in layers])
    size = None if input_size is None else check_int("input_size", input_size, 1)
    rows = []
    for n, (lay, (rf, jump)) in enumerate(zip(layers, fields), start=1):
        if size is not None:
            try:
                size = conv_output_size(size, lay["kernel"], stride=lay["stride"],
                                        padding=padding, dilation=lay["dilation"])
            except ValueError:
                raise ValueError(f"Layer {n} ({lay['label']}) does not fit: its input is only "
                                 f"{size}x{size} pixels with padding={padding!r}. Use a larger "
                                 "input, 'same' padding or fewer layers.") from None
        rows.append({"layer": lay["label"], "kind": lay["kind"], "kernel": lay["kernel"],
                     "stride": lay["stride"], "dilation": lay["dilation"], "rf": rf,
                     "jump": jump, "size": size})
    return rows


def _photo(size: int) -> np.ndarray:
    from cnnlab.data import sample_image
    return np.asarray(sample_image("chelsea", size=size, grey=True), dtype=float)[..., 0]


class ReceptiveFieldExplorer(ExplorerBase):
    """Build a stack of conv/pool layers and see its receptive field grow.

    Parameters
    ----------
    spec : str, optional
        Starting stack (default ``"conv3x3, conv3x3, conv3x3"``), see :func:`parse_layers`.
    input_size : int, optional
        Side of the input drawn on the right (default 32).

    Notes
    -----
    Controls: a preset menu, the spec text (edit it freely), a row to append a
    layer (kind, kernel, stride, dilation, *add*, *remove last*), the input
    size, the padding used for output sizes, and the background (a grid or a
    photo). ``result`` holds ``rows`` (see :func:`field_table`),
    ``input_size``, ``padding`` and ``background``.

    Examples
    --------
    >>> w = ReceptiveFieldExplorer()  # doctest: +SKIP
    >>> w.result["rows"][-1]["rf"]  # doctest: +SKIP
    7
    >>> w.controls["spec"].value = "conv3x3, pool2, conv3x3"  # doctest: +SKIP
    >>> w.result["rows"][-1]["rf"], w.result["rows"][-1]["jump"]  # doctest: +SKIP
    (8, 2)
    """

    figsize = (10.5, 4.2)

    def __init__(self, spec: str = "conv3x3, conv3x3, conv3x3", *, input_size: int = 32):
        import ipywidgets as widgets

        parse_layers(spec)
        check_int("input_size", input_size, 4)
        style = {"description_width": "initial"}
        self._photo_cache = {}
        controls = {
            "spec": widgets.Text(spec, description="layers", continuous_update=False,
                                 style=style, layout=widgets.Layout(width="60%")),
            "input_size": widgets.IntSlider(min(input_size, 256), min=4, max=256,
                                            description="input size (px)", style=style,
                                            continuous_update=False),
            "padding": widgets.Dropdown(options=["same", "valid"], value="same",
                                        description="padding", style=style,
                                        layout=widgets.Layout(width="11em")),
            "background": widgets.ToggleButtons(options=["grid", "photo"], value="grid",
                                                style={"button_width": "5em"}),
        }
        self.preset = widgets.Dropdown(options=["(choose a preset)", *PRESETS],
                                       description="preset", style=style)
        self.kind = widgets.Dropdown(options=["conv", "pool"], value="conv",
                                     layout=widgets.Layout(width="6em"))
        self.kernel = widgets.Dropdown(options=[1, 2, 3, 5, 7, 11], value=3,
                                       description="k", layout=widgets.Layout(width="8em"),
                                       style={"description_width": "1.5em"})
        self.stride = widgets.Dropdown(options=["default", 1, 2, 3, 4], value="default",
                                       description="s", layout=widgets.Layout(width="10em"),
                                       style={"description_width": "1.5em"})
        self.dilation = widgets.Dropdown(options=[1, 2, 3, 4], value=1, description="d",
                                         layout=widgets.Layout(width="8em"),
                                         style={"description_width": "1.5em"})
        self.add_button = widgets.Button(description="add layer", icon="plus")
        self.remove_button = widgets.Button(description="remove last", icon="minus")
        self.preset.observe(self._on_preset, names="value")
        self.add_button.on_click(self.add_layer)
        self.remove_button.on_click(self.remove_last)
        layout = widgets.VBox([
            widgets.HBox([self.preset, controls["spec"]]),
            widgets.HBox([self.kind, self.kernel, self.stride, self.dilation,
                          self.add_button, self.remove_button]),
            widgets.HBox([controls["input_size"], controls["padding"],
                          controls["background"]]),
        ])
        super().__init__(controls, layout_controls=layout)

    # -- editing the spec ----------------------------------------------------
    def _on_preset(self, change):
        if change["new"] in PRESETS:
            self.controls["spec"].value = PRESETS[change["new"]]

    def add_layer(self, *_):
        """Append the layer described by the kind/k/s/d menus to the spec."""
        item = f"{self.kind.value}{self.kernel.value}"
        if self.stride.value != "default":
            item += f"/s{self.stride.value}"
        if self.kind.value == "conv" and self.dilation.value != 1:
            item += f"/d{self.dilation.value}"
        spec = self.controls["spec"].value.strip().rstrip(",")
        self.controls["spec"].value = f"{spec}, {item}" if spec else item

    def remove_last(self, *_):
        """Drop the last layer of the spec."""
        items = [s for s in self.controls["spec"].value.split(",") if s.strip()]
        self.controls["spec"].value = ", ".join(s.strip() for s in items[:-1])

    # -- compute / draw -------------------------------------------------------
    def compute(self, spec, input_size, padding, background) -> dict:
        rows = field_table(spec, input_size, padding)
        return {"rows": rows, "input_size": input_size, "padding": padding,
                "background": background}

    def _background(self, kind: str, size: int):
        if kind == "photo":
            if size not in self._photo_cache:
                self._photo_cache[size] = _photo(size)
            return self._photo_cache[size]
        return None

    def draw(self, result, fig) -> None:
        """The table of layers and the fields drawn on the input.

        Axes and artists are made once and changed in place. The input panel
        keeps fixed limits, a unit square the input is scaled into, so a new
        input size moves no axis; the grid or photo, the field squares, the
        table's *out size* column and the titles are animated
        (``ExplorerBase.animate``) and an update draws only them over the kept
        rest. A new layer list changes the table and the legend, which redraws
        the whole figure.
        """
        rows, n = result["rows"], result["input_size"]
        art = getattr(self, "_art", None)
        if art is None or self.kept_axes(fig) is None:
            art = self._art = self._make_artists(fig)
        self._draw_table(art, result)

        bg = self._background(result["background"], n)
        art["photo"].set_visible(bg is not None)
        if bg is not None:
            art["photo"].set_data(bg)
            art["photo"].set_clim(float(bg.min()), float(bg.max()))
        grid = bg is None and n <= 64         # the pixel grid: two collections
        ticks = np.arange(n + 1) / n
        art["hlines"].set_segments([[(0, t), (1, t)] for t in ticks] if grid else [])
        art["vlines"].set_segments([[(t, 0), (t, 1)] for t in ticks] if grid else [])
        last = rows[-1]
        unique = {}
        for i, r in enumerate(rows):          # one square per distinct field size
            unique[r["rf"]] = i
        squares = art["squares"]
        while len(squares) < len(unique):
            square = art["ax_img"].add_patch(_square())
            square.set_clip_box(art["clip"])
            self.animate(square)
            squares.append(square)
        for square, (rf, i) in zip(squares, sorted(unique.items())):
            side = min(rf / n, 1.06)      # larger fields: a frame just around the input
            square.set_bounds(0.5 - side / 2, 0.5 - side / 2, side, side)
            square.set_edgecolor(COLORS[i % len(COLORS)])
            square.set_visible(True)
        for square in squares[len(unique):]:
            square.set_visible(False)
        art["neighbour"].set_bounds(0.5 + (last["jump"] - last["rf"] / 2) / n,
                                    0.5 - last["rf"] / (2 * n), last["rf"] / n,
                                    last["rf"] / n)
        labelled = sorted(unique.items())[-7:]
        labels = tuple((f"{i + 1}: {rows[i]['layer']} ({rf})", i) for rf, i in labelled) + (
            (f"neighbour (+{last['jump']} px)", -1),)
        if art["legend_key"] != labels:       # a new layer list: the whole figure
            art["legend_key"] = labels
            from matplotlib.patches import Rectangle
            handles = [Rectangle((0, 0), 1, 1, fill=False, lw=2,
                                 edgecolor=COLORS[i % len(COLORS)]) if i >= 0 else
                       Rectangle((0, 0), 1, 1, fill=False, lw=1.2, ls="--", edgecolor="k")
                       for _, i in labels]
            art["ax_img"].legend(handles, [label for label, _ in labels], fontsize=9,
                                 loc="upper left", bbox_to_anchor=(1.07, 1), frameon=False)
        note = " (larger than the input!)" if last["rf"] > n else ""
        art["ax_img"].title.set_text(f"fields on a {n}x{n} input{note}")

    def _make_artists(self, fig) -> dict:
        import matplotlib.patches as patches
        from matplotlib.collections import LineCollection
        from matplotlib.transforms import Bbox, TransformedBbox

        fig.clear()
        ax_tab, ax_img = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.02, right=0.8, wspace=0.12)
        self.keep_axes(ax_tab, ax_img)
        ax_tab.set_axis_off()
        ax_tab.set_title(" ", fontsize=9, y=1.0)
        # the table as plain texts and two line collections, made for the
        # largest table shown (12 layers and a "…" row) and filled per update
        table = {"texts": [[ax_tab.text(0, 0, "", ha="center", va="center", fontsize=9,
                                        transform=ax_tab.transAxes) for _ in COLUMNS]
                           for _ in range(14)],
                 "lines": ax_tab.add_collection(LineCollection(
                     [], colors="black", linewidths=0.8, transform=ax_tab.transAxes,
                     clip_on=False),
                     autolim=False),
                 "key": None}
        photo = ax_img.imshow(np.zeros((1, 1)), cmap="gray", extent=(0, 1, 1, 0))
        ground = ax_img.add_patch(patches.Rectangle((0, 0), 1, 1, facecolor="white",
                                                    edgecolor="none", zorder=-1))
        hlines = ax_img.add_collection(LineCollection([], colors="0.88", linewidths=0.5),
                                       autolim=False)
        vlines = ax_img.add_collection(LineCollection([], colors="0.88", linewidths=0.5),
                                       autolim=False)
        # fields larger than the input: a frame just past its edge (clipped there)
        clip = TransformedBbox(Bbox([[-0.04, -0.04], [1.04, 1.04]]), ax_img.transAxes)
        neighbour = ax_img.add_patch(patches.Rectangle(
            (0, 0), 1, 1, fill=False, lw=1.2, ls="--", edgecolor="k", zorder=2.5))
        neighbour.set_clip_box(clip)
        ax_img.set_xlim(0, 1)             # fixed: the input is scaled into the square
        ax_img.set_ylim(1, 0)
        ax_img.set_aspect("equal")
        # no tick labels: the title gives the input's size, the grid its pixels
        ax_img.set_xticks([])
        ax_img.set_yticks([])
        # the frame as an animated patch: the ground (which hides a photo shown
        # before) is drawn over everything unanimated, the spines included
        ax_img.spines[:].set_visible(False)
        frame = ax_img.add_patch(patches.Rectangle((0, 0), 1, 1, fill=False, lw=0.8,
                                                   edgecolor="black", clip_on=False,
                                                   zorder=2.4))
        ax_img.set_title(" ", fontsize=9, y=1.0, pad=12)   # above the frames past the edge
        self.animate(ground, photo, hlines, vlines, frame, neighbour, ax_img.title, ax_tab.title,
                     *(row[2] for row in table["texts"]))
        return {"ax_tab": ax_tab, "ax_img": ax_img, "table": table, "photo": photo,
                "hlines": hlines, "vlines": vlines, "neighbour": neighbour, "squares": [],
                "legend_key": None, "clip": clip}

    @staticmethod
    def _draw_table(art, result):
        """Fill the table; only the *out size* column and the title change with the input."""
        rows, table = result["rows"], art["table"]
        shown = set(range(len(rows)) if len(rows) <= 12
                    else [*range(5), *range(len(rows) - 6, len(rows))])
        cells = [[str(i + 1), r["layer"], str(r["size"]), str(r["rf"]), str(r["jump"])]
                 for i, r in enumerate(rows) if i in shown]
        if len(rows) > len(shown):
            cells.insert(5, ["…", "…", "…", "…", "…"])
        cells.insert(0, list(COLUMNS))
        key = tuple(tuple(c[:2] + c[3:]) for c in cells)
        height = 0.065
        if table["key"] != key:           # a new layer list: the whole figure
            table["key"] = key
            edges = np.cumsum([0.0, *COLUMN_WIDTHS])
            bottom = 1 - height * len(cells)
            table["lines"].set_segments(
                [[(0, 1 - height * k), (1, 1 - height * k)] for k in range(len(cells) + 1)]
                + [[(e, bottom), (e, 1)] for e in edges])
            for n, texts in enumerate(table["texts"]):
                for k, text in enumerate(texts):
                    text.set_position(((edges[k] + edges[k + 1]) / 2, 1 - (n + 0.5) * height))
                    text.set_visible(n < len(cells))
        for texts, row in zip(table["texts"], cells):
            for text, value in zip(texts, row):
                text.set_text(value)
        last = rows[-1]
        art["ax_tab"].title.set_text(
            f"after {len(rows)} layers ({result['padding']} padding): each output\n"
            f"sees {last['rf']}x{last['rf']} input pixels; neighbours are "
            f"{last['jump']} px apart")


#: columns of the table, and their widths (fractions of the panel)
COLUMNS = ("#", "layer", "out size", "field", "jump")
COLUMN_WIDTHS = (0.1, 0.3, 0.2, 0.2, 0.2)
#: colours of the field squares, by layer
COLORS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown",
          "tab:pink", "tab:olive", "tab:cyan")


def _square():
    """An empty field square (placed and coloured by ``ReceptiveFieldExplorer.draw``)."""
    from matplotlib.patches import Rectangle
    return Rectangle((0, 0), 1, 1, fill=False, lw=2, zorder=2)
