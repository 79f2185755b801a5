"""The fully connected (dense) layer in NumPy: forward and backward.

``x`` is (N, n_in) and the kernel ``w`` is (n_in, n_out), the layout of a
Keras ``Dense`` kernel, so ``y = x @ w + b``.
"""
from __future__ import annotations

import numpy as np

from cnnlab.ops._geometry import as_array

__all__ = ["dense", "dense_backward"]


def _check(x, w):
    x = as_array("x", x, 2, "(N, n_in)")
    w = as_array("w", w, 2, "(n_in, n_out)")
    if w.shape[0] != x.shape[1]:
        raise ValueError(f"`w` must have shape (n_in, n_out) with n_in={x.shape[1]} "
                         f"matching x. Received: w.shape={w.shape}.")
    return x, w


def dense(x, w, b=None) -> np.ndarray:
    """Fully connected layer, as computed by ``keras.layers.Dense``: ``x @ w + b``.

    Parameters
    ----------
    x : ndarray of shape (N, n_in)
        A batch of feature vectors.
    w : ndarray of shape (n_in, n_out)
        Kernel, in the layout of a Keras ``Dense`` kernel.
    b : ndarray of shape (n_out,), optional
        Bias.

    Returns
    -------
    ndarray of shape (N, n_out)

    See Also
    --------
    dense_backward : its gradients.

    Examples
    --------
    >>> import numpy as np
    >>> dense(np.array([[1.0, 2.0]]), np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]),
    ...       np.array([0.0, 0.0, 10.0]))
    array([[ 1.,  2., 13.]])
    """
    x, w = _check(x, w)
    y = x @ w
    if b is not None:
        b = np.asarray(b)
        if b.shape != (w.shape[1],):
            raise ValueError(f"`b` must have shape (n_out,) = ({w.shape[1]},). "
                             f"Received: b.shape={b.shape}.")
        y = y + b
    return y


def dense_backward(dy, x, w):
    """Gradients of :func:`dense` with respect to its input, kernel and bias.

    Parameters
    ----------
    dy : ndarray of shape (N, n_out)
        Upstream gradient dL/dy.
    x, w
        The arguments of the forward call.

    Returns
    -------
    dx : ndarray of shape (N, n_in)
        ``dy @ w.T``: each input feeds every output through its weight.
    dw : ndarray of shape (n_in, n_out)
        ``x.T @ dy``: summed over the batch.
    db : ndarray of shape (n_out,)
        ``dy.sum(axis=0)``: the bias touches every example.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> dx, dw, db = dense_backward(np.ones((2, 1)), x, np.array([[0.5], [-1.0]]))
    >>> dx, dw, db
    (array([[ 0.5, -1. ],
           [ 0.5, -1. ]]), array([[4.],
           [6.]]), array([2.]))
    """
    x, w = _check(x, w)
    dy = np.asarray(dy)
    if dy.shape != (x.shape[0], w.shape[1]):
        raise ValueError(f"`dy` must have the shape of the output of dense, "
                         f"{(x.shape[0], w.shape[1])}. Received: dy.shape={dy.shape}.")
    return dy @ w.T, x.T @ dy, dy.sum(axis=0)
