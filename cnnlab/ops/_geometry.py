"""Window geometry shared by the NumPy layers: padding amounts, output sizes,
array checks and the strided view of one kernel tap.

Nothing here is public; :mod:`cnnlab.ops.conv` and :mod:`cnnlab.ops.pooling`
build on it so that "valid", "same" and integer padding mean the same thing
in every layer (Keras/TensorFlow semantics).
"""
from __future__ import annotations

import numpy as np

from cnnlab._validate import check_pair, check_padding
from cnnlab.arith.sizes import axis_geometry


def as_array(name: str, value, ndim: int, layout: str) -> np.ndarray:
    """Return ``value`` as an ndarray with ``ndim`` axes, else raise naming it.

    Examples
    --------
    >>> as_array("x", [[1, 2]], 2, "(H, W)").shape
    (1, 2)
    """
    a = np.asarray(value)
    if a.dtype == bool:
        a = a.astype(np.int64)
    if a.dtype.kind not in "iuf":
        raise ValueError(f"`{name}` must be an array of numbers. "
                         f"Received: {name}.dtype={a.dtype}.")
    if a.ndim != ndim:
        raise ValueError(f"`{name}` must be a {ndim}-D array of shape {layout}. "
                         f"Received: {name}.shape={a.shape}.")
    return a


def window_geometry(in_hw, kernel_hw, stride, padding, dilation=(1, 1), what="kernel"):
    """Output size and paddings of a 2-D sliding window, with errors.

    Returns ``((out_h, out_w), ((top, bottom), (left, right)))``.

    Examples
    --------
    >>> window_geometry((32, 32), (3, 3), (1, 1), "same")
    ((32, 32), ((1, 1), (1, 1)))
    """
    outs, pads = [], []
    for size, k, s, d in zip(in_hw, kernel_hw, stride, dilation):
        try:
            out, before, after = axis_geometry(size, k, s, padding, d)
        except ValueError:
            out = 0
        if out < 1:
            dilated = "" if dilation == (1, 1) else f", dilation {dilation[0]}x{dilation[1]}"
            raise ValueError(
                f"The {what} ({kernel_hw[0]}x{kernel_hw[1]}{dilated}) is larger than "
                f"the padded input. Received: input size {in_hw[0]}x{in_hw[1]}, "
                f"padding={padding!r}.")
        outs.append(out)
        pads.append((before, after))
    return tuple(outs), tuple(pads)


def arguments(strides, padding, dilation_rate=1):
    """Validate and normalise ``strides``, ``padding`` and ``dilation_rate`` (Keras' names).

    Examples
    --------
    >>> arguments(2, "SAME", (1, 2))
    ((2, 2), 'same', (1, 2))
    """
    return (check_pair("strides", strides, 1), check_padding(padding),
            check_pair("dilation_rate", dilation_rate, 1))


def tap(a: np.ndarray, top: int, left: int, out_hw, stride) -> np.ndarray:
    """View of ``a`` (N, H, W, C) read by one kernel tap at ``(top, left)``.

    Element ``[n, i, j, c]`` of the view is ``a[n, top + i*sh, left + j*sw, c]``
    for ``i < out_h``, ``j < out_w``: the input pixel that this tap of window
    ``(i, j)`` multiplies.
    """
    (oh, ow), (sh, sw) = out_hw, stride
    return a[:, top:top + (oh - 1) * sh + 1:sh, left:left + (ow - 1) * sw + 1:sw, :]


def pad_hw(a: np.ndarray, pads, value=0) -> np.ndarray:
    """Pad the two spatial axes of an NHWC array (no copy when nothing to pad)."""
    (t, b), (l, r) = pads
    if t == b == l == r == 0:
        return a
    return np.pad(a, ((0, 0), (t, b), (l, r), (0, 0)), constant_values=value)
