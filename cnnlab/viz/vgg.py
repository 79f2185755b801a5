"""VGG widgets: a configuration explorer and a feature-map viewer.

:class:`VGGExplorer` shows any VGG configuration (A–E) at any width and input
size as a layer table, a block diagram and the share of parameters and MACs
per stage. It computes everything from the configuration table
(:func:`cnnlab.models.vggnet.vgg_plan`) without building a Keras model, so it
updates instantly; the tests check that the numbers equal those of the built
model.

:class:`FeatureMapExplorer` shows the feature maps a trained network computes
for one image, layer by layer.

Examples
--------
>>> vgg_summary("D", 1.0, 224)["params"]
138357544
"""
from __future__ import annotations

import numpy as np

from cnnlab._display import html_table
from cnnlab.models.vggnet import PAPER_MILLIONS, VGG_CONFIGS, vgg_plan, vgg_stages
from cnnlab.viz.base import ExplorerBase

#: Colours of the layer kinds in the block diagram.
# Okabe-Ito colours (safe for colour-blind readers) plus a hatch per kind, so
# no kind is told from another by hue alone.
COLOURS = {"conv": "#0072B2", "conv1": "#56B4E9", "pool": "#999999", "lrn": "#F0E442",
           "dense": "#E69F00"}
HATCHES = {"conv": "//", "conv1": "..", "pool": "", "lrn": "xx", "dense": "\\\\"}
KIND_NAMES = {"conv": "3×3 conv", "conv1": "1×1 conv", "pool": "max pooling",
              "lrn": "LRN", "dense": "dense"}


def _fmt(n: int) -> str:
    return f"{n:,}"


def layer_table_html(rows: list[dict], max_rows: int = 40) -> str:
    """An HTML table of :func:`~cnnlab.models.vggnet.vgg_plan` rows with totals.

    Examples
    --------
    >>> "block1_conv1" in layer_table_html(vgg_plan("A"))
    True
    """
    body = []
    for row in rows[:max_rows]:
        kind = row["kind"] + (f" {row['kernel']}×{row['kernel']}" if row["kind"] == "conv" else "")
        shape = "×".join(str(s) for s in row["output_shape"])
        body.append((row["name"], kind, shape, _fmt(row["params"]), _fmt(row["macs"])))
    total = ("total", "", "", _fmt(sum(r["params"] for r in rows)),
             _fmt(sum(r["macs"] for r in rows)))
    table = html_table(body, ("layer", "kind", "output shape", "parameters", "MACs"),
                       align="lllrr", footer=total, attrs="style='font-size:90%'")
    return f"<div style='max-height:300px;overflow:auto'>{table}</div>"


def draw_vgg_diagram(ax, rows: list[dict], title: str | None = None) -> None:
    """Draw a VGG plan as boxes: one per layer, grouped by stage.

    A box's height follows the feature map's side (on a square-root scale, so
    7×7 stays visible next to 224×224); each kind of layer has an Okabe-Ito
    colour and a hatch (3×3 convolutions blue ``//``, 1×1 ones light blue
    ``..``, poolings grey, LRN yellow ``xx``, dense layers orange ``\\``),
    named in a legend. A stage's convolutions all have the same number of
    filters, written once above the stage (one label per box was most of the
    diagram's drawing time).
    """
    from matplotlib.patches import Rectangle

    first = rows[0]["output_shape"][0] if rows else 1
    x, block, seen, filters = 0.0, None, {}, {}   # filters: block -> [x0, x1, top, units]
    for row in rows:
        if row["kind"] == "flatten":
            continue
        if row["block"] != block and row["kind"] != "dense":
            if block is not None:
                x += 0.6
            block = row["block"]
            ax.text(x, -1.05, f"block{block}", fontsize=9, ha="left", va="top")
        if row["kind"] == "dense":
            height = 1.6 * np.sqrt(min(row["units"], 4096) / 4096) + 0.2
            kind, label = "dense", f"{row['name']} {row['units']}"
        else:
            height = 1.6 * np.sqrt(row["output_shape"][0] / first) + 0.2
            kind = "conv1" if row["kind"] == "conv" and row["kernel"] == 1 else row["kind"]
            label = ""
            if row["kind"] == "conv":
                span = filters.setdefault(block, [x, x, 0.0, row["units"]])
                span[1], span[2] = x + 0.8, max(span[2], height / 2)
        patch = Rectangle((x, -height / 2), 0.8, height, facecolor=COLOURS[kind],
                          edgecolor="black", linewidth=0.4, hatch=HATCHES[kind],
                          label=KIND_NAMES[kind] if kind not in seen else None)
        seen[kind] = True
        ax.add_patch(patch)
        if label:
            ax.text(x + 0.4, height / 2 + 0.08, label, ha="center", va="bottom", fontsize=9,
                    rotation=90)
        x += 1.0
    for x0, x1, top, units in filters.values():
        ax.text((x0 + x1) / 2, top + 0.08, str(units), ha="center", va="bottom", fontsize=9)
    ax.set_xlim(-0.5, max(x, 1) + 0.5)
    ax.set_ylim(-1.3, 2.6)
    ax.axis("off")
    if seen:
        ax.legend(loc="lower right", fontsize=9, ncol=len(seen), frameon=False,
                  bbox_to_anchor=(1.0, -0.08))
    if title:
        ax.set_title(title, fontsize=10)


def vgg_summary(config: str = "D", width: float = 1.0, size: int = 224,
                include_top: bool = True) -> dict:
    """Plan and totals of a VGG configuration on ``size × size × 3`` images (no Keras).

    Returns
    -------
    dict
        ``config``, ``rows`` (:func:`~cnnlab.models.vggnet.vgg_plan`), ``stages``
        (:func:`~cnnlab.models.vggnet.vgg_stages`), ``params``, ``macs``,
        ``weight_layers`` and ``paper_millions`` (the paper's figure for the
        configuration at width 1 and 224 pixels).

    Examples
    --------
    >>> s = vgg_summary("A")
    >>> s["weight_layers"], round(s["params"] / 1e6)
    (11, 133)
    """
    rows = vgg_plan(config, (size, size, 3), 1000, width, include_top)
    return {
        "config": config, "rows": rows, "stages": vgg_stages(rows),
        "params": sum(r["params"] for r in rows),
        "macs": sum(r["macs"] for r in rows),
        "weight_layers": sum(r["kind"] in ("conv", "dense") for r in rows),
        "paper_millions": PAPER_MILLIONS[config] if isinstance(config, str) else None,
    }


class VGGExplorer(ExplorerBase):
    """Explore the VGG configurations: layers, parameters and MACs.

    Parameters
    ----------
    config : {"A", "A-LRN", "B", "C", "D", "E"}, optional
        Initial configuration (default ``"D"``, VGG16).
    width : float, optional
        Initial width multiplier (default 1.0).
    size : int, optional
        Initial input side in pixels (default 224).

    Notes
    -----
    Controls: ``config``, ``width`` (1, 1/2, 1/4, 1/8), ``size`` (input side,
    32–256) and ``include_top``. ``result`` holds ``rows`` (the layer plan),
    ``stages``, ``params``, ``macs``, ``weight_layers`` and ``paper_millions``
    (the paper's figure for this configuration at width 1 and 224 pixels).

    Examples
    --------
    >>> w = VGGExplorer(config="A")         # doctest: +SKIP
    >>> w.result["weight_layers"]           # doctest: +SKIP
    11
    """

    figsize = (10, 4.2)

    def __init__(self, config: str = "D", width: float = 1.0, size: int = 224):
        import ipywidgets as widgets

        controls = {
            "config": widgets.Dropdown(options=list(VGG_CONFIGS), value=config,
                                       description="config"),
            "width": widgets.Dropdown(options=[("1", 1.0), ("1/2", 0.5), ("1/4", 0.25),
                                               ("1/8", 0.125)], value=width,
                                      description="width"),
            "size": widgets.IntSlider(value=size, min=32, max=256, step=32,
                                      description="input size"),
            "include_top": widgets.Checkbox(value=True, description="FC layers"),
        }
        self.table = widgets.HTML()
        super().__init__(controls)
        self.children = (*self.children, self.table)
        self._fill_table()

    def compute(self, config: str, width: float, size: int, include_top: bool) -> dict:
        """The plan and totals of one configuration: :func:`vgg_summary`."""
        return vgg_summary(config, width, size, include_top)

    def update(self, *args):
        super().update(*args)
        self._fill_table()

    def _fill_table(self):
        if getattr(self, "table", None) is not None:
            self.table.value = layer_table_html(self.result["rows"]) if self.result else ""

    def draw(self, result: dict, fig) -> None:
        """Diagram, title and share bars; made once, then changed in place.

        The axes are made on the first draw. The diagram is drawn again only
        when its boxes change (configuration, width, FC layers): moving the
        input size changes only the title and the bars, which are animated
        (:meth:`~cnnlab.viz.base.ExplorerBase.animate`), so that picture is the
        kept rest with those drawn over it.
        """
        art = getattr(self, "_art", None)
        if art is None or self.kept_axes(fig) is None:
            art = self._art = self._make_axes(fig)
        ax1, ax2 = art["axes"]
        rows = result["rows"]
        key = _diagram_key(rows)
        if key != art["diagram"]:
            for artist in [*ax1.patches, *ax1.texts]:
                artist.remove()
            if ax1.get_legend() is not None:
                ax1.get_legend().remove()
            draw_vgg_diagram(ax1, rows)
            art["diagram"] = key
        art["title"].set_text(
            f"VGG {result['config']}: {result['weight_layers']} weight layers, "
            f"{result['params'] / 1e6:.1f} M parameters, "
            f"{result['macs'] / 1e9:.2f} G MACs (paper at 224 px: "
            f"{result['paper_millions']} M)")
        stages = result["stages"]
        labels = [str(s["block"]) for s in stages]
        params = np.array([s["params"] for s in stages], float)
        macs = np.array([s["macs"] for s in stages], float)
        shares = (100 * params / max(params.sum(), 1), 100 * macs / max(macs.sum(), 1))
        if labels != art["labels"]:
            for bar in art["bars"]:
                bar.remove()                # and no longer drawn: it left the figure
            y = np.arange(len(stages))
            art["bars"] = []
            for offset, (kind, hatch) in zip((-0.2, 0.2), (("dense", "\\\\"), ("conv", "//"))):
                art["bars"] += ax2.barh(y + offset, np.zeros(len(y)), 0.4,
                                        color=COLOURS[kind], edgecolor="black",
                                        linewidth=0.4, hatch=hatch).patches
            ax2.containers.clear()          # the bars are kept in art["bars"]
            self.animate(*art["bars"])
            ax2.set_yticks(y, labels)
            ax2.set_ylim(len(stages) - 0.5, -0.5)      # block 1 on top
            art["labels"] = labels
        for bar, width in zip(art["bars"], np.concatenate(shares)):
            bar.set_width(width)

    def _make_axes(self, fig) -> dict:
        """The two axes with what never changes: limits, ticks, labels, legend."""
        from matplotlib.patches import Patch

        fig.clear()
        ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.3, 1]})
        fig.subplots_adjust(left=0.01, right=0.98, bottom=0.12, top=0.9, wspace=0.15)
        self.keep_axes(ax1, ax2)
        title = ax1.set_title("", fontsize=10)
        self.animate(title)
        ax2.set_xlim(0, 100)
        ax2.set_xticks(range(0, 101, 20), [str(t) for t in range(0, 101, 20)])  # fixed text
        ax2.set_xlabel("share of the total (%)")
        ax2.set_ylabel("block")
        # above the axes: no bar (the dense layers' parameters reach 90 %) is
        # ever hidden, and the bars, drawn over the kept picture, never cover it
        ax2.legend(handles=[
            Patch(facecolor=COLOURS["dense"], edgecolor="black", linewidth=0.4,
                  hatch="\\\\", label="parameters"),
            Patch(facecolor=COLOURS["conv"], edgecolor="black", linewidth=0.4,
                  hatch="//", label="MACs")], fontsize=9, ncol=2, loc="lower center",
            bbox_to_anchor=(0.5, 1.0), frameon=False, borderaxespad=0.2)
        # the bars start on the left spine: drawn after them, as in a whole redraw
        self.animate(ax2.spines["left"])
        return {"axes": (ax1, ax2), "title": title, "diagram": None, "labels": None,
                "bars": []}


def _diagram_key(rows: list[dict]) -> tuple:
    """What :func:`draw_vgg_diagram` draws of ``rows``: equal keys, equal diagrams."""
    first = rows[0]["output_shape"][0] if rows else 1
    return tuple((r["kind"], r["block"], r["kernel"], r["units"], r["name"],
                  None if r["kind"] == "dense" else r["output_shape"][0] / first)
                 for r in rows if r["kind"] != "flatten")


def _as_model_input(image, shape) -> np.ndarray:
    """Resize/convert ``image`` (H, W, C) in [0, 1] to the model's input ``shape``."""
    from skimage.transform import resize

    x = np.asarray(image, dtype="float32")
    if x.ndim == 2:
        x = x[..., None]
    if x.ndim != 3:
        raise ValueError("`image` must have shape (H, W) or (H, W, C). "
                         f"Received: image.shape={np.shape(image)}.")
    h, w, c = shape
    if x.shape[-1] != c:
        if c == 1:
            x = x.mean(axis=-1, keepdims=True)
        elif x.shape[-1] == 1:
            x = np.repeat(x, c, axis=-1)
        else:
            raise ValueError(f"`image` has {x.shape[-1]} channels; the model expects {c}. "
                             f"Received: image.shape={x.shape}.")
    if x.shape[:2] != (h, w):
        x = resize(x, (h, w, c), anti_aliasing=True).astype("float32")
    return x


class FeatureMapExplorer(ExplorerBase):
    """The feature maps of a (trained) network for one image, layer by layer.

    Parameters
    ----------
    model : keras.Model
        A convolutional network, e.g. a trained :func:`~cnnlab.models.mini_vgg`.
    image : array_like of shape (H, W, C) or (H, W)
        Values in [0, 1]; resized and converted to the model's input.
    layers : list of str, optional
        Layers to offer; default every layer with a 4-D output (convolutions
        and poolings).

    Notes
    -----
    All activations are computed once, when the widget is made; moving the
    controls only picks and draws. Controls: ``layer`` and ``maps`` (how many
    channels to show, the most active first). ``result`` holds ``maps``
    (H, W, n), ``channels`` (their indices), ``shape`` (the layer's output
    shape) and ``layer``.

    Examples
    --------
    >>> model = cnnlab.models.mini_vgg((28, 28, 1))      # doctest: +SKIP
    >>> FeatureMapExplorer(model, cnnlab.data.sample_image("chelsea"))  # doctest: +SKIP
    """

    figsize = (9, 4.2)

    def __init__(self, model, image, layers: list[str] | None = None):
        import ipywidgets as widgets
        import keras

        names = layers or [l.name for l in model.layers
                           if len(getattr(l.output, "shape", ())) == 4
                           and not isinstance(l, keras.layers.InputLayer)]
        if not names:
            raise ValueError("`model` has no layer with a 4-D (feature map) output.")
        self.image = _as_model_input(image, tuple(model.input_shape[1:]))
        probe = keras.Model(model.inputs, [model.get_layer(n).output for n in names])
        outputs = probe.predict(self.image[None], verbose=0)
        if len(names) == 1:
            outputs = [outputs]
        self.activations = {n: np.asarray(o[0]) for n, o in zip(names, outputs)}
        controls = {
            "layer": widgets.Dropdown(options=names, value=names[0], description="layer"),
            "maps": widgets.IntSlider(value=16, min=1, max=32, description="maps"),
        }
        super().__init__(controls)

    def compute(self, layer: str, maps: int) -> dict:
        """Pick the ``maps`` most active channels of ``layer`` (pure)."""
        if layer not in self.activations:
            raise ValueError(f"`layer` must be one of {', '.join(self.activations)}. "
                             f"Received: layer={layer!r}.")
        act = self.activations[layer]
        if maps < 1:
            raise ValueError(f"`maps` must be an integer >= 1. Received: maps={maps!r}.")
        order = np.argsort(-act.mean(axis=(0, 1)), kind="stable")[:maps]
        return {"layer": layer, "maps": act[..., order], "channels": order.tolist(),
                "shape": act.shape}

    def draw(self, result: dict, fig) -> None:
        """The input and a mosaic of the maps; made once, then changed in place.

        The mosaic is one opaque RGBA image made at the size of its box on the
        picture (each map scaled by pixel repetition, white between the maps),
        so drawing it copies pixels instead of resampling a large masked array,
        and the axes never change: the image, the channel numbers and the
        title are animated and an update draws only them over the kept picture.
        """
        art = getattr(self, "_art", None)
        if art is None or self.kept_axes(fig) is None:
            art = self._art = self._make_axes(fig)
        key = (result["layer"], tuple(result["channels"]))
        if key == art["key"]:
            return
        art["key"] = key
        maps = result["maps"]
        h, w, n = maps.shape
        ncols = min(8, n)
        nrows = int(np.ceil(n / ncols))
        box_w, box_h = art["box"]
        gap = 2
        # the largest scale at which every map fits, square pixels, >= 1 pixel
        scale = min((box_w - gap * (ncols - 1)) / (ncols * w),
                    (box_h - gap * (nrows - 1)) / (nrows * h))
        ch, cw = max(1, int(h * scale)), max(1, int(w * scale))
        rows, cols = (np.arange(ch) * h) // ch, (np.arange(cw) * w) // cw
        left = max(0, (box_w - (ncols * (cw + gap) - gap)) // 2)   # centred across
        mosaic = np.full((box_h, box_w, 4), 255, np.uint8)          # white, opaque
        corners = []                   # each map's top-left pixel, in the box's 0..1
        for i in range(n):
            m = maps[..., i]
            lo, hi = float(m.min()), float(m.max())
            v = (m - lo) / (hi - lo) if hi > lo else np.zeros_like(m)
            r, c = (i // ncols) * (ch + gap), left + (i % ncols) * (cw + gap)
            index = np.clip((v[rows][:, cols] * 256).astype(int), 0, 255)
            mosaic[r:r + ch, c:c + cw] = art["lut"][index]
            corners.append((c / box_w, r / box_h))
        art["maps"].set_data(mosaic)
        labels = art["labels"]
        shown = result["channels"] if h >= 6 else []
        while len(labels) < len(shown):          # text artists reused, made when needed
            labels.append(art["axes"][1].text(0, 0, "", fontsize=9, color="white",
                                              va="top"))
            self.animate(labels[-1])
        for i, label in enumerate(labels):
            label.set_visible(i < len(shown))
            if i < len(shown):
                label.set_position(corners[i])
                label.set_text(f"#{shown[i]}")
        c_total = result["shape"][-1]
        art["title"].set_text(f"{result['layer']}: {h}×{w}×{c_total}, the {n} most active "
                              "channels (each scaled to its own range)")

    def _make_axes(self, fig) -> dict:
        """The input image, and a fixed box for the mosaic with its title."""
        import matplotlib

        fig.clear()
        ax_in, ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 3.2]})
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.9, wspace=0.05)
        self.keep_axes(ax_in, ax)
        img = self.image
        ax_in.imshow(img[..., 0] if img.shape[-1] == 1 else img,
                     cmap="gray" if img.shape[-1] == 1 else None)
        ax_in.set_anchor("N")                   # level with the mosaic's top
        ax_in.set_title("input", fontsize=9)
        for a in (ax_in, ax):
            a.axis("off")
        box = ax.get_position()
        width, height = fig.get_size_inches() * fig.dpi
        size = (int(box.width * width), int(box.height * height))
        maps = ax.imshow(np.full((size[1], size[0], 4), 255, np.uint8), aspect="auto",
                         interpolation="nearest", extent=(0, 1, 1, 0))
        ax.set_xlim(0, 1)
        ax.set_ylim(1, 0)
        title = ax.set_title("", fontsize=9)
        self.animate(maps, title)
        lut = (matplotlib.colormaps["viridis"](np.arange(256)) * 255).round().astype(np.uint8)
        return {"axes": [ax_in, ax], "maps": maps, "title": title, "labels": [],
                "key": None, "box": size, "lut": lut}
