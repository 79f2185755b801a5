"""Optimizer race: SGD, momentum, RMSprop and Adam from the same initial weights.

:class:`OptimizerRace` trains one small NumPy network (:mod:`cnnlab.scratch`)
four times from identical weights, full-batch on a few hundred digits, with
each optimizer and each learning rate of a grid, and shows the loss curves
side by side. Everything is computed once when the widget is made (a couple
of seconds), so moving the learning-rate slider only redraws.

Examples
--------
>>> table = race_table(steps=5, learning_rates=(0.01,), images=64)
>>> sorted(table["curves"][0.01]), len(table["curves"][0.01]["Adam"])
(['Adam', 'RMSprop', 'SGD', 'momentum 0.9'], 6)
"""
from __future__ import annotations

import numpy as np

from cnnlab._validate import check_int
from cnnlab.viz._limits import set_lim
from cnnlab.viz.base import ExplorerBase

#: learning rates of the slider (a log grid)
LEARNING_RATES = (1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1.0)
#: colours of the four runs
COLORS = {"SGD": "#7f7f7f", "momentum 0.9": "#1f77b4", "RMSprop": "#2ca02c", "Adam": "#d62728"}
#: and their line styles, so that the runs differ by more than their hue
STYLES = {"SGD": ":", "momentum 0.9": "--", "RMSprop": "-.", "Adam": "-"}


def _optimizers(lr):
    from cnnlab.scratch import SGD, Adam, RMSprop

    return {"SGD": SGD(lr), "momentum 0.9": SGD(lr, momentum=0.9),
            "RMSprop": RMSprop(lr), "Adam": Adam(lr)}


def _network(input_shape, classes, seed):
    from cnnlab.scratch import Dense, Flatten, ReLU, Sequential

    return Sequential([Flatten(), Dense(32, seed=seed), ReLU(), Dense(classes, seed=seed + 1)],
                      input_shape)


def race_table(steps: int = 50, learning_rates=LEARNING_RATES, images: int = 300,
               image_size: int = 14, seed: int = 0, data=None) -> dict:
    """Full-batch loss curves of the four optimizers for every learning rate.

    Parameters
    ----------
    steps : int, optional
        Optimizer steps per run (default 50).
    learning_rates : sequence of float, optional
    images, image_size : int, optional
        How many digits, at what size (ignored when ``data`` is given).
    seed : int, optional
        Seed of the initial weights (the same for every run).
    data : (x, y), optional
        Images and integer labels to use instead of the digits.

    Returns
    -------
    dict
        ``"curves"``: learning rate -> optimizer name -> array of ``steps + 1``
        losses (the first is the loss of the initial weights; a run whose loss
        becomes NaN or infinite stops there and the rest is NaN);
        ``"learning_rates"``, ``"steps"``, ``"images"``.
    """
    check_int("steps", steps, 1)
    if data is None:
        from cnnlab.data import load

        x, y, _ = load("digits", image_size=image_size, limit=images, seed=seed)
    else:
        x, y = (np.asarray(a) for a in data)
    net = _network(x.shape[1:], int(y.max()) + 1, seed)
    start = net.get_weights()
    curves = {}
    from threadpoolctl import threadpool_limits

    with np.errstate(all="ignore"), threadpool_limits(limits=1, user_api="blas"):
        for lr in learning_rates:
            curves[lr] = {}
            for name, opt in _optimizers(lr).items():
                net.set_weights(start)
                losses = np.full(steps + 1, np.nan)
                for t in range(steps + 1):
                    loss, grads = net.loss_and_grads(x, y)
                    if not np.isfinite(loss):
                        break
                    losses[t] = loss
                    if t < steps:
                        opt.apply(grads, net.params)
                curves[lr][name] = losses
    return {"curves": curves, "learning_rates": tuple(learning_rates), "steps": steps,
            "images": len(x)}


class OptimizerRace(ExplorerBase):
    """Loss curves of SGD, momentum, RMSprop and Adam; a learning-rate slider.

    Parameters
    ----------
    steps, images, seed, data
        As in :func:`race_table`, computed once here.
    learning_rate : float, optional
        Initial slider position (default 0.01).

    Attributes
    ----------
    result : dict
        ``"learning_rate"``, ``"curves"`` (name -> losses at that rate),
        ``"final"`` (name -> last loss, NaN if the run diverged) and ``"sweep"``
        (name -> final loss for every rate of the grid).

    Examples
    --------
    >>> race = OptimizerRace(steps=5, images=64)       # doctest: +SKIP
    >>> sorted(race.result["final"])                    # doctest: +SKIP
    ['Adam', 'RMSprop', 'SGD', 'momentum 0.9']
    """

    figsize = (10, 3.6)

    def __init__(self, steps: int = 50, learning_rate: float = 0.01, images: int = 300,
                 seed: int = 0, data=None):
        import ipywidgets as widgets

        self.table = race_table(steps, LEARNING_RATES, images, seed=seed, data=data)
        options = [(f"{lr:g}", lr) for lr in LEARNING_RATES]
        if learning_rate not in LEARNING_RATES:
            raise ValueError(f"`learning_rate` must be one of {LEARNING_RATES}. "
                             f"Received: learning_rate={learning_rate!r}.")
        controls = {"learning_rate": widgets.SelectionSlider(
            options=options, value=learning_rate, description="learning rate",
            style={"description_width": "90px"}, continuous_update=False)}
        super().__init__(controls)

    def compute(self, learning_rate) -> dict:
        curves = self.table["curves"].get(learning_rate)
        if curves is None:
            raise ValueError(f"`learning_rate` must be one of {LEARNING_RATES}. "
                             f"Received: learning_rate={learning_rate!r}.")
        final = {name: float(c[-1]) for name, c in curves.items()}
        sweep = {name: np.array([self.table["curves"][lr][name][-1]
                                 for lr in self.table["learning_rates"]])
                 for name in curves}
        return {"learning_rate": learning_rate, "curves": curves, "final": final,
                "sweep": sweep}

    def draw(self, result: dict, fig) -> None:
        """Loss per step at this rate (left); final loss against the rate (right).

        The axes, lines and legend are made on the first call; later calls
        only change the left panel's curves, legend texts and title and move
        the right panel's marker line (its sweep does not depend on the rate),
        all marked with ``animate``: an update draws only them over the kept
        picture of the rest.
        """
        art = getattr(self, "_art", None)
        if art is None or self.kept_axes(fig) is None:
            art = self._build(fig, result)
        for name, losses in result["curves"].items():
            final = result["final"][name]
            label = f"{name}: {final:.3f}" if np.isfinite(final) else f"{name}: diverged"
            art["lines"][name].set_ydata(losses)
            art["labels"][name].set_text(label)
        top = max(3.0, np.nanmax([c[0] for c in result["curves"].values()]) * 1.2)
        set_lim(art["ax"], y=(0, top))          # setting limits redraws the whole figure
        art["title"].set_text(f"learning rate {result['learning_rate']:g}, "
                              "same initial weights")
        art["marker"].set_xdata([result["learning_rate"]] * 2)

    def _build(self, fig, result: dict) -> dict:
        """The two panels, the static sweep and the artists :meth:`draw` changes."""
        from matplotlib.ticker import MaxNLocator

        from cnnlab.viz._log_ticks import plain_log_ticks

        fig.clear()
        ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": (1.3, 1)})
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.16, top=0.88, wspace=0.25)
        self.keep_axes(ax, ax2)
        steps = np.arange(self.table["steps"] + 1)
        names = list(COLORS)
        # what changes with the rate is animated: drawn over the kept picture
        # of the rest (above the spines: zorder 3)
        lines = {name: ax.plot(steps, np.full(len(steps), np.nan), color=COLORS[name],
                               ls=STYLES[name], label=name, lw=1.8, zorder=3)[0]
                 for name in names}
        ax.set_xlim(0, steps[-1])
        ax.set_xlabel("step (full batch)")
        ax.set_ylabel("training loss")
        legend = ax.legend(fontsize=9, loc="upper right")
        labels = dict(zip(names, legend.get_texts()))
        rates = np.array(self.table["learning_rates"])
        for name, finals in result["sweep"].items():
            ax2.plot(rates, finals, marker="o", ls=STYLES[name], color=COLORS[name], ms=3,
                     lw=1.2)
        marker = ax2.axvline(rates[0], color="k", lw=0.8, ls="--", zorder=3)
        ax2.set_xscale("log")
        plain_log_ticks(ax2.xaxis)
        ax2.set_ylim(0, 3.0)
        ax2.set_xlim(rates[0] / 1.5, rates[-1] * 1.5)
        ax2.set_xlabel("learning rate")
        ax2.set_ylabel(f"loss after {self.table['steps']} steps")
        ax2.set_title("missing point: diverged", fontsize=10)
        for a in (ax.yaxis, ax2.yaxis):    # every label is drawn text: 4 are enough
            a.set_major_locator(MaxNLocator(4, steps=[1, 2, 5, 10]))
        title = ax.set_title(" ", fontsize=10)
        # the legend's frame and boxes too: Legend.draw moves them, which would
        # otherwise mark the axes stale after every picture
        for part in legend.findobj():
            part.set_animated(True)
        self.animate(*lines.values(), marker, title, legend)
        self._art = {"ax": ax, "lines": lines, "labels": labels, "marker": marker,
                     "title": title}
        return self._art
