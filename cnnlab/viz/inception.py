"""Inception cost calculator: what 1×1 bottlenecks save, branch by branch.

:class:`InceptionCostExplorer` takes an input size, its channels and the six
branch widths of an Inception module and shows the MACs and parameters of
each branch with the 1×1 bottlenecks (GoogLeNet's module) and without them
(the naive module, where the 3×3 and 5×5 convolutions read every input
channel and the pooling branch passes all of them on). The arithmetic is
:func:`cnnlab.arith.inception.inception_cost`.

Examples
--------
>>> r = module_costs(28, 192, 64, 96, 128, 16, 32, 32)
>>> r["with"].out_channels, r["without"].out_channels
(256, 416)
"""
from __future__ import annotations

import numpy as np

from cnnlab.arith.inception import BRANCHES, GOOGLENET_MODULES, inception_cost
from cnnlab.viz._limits import keep_or_round_up, set_lim
from cnnlab.viz.base import ExplorerBase

WIDTHS = ("f1", "f3_reduce", "f3", "f5_reduce", "f5", "pool_proj")


def module_costs(size: int, channels: int, f1: int, f3_reduce: int, f3: int,
                 f5_reduce: int, f5: int, pool_proj: int) -> dict:
    """Costs of a module on ``size × size × channels``, with and without bottlenecks.

    Returns
    -------
    dict
        ``with`` and ``without`` (:class:`~cnnlab.arith.inception.InceptionCost`)
        and ``saving`` (MACs without / MACs with).

    Examples
    --------
    >>> round(module_costs(28, 192, 64, 96, 128, 16, 32, 32)["saving"], 2)
    2.37
    """
    shape = (size, size, channels)
    widths = (f1, f3_reduce, f3, f5_reduce, f5, pool_proj)
    with_b = inception_cost(shape, *widths, bottleneck=True)
    without = inception_cost(shape, *widths, bottleneck=False)
    return {"with": with_b, "without": without, "saving": without.macs / with_b.macs}


class InceptionCostExplorer(ExplorerBase):
    """MACs and parameters of an Inception module's branches, with and without bottlenecks.

    Parameters
    ----------
    module : str, optional
        GoogLeNet module whose sizes start the widget (default ``"3a"``:
        28×28×192 input, widths 64, 96, 128, 16, 32, 32); any key of
        :data:`cnnlab.arith.inception.GOOGLENET_MODULES`.

    Notes
    -----
    Controls: ``size`` (height = width), ``channels`` and the six widths
    ``f1, f3_reduce, f3, f5_reduce, f5, pool_proj``. ``result`` holds
    ``with`` and ``without`` (:class:`~cnnlab.arith.inception.InceptionCost`)
    and ``saving`` (MACs without / with).

    Examples
    --------
    >>> w = InceptionCostExplorer()                  # doctest: +SKIP
    >>> w.controls["f5_reduce"].value = 32           # doctest: +SKIP
    >>> w.result["with"].branch("5x5").macs          # doctest: +SKIP
    24887296
    """

    figsize = (9, 3.8)

    def __init__(self, module: str = "3a"):
        import ipywidgets as widgets

        if module not in GOOGLENET_MODULES:
            raise ValueError(f"`module` must be one of {', '.join(map(repr, GOOGLENET_MODULES))}."
                             f" Received: module={module!r}.")
        (h, _, c), widths = GOOGLENET_MODULES[module]
        style = {"description_width": "initial"}
        small = widgets.Layout(width="150px")
        controls = {
            "size": widgets.IntSlider(value=h, min=1, max=112, description="size H=W",
                                      style=style),
            "channels": widgets.IntSlider(value=c, min=1, max=1024, description="channels C",
                                          style=style),
        }
        for name, value in zip(WIDTHS, widths):
            controls[name] = widgets.IntText(value=value, description=name, style=style,
                                             layout=small)
        super().__init__(controls)

    def compute(self, size: int, channels: int, f1: int, f3_reduce: int, f3: int,
                f5_reduce: int, f5: int, pool_proj: int) -> dict:
        """Costs with and without bottlenecks: :func:`module_costs`."""
        return module_costs(size, channels, f1, f3_reduce, f3, f5_reduce, f5, pool_proj)

    def draw(self, result: dict, fig) -> None:
        """Bars of MACs and parameters per branch; made on the first draw, updated after.

        Moving a control changes bar heights and texts in place (making axes,
        bars and a legend is most of a redraw's time); a figure that does not
        hold this widget's axes gets them drawn afresh. Those artists are
        animated and a panel's y limit is a round number kept while the bars
        fit it (:func:`cnnlab.viz._limits.keep_or_round_up`), so most updates
        draw only them over the kept rest of the picture.
        """
        with_b, without = result["with"], result["without"]
        art = getattr(self, "_art", None)
        if art is None or fig.axes != list(art["axes"]):
            art = self._art = self._make_artists(fig)
        for ax, what, scale, unit, naive_bars, bottle_bars, labels, title in art["panels"]:
            naive = [getattr(without.branch(b), what) / scale for b in BRANCHES]
            bottle = [getattr(with_b.branch(b), what) / scale for b in BRANCHES]
            for bar, v in zip(naive_bars, naive):
                bar.set_height(v)
            for bar, text, v in zip(bottle_bars, labels, bottle):
                bar.set_height(v)
                text.set_y(v)
                text.set_text(f"{v:,.1f}")
            # room above the tallest bar for its label; kept while it fits, so
            # the limits (and ticks) stay and only the animated artists change
            top = keep_or_round_up(ax.get_ylim()[1], 1.12 * max(naive + bottle + [1e-9]))
            set_lim(ax, y=(0, top))
            total_n, total_b = getattr(without, what), getattr(with_b, what)
            title.set_text(f"{unit}: {total_n / scale:,.1f} → {total_b / scale:,.1f}")
        h, w, _ = with_b.output_shape
        art["suptitle"].set_text(
            f"input {h}×{w}×{with_b.input_shape[2]} → output {h}×{w}×"
            f"{with_b.out_channels} with bottlenecks ({h}×{w}×{without.out_channels}"
            f" without); {result['saving']:.1f}× fewer MACs")

    def _make_artists(self, fig) -> dict:
        """Axes, bars (height 0), value labels, titles and the legend, once."""
        fig.clear()
        axes = fig.subplots(1, 2)
        self.keep_axes(*axes)
        x = np.arange(len(BRANCHES))
        panels = []
        for ax, what, scale, unit in ((axes[0], "macs", 1e6, "million MACs"),
                                      (axes[1], "params", 1e3, "thousand parameters")):
            zeros = np.zeros(len(BRANCHES))
            # Okabe-Ito vermillion (hatched) against blue: told apart without hue
            naive = ax.bar(x - 0.2, zeros, 0.4, label="without 1×1 bottlenecks",
                           color="#D55E00", hatch="//", edgecolor="black", linewidth=0.4)
            bottle = ax.bar(x + 0.2, zeros, 0.4, label="with 1×1 bottlenecks",
                            color="#0072B2", edgecolor="black", linewidth=0.4)
            labels = [ax.text(xi, 0, "", ha="center", va="bottom", fontsize=9)
                      for xi in x + 0.2]
            ax.set_xticks(x, [f"{b} branch" for b in BRANCHES], fontsize=9)
            ax.set_ylabel(unit)
            # a fixed title height: no per-draw search for room above the ticks
            title = ax.set_title("", fontsize=9, y=1.0)
            panels.append((ax, what, scale, unit, naive, bottle, labels, title))
            # the bars stand on the bottom spine, which a whole redraw draws over them
            self.animate(*naive, *bottle, *labels, title, ax.spines["bottom"])
        # one legend above both panels: never over a bar, and no "best" search per draw
        fig.legend(*axes[0].get_legend_handles_labels(), loc="upper center", ncol=2,
                   fontsize=9, frameon=False, bbox_to_anchor=(0.5, 0.935))
        # where fig.suptitle would be, but an axes' text: animated figure texts
        # are left out of savefig's pictures (figure_png, static views)
        suptitle = axes[0].text(0.5, 0.98, "", transform=fig.transFigure, ha="center",
                                va="top", fontsize=10)
        self.animate(suptitle)
        fig.subplots_adjust(left=0.1, right=0.98, bottom=0.14, top=0.78, wspace=0.32)
        return {"axes": tuple(axes), "panels": panels, "suptitle": suptitle}
