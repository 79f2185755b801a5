"""Heat maps over images (explanations) and 2-D embeddings coloured by class.

Examples
--------
>>> import numpy as np
>>> fig = heatmap_grid(np.zeros((2, 8, 8, 3)), {"A": np.ones((2, 8, 8))})
>>> len(fig.axes)
4
"""
from __future__ import annotations

import numpy as np

from cnnlab import _validate
from cnnlab.plot._figure import new_figure
from cnnlab.plot.arrays import image


def overlay(ax, img, heat, *, mask=None, alpha: float = 0.5, cmap: str = "jet",
            title: str | None = None):
    """Draw ``heat`` (H, W) in [0, 1] over ``img`` on ``ax``; ``mask`` as a white outline.

    Examples
    --------
    >>> fig = new_figure()
    >>> _ = overlay(fig.add_subplot(), np.zeros((4, 4, 3)), np.eye(4), mask=np.eye(4))
    >>> len(fig.axes[0].images), len(fig.axes[0].collections)
    (2, 1)
    """
    heat = np.asarray(heat, dtype=float)
    if heat.shape != np.shape(img)[:2]:
        raise ValueError("`heat` must have the image's height and width "
                         f"{np.shape(img)[:2]}. Received: heat.shape={heat.shape}.")
    image(ax, img, title=title)
    im = ax.imshow(heat, cmap=cmap, alpha=alpha, vmin=0, vmax=max(1.0, float(heat.max())))
    if mask is not None and np.any(mask):
        ax.contour(np.asarray(mask, dtype=float), levels=[0.5], colors="white",
                   linewidths=1.0)
    return im


def heatmap_grid(images, maps: dict, masks=None, titles=None, max_images: int = 6,
                 fig=None, alpha: float = 0.5):
    """One row per image: the image, then each method's heat map over it.

    Parameters
    ----------
    images : array_like of shape (N, H, W, C)
    maps : dict of str -> array_like of shape (N, H, W)
        Heat maps in [0, 1] by method name (the column titles).
    masks : array_like of shape (N, H, W), optional
        Object masks, drawn as white outlines.
    titles : sequence of str, optional
        A title per image (first column).
    max_images : int, optional
        Rows shown (default 6).
    fig : matplotlib Figure, optional
    alpha : float, optional
        Opacity of the heat map (default 0.5).

    Returns
    -------
    matplotlib.figure.Figure
    """
    images = np.asarray(images)
    _validate.check_int("max_images", max_images, 1)
    if not isinstance(maps, dict) or not maps:
        raise ValueError(f"`maps` must be a non-empty dict name -> (N, H, W) array. "
                         f"Received: maps={type(maps).__name__}.")
    n = min(len(images), max_images)
    cols = 1 + len(maps)
    fig = new_figure(fig, figsize=(1.7 * cols, 1.75 * n))
    for i in range(n):
        ax = fig.add_subplot(n, cols, i * cols + 1)
        image(ax, images[i], title=None if titles is None else str(titles[i]))
        ax.title.set_fontsize(8)
        for j, (name, heat) in enumerate(maps.items()):
            ax = fig.add_subplot(n, cols, i * cols + j + 2)
            overlay(ax, images[i], np.asarray(heat)[i], alpha=alpha,
                    mask=None if masks is None else np.asarray(masks)[i],
                    title=name if i == 0 else None)
            ax.title.set_fontsize(9)
    return fig


def embedding(points, labels, class_names=None, explained=None, fig=None,
              title: str | None = None):
    """A 2-D scatter of embedded images, one colour per class.

    Parameters
    ----------
    points : array_like of shape (N, 2)
        E.g. the first two principal components of a layer's outputs.
    labels : array_like of shape (N,)
    class_names : sequence of str, optional
    explained : array_like of 2 floats, optional
        Variance share of each axis, shown in the axis labels.
    fig : matplotlib Figure, optional
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = embedding(np.random.default_rng(0).normal(size=(20, 2)), np.arange(20) % 2,
    ...                 ["a", "b"], explained=[0.5, 0.2])
    >>> fig.axes[0].get_xlabel()
    'PC 1 (50% of variance)'
    """
    points, labels = np.asarray(points, dtype=float), np.asarray(labels)
    if points.ndim != 2 or points.shape[1] < 2 or len(labels) != len(points):
        raise ValueError("`points` must have shape (N, 2) and `labels` shape (N,). Received: "
                         f"points.shape={points.shape}, labels.shape={labels.shape}.")
    fig = new_figure(fig, figsize=(5.2, 4.2))
    ax = fig.add_subplot()
    for k in np.unique(labels):
        sel = labels == k
        name = class_names[int(k)] if class_names is not None else str(k)
        ax.scatter(points[sel, 0], points[sel, 1], s=10, alpha=0.7, label=name)
    for axis, i in ((ax.set_xlabel, 0), (ax.set_ylabel, 1)):
        share = "" if explained is None else f" ({explained[i]:.0%} of variance)"
        axis(f"PC {i + 1}{share}")
    ax.legend(fontsize=9, markerscale=2, loc="best")
    if title:
        ax.set_title(title)
    return fig
