"""Dropout explorer: a small dense network with units dropped at random, and what scaling does.

:class:`DropoutExplorer` draws a small fully connected network in which every
hidden unit is dropped with probability ``rate`` (a new thinned network for
each *re-sample*), and, next to it, the mean activation of the first hidden
layer over many random masks: with inverted dropout (kept units scaled by
``1 / (1 - rate)``, what :func:`cnnlab.ops.dropout` and ``keras.layers.Dropout``
do) the mean equals the activation without dropout; without the scaling it
shrinks to ``(1 - rate)`` times it.

Examples
--------
>>> r = DropoutExplorer.compute_masks(rate=0.5, seed=0, sizes=(3, 6, 2), samples=4000)
>>> [m.shape for m in r["masks"]], bool(abs(r["inverted_mean"] - r["activation"]).max() < 0.2)
([(3,), (6,), (2,)], True)
"""
from __future__ import annotations

import numpy as np

from cnnlab._validate import check_int
from cnnlab.viz._limits import set_lim
from cnnlab.viz.base import ExplorerBase

#: units per layer of the drawn network: input, hidden..., output
SIZES = (4, 8, 8, 3)


def _activation(units: int) -> np.ndarray:
    """A fixed, positive activation vector for the first hidden layer (ReLU-like)."""
    return np.round(np.linspace(0.4, 2.0, units) * (1 + 0.3 * np.sin(np.arange(units))), 3)


def _compute(rate, seed, sizes, samples):
    from cnnlab.ops import dropout

    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"`seed` must be an integer >= 0. Received: seed={seed!r}.")
    check_int("samples", samples, 1)
    sizes = tuple(sizes)
    if len(sizes) < 3:
        raise ValueError("`sizes` must list at least 3 layers (input, hidden, output). "
                         f"Received: sizes={sizes!r}.")
    for units in sizes:
        check_int("sizes", units, 1)
    rng = np.random.default_rng(int(seed))
    masks = [np.ones(sizes[0], dtype=bool)]
    for units in sizes[1:-1]:                   # dropout on the hidden layers only
        masks.append(dropout(np.ones(units), rate, rng) > 0)
    masks.append(np.ones(sizes[-1], dtype=bool))
    h = _activation(sizes[1])
    draws = dropout(np.broadcast_to(h, (samples, h.size)), rate,
                    np.random.default_rng([int(seed), 1]))
    inverted = draws.mean(axis=0)
    return {"masks": masks, "sizes": sizes, "rate": float(rate), "seed": int(seed),
            "samples": int(samples), "activation": h, "inverted_mean": inverted,
            "unscaled_mean": inverted * (1.0 - rate),
            "kept": int(sum(m.sum() for m in masks[1:-1])),
            "hidden": int(sum(sizes[1:-1]))}


class DropoutExplorer(ExplorerBase):
    """Drop units at random; see the thinned network and the mean activations.

    Parameters
    ----------
    sizes : sequence of int, optional
        Units per layer, input first (default :data:`SIZES`).
    rate : float, optional
        Initial dropout rate (default 0.5).
    samples : int, optional
        Random masks averaged for the means (default 2000).

    Attributes
    ----------
    result : dict
        ``"masks"`` (one boolean array per layer, True = kept), ``"activation"``
        (first hidden layer, no dropout), ``"inverted_mean"`` and
        ``"unscaled_mean"`` (averaged over ``samples`` masks), ``"kept"`` and
        ``"hidden"`` (counts of hidden units).

    Examples
    --------
    >>> w = DropoutExplorer(rate=0.25)  # doctest: +SKIP
    >>> w.result["hidden"], w.controls["rate"].value  # doctest: +SKIP
    (16, 0.25)
    """

    figsize = (10, 3.8)

    def __init__(self, sizes=SIZES, rate: float = 0.5, samples: int = 2000):
        import ipywidgets as widgets

        self.sizes = tuple(sizes)
        _compute(rate, 0, self.sizes, 1)           # validate before building controls
        self.resample = widgets.Button(description="re-sample", icon="refresh",
                                       tooltip="draw a new random mask (next seed)")
        controls = {
            "rate": widgets.FloatSlider(value=rate, min=0.0, max=0.9, step=0.05,
                                        description="rate p", continuous_update=False),
            "samples": widgets.IntSlider(value=samples, min=10, max=20000, step=10,
                                         description="masks averaged",
                                         style={"description_width": "100px"},
                                         continuous_update=False),
            "seed": widgets.BoundedIntText(value=0, min=0, max=10 ** 6, description="seed",
                                           layout=widgets.Layout(width="160px")),
            "resample": self.resample,
        }
        self.resample.on_click(self._next_seed)
        super().__init__(controls)

    def _next_seed(self, _button=None):
        self.controls["seed"].value = self.controls["seed"].value + 1

    @staticmethod
    def compute_masks(rate: float, seed: int, sizes=SIZES, samples: int = 2000) -> dict:
        """The masks and mean activations for one setting (pure; see the class)."""
        return _compute(rate, seed, sizes, samples)

    def compute(self, rate, samples, seed) -> dict:
        return _compute(rate, seed, self.sizes, samples)

    def draw(self, result: dict, fig) -> None:
        """Network diagram (left) and mean activations of hidden layer 1 (right).

        The first draw on ``fig`` makes every artist (axes, node markers, one
        collection of edges, the bars, legend); later draws only change their
        data (re-making them was ~90 % of an update's drawing time), and only
        those changed artists are drawn again (``animate``).
        """
        art = getattr(self, "_art", None)
        if (art is None or art["fig"] is not fig or fig.axes != art["axes"]
                or art["sizes"] != result["sizes"]):
            art = self._art = self._make(fig, result)
            self.keep_axes(*art["axes"])
            self._make_animated(art)
        self._draw_network(art, result)
        for bars, values in zip(art["bars"], (result["activation"], result["inverted_mean"],
                                              result["unscaled_mean"])):
            for bar, v in zip(bars, values):
                bar.set_height(v)
        art["bar_title"].set_text(f"mean over {result['samples']:,} random masks")
        # headroom: the legend never hides a bar. The limit stays put unless
        # a mean of few masks overshoots it (limits redraw the whole figure)
        base = 1.6 * float(result["activation"].max())
        need = 1.4 * max(float(result["inverted_mean"].max()), base / 1.6)
        top = base * 1.5 ** max(0, int(np.ceil(np.log(need / base) / np.log(1.5) - 1e-9)))
        ax2 = art["axes"][1]
        set_lim(ax2, y=(0, top))

    @staticmethod
    def _make(fig, result) -> dict:
        """The figure's artists for networks of ``result["sizes"]`` (data set by draw)."""
        from matplotlib.collections import LineCollection
        from matplotlib.ticker import FuncFormatter

        fig.clear()
        ax = fig.add_axes([0.01, 0.05, 0.45, 0.85])
        sizes = result["sizes"]
        tallest = max(sizes)
        pos = [np.array([(i, (tallest - n) / 2 + j) for j in range(n)], float)
               for i, n in enumerate(sizes)]
        nodes = np.concatenate(pos)
        art = {"fig": fig, "sizes": sizes, "pos": pos,
               "edges": ax.add_collection(LineCollection([], colors="#1f77b4", lw=0.6,
                                                         alpha=0.5, zorder=1)),
               "nodes": ax.scatter(nodes[:, 0], nodes[:, 1], s=180, zorder=2),
               "crosses": ax.add_collection(LineCollection([], colors="#d62728", lw=1.5,
                                                           zorder=3)),
               "title": ax.set_title("", fontsize=10)}
        ax.set_xlim(-0.4, len(sizes) - 0.6)
        ax.set_ylim(-0.8, tallest - 0.2)
        ax.invert_yaxis()
        ax.set_axis_off()
        ax2 = fig.add_axes([0.55, 0.15, 0.43, 0.7])
        idx = np.arange(sizes[1])
        zeros = np.zeros(sizes[1])
        art["bars"] = [
            ax2.bar(idx - 0.27, zeros, 0.27, label="no dropout (inference)", color="#888"),
            ax2.bar(idx, zeros, 0.27, color="#1f77b4", label="inverted dropout: × 1/(1−p)"),
            ax2.bar(idx + 0.27, zeros, 0.27, color="#d62728", label="dropout without scaling")]
        ax2.set_xticks(idx, [str(i) for i in idx])
        # plain tick labels: ScalarFormatter works out an offset on every draw
        ax2.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.1f}"))
        ax2.set_xlabel("unit of hidden layer 1")
        ax2.set_ylabel("mean activation")
        art["bar_title"] = ax2.set_title("", fontsize=10)
        ax2.legend(fontsize=9, loc="upper left")
        art["axes"] = [ax, ax2]
        return art

    def _make_animated(self, art) -> None:
        """Mark what :meth:`draw` changes: updates draw only these over the rest.

        Bars at zorder 3 (above the axis line they stand on), as they are
        drawn over the kept picture.
        """
        bars = [bar for group in art["bars"] for bar in group]
        for bar in bars:
            bar.set_zorder(3)
        self.animate(art["edges"], art["nodes"], art["crosses"], art["title"],
                     art["bar_title"], *bars)

    @staticmethod
    def _draw_network(art, result):
        """Edges between kept units, kept units filled, dropped ones crossed out."""
        pos, masks = art["pos"], result["masks"]
        edges = [np.stack(np.broadcast_arrays(a[:, None], b[None, :]), axis=2).reshape(-1, 2, 2)
                 for a, b in ((p[m], q[k]) for p, m, q, k in zip(pos, masks, pos[1:], masks[1:]))]
        art["edges"].set_segments(np.concatenate(edges))
        kept = np.concatenate(masks)
        art["nodes"].set_facecolors(np.where(kept, "#1f77b4", "white"))
        art["nodes"].set_edgecolors(np.where(kept, "#1f77b4", "#aaa"))
        x, y = np.concatenate(pos)[~kept].T
        dx, dy = np.full_like(x, 0.08), np.full_like(y, 0.25)
        art["crosses"].set_segments(
            [[(a - u, b - v), (a + u, b + v)] for a, b, u, v in zip(x, y, dx, dy)]
            + [[(a - u, b + v), (a + u, b - v)] for a, b, u, v in zip(x, y, dx, dy)])
        art["title"].set_text(f"p = {result['rate']:.2f}: {result['kept']} of "
                              f"{result['hidden']} hidden units kept (seed {result['seed']})")
