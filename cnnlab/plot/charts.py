"""Charts of numbers: confusion matrices and labelled bar charts.

Examples
--------
>>> fig = new_figure()
>>> ax = fig.add_subplot()
>>> _ = bars(ax, ["conv1", "dense"], [896, 4_194_560], log=True)
>>> len(ax.patches)
2
"""
from __future__ import annotations

import numpy as np

from cnnlab.plot._figure import new_figure


def confusion_matrix(y_true, y_pred, class_names=None, ax=None, normalize: bool = False):
    """Draw the confusion matrix: rows are true classes, columns predictions.

    Parameters
    ----------
    y_true : array_like of shape (N,)
        Integer labels.
    y_pred : array_like of shape (N,) or (N, classes)
        Predicted labels, or class scores (their argmax is taken).
    class_names : sequence of str, optional
    ax : matplotlib Axes, optional
        Default: a new figure with one axes.
    normalize : bool, optional
        Show each row as fractions of its true class (default: counts).

    Returns
    -------
    matplotlib.figure.Figure
        The figure of ``ax``; the counts are in ``ax.images[0].get_array()``.

    Examples
    --------
    >>> fig = confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], class_names=["a", "b", "c"])
    >>> fig.axes[0].images[0].get_array().tolist()
    [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    """
    y_true = np.asarray(y_true).astype(int).ravel()
    y_pred = np.asarray(y_pred)
    if y_pred.ndim == 2:
        y_pred = y_pred.argmax(axis=1)
    y_pred = y_pred.astype(int).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError("`y_true` and `y_pred` must hold one label per image. Received: "
                         f"y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}.")
    k = int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1
    if class_names is not None:
        if len(class_names) < k:
            raise ValueError(f"`class_names` must name all {k} classes. "
                             f"Received: {len(class_names)} names.")
        k = len(class_names)
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    values = counts
    if normalize:
        values = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    if ax is None:
        side = max(2.6, 0.45 * k)       # readable for two classes, growing with more
        ax = new_figure(figsize=(side + 0.6, side + 0.3)).add_subplot()
    ax.imshow(values, cmap="Blues", interpolation="nearest")
    names = list(class_names) if class_names is not None else [str(i) for i in range(k)]
    ax.set_xticks(range(k), names, rotation=90 if k > 4 else 0, fontsize=9)
    ax.set_yticks(range(k), names, fontsize=9)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if k <= 12:
        top = values.max() if values.size else 0
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, f"{v:.2f}" if normalize else str(v), ha="center", va="center",
                    fontsize=9, color="white" if v > top / 2 else "black")
    accuracy = np.trace(counts) / max(counts.sum(), 1)
    ax.set_title(f"accuracy {accuracy:.1%}")
    return ax.figure


def bars(ax, labels, values, title: str | None = None, log: bool = False, fmt: str = ","):
    """A horizontal bar chart with each value written next to its bar.

    Used for parameters or multiply-accumulates per layer: the first label is
    at the top, as in a model summary.

    Parameters
    ----------
    ax : matplotlib Axes
    labels : sequence of str
    values : sequence of numbers
    title : str, optional
    log : bool, optional
        Logarithmic value axis (for values spanning orders of magnitude).
    fmt : str, optional
        Format of the value labels (default ``","``: thousands separators).

    Returns
    -------
    matplotlib.container.BarContainer

    Examples
    --------
    >>> fig = new_figure()
    >>> container = bars(fig.add_subplot(), ["a", "b"], [1500, 20])
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['1,500', '20']
    """
    labels = [str(label) for label in labels]
    values = np.asarray(values, dtype=float)
    if values.shape != (len(labels),):
        raise ValueError("`labels` and `values` must have the same length. Received: "
                         f"{len(labels)} labels, values.shape={values.shape}.")
    y = np.arange(len(labels))
    container = ax.barh(y, values, color="tab:blue", log=log)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    for yi, v in zip(y, values):
        text = format(int(v), fmt) if float(v).is_integer() else format(v, ".3g")
        ax.annotate(text, (v, yi), xytext=(3, 0), textcoords="offset points",
                    va="center", fontsize=9)
    if len(values) and values.max() > 0:
        lo = values[values > 0].min() if log else 0
        ax.set_xlim(lo / 2 if log else 0, values.max() * (4 if log else 1.2))
    if title:
        ax.set_title(title)
    return container
