"""Class-balanced, repeatable subsets of a labelled data set.

The transfer-learning lesson pretrains on some classes and transfers to the
others with a handful of labels per class; the experiments on augmentation
and dropout train on a few hundred images. Both take their subsets here.

Examples
--------
>>> import numpy as np
>>> x, y = np.arange(10)[:, None], np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
>>> xs, ys = subset(x, y, classes=[2, 1], per_class=2)
>>> ys.tolist()
[1, 0, 1, 0]
"""
from __future__ import annotations

import numbers
from typing import Sequence

import numpy as np

from cnnlab import _validate


def balanced_indices(y, n: int, seed: int = 0) -> np.ndarray:
    """Pick ``n`` indices with the classes as equally represented as possible.

    Each class gets ``n // k`` images (``k`` classes); the remainder, and the
    share of classes with too few images, goes to the classes with images
    left, in label order. The pick inside a class is random but fixed by
    ``seed``; the result is sorted, so the data keep their original order.

    Parameters
    ----------
    y : array_like of shape (N,)
        Integer labels.
    n : int
        How many indices; at most ``N``.
    seed : int, optional

    Returns
    -------
    ndarray of shape (n,), int64

    Examples
    --------
    >>> y = np.array([0] * 6 + [1] * 2)
    >>> np.bincount(y[balanced_indices(y, 6)]).tolist()
    [4, 2]
    """
    y = np.asarray(y).ravel()
    _validate.check_int("limit", n, 1)
    if n > len(y):
        raise ValueError(f"`limit` must be at most the number of images ({len(y)}). "
                         f"Received: limit={n}.")
    classes, counts = np.unique(y, return_counts=True)
    take = np.zeros_like(counts)
    left = n
    while left:                        # water-filling: equal shares, capped
        open_ = np.flatnonzero(take < counts)
        share = max(left // len(open_), 1)
        for i in open_:
            extra = min(share, counts[i] - take[i], left)
            take[i] += extra
            left -= extra
            if not left:
                break
    rng = np.random.default_rng(seed)
    picked = [rng.choice(np.flatnonzero(y == c), size=t, replace=False)
              for c, t in zip(classes, take) if t]
    return np.sort(np.concatenate(picked)).astype(np.int64)


def subset(x, y, classes: Sequence[int] | None = None, per_class: int | None = None,
           seed: int = 0, relabel: bool = True):
    """Keep some classes and/or a few images per class.

    Parameters
    ----------
    x : ndarray of shape (N, ...)
    y : ndarray of shape (N,)
        Integer labels.
    classes : sequence of int, optional
        Labels to keep (default: all). With ``relabel`` they become
        ``0, 1, ...`` in the order given here.
    per_class : int, optional
        Images to keep per class, picked at random (fixed by ``seed``).
    seed : int, optional
    relabel : bool, optional
        Renumber the kept classes from 0 (default ``True``), as a new
        classifier head expects.

    Returns
    -------
    x_sub : ndarray
    y_sub : ndarray
        In the original order of the images.

    Examples
    --------
    >>> y = np.array([5, 6, 7, 5, 6, 7])
    >>> subset(np.arange(6), y, classes=[5, 6])[1].tolist()
    [0, 1, 0, 1]
    >>> subset(np.arange(6), y, per_class=1, relabel=False)[1].tolist()
    [5, 6, 7]
    """
    x = np.asarray(x)
    y = np.asarray(y)
    if y.ndim != 1 or len(x) != len(y):
        raise ValueError("`x` and `y` must hold the same number of images and `y` must "
                         f"be 1-D. Received: x.shape={x.shape}, y.shape={y.shape}.")
    present = np.unique(y)
    if classes is None:
        keep = present
    else:
        keep = _check_classes(classes, present)
    mask = np.isin(y, keep)
    idx = np.flatnonzero(mask)
    if per_class is not None:
        _validate.check_int("per_class", per_class, 1)
        rng = np.random.default_rng(seed)
        parts = []
        for c in keep:
            members = idx[y[idx] == c]
            if len(members) < per_class:
                raise ValueError(f"`per_class` must be at most {len(members)}, the number "
                                 f"of images of class {c}. Received: per_class={per_class}.")
            parts.append(rng.choice(members, size=per_class, replace=False))
        idx = np.sort(np.concatenate(parts))
    y_sub = y[idx]
    if relabel:
        lookup = {int(c): i for i, c in enumerate(keep)}
        y_sub = np.array([lookup[int(v)] for v in y_sub], dtype=y.dtype)
    return x[idx], y_sub


def _check_classes(classes, present) -> np.ndarray:
    if isinstance(classes, (str, bytes)) or not isinstance(classes, Sequence | np.ndarray):
        raise ValueError("`classes` must be a sequence of labels. "
                         f"Received: classes={classes!r}.")
    allowed = ", ".join(str(int(c)) for c in present)
    keep = []
    for c in classes:
        if (isinstance(c, bool) or not isinstance(c, numbers.Integral | np.integer)
                or c not in present):
            raise ValueError(f"`classes` must hold labels among {allowed}. "
                             f"Received: classes={list(classes)!r}.")
        if int(c) not in keep:
            keep.append(int(c))
    if not keep:
        raise ValueError(f"`classes` must name at least one label among {allowed}. "
                         f"Received: classes={list(classes)!r}.")
    return np.array(keep)
