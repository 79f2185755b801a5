"""Activations and dropout in NumPy: ``relu``, a numerically stable ``softmax``
and inverted ``dropout``."""
from __future__ import annotations


import numpy as np

from cnnlab._validate import check_int, check_number

__all__ = ["relu", "softmax", "dropout"]


def relu(x) -> np.ndarray:
    """Rectified linear unit, ``max(x, 0)`` element-wise.

    Parameters
    ----------
    x : array_like

    Returns
    -------
    ndarray
        Same shape and dtype as ``x``.

    Examples
    --------
    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    x = np.asarray(x)
    return np.maximum(x, np.zeros((), dtype=x.dtype))


def softmax(x, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis``: ``exp(x) / sum(exp(x))``, computed stably.

    The maximum along ``axis`` is subtracted before exponentiating; this does
    not change the result (it cancels in the ratio) but keeps ``exp`` from
    overflowing, so logits of 1000 work.

    Parameters
    ----------
    x : array_like
        Logits.
    axis : int, optional
        The axis that sums to one (default the last, the classes).

    Returns
    -------
    ndarray
        Same shape as ``x``, floating point; entries in [0, 1].

    Examples
    --------
    >>> softmax([1000.0, 1000.0])
    array([0.5, 0.5])
    >>> softmax([[0.0, 0.0, 0.0, 0.0]]).round(2)
    array([[0.25, 0.25, 0.25, 0.25]])
    """
    x = np.asarray(x)
    x = x.astype(np.result_type(x.dtype, np.float32), copy=False)
    if x.ndim == 0:
        raise ValueError(f"`x` must have at least one axis. Received: x.shape={x.shape}.")
    check_int("axis", axis, -x.ndim)
    if axis >= x.ndim:
        raise ValueError(f"`axis` must be an integer in [-{x.ndim}, {x.ndim - 1}] "
                         f"for x.shape={x.shape}. Received: axis={axis}.")
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def dropout(x, rate: float, rng: np.random.Generator, training: bool = True) -> np.ndarray:
    """Inverted dropout, like ``keras.layers.Dropout``.

    In training each unit is dropped (set to 0) with probability ``rate``
    and the kept units are scaled by ``1 / (1 - rate)``, so the expected value
    of every unit is unchanged and nothing needs rescaling at inference.

    Parameters
    ----------
    x : array_like
        Activations, any shape.
    rate : float
        Probability of dropping a unit, in [0, 1).
    rng : numpy.random.Generator
        Source of the random mask, e.g. ``numpy.random.default_rng(0)``.
    training : bool, optional
        ``False`` (inference) returns ``x`` unchanged.

    Returns
    -------
    ndarray
        Same shape as ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> y = dropout(np.ones(8), 0.5, np.random.default_rng(0))
    >>> sorted(set(y.tolist()))             # dropped units are 0, kept ones 1/(1-0.5)
    [0.0, 2.0]
    >>> dropout(np.ones(3), 0.5, np.random.default_rng(0), training=False)
    array([1., 1., 1.])
    """
    check_number("rate", rate, 0, 1, high_open=True)
    if not isinstance(rng, np.random.Generator):
        raise TypeError("`rng` must be a numpy.random.Generator, e.g. "
                        f"numpy.random.default_rng(0). Received: rng={rng!r}.")
    x = np.asarray(x)
    if not training:
        return x
    dtype = np.result_type(x.dtype, np.float32)
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / dtype.type(1.0 - rate), dtype.type(0))
