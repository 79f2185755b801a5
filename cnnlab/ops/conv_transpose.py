"""Transposed 2-D convolution in NumPy, as computed by ``keras.layers.Conv2DTranspose``."""
from __future__ import annotations

import numpy as np

from cnnlab.arith.sizes import transposed_conv_output_size
from cnnlab.ops._geometry import arguments, as_array, window_geometry
from cnnlab.ops.conv import _dtype, _input_gradient

__all__ = ["conv2d_transpose"]


def conv2d_transpose(x, w, strides=1, padding="valid") -> np.ndarray:
    """Transposed convolution ("deconvolution"), like ``keras.layers.Conv2DTranspose``.

    It is the backward pass of a convolution run forwards: every input pixel
    stamps a copy of the kernel, scaled by its value, into the output, with the
    copies ``stride`` pixels apart and overlapping copies added. It upsamples
    by ``stride`` and is the learnable upsampling of U-Net style decoders.

    Parameters
    ----------
    x : ndarray of shape (N, H, W, C_in)
        Batch of feature maps, channels last.
    w : ndarray of shape (kh, kw, C_out, C_in)
        Kernel in the Keras ``Conv2DTranspose`` layout (note: output channels
        before input channels, the reverse of ``Conv2D``).
    strides : int or (int, int), optional
        Upsampling factor (default 1).
    padding : {"valid", "same"} or int, optional
        Keras semantics: "valid" gives ``H*stride + max(kh - stride, 0)`` rows,
        "same" gives ``H*stride``. An int ``p`` crops ``p`` pixels off every
        side of the "valid" result's ``(H - 1)*stride + kh`` rows (PyTorch's
        ``padding``; Keras has no integer padding here).

    Returns
    -------
    ndarray of shape (N, out_h, out_w, C_out)

    See Also
    --------
    conv2d_backward : ``conv2d_transpose(dy, w)`` is its ``dx`` for a kernel of
        layout (kh, kw, C_out, C_in) read as a forward kernel.

    Notes
    -----
    Implemented as the input gradient of :func:`conv2d` for an input of the
    output's shape: the padding and stride of that forward convolution are
    the ``padding`` and ``stride`` given here.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)
    >>> w = np.ones((2, 2, 1, 1))
    >>> conv2d_transpose(x, w, strides=2)[0, :, :, 0]
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.],
           [3., 3., 4., 4.],
           [3., 3., 4., 4.]])
    >>> conv2d_transpose(x, np.ones((3, 3, 1, 1)), strides=1)[0, :, :, 0]
    array([[ 1.,  3.,  3.,  2.],
           [ 4., 10., 10.,  6.],
           [ 4., 10., 10.,  6.],
           [ 3.,  7.,  7.,  4.]])
    """
    x = as_array("x", x, 4, "(N, H, W, C_in)")
    w = as_array("w", w, 4, "(kh, kw, C_out, C_in)")
    if w.shape[3] != x.shape[3]:
        raise ValueError(
            f"`w` must have shape (kh, kw, C_out, C_in) with C_in={x.shape[3]} "
            f"matching x (the Keras Conv2DTranspose layout). "
            f"Received: w.shape={w.shape}.")
    stride, padding, _ = arguments(strides, padding)
    n, h, wd, _ = x.shape
    kh, kw, c_out, _ = w.shape
    out_hw = transposed_conv_output_size((h, wd), (kh, kw), stride, padding)
    in_hw, pads = window_geometry(out_hw, (kh, kw), stride, padding)
    assert in_hw == (h, wd), (in_hw, h, wd)  # the forward conv maps back exactly
    return _input_gradient(x, w, (n, *out_hw, c_out), stride, pads, (1, 1),
                           _dtype(x, w))
