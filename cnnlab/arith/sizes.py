"""Output sizes of convolutions, pooling windows and transposed convolutions.

One formula covers convolution and pooling along one axis::

    o = floor((i + 2p - d(k - 1) - 1) / s) + 1

with ``p = 0`` for ``"valid"``. ``"same"`` follows Keras: ``o = ceil(i / s)``
whatever the kernel and dilation, also for strides > 1 (Keras pads the
difference, putting the odd pixel at the bottom/right).
"""
from __future__ import annotations

from typing import Sequence, Union

from cnnlab._validate import check_int, check_padding, check_pair
from cnnlab.arith._args import axes, hwc

__all__ = ["conv_output_size", "transposed_conv_output_size", "conv_output_shape"]

IntOrPair = Union[int, Sequence[int]]
Padding = Union[str, int]


def _span(kernel: int, dilation: int) -> int:
    """Number of input pixels a dilated kernel covers along one axis."""
    return dilation * (kernel - 1) + 1


def _one_axis(size: int, kernel: int, stride: int, padding, dilation: int) -> int:
    if padding == "same":
        return -(-size // stride)
    pad = 0 if padding == "valid" else padding
    span = _span(kernel, dilation)
    if span > size + 2 * pad:
        raise ValueError(
            "`kernel` must fit in the padded input: dilation * (kernel - 1) + 1 "
            "<= size + 2 * padding. Received: "
            f"kernel={kernel}, dilation={dilation}, size={size}, padding={padding!r}.")
    return (size + 2 * pad - span) // stride + 1


def axis_geometry(size: int, kernel: int, stride: int = 1, padding: Padding = "valid",
                  dilation: int = 1) -> tuple[int, int, int]:
    """Output length and the (before, after) zero padding along one axis.

    The one place the padding of a convolution or pooling window is worked out
    (NumPy layers and widgets use it). ``"same"`` follows TensorFlow/Keras: the
    output is ``ceil(size / stride)`` and the total padding
    ``max((out - 1) * stride + d(k - 1) + 1 - size, 0)`` puts its odd pixel at
    the end (bottom/right). An int pads that many zeros on both sides.

    Examples
    --------
    >>> axis_geometry(5, 3, 2, "same")   # out 3, pad 1 + 1
    (3, 1, 1)
    >>> axis_geometry(6, 3, 2, "same")   # out 3, pad 0 + 1
    (3, 0, 1)
    >>> axis_geometry(7, 3, 1, 2)
    (9, 2, 2)
    """
    out = _one_axis(size, kernel, stride, padding, dilation)
    if padding == "same":
        total = max((out - 1) * stride + _span(kernel, dilation) - size, 0)
        return out, total // 2, total - total // 2
    pad = 0 if padding == "valid" else padding
    return out, pad, pad


def conv_output_size(size: IntOrPair, kernel: IntOrPair, stride: IntOrPair = 1,
                     padding: Padding = "valid",
                     dilation: IntOrPair = 1) -> int | tuple[int, int]:
    """Output length of a convolution or pooling window along one axis.

    Parameters
    ----------
    size : int or (int, int)
        Input length (or ``(height, width)``).
    kernel : int or (int, int)
        Window length: kernel size of a convolution, pool size of a pooling layer.
    stride : int or (int, int), optional
        Step between two windows (default 1).
    padding : {"valid", "same"} or int, optional
        ``"valid"``: no padding. ``"same"``: Keras semantics, the output is
        ``ceil(size / stride)``. An int ``p``: ``p`` zeros on each side.
    dilation : int or (int, int), optional
        Spacing between the kernel taps (default 1, no gaps).

    Returns
    -------
    int or (int, int)
        ``floor((size + 2p - dilation * (kernel - 1) - 1) / stride) + 1``;
        a ``(height, width)`` pair if any argument was a pair.

    Raises
    ------
    ValueError
        If an argument is not an integer >= 1 (padding >= 0), if ``padding``
        is unknown, or if the (dilated) kernel does not fit in the padded input.

    See Also
    --------
    conv_output_shape : the whole ``(H, W, F)`` shape of a Conv2D output.
    transposed_conv_output_size : the size after a transposed convolution.

    Examples
    --------
    >>> conv_output_size(28, 3)
    26
    >>> conv_output_size(26, 2, stride=2)          # 2x2 max pooling
    13
    >>> conv_output_size(224, 7, stride=2, padding="same")
    112
    >>> conv_output_size(7, 3, dilation=2)
    3
    >>> conv_output_size((32, 32), (3, 5), padding=1)
    (32, 30)
    """
    paired, v = axes(size=size, kernel=kernel, stride=stride, dilation=dilation)
    padding = check_padding(padding)
    out = tuple(_one_axis(v["size"][a], v["kernel"][a], v["stride"][a], padding,
                          v["dilation"][a]) for a in (0, 1))
    return out if paired else out[0]


def _transposed_axis(size, kernel, stride, padding, output_padding, dilation):
    span = _span(kernel, dilation)
    if output_padding is not None and output_padding >= stride:
        raise ValueError(
            "`output_padding` must be smaller than `stride`. Received: "
            f"output_padding={output_padding}, stride={stride}.")
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        return (size - 1) * stride + span + extra
    if padding == "same":
        if output_padding is None:
            return size * stride
        return (size - 1) * stride + span % 2 + output_padding
    out = (size - 1) * stride + span - 2 * padding + (output_padding or 0)
    if out < 1:
        raise ValueError(
            "`padding` must leave an output of at least one pixel: "
            "(size - 1) * stride + dilation * (kernel - 1) + 1 - 2 * padding "
            f"+ output_padding >= 1. Received: padding={padding}, size={size}, "
            f"kernel={kernel}, stride={stride}, dilation={dilation}.")
    return out


def transposed_conv_output_size(size: IntOrPair, kernel: IntOrPair,
                                stride: IntOrPair = 1, padding: Padding = "valid",
                                output_padding: IntOrPair | None = None,
                                dilation: IntOrPair = 1) -> int | tuple[int, int]:
    """Output length of a transposed convolution (Keras ``Conv2DTranspose``).

    Parameters
    ----------
    size, kernel : int or (int, int)
        Input length and kernel size.
    stride : int or (int, int), optional
        Upsampling factor (default 1).
    padding : {"valid", "same"} or int, optional
        ``"valid"`` and ``"same"`` follow Keras; an int ``p`` removes ``p``
        pixels from each side of the full output (PyTorch's ``padding``).
    output_padding : int or (int, int), optional
        Extra pixels added at the bottom/right, smaller than ``stride``.
        ``None`` (default) lets Keras choose.
    dilation : int or (int, int), optional
        Spacing of the kernel taps (default 1).

    Returns
    -------
    int or (int, int)
        With ``e = dilation * (kernel - 1) + 1`` and ``output_padding=None``:
        ``"valid"`` gives ``(size - 1) * stride + max(e, stride)``, ``"same"``
        gives ``size * stride``. With an ``output_padding`` ``q``: ``"valid"``
        gives ``(size - 1) * stride + e + q``, ``"same"``
        ``(size - 1) * stride + e % 2 + q``, an int ``p``
        ``(size - 1) * stride + e - 2p + q``.

    See Also
    --------
    conv_output_size : the inverse direction.

    Examples
    --------
    >>> transposed_conv_output_size(4, 3, stride=2)
    9
    >>> transposed_conv_output_size(4, 3, stride=2, padding="same")
    8
    >>> transposed_conv_output_size(4, 4, stride=2, padding=1)   # k = 4, s = 2: even overlap
    8
    >>> transposed_conv_output_size((7, 7), 3, stride=2, padding="same",
    ...                             output_padding=0)
    (13, 13)
    """
    paired, v = axes(size=size, kernel=kernel, stride=stride, dilation=dilation)
    padding = check_padding(padding)
    if output_padding is None:
        ops = (None, None)
    else:
        paired = paired or (isinstance(output_padding, Sequence)
                            and not isinstance(output_padding, str))
        ops = check_pair("output_padding", output_padding, 0)
    out = tuple(_transposed_axis(v["size"][a], v["kernel"][a], v["stride"][a],
                                 padding, ops[a], v["dilation"][a]) for a in (0, 1))
    return out if paired else out[0]


def conv_output_shape(input_shape: Sequence[int], kernel: IntOrPair, filters: int,
                      stride: IntOrPair = 1, padding: Padding = "valid",
                      dilation: IntOrPair = 1) -> tuple[int, int, int]:
    """Shape ``(H, W, F)`` of a Conv2D output on one ``(H, W, C)`` image.

    Parameters
    ----------
    input_shape : (int, int, int)
        ``(height, width, channels)`` of the input, without the batch axis.
    kernel : int or (int, int)
        Kernel size.
    filters : int
        Number of filters, i.e. output channels.
    stride, padding, dilation
        As in :func:`conv_output_size`.

    Returns
    -------
    (int, int, int)

    See Also
    --------
    conv_output_size : one axis at a time.

    Examples
    --------
    >>> conv_output_shape((28, 28, 1), 3, 32)
    (26, 26, 32)
    >>> conv_output_shape((224, 224, 3), 3, 64, padding="same")
    (224, 224, 64)
    """
    h, w, _ = hwc(input_shape)
    filters = check_int("filters", filters, 1)
    kernel, stride, dilation = axes(kernel=kernel, stride=stride, dilation=dilation)[1].values()
    out_h, out_w = conv_output_size((h, w), kernel, stride, padding, dilation)
    return (out_h, out_w, filters)


def unet_levels(input_shape=(32, 32, 3), filters: int = 16, depth: int = 2) -> list:
    """Shapes of a U-Net's levels as :func:`cnnlab.models.tiny_unet` builds them ("same" padding).

    Level ``l`` (0 at the top) works on maps of ``H / 2**l × W / 2**l`` with
    ``filters · 2**l`` channels; the last level is the bottleneck.

    Returns
    -------
    list of (int, int, int)
        ``(height, width, channels)`` per level, top first.

    Examples
    --------
    >>> unet_levels((32, 32, 3), 16, 2)
    [(32, 32, 16), (16, 16, 32), (8, 8, 64)]
    """
    h, w, _ = hwc(input_shape)
    filters = check_int("filters", filters, 1)
    depth = check_int("depth", depth, 1)
    if h % 2 ** depth or w % 2 ** depth:
        raise ValueError(f"`input_shape` must have a height and width divisible by "
                         f"2**depth = {2 ** depth}. Received: input_shape={tuple(input_shape)!r}, "
                         f"depth={depth}.")
    return [(h >> l, w >> l, filters << l) for l in range(depth + 1)]

