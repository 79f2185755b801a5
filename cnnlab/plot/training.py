"""Training curves of one or several runs, overlaid for comparison.

Examples
--------
>>> runs = {"plain": {"loss": [1.0, 0.8], "val_loss": [1.1, 0.9]},
...         "residual": {"loss": [0.9, 0.5], "val_loss": [1.0, 0.6]}}
>>> fig = training_curves(runs, metrics=("loss",))
>>> len(fig.axes), len(fig.axes[0].lines)
(1, 4)
"""
from __future__ import annotations

from typing import Mapping, Sequence

from cnnlab.plot._figure import new_figure

#: Okabe-Ito colours (distinguishable with the common colour-vision
#: deficiencies) and one marker per run, so runs differ by more than hue.
RUN_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
               "#000000", "#F0E442")
RUN_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def history_dict(run) -> dict:
    """The ``{metric: [value per epoch]}`` dict of a run.

    Parameters
    ----------
    run : keras.callbacks.History, dict, or an object with a ``.history``
        attribute holding either (such as ``cnnlab.train.TrainResult``).

    Examples
    --------
    >>> history_dict({"loss": [0.5]})
    {'loss': [0.5]}
    """
    for _ in range(3):                    # TrainResult -> History -> dict
        if isinstance(run, Mapping):
            return dict(run)
        if not hasattr(run, "history"):
            break
        run = run.history
    raise ValueError("`runs` values must be Keras History objects, objects with a "
                     "`.history`, or dicts of per-epoch lists. "
                     f"Received: {type(run).__name__}.")


def training_curves(runs, metrics: Sequence[str] = ("loss", "accuracy"), fig=None,
                    validation: bool = True):
    """Plot one subplot per metric; each run in its own colour.

    Training values are solid lines, validation values (``val_<metric>``)
    dashed lines of the same colour.

    Parameters
    ----------
    runs : dict of {str: History or TrainResult or dict}, or one run
        Label -> run. A single run is drawn with the label ``"run"``.
    metrics : sequence of str, optional
        Metrics to show (default loss and accuracy); a metric that no run
        recorded is skipped.
    fig : matplotlib Figure, optional
        Drawn into (cleared first); default: a new figure.
    validation : bool, optional
        Also draw the validation curves where recorded (default ``True``).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = training_curves({"a": {"loss": [1, 0.5], "accuracy": [0.5, 0.7]}})
    >>> [ax.get_title() for ax in fig.axes]
    ['loss', 'accuracy']
    """
    if not isinstance(runs, Mapping) or _looks_like_history(runs):
        runs = {"run": runs}
    histories = {label: history_dict(run) for label, run in runs.items()}
    if isinstance(metrics, str):
        metrics = (metrics,)
    shown = [m for m in metrics if any(m in h for h in histories.values())]
    if not shown:
        recorded = sorted({k for h in histories.values() for k in h})
        raise ValueError(f"`metrics` must name recorded metrics, among {recorded}. "
                         f"Received: metrics={tuple(metrics)!r}.")
    from matplotlib.ticker import MaxNLocator

    fig = new_figure(fig, figsize=(4.2 * len(shown), 3.4))
    axes = fig.subplots(1, len(shown), squeeze=False)[0]
    for ax, metric in zip(axes, shown):
        for i, (label, hist) in enumerate(histories.items()):
            style = {"color": RUN_COLOURS[i % len(RUN_COLOURS)],
                     "marker": RUN_MARKERS[i % len(RUN_MARKERS)], "markersize": 4}
            if metric in hist:
                epochs = range(1, len(hist[metric]) + 1)
                ax.plot(epochs, hist[metric], label=f"{label} (train)", **style)
            if validation and f"val_{metric}" in hist:
                values = hist[f"val_{metric}"]
                ax.plot(range(1, len(values) + 1), values, linestyle="--",
                        markerfacecolor="white", label=f"{label} (validation)", **style)
        ax.set_title(metric)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=9)
    return fig


def _looks_like_history(obj) -> bool:
    """A plain dict of per-epoch lists rather than a dict of runs."""
    return bool(obj) and all(isinstance(v, (list, tuple)) for v in obj.values())
