"""Growth-rate explorer: how k₀, k, block sizes and compression θ shape a DenseNet.

:class:`GrowthRateExplorer` draws the number of channels after every dense
layer and every transition of an ImageNet-style DenseNet (224×224 input),
and compares its parameter count with Keras' DenseNets and ResNets. The
title sums up parameters, direct connections (``L (L + 1) / 2`` per block)
and the activation memory the concatenations write for one image. The
arithmetic is :func:`cnnlab.arith.densenet.densenet_cost`.

Examples
--------
>>> w = GrowthRateExplorer()
>>> w.result["params"], w.result["connections"]
(8062504, 535)
>>> w.controls["growth_rate"].value = 12
>>> w.result["channels"][-1]
('block 4', 389)
"""
from __future__ import annotations

import numpy as np

from cnnlab.arith.densenet import (DENSENET_BLOCKS, RESNET_BLOCKS, densenet_cost,
                                   densenet_params, resnet_params)
from cnnlab.viz._limits import round_up, set_lim
from cnnlab.viz.base import ExplorerBase

#: Keras reference networks for the comparison panel (name -> parameters)
REFERENCES = {**{f"DenseNet-{n}": densenet_params(b) for n, b in DENSENET_BLOCKS.items()
                 if n != 264},
              **{f"ResNet-{n}": resnet_params(b) for n, b in RESNET_BLOCKS.items()}}


def parse_blocks(text: str) -> tuple:
    """``"6, 12, 24, 16"`` → ``(6, 12, 24, 16)``, with a readable error.

    Examples
    --------
    >>> parse_blocks("6 12, 24,16")
    (6, 12, 24, 16)
    """
    parts = str(text).replace(",", " ").split()
    try:
        blocks = tuple(int(p) for p in parts)
    except ValueError:
        blocks = ()
    if not blocks or min(blocks) < 1 or len(blocks) > 5:
        raise ValueError("`blocks` must be 1 to 5 whole numbers >= 1 separated by commas, "
                         f"e.g. 6, 12, 24, 16. Received: blocks={text!r}.")
    return blocks


class GrowthRateExplorer(ExplorerBase):
    """Channels, parameters, connections and memory of a DenseNet as k₀, k, blocks, θ change.

    Parameters
    ----------
    blocks : str or sequence of int, optional
        Starting layers per block (default DenseNet-121's ``6, 12, 24, 16``).
    growth_rate : int, optional
        Starting ``k`` (default 32).

    Notes
    -----
    Controls: ``k0`` (channels entering the first block), ``growth_rate``
    (``k``), ``blocks`` (text, e.g. ``6, 12, 32, 32`` for DenseNet-169),
    ``compression`` (``θ``) and ``bottleneck``. ``result`` holds ``cost``
    (:class:`~cnnlab.arith.densenet.DenseNetCost`), ``channels``,
    ``params``, ``connections``, ``concat_mb`` / ``unique_mb`` (float32
    megabytes written by the concatenations / needed if each map is stored
    once) and ``compare`` (name → parameters, this network first).
    """

    figsize = (10, 3.8)

    def __init__(self, blocks="6, 12, 24, 16", growth_rate: int = 32):
        import ipywidgets as widgets

        if not isinstance(blocks, str):
            blocks = ", ".join(str(b) for b in blocks)
        style = {"description_width": "initial"}
        controls = {
            "k0": widgets.IntSlider(value=2 * growth_rate, min=1, max=256,
                                    description="k₀ (stem)", style=style),
            "growth_rate": widgets.IntSlider(value=growth_rate, min=1, max=64,
                                             description="growth rate k", style=style),
            "blocks": widgets.Text(value=blocks, description="layers per block",
                                   continuous_update=False, style=style),
            "compression": widgets.FloatSlider(value=0.5, min=0.05, max=1.0, step=0.05,
                                               description="compression θ", style=style),
            "bottleneck": widgets.Checkbox(value=True, description="1×1 bottleneck (4k)"),
        }
        super().__init__(controls)

    def compute(self, k0: int, growth_rate: int, blocks: str, compression: float,
                bottleneck: bool) -> dict:
        """The network's arithmetic (pure, no Keras)."""
        cost = densenet_cost(parse_blocks(blocks), growth_rate, stem_filters=k0,
                             compression=round(float(compression), 4),
                             bottleneck=bool(bottleneck))
        trace = []                       # (label, channels) after every layer / transition
        for stage in cost.stages:
            if stage.kind == "block":
                trace += [(stage.name, c) for c in stage.layer_channels]
            elif stage.kind in ("stem", "transition"):
                trace.append((stage.name, stage.out_channels))
        return {"cost": cost, "channels": cost.channels, "trace": trace,
                "params": cost.params, "connections": cost.connections,
                "concat_mb": 4 * cost.concat_values / 1e6,
                "unique_mb": 4 * cost.unique_values / 1e6,
                "compare": {"this DenseNet": cost.params, **REFERENCES}}

    def draw(self, result: dict, fig) -> None:
        """Channel trace and parameter bars; made on the first draw, updated after.

        Moving a control changes the line, markers, labels and the first bar in
        place (making axes, bars and hatches is most of a redraw's time); a
        figure that does not hold this widget's axes gets them drawn afresh.
        Those artists are animated and the limits move only when the network
        outgrows them, so most updates draw only them over the kept picture.
        """
        art = getattr(self, "_art", None)
        if art is None or fig.axes != list(art["axes"]):
            art = self._art = self._make_artists(fig)
        ax, ax2 = art["axes"]
        labels = [t[0] for t in result["trace"]]
        values = [t[1] for t in result["trace"]]
        art["step"].set_data(np.arange(len(values)), values)
        ends = [(i, c) for i, (label, c) in enumerate(result["trace"])
                if label.startswith(("transition", "stem"))]
        art["marks"].set_data([i for i, _ in ends], [c for _, c in ends])
        # head room so the top label (e.g. 1024) is never clipped by the frame;
        # limits change only when they must (set_xlim/set_ylim mark the figure
        # for a whole redraw): the top is a round number that most slider
        # steps stay under
        y_top = round_up(max(values) * 1.12) if values else 1
        set_lim(ax, y=(0, y_top))
        tops = [(i, c) for i, c in enumerate(values)
                if i + 1 == len(labels) or labels[i + 1] != labels[i]]
        while len(art["tops"]) < len(tops):     # at most 2 per block: a few texts, kept
            art["tops"].append(ax.annotate("", (0, 0), textcoords="offset points",
                                           xytext=(0, 4), fontsize=9, ha="center",
                                           va="bottom", clip_on=False))
            self.animate(art["tops"][-1])
        for ann, top in zip(art["tops"], tops):
            ann.xy = top
            ann.set_text(f"{top[1]}")
            ann.set_visible(True)
            # a transition's count under its marker: with θ near 1 it is
            # close to the block's last count, whose label is above the line
            # (and above it when that would reach the x axis)
            below = labels[top[0]].startswith("transition") and top[1] > 0.15 * y_top
            ann.xyann = (0, -7 if below else 4)
            ann.set_verticalalignment("top" if below else "bottom")
        for ann in art["tops"][len(tops):]:
            ann.set_visible(False)
        set_lim(ax, x=(-0.5, max(len(values) - 0.5, 0.5)))
        art["title"].set_text(
            f"{result['params']:,} parameters · {result['connections']:,} direct "
            f"connections\nconcatenations {result['concat_mb']:.1f} MB "
            f"(maps once: {result['unique_mb']:.1f} MB)")
        params = np.array(list(result["compare"].values())) / 1e6
        art["bars"][0].set_width(params[0])
        art["bar_labels"][0].set_x(params[0])           # the references' labels stay
        art["bar_labels"][0].set_text(f" {params[0]:.1f}")
        set_lim(ax2, x=(0, params.max() * 1.25))

    def _make_artists(self, fig) -> dict:
        """Axes, labels, the comparison bars and empty line/markers, once."""
        fig.clear()
        ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": (3, 2)})
        self.keep_axes(ax, ax2)
        step, = ax.step([], [], where="post", color="#0072B2")
        marks, = ax.plot([], [], "v", color="#D55E00", ms=6, linestyle="none")
        ax.set_xlabel("dense layer / transition (▼), in order")
        ax.set_ylabel("channels")
        # a fixed title height: no per-draw search for room above the ticks
        title = ax.set_title("", fontsize=9, y=1.0)
        ax.grid(alpha=0.3)
        names = ["this DenseNet", *REFERENCES]
        params = np.array([0, *REFERENCES.values()]) / 1e6
        colors = ["#E69F00"] + ["#0072B2" if n.startswith("Dense") else "#999999"
                                for n in names[1:]]
        hatches = ["xx"] + ["//" if n.startswith("Dense") else "" for n in names[1:]]
        bars = ax2.barh(names, params, color=colors, edgecolor="black", linewidth=0.4)
        for bar, hatch in zip(bars, hatches):
            bar.set_hatch(hatch)
        bar_labels = [ax2.text(p, i, f" {p:.1f}", va="center", fontsize=9)
                      for i, p in enumerate(params)]
        ax2.invert_yaxis()
        ax2.set_xlabel("million parameters (Keras)")
        ax2.tick_params(labelsize=9)
        ax2.set_title("DenseNets vs ResNets", fontsize=9, y=1.0)
        fig.subplots_adjust(left=0.07, right=0.97, bottom=0.14, top=0.84, wspace=0.45)
        # what a control changes is drawn over the kept rest of the picture
        # (ExplorerBase.animate), with the spines the line, markers and the
        # first bar may touch, which a whole redraw draws over them
        self.animate(step, marks, title, bars[0], bar_labels[0], ax.spines["left"],
                     ax.spines["bottom"], ax2.spines["left"])
        return {"axes": (ax, ax2), "step": step, "marks": marks, "tops": [],
                "title": title, "bars": bars, "bar_labels": bar_labels}
