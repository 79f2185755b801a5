"""2-D convolution (cross-correlation, like Keras) in NumPy: forward and backward.

Arrays are channels-last like Keras: ``x`` is (N, H, W, C_in), the kernel ``w``
is (kh, kw, C_in, C_out). The forward pass is im2col: every window is copied
into one row of a contiguous matrix (one strided copy per kernel tap), then a
single matrix product with the flattened kernel gives all outputs at once.
"""
from __future__ import annotations

import numpy as np

from cnnlab.ops._geometry import (arguments, as_array, pad_hw, tap,
                                  window_geometry)

__all__ = ["conv2d", "conv2d_backward", "correlate2d"]


def _dtype(*arrays) -> np.dtype:
    """Common dtype: float32 stays float32, integers stay integers."""
    return np.result_type(*[a.dtype for a in arrays if a is not None])


def _check_conv(x, w):
    x = as_array("x", x, 4, "(N, H, W, C_in)")
    w = as_array("w", w, 4, "(kh, kw, C_in, C_out)")
    if w.shape[2] != x.shape[3]:
        raise ValueError(
            f"`w` must have shape (kh, kw, C_in, C_out) with C_in={x.shape[3]} "
            f"matching x. Received: w.shape={w.shape}.")
    return x, w


def _im2col(xp, kernel_hw, out_hw, stride, dilation, dtype):
    """Windows of the padded input as a contiguous (N*oh*ow, kh*kw*C) matrix."""
    (kh, kw), (dh, dw) = kernel_hw, dilation
    n, c = xp.shape[0], xp.shape[3]
    cols = np.empty((n, *out_hw, kh, kw, c), dtype=dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, :, i, j, :] = tap(xp, i * dh, j * dw, out_hw, stride)
    return cols.reshape(n * out_hw[0] * out_hw[1], kh * kw * c)


def _correlate(xp, w, out_hw, stride, dilation, dtype):
    """Valid cross-correlation of an already padded input: (N, oh, ow, C_out)."""
    kh, kw, c_in, c_out = w.shape
    cols = _im2col(xp, (kh, kw), out_hw, stride, dilation, dtype)
    kernel = np.ascontiguousarray(w.reshape(kh * kw * c_in, c_out), dtype=dtype)
    return (cols @ kernel).reshape(xp.shape[0], *out_hw, c_out)


def _input_gradient(dy, w, in_shape, stride, pads, dilation, dtype):
    """Gradient with respect to the input: full convolution with the rotated kernel.

    ``dy`` is dilated by the stride (``s - 1`` zeros between its entries), padded
    with ``d*(k-1)`` zeros before (the "full" padding) and enough after to reach
    the padded input size, then cross-correlated with the kernel rotated by 180°
    and with its channel axes swapped. The padding of the forward pass is
    cropped off the result.
    """
    n, h, wd, c_in = in_shape
    kh, kw, _, c_out = w.shape
    (sh, sw), (dh, dw) = stride, dilation
    (top, bottom), (left, right) = pads
    hp, wp = h + top + bottom, wd + left + right
    oh, ow = dy.shape[1:3]
    fh, fw = dh * (kh - 1), dw * (kw - 1)           # "full" padding
    grid = np.zeros((n, hp + fh, wp + fw, c_out), dtype=dtype)
    grid[:, fh:fh + (oh - 1) * sh + 1:sh, fw:fw + (ow - 1) * sw + 1:sw, :] = dy
    rotated = w[::-1, ::-1].transpose(0, 1, 3, 2)   # (kh, kw, C_out, C_in)
    dxp = _correlate(grid, rotated, (hp, wp), (1, 1), dilation, dtype)
    return dxp[:, top:top + h, left:left + wd, :]


def conv2d(x, w, b=None, strides=1, padding="valid", dilation_rate=1) -> np.ndarray:
    """2-D convolution of a batch of images, as computed by ``keras.layers.Conv2D``.

    Like every deep-learning library this is a cross-correlation: the kernel
    is not flipped, ``y[n, i, j, f] = b[f] + sum over (u, v, c) of
    x_pad[n, i*sh + u*dh, j*sw + v*dw, c] * w[u, v, c, f]``.

    Parameters
    ----------
    x : ndarray of shape (N, H, W, C_in)
        Batch of images, channels last.
    w : ndarray of shape (kh, kw, C_in, C_out)
        Kernel, in the layout of a Keras ``Conv2D`` kernel.
    b : ndarray of shape (C_out,), optional
        Bias added to every output position.
    strides : int or (int, int), optional
        Step between windows (default 1).
    padding : {"valid", "same"} or int, optional
        "valid": no padding. "same": Keras/TensorFlow padding, the output
        is ``ceil(H / stride)``; the total padding
        ``max((out - 1)*stride + dilation*(k - 1) + 1 - H, 0)`` is split with the
        odd pixel at the bottom/right. An int pads that many zeros on every side.
    dilation_rate : int or (int, int), optional
        Spacing of the kernel taps (default 1, a plain convolution).

    Returns
    -------
    ndarray of shape (N, out_h, out_w, C_out)
        In the common dtype of ``x``, ``w`` and ``b`` (float32 stays float32,
        integer inputs give integers).

    See Also
    --------
    conv2d_backward : gradients of this function.
    correlate2d : the single-image, single-channel version.

    Notes
    -----
    Computed by im2col: the windows become the rows of one contiguous matrix
    (a strided copy per kernel tap, no loop over pixels), multiplied by the
    kernel reshaped to (kh*kw*C_in, C_out).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> w = np.ones((2, 2, 1, 1))
    >>> conv2d(x, w)[0, :, :, 0]
    array([[10., 14., 18.],
           [26., 30., 34.],
           [42., 46., 50.]])
    >>> conv2d(np.zeros((2, 32, 32, 3)), np.zeros((3, 3, 3, 8)), strides=2,
    ...        padding="same").shape
    (2, 16, 16, 8)
    """
    x, w = _check_conv(x, w)
    stride, padding, dilation = arguments(strides, padding, dilation_rate)
    if b is not None:
        b = np.asarray(b)
        if b.shape != (w.shape[3],):
            raise ValueError(f"`b` must have shape (C_out,) = ({w.shape[3]},). "
                             f"Received: b.shape={b.shape}.")
    out_hw, pads = window_geometry(x.shape[1:3], w.shape[:2], stride, padding, dilation)
    dtype = _dtype(x, w, b)
    y = _correlate(pad_hw(x, pads), w, out_hw, stride, dilation, dtype)
    if b is not None:
        y += b.astype(dtype, copy=False)
    return y


def conv2d_backward(dy, x, w, strides=1, padding="valid", dilation_rate=1):
    """Gradients of :func:`conv2d` with respect to its input, kernel and bias.

    Parameters
    ----------
    dy : ndarray of shape (N, out_h, out_w, C_out)
        Upstream gradient, dL/dy, in the shape of the output of ``conv2d``.
    x, w, strides, padding, dilation_rate
        The arguments of the forward call.

    Returns
    -------
    dx : ndarray of shape (N, H, W, C_in)
        dL/dx: the *full convolution* of ``dy`` with the kernel rotated by 180°.
    dw : ndarray of shape (kh, kw, C_in, C_out)
        dL/dw: the cross-correlation of the input with ``dy``.
    db : ndarray of shape (C_out,)
        dL/db: ``dy`` summed over the batch and all positions.

    Notes
    -----
    The three formulas taught in the course, as implemented here:

    - ``db[f] = sum over (n, i, j) of dy[n, i, j, f]``: the bias touches every
      output.
    - ``dw[u, v, c, f] = sum over (n, i, j) of x_pad[n, i*sh + u*dh, j*sw + v*dw, c]
      * dy[n, i, j, f]``: slide ``dy`` (dilated by the stride) over the padded
      input and correlate. It is computed as one matrix product of the
      transposed im2col matrix of ``x`` with ``dy``, which is the same sum.
    - ``dx``: insert ``stride - 1`` zeros between the entries of ``dy``, pad it
      with ``dilation*(k - 1)`` zeros on each side ("full" padding, plus the
      rows/columns a strided forward pass never reached), cross-correlate with
      ``w`` rotated by 180° (``w[::-1, ::-1]``, input and output channels
      swapped), and crop the forward padding off. This is done literally,
      with :func:`conv2d`'s own im2col machinery.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> w = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(2, 2, 1, 1)
    >>> dx, dw, db = conv2d_backward(np.ones((1, 2, 2, 1)), x, w)
    >>> dx[0, :, :, 0]               # each pixel: sum of the weights that saw it
    array([[ 1.,  3.,  2.],
           [ 4., 10.,  6.],
           [ 3.,  7.,  4.]])
    >>> dw[:, :, 0, 0], db
    (array([[ 8., 12.],
           [20., 24.]]), array([4.]))
    """
    x, w = _check_conv(x, w)
    stride, padding, dilation = arguments(strides, padding, dilation_rate)
    out_hw, pads = window_geometry(x.shape[1:3], w.shape[:2], stride, padding, dilation)
    dy = np.asarray(dy)
    expected = (x.shape[0], *out_hw, w.shape[3])
    if dy.shape != expected:
        raise ValueError(f"`dy` must have the shape of the output of conv2d, "
                         f"{expected}. Received: dy.shape={dy.shape}.")
    dtype = _dtype(dy, x, w)
    kh, kw, c_in, c_out = w.shape
    db = dy.sum(axis=(0, 1, 2), dtype=dtype)
    cols = _im2col(pad_hw(x, pads), (kh, kw), out_hw, stride, dilation, dtype)
    dy2 = np.ascontiguousarray(dy.reshape(-1, c_out), dtype=dtype)
    dw = (cols.T @ dy2).reshape(kh, kw, c_in, c_out)
    dx = _input_gradient(dy, w, x.shape, stride, pads, dilation, dtype)
    return dx, dw, db


def correlate2d(image, kernel, strides=1, padding="valid", dilation_rate=1) -> np.ndarray:
    """Cross-correlate one single-channel image with one 2-D kernel.

    A convenience wrapper around :func:`conv2d` for the worked examples and
    widgets: ``image`` (H, W) and ``kernel`` (kh, kw) in, (out_h, out_w) out.

    Parameters
    ----------
    image : ndarray of shape (H, W)
    kernel : ndarray of shape (kh, kw)
    strides, padding, dilation_rate
        As in :func:`conv2d`.

    Returns
    -------
    ndarray of shape (out_h, out_w)

    Examples
    --------
    The worked example of lesson 00: a 5×5 binary image and an "X" kernel.

    >>> image = [[1, 1, 1, 0, 0],
    ...          [0, 1, 1, 1, 0],
    ...          [0, 0, 1, 1, 1],
    ...          [0, 0, 1, 1, 0],
    ...          [0, 1, 1, 0, 0]]
    >>> kernel = [[1, 0, 1],
    ...           [0, 1, 0],
    ...           [1, 0, 1]]
    >>> correlate2d(image, kernel)
    array([[4, 3, 4],
           [2, 4, 3],
           [2, 3, 4]])
    >>> correlate2d(image, kernel, padding="same").shape
    (5, 5)
    """
    image = as_array("image", image, 2, "(H, W)")
    kernel = as_array("kernel", kernel, 2, "(kh, kw)")
    y = conv2d(image[None, :, :, None], kernel[:, :, None, None],
               strides=strides, padding=padding, dilation_rate=dilation_rate)
    return y[0, :, :, 0]
