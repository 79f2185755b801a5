"""Batch normalization in NumPy, forward (both modes) and backward, as Keras does it.

``batch_norm`` normalises over every axis but the last (the channels): for
NHWC feature maps the mean and variance of a channel are taken over the batch
*and* all positions, as Ioffe & Szegedy (2015) prescribe for convolutions.
It follows ``keras.layers.BatchNormalization`` (``axis=-1``) exactly:

- training: batch statistics, *biased* variance (divide by N, not N - 1); the
  moving averages move ``moving = momentum * moving + (1 - momentum) * batch``;
- inference: the moving statistics, which stay unchanged.

Examples
--------
>>> import numpy as np
>>> x = np.array([[1.0], [3.0]])
>>> y, mean, var = batch_norm(x, [1.0], [0.0], [0.0], [1.0], training=True, epsilon=0.0)
>>> y.ravel(), mean, var
(array([-1.,  1.]), array([0.02]), array([1.]))
"""
from __future__ import annotations


import numpy as np
from cnnlab._validate import check_number

__all__ = ["batch_norm", "batch_norm_backward"]


def _input(x) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError("`x` must have a batch axis and a channel axis (at least 2-D, "
                         f"channels last). Received: x.shape={x.shape}.")
    if x.shape[0] < 1:
        raise ValueError(f"`x` must hold at least one sample. Received: x.shape={x.shape}.")
    return x.astype(np.result_type(x.dtype, np.float32), copy=False)


def _per_channel(name: str, value, channels: int, dtype) -> np.ndarray:
    v = np.asarray(value, dtype=dtype)
    if v.shape != (channels,):
        raise ValueError(f"`{name}` must have shape ({channels},), one value per channel "
                         f"of x. Received: {name}.shape={v.shape}.")
    return v


def batch_norm(x, gamma, beta, moving_mean, moving_var, training: bool = False,
               momentum: float = 0.99, epsilon: float = 1e-3):
    """Batch normalization over the last axis, like ``keras.layers.BatchNormalization``.

    Parameters
    ----------
    x : array_like, shape (N, ..., C)
        Activations, channels last: (N, C) after a dense layer, (N, H, W, C)
        after a convolution.
    gamma, beta : array_like, shape (C,)
        Trainable scale and offset.
    moving_mean, moving_var : array_like, shape (C,)
        Non-trainable moving statistics (Keras starts them at 0 and 1).
    training : bool, optional
        ``True``: normalise with this batch's mean and biased variance and
        update the moving statistics. ``False`` (inference, the default):
        normalise with the moving statistics and return them unchanged.
    momentum : float, optional
        In [0, 1]; weight of the old moving value (Keras' default 0.99).
    epsilon : float, optional
        Added to the variance before the square root (Keras' default 1e-3).

    Returns
    -------
    y : ndarray
        ``gamma * (x - mean) / sqrt(var + epsilon) + beta``, shape of ``x``.
    new_moving_mean, new_moving_var : ndarray, shape (C,)

    See Also
    --------
    batch_norm_backward : the gradients in training mode.

    Notes
    -----
    With a batch of one sample and no spatial axes, every channel's batch
    variance is 0 and ``x - mean`` is 0: the training-mode output is ``beta``
    whatever the input.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[0.0, 10.0], [2.0, 30.0]])
    >>> one, zero = np.ones(2), np.zeros(2)
    >>> y, m, v = batch_norm(x, one, zero, zero, one, training=True, momentum=0.9,
    ...                      epsilon=0.0)
    >>> y
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> m, v                                 # 0.9 * old + 0.1 * batch statistics
    (array([0.1, 2. ]), array([ 1. , 10.9]))
    >>> batch_norm(x, one, zero, m, v)[0].round(3)      # inference: moving statistics
    array([[-0.1  ,  2.423],
           [ 1.899,  8.481]])
    """
    x = _input(x)
    channels = x.shape[-1]
    gamma, beta, moving_mean, moving_var = (
        _per_channel(n, v, channels, x.dtype) for n, v in
        (("gamma", gamma), ("beta", beta), ("moving_mean", moving_mean),
         ("moving_var", moving_var)))
    momentum = check_number("momentum", momentum, 0, 1)
    epsilon = check_number("epsilon", epsilon, 0)
    if not training:
        y = (x - moving_mean) / np.sqrt(moving_var + epsilon) * gamma + beta
        return y, moving_mean.copy(), moving_var.copy()
    axes = tuple(range(x.ndim - 1))
    mean = x.mean(axis=axes)
    var = ((x - mean) ** 2).mean(axis=axes)          # biased: divide by N
    y = (x - mean) / np.sqrt(var + epsilon) * gamma + beta
    new_mean = momentum * moving_mean + (1.0 - momentum) * mean
    new_var = momentum * moving_var + (1.0 - momentum) * var
    return y, new_mean, new_var


def batch_norm_backward(dy, x, gamma, epsilon: float = 1e-3):
    """Gradients of training-mode :func:`batch_norm` (batch statistics) by the chain rule.

    With ``x̂ = (x - mean) / sqrt(var + epsilon)`` and M the number of values
    per channel (batch × positions):

    - ``dbeta = Σ dy``, ``dgamma = Σ dy · x̂``;
    - ``dx = gamma / sqrt(var + epsilon) · (dy - dbeta / M - x̂ · dgamma / M)``,

    sums over every axis but the last. The two subtracted terms are the paths
    through the batch mean and the batch variance: every sample's gradient
    depends on the whole batch.

    Parameters
    ----------
    dy : array_like
        Gradient of the loss with respect to the output ``y``, shape of ``x``.
    x : array_like, shape (N, ..., C)
        The input of the forward pass.
    gamma : array_like, shape (C,)
    epsilon : float, optional
        As in the forward pass (default 1e-3).

    Returns
    -------
    dx : ndarray, shape of ``x``
    dgamma, dbeta : ndarray, shape (C,)

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0], [2.0], [4.0]])
    >>> dx, dgamma, dbeta = batch_norm_backward(np.ones_like(x), x, [2.0])
    >>> bool(abs(dx).max() < 1e-12), dbeta   # shifting all of y moves only beta
    (True, array([3.]))
    """
    x = _input(x)
    dy = np.asarray(dy, dtype=x.dtype)
    if dy.shape != x.shape:
        raise ValueError(f"`dy` must have the shape of x, {x.shape}. "
                         f"Received: dy.shape={dy.shape}.")
    gamma = _per_channel("gamma", gamma, x.shape[-1], x.dtype)
    epsilon = check_number("epsilon", epsilon, 0)
    axes = tuple(range(x.ndim - 1))
    m = x.size // x.shape[-1]
    mean = x.mean(axis=axes)
    inv_std = 1.0 / np.sqrt(((x - mean) ** 2).mean(axis=axes) + epsilon)
    x_hat = (x - mean) * inv_std
    dbeta = dy.sum(axis=axes)
    dgamma = (dy * x_hat).sum(axis=axes)
    dx = gamma * inv_std * (dy - dbeta / m - x_hat * dgamma / m)
    return dx, dgamma, dbeta
