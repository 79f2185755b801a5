"""Backward passes of the element-wise layers: ReLU and inverted dropout.

The forward passes are :func:`cnnlab.ops.relu` and :func:`cnnlab.ops.dropout`.
Dropout's backward pass reuses the forward pass's mask: :func:`dropout_mask`
draws exactly the mask that ``dropout(x, rate, rng)`` draws from the same
``rng`` state, so a layer can keep it for the backward pass.
"""
from __future__ import annotations


import numpy as np
from cnnlab._validate import check_number

__all__ = ["relu_backward", "dropout_mask", "dropout_backward"]


def relu_backward(dy, x) -> np.ndarray:
    """Gradient of :func:`cnnlab.ops.relu`: ``dy`` where ``x > 0``, else 0.

    At ``x == 0`` the gradient is taken as 0, like TensorFlow.

    Parameters
    ----------
    dy : ndarray
        Upstream gradient, the shape of ``x``.
    x : ndarray
        The input of the forward pass.

    Returns
    -------
    ndarray, the shape of ``x``

    Examples
    --------
    >>> relu_backward([1.0, 2.0, 3.0], [-1.0, 0.0, 5.0])
    array([0., 0., 3.])
    """
    dy, x = np.asarray(dy), np.asarray(x)
    if dy.shape != x.shape:
        raise ValueError(f"`dy` must have the shape of x, {x.shape}. "
                         f"Received: dy.shape={dy.shape}.")
    return np.where(x > 0, dy, np.zeros((), dtype=dy.dtype))


def _rate(rate):
    return check_number("rate", rate, 0, 1, high_open=True)


def dropout_mask(shape, rate: float, rng: np.random.Generator) -> np.ndarray:
    """The keep-mask of inverted dropout: True where a unit is kept.

    Draws ``rng.random(shape) >= rate``, the mask :func:`cnnlab.ops.dropout`
    draws, so ``np.where(mask, x / (1 - rate), 0)`` equals
    ``dropout(x, rate, rng)`` for the same ``rng`` state.

    Examples
    --------
    >>> import numpy as np
    >>> from cnnlab.ops import dropout
    >>> x = np.arange(1.0, 7.0)
    >>> mask = dropout_mask(x.shape, 0.5, np.random.default_rng(0))
    >>> bool(np.array_equal(np.where(mask, x / 0.5, 0),
    ...                     dropout(x, 0.5, np.random.default_rng(0))))
    True
    """
    rate = _rate(rate)
    if not isinstance(rng, np.random.Generator):
        raise TypeError("`rng` must be a numpy.random.Generator, e.g. "
                        f"numpy.random.default_rng(0). Received: rng={rng!r}.")
    return rng.random(shape) >= rate


def dropout_backward(dy, mask, rate: float) -> np.ndarray:
    """Gradient of inverted dropout: the same mask, the same ``1/(1 - rate)`` scale.

    Parameters
    ----------
    dy : ndarray
        Upstream gradient.
    mask : ndarray of bool
        The forward pass's keep-mask (:func:`dropout_mask`).
    rate : float
        The forward pass's rate.

    Returns
    -------
    ndarray, the shape of ``dy``

    Examples
    --------
    >>> import numpy as np
    >>> dropout_backward(np.ones(4), np.array([True, False, True, True]), 0.5)
    array([2., 0., 2., 2.])
    """
    rate = _rate(rate)
    dy, mask = np.asarray(dy), np.asarray(mask)
    if mask.shape != dy.shape or mask.dtype != bool:
        raise ValueError(f"`mask` must be a boolean array of shape {dy.shape}. "
                         f"Received: mask.shape={mask.shape}, mask.dtype={mask.dtype}.")
    dtype = np.result_type(dy.dtype, np.float32)
    return np.where(mask, dy / dtype.type(1.0 - rate), dtype.type(0))
