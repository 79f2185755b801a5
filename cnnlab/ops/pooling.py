"""Spatial pooling in NumPy (max, average, min, global average) and its backward passes.

Channels last like Keras: ``x`` is (N, H, W, C) and each channel is pooled on
its own. Windows are ``pool_size`` pixels, ``strides`` apart (``None`` means
``pool_size``: non-overlapping windows). Padding follows Keras/TensorFlow:
padded positions never take part, so "same" max pooling ignores them and
"same" average pooling divides by the number of *real* pixels in the window.

Examples
--------
The example of lesson 02, 2×2 windows with stride 2, pooled three ways:

>>> a = np.array([[12, 20, 30, 0], [8, 12, 2, 0],
...               [34, 70, 37, 4], [112, 100, 25, 12]]).reshape(1, 4, 4, 1)
>>> max_pool2d(a)[0, :, :, 0]
array([[ 20,  30],
       [112,  37]])
>>> min_pool2d(a)[0, :, :, 0]
array([[ 8,  0],
       [34,  4]])
>>> avg_pool2d(a)[0, :, :, 0]
array([[13. ,  8. ],
       [79. , 19.5]])
"""
from __future__ import annotations

import numpy as np

from cnnlab._validate import check_pair, check_padding
from cnnlab.ops._geometry import as_array, pad_hw, tap, window_geometry

__all__ = ["max_pool2d", "avg_pool2d", "min_pool2d", "global_avg_pool2d",
           "max_pool2d_backward", "avg_pool2d_backward"]


def _setup(x, pool_size, strides, padding):
    """Validate; return x, pool, strides, out_hw, pads."""
    x = as_array("x", x, 4, "(N, H, W, C)")
    pool = check_pair("pool_size", pool_size, 1)
    strides = pool if strides is None else check_pair("strides", strides, 1)
    padding = check_padding(padding)
    if isinstance(padding, int) and padding >= min(pool):
        raise ValueError(
            "`padding` must be smaller than `pool_size` so that every window "
            f"holds a real pixel. Received: padding={padding}, pool_size={pool_size!r}.")
    out_hw, pads = window_geometry(x.shape[1:3], pool, strides, padding, what="pool window")
    return x, pool, strides, out_hw, pads


def _fill(dtype, sign):
    """Padding value that never wins a max (sign=-1) or a min (sign=+1)."""
    if dtype.kind == "f":
        return sign * np.inf
    info = np.iinfo(dtype)
    return info.min if sign < 0 else info.max


def _taps(xp, pool, strides, out_hw):
    """Yield (k, view) for every window position k = r*pw + c, row-major."""
    for r in range(pool[0]):
        for c in range(pool[1]):
            yield r * pool[1] + c, tap(xp, r, c, out_hw, strides)


def _scatter(x, pool, strides, out_hw, pads, dtype, grad_at) -> np.ndarray:
    """A backward pass: tap ``k`` of every window adds ``grad_at(k)``; padding is cut off."""
    (t, b), (l, r) = pads
    dxp = np.zeros((x.shape[0], x.shape[1] + t + b, x.shape[2] + l + r, x.shape[3]), dtype)
    for k, view in _taps(dxp, pool, strides, out_hw):
        view += grad_at(k)
    return dxp[:, t:t + x.shape[1], l:l + x.shape[2], :]


def _extreme(x, pool_size, strides, padding, sign, return_index):
    x, pool, strides, out_hw, pads = _setup(x, pool_size, strides, padding)
    xp = pad_hw(x, pads, _fill(x.dtype, sign))
    if return_index:
        stack = np.stack([v for _, v in _taps(xp, pool, strides, out_hw)])
        index = stack.argmax(axis=0) if sign < 0 else stack.argmin(axis=0)
        y = np.take_along_axis(stack, index[None], axis=0)[0]
        return y, index
    reduce = np.maximum if sign < 0 else np.minimum
    y = None
    for _, view in _taps(xp, pool, strides, out_hw):
        y = view.copy() if y is None else reduce(y, view, out=y)
    return y


def max_pool2d(x, pool_size=2, strides=None, padding="valid", return_argmax=False):
    """Max pooling, like ``keras.layers.MaxPooling2D``.

    Parameters
    ----------
    x : ndarray of shape (N, H, W, C)
    pool_size : int or (int, int), optional
        Window size (default 2).
    strides : int or (int, int), optional
        Step between windows; ``None`` (default) means ``pool_size``.
    padding : {"valid", "same"} or int, optional
        Keras semantics; padded positions never win. An int pads every side
        and must be smaller than ``pool_size``.
    return_argmax : bool, optional
        Also return which unit of each window won.

    Returns
    -------
    y : ndarray of shape (N, out_h, out_w, C)
        Same dtype as ``x``.
    argmax : ndarray of int of shape (N, out_h, out_w, C)
        Only with ``return_argmax=True``: the flat, row-major index
        ``k = r*pool_w + c`` of the winner inside its window. The winner of
        output ``(n, i, j, ch)`` is input pixel
        ``x[n, i*stride_h - pad_top + r, j*stride_w - pad_left + c, ch]``, with
        ``pad_top = pad_left = 0`` for "valid". Ties go to the first maximum in
        row-major order, as in TensorFlow's gradient.

    See Also
    --------
    max_pool2d_backward : routes each gradient to that winner.

    Examples
    --------
    Where each window's winner sits, on the example of lesson 02:

    >>> import numpy as np
    >>> a = np.array([[12, 20, 30, 0], [8, 12, 2, 0],
    ...               [34, 70, 37, 4], [112, 100, 25, 12]])
    >>> y, k = max_pool2d(a.reshape(1, 4, 4, 1), return_argmax=True)
    >>> k[0, :, :, 0]          # 0 top-left, 1 top-right, 2 bottom-left, ...
    array([[1, 0],
           [2, 0]])
    """
    return _extreme(x, pool_size, strides, padding, -1, bool(return_argmax))


def min_pool2d(x, pool_size=2, strides=None, padding="valid", return_argmin=False):
    """Min pooling: the smallest value of each window (Keras has no such layer).

    Arguments as in :func:`max_pool2d`; ``return_argmin=True`` also returns the
    flat index of each window's minimum, in the format of ``argmax`` there.

    Parameters
    ----------
    x : ndarray of shape (N, H, W, C)
    pool_size, strides, padding
        As in :func:`max_pool2d`.
    return_argmin : bool, optional

    Returns
    -------
    y : ndarray of shape (N, out_h, out_w, C)
    argmin : ndarray of int, only with ``return_argmin=True``

    Examples
    --------
    >>> import numpy as np
    >>> min_pool2d(np.arange(16).reshape(1, 4, 4, 1))[0, :, :, 0]
    array([[ 0,  2],
           [ 8, 10]])
    """
    return _extreme(x, pool_size, strides, padding, +1, bool(return_argmin))


def _counts(out_hw, pool, strides, pads, in_hw):
    """Number of real (unpadded) pixels in each window: (out_h, out_w, 1)."""
    per_axis = []
    for o, k, s, (before, _), size in zip(out_hw, pool, strides, pads, in_hw):
        start = np.arange(o) * s - before
        per_axis.append(np.clip(start + k, 0, size) - np.clip(start, 0, size))
    return (per_axis[0][:, None] * per_axis[1][None, :])[:, :, None]


def avg_pool2d(x, pool_size=2, strides=None, padding="valid") -> np.ndarray:
    """Average pooling, like ``keras.layers.AveragePooling2D``.

    Parameters
    ----------
    x : ndarray of shape (N, H, W, C)
    pool_size, strides, padding
        As in :func:`max_pool2d`. With padding, each window is divided by the
        number of real pixels it covers (TensorFlow's rule), not by its size.

    Returns
    -------
    ndarray of shape (N, out_h, out_w, C)
        Floating point (float32 stays float32, integers give float64).

    Examples
    --------
    >>> import numpy as np
    >>> avg_pool2d(np.ones((1, 3, 3, 1)), padding="same")[0, :, :, 0]
    array([[1., 1.],
           [1., 1.]])
    """
    x, pool, strides, out_hw, pads = _setup(x, pool_size, strides, padding)
    dtype = np.result_type(x.dtype, np.float32)
    xp = pad_hw(x.astype(dtype, copy=False), pads)
    total = np.zeros((x.shape[0], *out_hw, x.shape[3]), dtype=dtype)
    for _, view in _taps(xp, pool, strides, out_hw):
        total += view
    return total / _counts(out_hw, pool, strides, pads, x.shape[1:3]).astype(dtype)


def global_avg_pool2d(x) -> np.ndarray:
    """Global average pooling, like ``keras.layers.GlobalAveragePooling2D``.

    Parameters
    ----------
    x : ndarray of shape (N, H, W, C)

    Returns
    -------
    ndarray of shape (N, C)
        The mean of each feature map.

    Examples
    --------
    >>> import numpy as np
    >>> global_avg_pool2d(np.arange(8.0).reshape(1, 2, 2, 2))
    array([[3., 4.]])
    """
    x = as_array("x", x, 4, "(N, H, W, C)")
    return x.mean(axis=(1, 2), dtype=np.result_type(x.dtype, np.float32))


def _setup_backward(dy, x, pool_size, strides, padding, name):
    """:func:`_setup` for a backward pass, plus the checked ``dy`` and the gradient's dtype."""
    x, pool, strides, out_hw, pads = _setup(x, pool_size, strides, padding)
    dy = np.asarray(dy)
    expected = (x.shape[0], *out_hw, x.shape[3])
    if dy.shape != expected:
        raise ValueError(f"`dy` must have the shape of the output of {name}, "
                         f"{expected}. Received: dy.shape={dy.shape}.")
    return x, pool, strides, out_hw, pads, dy, np.result_type(dy.dtype, x.dtype, np.float32)


def max_pool2d_backward(dy, x, pool_size=2, strides=None, padding="valid") -> np.ndarray:
    """Gradient of :func:`max_pool2d` with respect to its input.

    Each upstream gradient goes to the winning unit of its window and nowhere
    else; when windows overlap, a unit that wins several of them receives the
    sum. Ties go to the first maximum in row-major window order, like
    TensorFlow's ``MaxPoolGrad`` on CPU.

    Parameters
    ----------
    dy : ndarray of shape (N, out_h, out_w, C)
        Upstream gradient.
    x, pool_size, strides, padding
        The arguments of the forward call.

    Returns
    -------
    dx : ndarray of shape (N, H, W, C)
        Zero except at the units that won a window.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([[12, 20, 30, 0], [8, 12, 2, 0],
    ...               [34, 70, 37, 4], [112, 100, 25, 12]], dtype=float)
    >>> max_pool2d_backward(np.ones((1, 2, 2, 1)), a.reshape(1, 4, 4, 1))[0, :, :, 0]
    array([[0., 1., 1., 0.],
           [0., 0., 0., 0.],
           [0., 0., 1., 0.],
           [1., 0., 0., 0.]])
    """
    _, index = max_pool2d(x, pool_size, strides, padding, return_argmax=True)
    x, pool, strides, out_hw, pads, dy, dtype = _setup_backward(dy, x, pool_size, strides,
                                                                padding, "max_pool2d")
    return _scatter(x, pool, strides, out_hw, pads, dtype, lambda k: np.where(index == k, dy, 0))


def avg_pool2d_backward(dy, x, pool_size=2, strides=None, padding="valid") -> np.ndarray:
    """Gradient of :func:`avg_pool2d` with respect to its input.

    Each upstream gradient is shared equally among the real pixels of its
    window (``dy / count``); overlapping windows add up.

    Parameters
    ----------
    dy : ndarray of shape (N, out_h, out_w, C)
        Upstream gradient.
    x, pool_size, strides, padding
        The arguments of the forward call (only ``x.shape`` is used).

    Returns
    -------
    dx : ndarray of shape (N, H, W, C)
        Each pixel sums its shares of the windows that cover it (0 where none does).

    Examples
    --------
    >>> import numpy as np
    >>> dy = np.array([[4.0, 8.0]]).reshape(1, 1, 2, 1)
    >>> avg_pool2d_backward(dy, np.zeros((1, 2, 4, 1)))[0, :, :, 0]
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.]])
    """
    x, pool, strides, out_hw, pads, dy, dtype = _setup_backward(dy, x, pool_size, strides,
                                                                padding, "avg_pool2d")
    share = dy / _counts(out_hw, pool, strides, pads, x.shape[1:3]).astype(dtype)
    return _scatter(x, pool, strides, out_hw, pads, dtype, lambda k: share)
