"""Initialisation explorer: depth × initialisation × batch norm → per-layer statistics.

:class:`InitializationExplorer` shows, for a deep ReLU stack at
initialisation (:func:`cnnlab.ops.propagation.layer_statistics`, pure NumPy
and cached), the spread of every layer's activations and weight gradients and
the histograms of three layers' activations. :func:`plot_layer_statistics`
draws the same comparison for several settings at once, for the lesson's
figures.

Examples
--------
>>> r = InitializationExplorer.compute_statistics(depth=12, init="small", batch_norm=True)
>>> len(r["activation_std"]), bool(r["activation_std"][-1] > 0.1)
(12, True)
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from cnnlab.ops.propagation import INITS, layer_statistics
from cnnlab.viz._limits import set_lim
from cnnlab.viz.base import ExplorerBase

#: values this small are drawn at the floor of the log axes (and called 0)
FLOOR = 1e-12


def _layers_shown(depth: int) -> list[int]:
    return sorted({1, (depth + 1) // 2, depth})


def _std_panel(ax, runs: dict, key: str, ylabel: str):
    for label, r in runs.items():
        values = np.maximum(r[key], FLOOR)
        ax.plot(np.arange(1, len(values) + 1), values, marker="o", ms=3, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("layer")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel(ylabel)


def plot_layer_statistics(runs: dict, fig=None):
    """Activation and gradient spread per layer for several settings, side by side.

    Parameters
    ----------
    runs : dict
        Label -> a result of :func:`~cnnlab.ops.propagation.layer_statistics`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_layer_statistics({"he": layer_statistics(5, "he")})
    >>> [ax.get_yscale() for ax in fig.axes]
    ['log', 'log']
    """
    from cnnlab.plot._figure import new_figure

    if not isinstance(runs, dict) or not runs:
        raise ValueError("`runs` must be a non-empty dict label -> layer_statistics(...). "
                         f"Received: runs={runs!r}.")
    fig = new_figure(fig, figsize=(10, 3.4))
    ax1, ax2 = fig.subplots(1, 2)
    _std_panel(ax1, runs, "activation_std", "std of activations")
    _std_panel(ax2, runs, "gradient_std", "std of weight gradients")
    ax1.set_title(f"forward: activations (values < {FLOOR:g} drawn at {FLOOR:g})",
                  fontsize=9)
    ax2.set_title("backward: gradients of the loss", fontsize=9)
    ax2.legend(fontsize=9)
    return fig


class InitializationExplorer(ExplorerBase):
    """Pick a depth, an initialisation and batch norm on/off; see every layer's statistics.

    Parameters
    ----------
    depth : int, optional
        Initial number of hidden layers (default 10; the slider goes to 30).
    init : {"zeros", "small", "glorot", "he"}, optional
        Initial scheme (default ``"he"``).
    batch_norm : bool, optional
        Initial state of the batch-norm switch (default False).
    width : int, optional
        Units per layer (default 64).

    Attributes
    ----------
    result : dict
        The :func:`~cnnlab.ops.propagation.layer_statistics` result plus
        ``"shown"`` (the layers whose histograms are drawn) and ``"limits"``
        (the axis limits of this setting for every depth of the slider).
    """

    figsize = (11, 3.4)

    def __init__(self, depth: int = 10, init: str = "he", batch_norm: bool = False,
                 width: int = 64):
        import ipywidgets as widgets

        self.width = width
        layer_statistics(depth, init, batch_norm, width=width)   # validate first
        controls = {
            "depth": widgets.IntSlider(value=depth, min=1, max=30, description="depth",
                                       continuous_update=False),
            "init": widgets.Dropdown(options=list(INITS), value=init,
                                     description="initialiser"),
            "batch_norm": widgets.Checkbox(value=batch_norm, description="batch norm"),
        }
        super().__init__(controls)

    @staticmethod
    def compute_statistics(depth: int, init: str, batch_norm: bool, width: int = 64) -> dict:
        """The statistics for one setting (pure; see the class)."""
        r = dict(layer_statistics(depth, init, batch_norm, width=width))
        r["shown"] = _layers_shown(depth)
        return r

    def compute(self, depth, init, batch_norm) -> dict:
        r = self.compute_statistics(depth, init, batch_norm, self.width)
        r["limits"] = _limits(init, bool(batch_norm), self.width,
                              self.controls["depth"].max)
        return r

    def draw(self, result: dict, fig) -> None:
        """Activation std, gradient std (log scales) and three activation histograms.

        The axes and their artists are made on the first call and changed in
        place afterwards. The axes stay still while the depth moves (the
        layer axes span the slider's whole range; the other limits cover the
        deepest stack of this setting, see :func:`_limits`), so a depth change
        only redraws the lines, histograms, legend and title over the kept
        picture of the rest; the limits are set only when they really change.
        """
        art = getattr(self, "_art", None)
        if art is None or self.kept_axes(fig) is None:
            art = self._build(fig)
        depth, limits = result["depth"], result["limits"]
        layers = np.arange(1, depth + 1)
        for ax, line, key in ((art["ax1"], art["act"], "activation_std"),
                              (art["ax2"], art["grad"], "gradient_std")):
            values = np.maximum(result[key], FLOOR)
            line.set_data(layers, values)
            # whole decades spanning at least 1e-4 ... 10: noise of a healthy
            # setting stays small, a vanishing signal still shows its fall
            low, high = limits[key]
            ylim = (10.0 ** min(low, np.floor(np.log10(values.min()))),
                    10.0 ** max(high, np.ceil(np.log10(values.max()))))
            set_lim(ax, y=ylim)
        bn = "with" if result["batch_norm"] else "without"
        art["title"].set_text(f"{depth} ReLU layers, {result['init']} initialisation, {bn} "
                              f"batch norm · initial loss {result['loss']:.2f} (ln 10 = 2.30)")
        ax3, acts = art["ax3"], result["activations"]
        top, high = limits["histogram"]
        empty = top < FLOOR
        art["empty"].set_visible(empty)
        labels = ()
        if not empty:
            bins = np.linspace(0, top, 31)
            for k, step in zip(result["shown"], art["steps"]):
                a = acts[k - 1].ravel()
                step.set_data(np.histogram(a[a > 0], bins=bins)[0], bins)
            labels = tuple(f"layer {k}" for k in result["shown"])
        for i, step in enumerate(art["steps"]):
            step.set_visible(i < len(labels))
        legend = ax3.get_legend()
        if len(labels) != len(art["labels"]):      # rare: depth 1 or 2, or all zeros
            if legend is not None:
                legend.remove()
            legend = None
            if labels:
                legend = ax3.legend(handles=art["steps"][:len(labels)], labels=labels,
                                    fontsize=9, loc="upper right")
                # its frame and boxes too: Legend.draw moves them, which would
                # otherwise mark the axes stale after every picture
                for part in legend.findobj():
                    part.set_animated(True)
                self.animate(legend)
        elif legend is not None:
            for text, label in zip(legend.get_texts(), labels):
                text.set_text(label)
        art["labels"] = labels
        if not empty:
            set_lim(ax3, x=(-0.04 * top, 1.04 * top))
            set_lim(ax3, y=(0.6, max(high, 1.0) * 1.6))

    def _build(self, fig) -> dict:
        """Make the three panels and the artists :meth:`draw` updates."""
        from matplotlib.ticker import MaxNLocator, NullLocator

        from cnnlab.viz._log_ticks import plain_log_ticks

        fig.clear()
        ax1, ax2, ax3 = fig.subplots(1, 3)
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.17, top=0.84, wspace=0.35)
        self.keep_axes(ax1, ax2, ax3)
        lines = {}
        for ax, key, label, color in ((ax1, "act", "std of activations", "#1f77b4"),
                                      (ax2, "grad", "std of weight gradients", "#d62728")):
            lines[key], = ax.plot([], [], marker="o", ms=3, color=color, zorder=3)
            ax.set_yscale("log")
            plain_log_ticks(ax.yaxis, decade_minors=True)
            ax.set_xlabel("layer")
            deepest = self.controls["depth"].max
            ax.set_xlim(0.5, deepest + 0.5)
            ax.set_xticks([1, *range(10, deepest + 1, 10)])   # each label is drawn text
            ax.set_title(label, fontsize=10, y=1.0)   # y: see _fix_labels
        # one colour-blind-safe colour and line style per histogram; above the
        # spines (zorder 3), as they are drawn over the kept picture
        steps = [ax3.stairs([1], [0, 1], baseline=0, lw=1.5, color=c, ls=ls, zorder=3)
                 for c, ls in (("#0072B2", "-"), ("#D55E00", "--"), ("#009E73", ":"))]
        ax3.set_yscale("log")
        plain_log_ticks(ax3.yaxis)
        ax3.yaxis.set_minor_locator(NullLocator())    # 8 per decade: a quarter of a draw
        ax3.xaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
        ax3.set_xlabel("activation (> 0; ReLU zeroes the rest)")
        ax3.set_title("histograms", fontsize=10, y=1.0)
        empty = ax3.text(0.5, 0.5, "all activations are 0", ha="center", va="center",
                         transform=ax3.transAxes, visible=False)
        # the figure's title, as an axes' text: figure-level animated artists
        # are not drawn by savefig
        title = ax1.text(0.5, 0.97, "", transform=fig.transFigure, ha="center", va="top",
                         fontsize=10, clip_on=False)
        self.animate(*lines.values(), *steps, empty, title)
        _fix_labels(fig, (ax1, ax2, ax3))
        self._art = {"ax1": ax1, "ax2": ax2, "ax3": ax3, **lines, "steps": steps,
                     "empty": empty, "title": title, "labels": ()}
        return self._art


def _fix_labels(fig, axes) -> None:
    """Place titles and x labels once instead of on every whole draw.

    Matplotlib places each title above the axes' tick labels and each axis
    label next to them by measuring every tick label again, on every draw
    (a quarter of a whole draw here). Titles given ``y`` are left where they
    are (nothing is above these axes); x labels are put where matplotlib puts
    them now: their tick labels keep their height whatever the limits; empty
    y labels anywhere.
    """
    renderer = fig.canvas.get_renderer()
    for ax in axes:
        ax.xaxis.get_tightbbox(renderer)            # places the label
        x, y = ax.xaxis.label.get_position()
        ax.xaxis.set_label_coords(x, y, transform=ax.xaxis.label.get_transform())
        if not ax.yaxis.get_label_text():           # placed on every draw even if empty
            ax.yaxis.set_label_coords(0, 0.5)


@lru_cache(maxsize=32)
def _limits(init: str, batch_norm: bool, width: int, depth: int) -> dict:
    """Axis limits that fit every depth up to ``depth`` for one setting.

    The layers of a stack are drawn in order from one seed, so a shallower
    stack's activations are the first layers of the deepest one: its
    activation spreads and histograms fit in the deepest stack's. Gradients
    depend on the whole stack; their limits (whole decades, from the
    deepest stack) are widened by ``draw`` if a shallower one needs it.

    Returns ``{"activation_std": (low, high), "gradient_std": (low, high)}``
    as decade exponents, and ``"histogram"``: (largest activation, largest bin
    count over the 30 bins from 0 to it).
    """
    r = layer_statistics(depth, init, batch_norm, width=width)
    out = {}
    for key in ("activation_std", "gradient_std"):
        values = np.maximum(r[key], FLOOR)
        out[key] = (min(-4, int(np.floor(np.log10(values.min())))),
                    max(1, int(np.ceil(np.log10(values.max())))))
    top = max(float(a.max()) for a in r["activations"])
    high = 0
    if top >= FLOOR:
        bins = np.linspace(0, top, 31)
        high = max(int(np.histogram(a[a > 0], bins=bins)[0].max(initial=0))
                   for a in r["activations"])
    out["histogram"] = (top, high)
    return out
