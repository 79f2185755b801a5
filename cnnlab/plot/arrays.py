"""Small arrays and images drawn the way the lessons show them.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> import numpy as np
>>> fig, ax = plt.subplots()
>>> _ = matrix(ax, np.eye(3), title="identity")
>>> plt.close(fig)
"""
from __future__ import annotations

import numpy as np


def matrix(ax, a, *, annotate: bool = True, highlight=None, title: str | None = None,
           cmap: str = "Blues", fmt: str | None = None, vmin=None, vmax=None,
           highlight_color: str = "tab:red"):
    """Draw a 2-D array as a grid of cells, optionally with its numbers.

    Parameters
    ----------
    ax : matplotlib Axes
    a : array_like of shape (M, N)
    annotate : bool, optional
        Write each value in its cell (default ``True``; off for big arrays).
    highlight : tuple (row, col, height, width), optional
        A rectangle of cells to outline, e.g. the window an output came from.
    title : str, optional
    fmt : str, optional
        Format of the numbers; default ``"g"`` (integers stay integers).

    Returns
    -------
    matplotlib.image.AxesImage
    """
    import matplotlib.patches as patches

    a = np.asarray(a)
    if a.ndim != 2:
        raise ValueError(f"`a` must be a 2-D array. Received: a.shape={a.shape}.")
    im = ax.imshow(a, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if annotate and a.size <= 400:
        lo, hi = (np.nanmin(a), np.nanmax(a)) if a.size else (0, 0)
        mid = (lo + hi) / 2
        fmt = fmt or "g"
        for (i, j), v in np.ndenumerate(a):
            ax.text(j, i, format(v.item() if hasattr(v, "item") else v, fmt),
                    ha="center", va="center", fontsize=8 if a.shape[1] > 8 else 10,
                    color="white" if v > mid and hi > lo else "black")
    if highlight is not None:
        r, c, h, w = highlight
        ax.add_patch(patches.Rectangle((c - 0.5, r - 0.5), w, h, fill=False,
                                       edgecolor=highlight_color, linewidth=2.5))
    if title:
        ax.set_title(title)
    return im


def image(ax, img, *, title: str | None = None, cmap: str | None = None):
    """Show an image in [0, 1] (H, W), (H, W, 1) or (H, W, 3) without axes.

    Returns
    -------
    matplotlib.image.AxesImage
    """
    img = np.asarray(img)
    if img.ndim == 3 and img.shape[-1] == 1:
        img = img[..., 0]
    if img.ndim == 2:
        cmap = cmap or "gray"
    elif img.ndim != 3 or img.shape[-1] not in (3, 4):
        raise ValueError("`img` must have shape (H, W), (H, W, 1) or (H, W, 3). "
                         f"Received: img.shape={img.shape}.")
    im = ax.imshow(np.clip(img, 0, 1) if img.dtype.kind == "f" and img.ndim == 3 else img,
                   cmap=cmap)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return im
