"""Numerical gradients by central differences, to verify backward passes."""
from __future__ import annotations

from typing import Callable

import numpy as np
from cnnlab._validate import check_number

__all__ = ["numerical_gradient"]


def numerical_gradient(f: Callable[[np.ndarray], float], x, eps: float = 1e-5) -> np.ndarray:
    """Gradient of a scalar function of an array, by central differences.

    ``grad[i] = (f(x + eps*e_i) - f(x - eps*e_i)) / (2*eps)`` for every element
    ``i``: the error is O(eps²), so with float64 and ``eps=1e-5`` it agrees with
    an analytic gradient to about 1e-8 relative. It costs two calls of ``f``
    per element: use it on small arrays.

    Parameters
    ----------
    f : callable
        Takes an array shaped like ``x`` and returns a scalar (e.g. a loss
        ``np.sum(conv2d(x, w) * dy)``, whose gradient is ``dx`` for upstream
        gradient ``dy``).
    x : array_like
        Point at which to differentiate; evaluated in float64 and not modified.
    eps : float, optional
        Step (default 1e-5).

    Returns
    -------
    ndarray of float64, same shape as ``x``

    Examples
    --------
    >>> import numpy as np
    >>> g = numerical_gradient(lambda a: np.sum(a ** 2), np.array([1.0, -2.0, 3.0]))
    >>> np.round(g, 6)                    # d/da sum(a^2) = 2a
    array([ 2., -4.,  6.])
    """
    check_number("eps", eps, 0, low_open=True)
    x = np.array(x, dtype=np.float64)          # a private copy
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f(x)
        flat[i] = old - eps
        down = f(x)
        flat[i] = old
        if np.ndim(up) != 0:
            raise ValueError("`f` must return a scalar. "
                             f"Received: f(x) of shape {np.shape(up)}.")
        gflat[i] = (float(up) - float(down)) / (2 * eps)
    return grad
