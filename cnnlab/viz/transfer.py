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

from cnnlab.viz.base import ExplorerBase

#: colours of the three kinds of parameters
COLORS = {"trainable": "#2a9d8f", "frozen": "#9aa5b1", "statistics": "#e9c46a"}

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


def _names(names: list[str]) -> str:
    if not names:
        return "nothing"
    shown = ", ".join(names[:MAX_NAMES])
    return shown + (f" … (+{len(names) - MAX_NAMES} more)" if len(names) > MAX_NAMES else "")


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
    plus ``summary`` (one line).

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
        super().__init__(controls, layout_controls=widgets.VBox(
            [top, widgets.HTML("<b>trainable blocks</b> (checked = trainable)"), ticks]))
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

    def update(self, *args):
        if getattr(self, "_bulk", False):
            return
        slider = getattr(self, "controls", {}).get("frozen_blocks")
        if args and isinstance(args[0], dict) and args[0].get("owner") is slider:
            return                         # _slider_moved sets the boxes, then updates
        super().update(*args)

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

    def draw(self, result, fig) -> None:
        """Per-block bars and totals; made once, then refilled in place (:meth:`_fill`)."""
        handles = getattr(self, "_handles", None)
        if (handles is not None and fig.axes == [handles["ax"], handles["ax_tot"]]
                and handles["n"] == len(result["blocks"])):
            self._fill(result)
            return
        fig.clear()
        grid = fig.add_gridspec(1, 2, width_ratios=(3, 1), bottom=0.3, wspace=0.45)
        ax, ax_tot = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
        blocks = result["blocks"]
        y = list(range(len(blocks)))[::-1]
        left = [0] * len(blocks)
        bars = {}
        for kind in COLORS:
            bars[kind] = ax.barh(y, [0] * len(blocks), left=left, color=COLORS[kind],
                                 label=kind, hatch="//" if kind == "statistics" else None,
                                 edgecolor="white")
        ax.set_yticks(y, [b["name"] for b in blocks], fontsize=8 if len(blocks) > 12 else 9)
        ax.set_xlabel("parameters")
        ax.legend(fontsize=8, loc="upper right")
        ax.set_title("per block (frozen blocks in grey type)", fontsize=10)
        totals = ax_tot.bar(["trainable", "frozen", "BN stats"], [0, 0, 0],
                            color=[COLORS["trainable"], COLORS["frozen"],
                                   COLORS["statistics"]])
        notes = [ax_tot.annotate("", (bar.get_x() + bar.get_width() / 2, 0), ha="center",
                                 va="bottom", fontsize=8) for bar in totals]
        ax_tot.tick_params(axis="x", labelsize=8)
        ax_tot.set_title("totals", fontsize=10)
        text = fig.text(0.01, 0.02, "", fontsize=8, va="bottom")
        self._handles = {"ax": ax, "ax_tot": ax_tot, "bars": bars, "totals": totals,
                         "notes": notes, "text": text, "n": len(blocks)}
        self.keep_axes(ax, ax_tot)
        self._fill(result)

    def _fill(self, result) -> None:
        """Put ``result``'s numbers into the bars and texts drawn by :meth:`draw`."""
        h = self._handles
        blocks = result["blocks"]
        left = [0] * len(blocks)
        for kind, key in (("trainable", "trainable_params"), ("frozen", "frozen_params"),
                          ("statistics", "statistics")):
            for rect, start, b in zip(h["bars"][kind], left, blocks):
                rect.set_x(start)
                rect.set_width(b[key])
            left = [a + b[key] for a, b in zip(left, blocks)]
        h["ax"].set_xlim(0, max(left + [1]) * 1.05)
        for label, b in zip(h["ax"].get_yticklabels(), blocks):
            label.set_color("black" if b["trainable"] else "#8a8f98")
        t = result["totals"]
        values = [t.trainable, t.frozen, t.statistics]
        for bar, note, v in zip(h["totals"], h["notes"], values):
            bar.set_height(v)
            note.set_text(_short(v))
            note.xy = (bar.get_x() + bar.get_width() / 2, v)
            note.set_position(note.xy)
        h["ax_tot"].set_ylim(0, max(values + [1]) * 1.18)
        bn = result["batchnorm"]
        lines = [result["summary"], f"a training step updates: {_names(result['updated'])}"]
        if bn:
            inference = [n for n, m in bn.items() if m == "inference"]
            training = [n for n, m in bn.items() if m == "training"]
            lines.append("BatchNorm in inference mode (moving mean/variance, kept): "
                         f"{_names(inference)}")
            lines.append("BatchNorm in training mode (batch statistics; moving averages "
                         f"updated): {_names(training)}")
        h["text"].set_text("\n".join(lines))

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
