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

import numpy as np

from cnnlab.ops.propagation import INITS, layer_statistics
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
    ax2.legend(fontsize=8)
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
        ``"shown"`` (the layers whose histograms are drawn).
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
        return self.compute_statistics(depth, init, batch_norm, self.width)

    def draw(self, result: dict, fig) -> None:
        """Activation std, gradient std (log scales) and three activation histograms.

        The axes and their lines are made on the first call and changed in
        place afterwards (re-creating them and their tick labels was most of
        an update's time).
        """
        art = getattr(self, "_art", None)
        if art is None or self.kept_axes(fig) is None:
            art = self._build(fig)
        depth = result["depth"]
        layers = np.arange(1, depth + 1)
        for ax, line, key in ((art["ax1"], art["act"], "activation_std"),
                              (art["ax2"], art["grad"], "gradient_std")):
            values = np.maximum(result[key], FLOOR)
            line.set_data(layers, values)
            ax.set_xlim(0.5, max(depth, 2) + 0.5)
            # whole decades spanning at least 1e-4 ... 10: noise of a healthy
            # setting stays small, a vanishing signal still shows its fall
            ax.set_ylim(10.0 ** min(-4, np.floor(np.log10(values.min()))),
                        10.0 ** max(1, np.ceil(np.log10(values.max()))))
        bn = "with" if result["batch_norm"] else "without"
        fig.suptitle(f"{depth} ReLU layers, {result['init']} initialisation, {bn} batch "
                     f"norm · initial loss {result['loss']:.2f} (ln 10 = 2.30)", fontsize=10)
        ax3, acts = art["ax3"], result["activations"]
        top = max(float(acts[k - 1].max()) for k in result["shown"])
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
            if i < len(labels):
                step.set_label(labels[i])
        if labels != art["labels"]:
            if labels:
                ax3.legend(handles=art["steps"][:len(labels)], fontsize=8)
            elif ax3.get_legend() is not None:
                ax3.get_legend().remove()
            art["labels"] = labels
        if not empty:
            ax3.set_xlim(-0.04 * top, 1.04 * top)
            counts = [s.get_data().values for s in art["steps"][:len(labels)]]
            high = max(float(c.max()) for c in counts)
            ax3.set_ylim(0.6, max(high, 1.0) * 1.6)

    def _build(self, fig) -> dict:
        """Make the three panels and the artists :meth:`draw` updates."""
        from cnnlab.viz._log_ticks import plain_log_ticks

        fig.clear()
        ax1, ax2, ax3 = fig.subplots(1, 3)
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.17, top=0.84, wspace=0.35)
        self.keep_axes(ax1, ax2, ax3)
        lines = {}
        for ax, key, label, color in ((ax1, "act", "std of activations", "#1f77b4"),
                                      (ax2, "grad", "std of weight gradients", "#d62728")):
            lines[key], = ax.plot([], [], marker="o", ms=3, color=color)
            ax.set_yscale("log")
            plain_log_ticks(ax.yaxis, decade_minors=True)
            ax.set_xlabel("layer")
            ax.xaxis.get_major_locator().set_params(integer=True)
            ax.set_title(label, fontsize=10)
        # one colour-blind-safe colour and line style per histogram
        steps = [ax3.stairs([1], [0, 1], baseline=0, lw=1.5, color=c, ls=ls)
                 for c, ls in (("#0072B2", "-"), ("#D55E00", "--"), ("#009E73", ":"))]
        ax3.set_yscale("log")
        plain_log_ticks(ax3.yaxis)
        ax3.set_xlabel("activation (> 0; ReLU zeroes the rest)")
        ax3.set_title("histograms", fontsize=10)
        empty = ax3.text(0.5, 0.5, "all activations are 0", ha="center", va="center",
                         transform=ax3.transAxes, visible=False)
        self._art = {"ax1": ax1, "ax2": ax2, "ax3": ax3, **lines, "steps": steps,
                     "empty": empty, "labels": None}
        return self._art
