"""Residual depth explorer: gradient norms of plain and residual nets at initialisation.

:class:`DepthExplorer` builds :func:`cnnlab.models.depth_net` networks of the
chosen depth, plain or residual, and runs one backward pass on a small batch
(:func:`cnnlab.train.gradient_norms`) to show how large the loss gradient is
at every layer *before any training*. In a deep plain network without batch
normalisation the gradient shrinks layer after layer on its way back to the
input; the shortcuts of a residual network carry it back undiminished.
A second panel shows training curves of runs the notebook already did.

Built models and their gradient norms are cached per ``(depth, residual)``,
so moving back to a setting is instant.

Examples
--------
>>> w = DepthExplorer(depths=(8, 14))
>>> w.controls["residual"].value = True
>>> w.result["depth"], w.result["residual"], len(w.result["norms"]) >= 8
(14, True, True)
"""
from __future__ import annotations

import numpy as np

from cnnlab.viz._limits import set_lim
from cnnlab.viz.base import ExplorerBase

KINDS = (("plain", False), ("residual", True))


def run_label(depth: int, residual: bool) -> str:
    """The label :class:`DepthExplorer` highlights in ``runs``: ``"plain 20"``, ``"residual 8"``.

    Examples
    --------
    >>> run_label(20, False)
    'plain 20'
    """
    return f"{'residual' if residual else 'plain'} {depth}"


def _losses(run):
    """Training-loss list of a TrainResult, keras History or history dict."""
    history = run
    for _ in range(2):
        if hasattr(history, "history"):
            history = history.history
    if not isinstance(history, dict) or "loss" not in history:
        raise ValueError("`runs` values must be TrainResult, keras History or dicts with a "
                         f"'loss' list. Received: {type(run).__name__}.")
    return list(history["loss"])


class DepthExplorer(ExplorerBase):
    """Per-layer gradient norms at initialisation of plain vs residual nets of any depth.

    Parameters
    ----------
    x, y : array_like, optional
        The batch for the backward pass (default: 32 handwritten digits at
        8×8, ``cnnlab.data.load("digits", image_size=8, limit=32)``).
    runs : dict, optional
        Training runs to show: label → ``TrainResult`` (or ``History``). The
        run labelled :func:`run_label` of the current setting (``"plain 20"``)
        is highlighted.
    depths : sequence of int, optional
        Depths the slider offers, each ``6 n + 2`` (default 8 … 56); the
        slider steps by 6.
    width : int, optional
        Filters of the first stage (default 8).
    batchnorm : bool, optional
        Batch normalisation in the networks (default False: the setting in
        which plain nets stop learning).
    depth : int, optional
        Starting depth (default: the largest ``depths`` entry up to 20).
    residual : bool, optional
        Starting kind (default False, plain).

    Notes
    -----
    Controls: ``depth`` (``IntSlider``) and ``residual`` (plain / residual).
    ``result`` holds ``names`` and ``norms`` (kernel-gradient L2 norm per
    layer, input to output, 1×1 projection shortcuts left out), ``median``
    (their median), ``depth``, ``residual`` and ``losses`` (label → training
    losses of ``runs``). The gradient axis is logarithmic and spans at least
    1e-10 … 1, so switching between plain and residual shows the jump.
    """

    figsize = (10, 3.6)

    def __init__(self, x=None, y=None, runs: dict | None = None, *,
                 depths=(8, 14, 20, 26, 32, 44, 56), width: int = 8,
                 batchnorm: bool = False, depth: int | None = None, residual: bool = False):
        import ipywidgets as widgets

        from cnnlab._validate import check_int

        depths = sorted(check_int("depths", d, 8) for d in depths)
        if not depths or any((d - 2) % 6 for d in depths):
            raise ValueError("`depths` must be depths 6 n + 2 (8, 14, 20, ...). "
                             f"Received: depths={depths!r}.")
        if x is None:
            from cnnlab.data import load
            x, y, _ = load("digits", image_size=8, limit=32)
        if y is None:
            raise ValueError("`y` must be given with `x`. Received: y=None.")
        self.x = np.asarray(x, dtype="float32")
        self.y = np.asarray(y)
        self.width = check_int("width", width, 1)
        self.batchnorm = bool(batchnorm)
        self.losses = {str(k): _losses(v) for k, v in (runs or {}).items()}
        self._models: dict = {}
        self._norms: dict = {}
        if depth is None:
            depth = max([d for d in depths if d <= 20] or depths[:1])
        style = {"description_width": "initial"}
        controls = {
            "depth": widgets.IntSlider(value=depth, min=depths[0], max=depths[-1],
                                       step=6, description="depth (6n+2)", style=style),
            "residual": widgets.ToggleButtons(options=list(KINDS), value=bool(residual)),
        }
        super().__init__(controls)

    def model(self, depth: int, residual: bool):
        """The (cached) network of this depth and kind, built with seed 0."""
        key = (depth, bool(residual))
        if key not in self._models:
            from cnnlab.config import seed
            from cnnlab.models.resnet import depth_net

            seed(0)
            classes = int(self.y.max()) + 1
            self._models[key] = depth_net(depth, residual=residual,
                                          input_shape=self.x.shape[1:], classes=classes,
                                          width=self.width, batchnorm=self.batchnorm)
        return self._models[key]

    def compute(self, depth: int, residual: bool) -> dict:
        """Gradient norms of the ``(depth, residual)`` network on the batch."""
        from cnnlab.train import gradient_norms

        key = (depth, bool(residual))
        if key not in self._norms:
            # the network's initial weights and the batch never change: one
            # backward pass per setting, then moving back to it only redraws
            model = self.model(depth, residual)      # ValueError for a depth not 6n+2
            self._norms[key] = gradient_norms(model, self.x, self.y)
        norms = self._norms[key]
        names = [n for n in norms if not n.endswith("_0_conv")]
        values = np.array([norms[n] for n in names])
        return {"depth": depth, "residual": bool(residual), "names": names,
                "norms": values, "median": float(np.median(values)),
                "losses": self.losses}

    def draw(self, result: dict, fig) -> None:
        """Gradient norm per layer (left) and the notebook's runs (right).

        The axes, the runs and the legend are drawn on the first call; later
        calls change the gradient line, the titles and which run is bold
        (all marked with ``animate``: drawn over the kept picture of the rest)
        and the gradient limits when they change.
        """
        art = getattr(self, "_art", None)
        if (art is None or self.kept_axes(fig) is None
                or art["runs"] != list(result["losses"])):
            art = self._build(fig, result)
        ax, ax2 = self.kept_axes(fig)
        kind = "residual" if result["residual"] else "plain"
        norms = np.maximum(result["norms"], 1e-30)
        # Okabe-Ito blue / vermillion, and a marker and line style per kind, so
        # plain and residual differ by more than their hue.
        color, marker, ls = ("#0072B2", "s", "-") if result["residual"] else ("#D55E00", "o",
                                                                             "--")
        line = art["norms"]
        line.set_data(np.arange(1, len(norms) + 1), norms)
        line.set_color(color)
        line.set_marker(marker)
        line.set_linestyle(ls)
        # limits stay put (they are set only when they change: setting them
        # redraws the whole figure): the layer axis fits the deepest network
        # of the slider (a depth-d network has d layers with a kernel), the
        # gradient axis whole decades spanning at least 1e-10 ... 1
        ylim = (10.0 ** min(-10, np.floor(np.log10(norms.min() / 3))),
                10.0 ** max(0, np.ceil(np.log10(norms.max() * 3))))
        set_lim(ax, y=ylim)
        art["title"].set_text(f"{kind} net, {result['depth']} layers, at initialisation: "
                              f"median gradient norm {result['median']:.1e}")
        current = run_label(result["depth"], result["residual"])
        for label, *lines in zip(art["runs"], art["run_lines"], art["legend_lines"]):
            hot = label == current
            for run in lines:
                if run.get_alpha() != (1.0 if hot else 0.6):
                    run.set_linewidth(2.5 if hot else 1.2)
                    run.set_alpha(1.0 if hot else 0.6)
        if result["losses"]:
            art["runs_title"].set_text("runs from the notebook" + (
                f" ({current} in bold)" if current in result["losses"] else ""))

    def _build(self, fig, result: dict) -> dict:
        """The two panels, the runs and the artists :meth:`draw` changes."""
        from matplotlib.ticker import MaxNLocator

        from cnnlab.viz._log_ticks import plain_log_ticks

        fig.clear()
        ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": (3, 2)})
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9, wspace=0.25)
        self.keep_axes(ax, ax2)
        line, = ax.plot([1], [1], ms=4, zorder=3)
        deepest = self.controls["depth"].max
        margin = 0.05 * (deepest - 1)                   # matplotlib's autoscale margin
        ax.set_xlim(1 - margin, deepest + margin)
        ax.set_yscale("log")
        plain_log_ticks(ax.yaxis, decade_minors=True)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("layer (input → output)")
        ax.set_ylabel("‖∂loss/∂kernel‖")
        ax.grid(alpha=0.3, which="both")
        run_lines, legend_lines = [], []
        if result["losses"]:
            for label, losses in result["losses"].items():
                residual = label.startswith("residual")
                run_lines += ax2.plot(np.arange(1, len(losses) + 1), losses,
                                      ("s-" if residual else "o--") if "20" in label
                                      else ("s:" if residual else "o-."),
                                      color="#0072B2" if residual else "#D55E00", ms=4,
                                      label=label, lw=1.2, alpha=0.6)
            ax2.set_xlabel("epoch")
            ax2.set_ylabel("training loss")
            for run in run_lines:
                run.set_zorder(3)
            legend = ax2.legend(fontsize=9)
            legend_lines = legend.legend_handles
            # the legend with its frame and boxes: Legend.draw moves them, which
            # would otherwise mark the axes stale after every picture
            for part in legend.findobj():
                part.set_animated(True)
            self.animate(*run_lines, legend)
            ax2.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax2.yaxis.set_major_locator(MaxNLocator(5))      # each label is drawn text
        else:
            ax2.axis("off")
            ax2.text(0.5, 0.5, "no training runs given\n(pass runs={label: result})",
                     ha="center", va="center", fontsize=9)
        title = ax.set_title(" ", fontsize=9)
        runs_title = ax2.set_title(" ", fontsize=9)
        # what draw changes is drawn over the kept picture of the rest
        self.animate(line, title, runs_title)
        self._art = {"norms": line, "runs": list(result["losses"]), "run_lines": run_lines,
                     "legend_lines": legend_lines, "title": title, "runs_title": runs_title}
        return self._art
