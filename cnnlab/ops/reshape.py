"""Flatten in NumPy, like ``keras.layers.Flatten`` (channels last), and its backward."""
from __future__ import annotations

import numpy as np

__all__ = ["flatten", "flatten_backward"]


def flatten(x) -> np.ndarray:
    """Flatten every example to a vector, keeping the batch axis.

    Row-major (C) order on NHWC, the order ``keras.layers.Flatten`` uses with
    channels last: the channels of one pixel are neighbours.

    Parameters
    ----------
    x : ndarray of shape (N, ...)

    Returns
    -------
    ndarray of shape (N, prod(...))

    Examples
    --------
    >>> import numpy as np
    >>> flatten(np.zeros((2, 4, 4, 3))).shape
    (2, 48)
    """
    x = np.asarray(x)
    if x.ndim < 1:
        raise ValueError(f"`x` must have a batch axis. Received: x.shape={x.shape}.")
    return x.reshape(x.shape[0], -1)


def flatten_backward(dy, shape) -> np.ndarray:
    """Gradient of :func:`flatten`: ``dy`` reshaped to the input's ``shape``.

    Examples
    --------
    >>> import numpy as np
    >>> flatten_backward(np.arange(8.0).reshape(2, 4), (2, 2, 2, 1)).shape
    (2, 2, 2, 1)
    """
    dy = np.asarray(dy)
    shape = tuple(int(s) for s in shape)
    if dy.size != int(np.prod(shape)) or dy.shape[0] != shape[0]:
        raise ValueError(f"`dy` must have {int(np.prod(shape))} entries, one row per "
                         f"example of shape={shape}. Received: dy.shape={dy.shape}.")
    return dy.reshape(shape)
