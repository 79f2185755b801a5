"""Softmax cross-entropy in NumPy: the loss, its gradient, and one-hot labels.

Integer labels with :func:`softmax_cross_entropy` give what Keras calls
``SparseCategoricalCrossentropy(from_logits=True)``; the same labels one-hot
encoded give ``CategoricalCrossentropy(from_logits=True)``, the same number.
"""
from __future__ import annotations


import numpy as np

from cnnlab.ops._geometry import as_array
from cnnlab._validate import check_int

__all__ = ["one_hot", "softmax_cross_entropy"]


def _labels(labels, classes: int, n: int | None = None) -> np.ndarray:
    y = np.asarray(labels)
    if y.dtype.kind not in "iu" and not (y.dtype.kind == "f" and np.all(y == np.round(y))):
        raise ValueError(f"`labels` must be integer class indices. "
                         f"Received: labels.dtype={y.dtype}.")
    if y.ndim != 1 or (n is not None and y.shape[0] != n):
        expected = "(N,)" if n is None else f"({n},), one per row of logits"
        raise ValueError(f"`labels` must have shape {expected}. "
                         f"Received: labels.shape={y.shape}.")
    y = y.astype(np.int64)
    if y.size and (y.min() < 0 or y.max() >= classes):
        raise ValueError(f"`labels` must be integers in [0, {classes}) for {classes} "
                         f"classes. Received: labels with values in "
                         f"[{y.min()}, {y.max()}].")
    return y


def one_hot(labels, classes: int) -> np.ndarray:
    """One-hot rows for integer labels, like ``keras.utils.to_categorical``.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Class indices in ``[0, classes)``.
    classes : int
        Number of classes.

    Returns
    -------
    ndarray of float32, shape (N, classes)

    Examples
    --------
    >>> one_hot([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]], dtype=float32)
    """
    check_int("classes", classes, 1)
    y = _labels(labels, int(classes))
    out = np.zeros((y.size, int(classes)), dtype=np.float32)
    out[np.arange(y.size), y] = 1.0
    return out


def softmax_cross_entropy(logits, labels):
    """Mean softmax cross-entropy of a batch, and its gradient w.r.t. the logits.

    ``loss = mean over n of -log softmax(logits[n])[labels[n]]``, computed as
    ``logsumexp(z) - z[label]`` with the row maximum subtracted first, so
    logits of ±1e4 neither overflow nor give ``log(0)``.

    Parameters
    ----------
    logits : ndarray of shape (N, classes)
        Scores before the softmax.
    labels : array_like of int, shape (N,)
        True classes in ``[0, classes)`` (integer labels, as in Keras'
        sparse categorical cross-entropy).

    Returns
    -------
    loss : float
        The mean over the batch, in nats.
    dlogits : ndarray of shape (N, classes)
        ``(softmax(logits) - one_hot(labels)) / N``: the 1/N because the loss
        is a mean.

    Examples
    --------
    >>> import numpy as np
    >>> loss, d = softmax_cross_entropy(np.array([[2.33, -1.46, 0.56]]), [0])
    >>> round(loss, 3), d.round(3)
    (0.176, array([[-0.162,  0.019,  0.143]]))
    >>> softmax_cross_entropy(np.array([[1e4, -1e4]]), [1])[0]
    20000.0
    """
    z = as_array("logits", logits, 2, "(N, classes)")
    z = z.astype(np.result_type(z.dtype, np.float32), copy=False)
    y = _labels(labels, z.shape[1], z.shape[0])
    n = z.shape[0]
    shifted = z - z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1, keepdims=True)
    log_p = shifted - np.log(total)
    rows = np.arange(n)
    loss = float(-log_p[rows, y].mean())
    dlogits = e / total
    dlogits[rows, y] -= 1
    dlogits /= n
    return loss, dlogits
