"""Transfer explorer: freeze and unfreeze a pretrained base, see what would train.

:class:`TransferExplorer` lists a model's blocks (read from the layer names,
see :func:`cnnlab.models.transfer.blocks`) with a checkbox each, a "freeze blocks
1…N" slider and a "keep BatchNorm frozen" switch, and shows

1. per block, the parameters a training step would update (trainable), the
   learnable ones it leaves alone (frozen) and BatchNormalization's moving
   statistics, which no gradient ever updates;
2. the totals, which are exactly Keras' ``trainable_weights`` /
   ``non_trainable_weights`` counts once the choice is applied
   (:meth:`TransferExplorer.apply`);
3. the layers a fine-tuning step would update, and the mode each
   BatchNormalization layer would run in: a frozen one normalises with its
   moving mean and variance (inference mode) even during ``fit``.

The arithmetic is the pure function :func:`trainable_summary` over the
per-layer table of :func:`cnnlab.models.transfer.layer_table`; the model itself is
only read when the widget is created and written by :meth:`apply`.

Examples
--------
>>> rows = [
...     {"name": "block1_conv", "block": "block1", "kind": "Conv2D", "learnable": 432,
...      "statistics": 0, "batchnorm": False, "trainable": True},
...     {"name": "block1_bn", "block": "block1", "kind": "BatchNormalization",
...      "learnable": 32, "statistics": 32, "batchnorm": True, "trainable": True},
...     {"name": "predictions", "block": "head", "kind": "Dense", "learnable": 85,
...      "statistics": 0, "batchnorm": False, "trainable": True}]
>>> r = trainable_summary(rows, {"block1": False, "head": True})
>>> r["totals"], r["updated"]
(ParamCounts(trainable=85, frozen=464, statistics=32), ['predictions'])
>>> r["batchnorm"]
{'block1_bn': 'inference'}
"""
from __future__ import annotations

import html

from cnnlab.viz.base import ExplorerBase

#: colours of the three kinds of parameters
COLORS = {"trainable": "#2a9d8f", "frozen": "#9aa5b1", "statistics": "#e9c46a"}
#: and their hatches: told apart without colour too
HATCHES = {"trainable": None, "frozen": "..", "statistics": "//"}

#: at most this many layer names are listed under the figure
MAX_NAMES = 3


def trainable_summary(rows: list[dict], trainable: dict, *,
                      freeze_batchnorm: bool = False) -> dict:
    """What a training step would update with each block trainable or not.

    Parameters
    ----------
    rows : list of dict
        Per-layer rows as :func:`cnnlab.models.transfer.layer_table` gives them
        (``name``, ``block``, ``learnable``, ``statistics``, ``batchnorm``).
    trainable : dict of str to bool
        Block name → trainable. Every block of ``rows`` must be present.
    freeze_batchnorm : bool, optional
        Keep BatchNormalization layers frozen even in trainable blocks.

    Returns
    -------
    dict
        ``blocks`` (list of dicts: ``name``, ``trainable`` flag and the
        ``trainable_params``, ``frozen_params``, ``statistics`` of the block),
        ``totals`` (:class:`cnnlab.models.transfer.ParamCounts`), ``updated`` (names
        of the layers whose weights a training step changes), ``batchnorm``
        (BatchNormalization layer → ``"inference"`` or ``"training"``: the mode
        it runs in during ``fit``), ``layer_trainable`` (layer → bool).

    Raises
    ------
    ValueError
        If a block of ``rows`` is missing from ``trainable`` or an unknown one
        is given.
    """
    from cnnlab.models.transfer import ParamCounts

    order = list(dict.fromkeys(r["block"] for r in rows))
    missing = [b for b in order if b not in trainable]
    unknown = [b for b in trainable if b not in order]
    if missing or unknown:
        raise ValueError(f"`trainable` must give a value for every block ({', '.join(order)})."
                         f" Received: missing {missing}, unknown {unknown}.")
    per_block = {b: {"name": b, "trainable": bool(trainable[b]), "trainable_params": 0,
                     "frozen_params": 0, "statistics": 0} for b in order}
    updated, modes, layer_trainable = [], {}, {}
    for r in rows:
        on = bool(trainable[r["block"]]) and not (freeze_batchnorm and r["batchnorm"])
        layer_trainable[r["name"]] = on
        entry = per_block[r["block"]]
        entry["trainable_params" if on else "frozen_params"] += r["learnable"]
        entry["statistics"] += r["statistics"]
        if on and r["learnable"]:
            updated.append(r["name"])
        if r["batchnorm"]:
            modes[r["name"]] = "training" if on else "inference"
    blocks = list(per_block.values())
    totals = ParamCounts(sum(b["trainable_params"] for b in blocks),
                         sum(b["frozen_params"] for b in blocks),
                         sum(b["statistics"] for b in blocks))
    return {"blocks": blocks, "totals": totals, "updated": updated, "batchnorm": modes,
            "layer_trainable": layer_trainable}


def _short(n: int) -> str:
    """1234567 -> '1.23M', 45600 -> '45.6k', 512 -> '512'."""
    if n >= 1_000_000:
        return f"{n / 1e6:.3g}M"
    if n >= 10_000:
        return f"{n / 1e3:.3g}k"
    return f"{n:,}"


def _tick(v: float) -> str:
    """Axis tick: 2500 -> '2.5k', 1500000 -> '1.5M' (one unit for every tick)."""
    if v >= 1e6:
        return f"{v / 1e6:g}M"
    return f"{v / 1e3:g}k" if v >= 1e3 else f"{v:g}"


def _names(names: list[str]) -> str:
    if not names:
        return "nothing"
    shown = ", ".join(names[:MAX_NAMES])
    return shown + (f" … (+{len(names) - MAX_NAMES} more)" if len(names) > MAX_NAMES else "")


def _detail_lines(result) -> list[str]:
    """The summary, the layers a step updates and the BatchNorm modes, one line each."""
    bn = result["batchnorm"]
    lines = [result["summary"], f"a training step updates: {_names(result['updated'])}"]
    if bn:
        inference = [n for n, m in bn.items() if m == "inference"]
        training = [n for n, m in bn.items() if m == "training"]
        lines.append("BatchNorm in inference mode (moving mean/variance, kept): "
                     f"{_names(inference)}")
        lines.append("BatchNorm in training mode (batch statistics; moving averages "
                     f"updated): {_names(training)}")
    return lines


class TransferExplorer(ExplorerBase):
    """Freeze/unfreeze the blocks of a (pretrained) model and count what would train.

    Parameters
    ----------
    model : keras.Model
        A base (``keras.applications.MobileNetV2(weights=None, ...)``,
        :func:`cnnlab.models.transfer.small_base`) or a model holding a base and a
        head (:func:`cnnlab.models.transfer.new_head`); its layers are grouped into
        blocks by :func:`cnnlab.models.transfer.blocks`.

    Notes
    -----
    Controls: ``frozen_blocks`` (slider: freeze the first N blocks of the base,
    unfreeze the others; it sets the checkboxes), ``freeze_batchnorm``, and
    one checkbox ``train_<block>`` per block (these decide). The widget starts
    from the model's current state and never changes the model until
    :meth:`apply` is called. ``result`` is :func:`trainable_summary`'s dict
    plus ``summary`` (one line). Under the picture, ``details`` (HTML) lists
    the totals, the layers a training step updates and each BatchNorm
    layer's mode.

    Examples
    --------
    >>> from cnnlab.models import transfer
    >>> model = transfer.new_head(transfer.small_base((28, 28, 1)), 5)  # doctest: +SKIP
    >>> w = TransferExplorer(model)                                      # doctest: +SKIP
    >>> w.controls["frozen_blocks"].value = 2                            # doctest: +SKIP
    >>> w.result["updated"]                                              # doctest: +SKIP
    ['block3_conv', 'block3_bn', 'predictions']
    """

    figsize = (10, 4.2)

    def __init__(self, model):
        import ipywidgets as widgets

        from cnnlab.models import transfer

        self.model = model
        self.rows = transfer.layer_table(model)
        self.block_names = list(dict.fromkeys(r["block"] for r in self.rows))
        self.base_blocks = [b for b in self.block_names if b != "head"]
        state = {b: any(r["trainable"] for r in self.rows if r["block"] == b and r["learnable"])
                 for b in self.block_names}
        leading = 0
        for b in self.base_blocks:
            if state[b] or not any(r["learnable"] for r in self.rows if r["block"] == b):
                break
            leading += 1
        style = {"description_width": "initial"}
        self._checks = {f"train_{b}": widgets.Checkbox(
            value=state[b], description=b, indent=False,
            layout=widgets.Layout(width="auto", margin="0 12px 0 0")) for b in self.block_names}
        controls = {
            "frozen_blocks": widgets.IntSlider(
                leading, min=0, max=len(self.base_blocks), description="freeze blocks 1…N",
                style=style, continuous_update=False, layout=widgets.Layout(width="45%")),
            "freeze_batchnorm": widgets.Checkbox(
                value=False, description="keep BatchNorm frozen (inference mode)",
                indent=False, layout=widgets.Layout(width="auto")),
            **self._checks,
        }
        self._bulk = False
        top = widgets.HBox([controls["frozen_blocks"], controls["freeze_batchnorm"]])
        ticks = widgets.HBox(list(self._checks.values()),
                             layout=widgets.Layout(flex_flow="row wrap"))
        # what changes as text is HTML under the picture: free to draw, and read aloud
        self.details = widgets.HTML()
        super().__init__(controls, layout_controls=widgets.VBox(
            [top, widgets.HTML("<b>trainable blocks</b> (checked = trainable)"), ticks]))
        self.children = (*self.children, self.details)
        self._fill_details()
        controls["frozen_blocks"].observe(self._slider_moved, names="value")

    # -- the slider sets the checkboxes, then one update ------------------
    def _slider_moved(self, change):
        self._bulk = True
        try:
            for i, b in enumerate(self.base_blocks):
                self._checks[f"train_{b}"].value = i >= change["new"]
        finally:
            self._bulk = False
        self.update()

    # -- pure part ------------------------------------------------------------
    def compute(self, frozen_blocks, freeze_batchnorm, **checks) -> dict:
        trainable = {}
        for key, value in checks.items():
            if not key.startswith("train_"):
                raise ValueError(f"Unknown control {key!r}.")
            trainable[key[len("train_"):]] = bool(value)
        result = trainable_summary(self.rows, trainable, freeze_batchnorm=freeze_batchnorm)
        t = result["totals"]
        share = t.trainable / t.total if t.total else 0.0
        result["summary"] = (f"trainable {t.trainable:,} of {t.total:,} parameters "
                             f"({share:.1%}); frozen {t.frozen:,}; "
                             f"BatchNorm statistics {t.statistics:,}")
        return result

    def update(self, *args):
        if getattr(self, "_bulk", False):
            return
        slider = getattr(self, "controls", {}).get("frozen_blocks")
        if args and isinstance(args[0], dict) and args[0].get("owner") is slider:
            return                         # _slider_moved sets the boxes, then updates
        super().update(*args)
        self._fill_details()

    def _fill_details(self):
        """The lines under the picture: totals, updated layers, BatchNorm modes (HTML)."""
        details = getattr(self, "details", None)
        if details is not None:
            lines = _detail_lines(self.result) if self.result else []
            details.value = "<br>".join(html.escape(line) for line in lines)

    def draw(self, result, fig) -> None:
        """Per-block bars and totals; made once, then refilled in place (:meth:`_fill`).

        Everything a control changes (the bars, the totals' numbers) is
        animated (:meth:`~cnnlab.viz.base.ExplorerBase.animate`) and the axes'
        limits fit every choice, so an update draws only those over the kept
        rest of the picture.
        """
        handles = getattr(self, "_handles", None)
        if (handles is None or fig.axes != [handles["ax"], handles["ax_tot"]]
                or handles["n"] != len(result["blocks"])):
            self._build(result, fig)
        self._fill(result)

    def _build(self, result, fig) -> None:
        """Axes, empty bars, labels and limits that fit every choice of blocks."""
        from matplotlib.collections import PolyCollection
        from matplotlib.patches import Patch
        from matplotlib.ticker import FuncFormatter

        fig.clear()
        grid = fig.add_gridspec(1, 2, width_ratios=(2.4, 1), left=0.125, right=0.97,
                                bottom=0.13, top=0.88, wspace=0.35)
        ax, ax_tot = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
        blocks = result["blocks"]
        y = list(range(len(blocks)))[::-1]
        # one collection of rectangles per kind: three artists to draw per
        # update instead of one per block and kind
        bars = {kind: ax.add_collection(PolyCollection(
            [], facecolors=COLORS[kind], edgecolors="white", hatch=HATCHES[kind]),
            autolim=False) for kind in COLORS}
        ax.set_yticks(y, [b["name"] for b in blocks], fontsize=9)
        ax.set_ylim(-0.6, len(blocks) - 0.4)           # bars 0.8 high, 0.2 apart
        short = FuncFormatter(lambda v, _: _tick(v))
        # a block's three bars always add up to its learnable + statistics
        # parameters: the limits fit every choice and never move
        widest = max([b["trainable_params"] + b["frozen_params"] + b["statistics"]
                      for b in blocks] + [1])
        ax.set_xlim(0, widest * 1.05)
        ax.xaxis.set_major_formatter(short)
        ax.set_xlabel("parameters")
        # above the axes: the bars, drawn over the kept picture, never cover it
        ax.legend(handles=[Patch(facecolor=COLORS[kind], edgecolor="white",
                                 hatch=HATCHES[kind], label=kind) for kind in COLORS],
                  fontsize=9, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3,
                  frameon=False, borderaxespad=0.2, handlelength=1.5, columnspacing=1.0)
        ax.set_title("per block", fontsize=10, loc="left")
        totals = ax_tot.bar(["trainable", "frozen", "BN stats"], [0, 0, 0],
                            color=[COLORS["trainable"], COLORS["frozen"],
                                   COLORS["statistics"]],
                            hatch=[HATCHES["trainable"], HATCHES["frozen"],
                                   HATCHES["statistics"]], edgecolor="white")
        notes = [ax_tot.annotate("", (bar.get_x() + bar.get_width() / 2, 0), ha="center",
                                 va="bottom", fontsize=9) for bar in totals]
        t = result["totals"]
        ax_tot.set_ylim(0, max(t.trainable + t.frozen, t.statistics, 1) * 1.18)
        ax_tot.yaxis.set_major_formatter(short)
        ax_tot.tick_params(labelsize=9)
        ax_tot.set_title("totals", fontsize=10)
        self._handles = {"ax": ax, "ax_tot": ax_tot, "bars": bars, "totals": totals,
                         "notes": notes, "n": len(blocks)}
        self.keep_axes(ax, ax_tot)
        # bars start on a spine, which a whole redraw draws over them
        self.animate(*bars.values(), *totals, *notes,
                     ax.spines["left"], ax_tot.spines["bottom"])

    def _fill(self, result) -> None:
        """Put ``result``'s numbers into the bars and texts made by :meth:`_build`."""
        h = self._handles
        blocks = result["blocks"]
        left = [0] * len(blocks)
        y = range(len(blocks) - 1, -1, -1)              # first block on top
        for kind, key in (("trainable", "trainable_params"), ("frozen", "frozen_params"),
                          ("statistics", "statistics")):
            # a bar 0.8 high per block, none where there is nothing (hatching costs)
            h["bars"][kind].set_verts([
                [(x0, yi - 0.4), (x0 + b[key], yi - 0.4), (x0 + b[key], yi + 0.4),
                 (x0, yi + 0.4)] for x0, yi, b in zip(left, y, blocks) if b[key] > 0])
            left = [a + b[key] for a, b in zip(left, blocks)]
        t = result["totals"]
        values = [t.trainable, t.frozen, t.statistics]
        for bar, note, v in zip(h["totals"], h["notes"], values):
            bar.set_height(v)
            note.set_text(_short(v))
            note.xy = (bar.get_x() + bar.get_width() / 2, v)
            note.set_position(note.xy)


    # -- writing the choice back ------------------------------------------------
    def apply(self):
        """Set the model's layers to the widget's choice and return the model.

        Recompile the model afterwards (``model.compile(...)`` or
        :func:`cnnlab.models.transfer.fine_tune`): Keras 3 picks up ``trainable``
        changes at the next compile.
        """
        from cnnlab.models import transfer

        if self.result is None:
            raise ValueError("The widget shows an error; fix the controls before apply().")
        wanted = self.result["layer_trainable"]
        transfer._apply(self.model, {id(leaf): wanted[leaf.name]
                                     for leaf in transfer.leaf_layers(self.model)})
        return self.model
