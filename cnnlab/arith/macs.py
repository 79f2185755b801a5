"""Multiply-accumulate operations (MACs) of convolutions and dense layers.

One MAC is one multiplication followed by one addition into a running sum;
papers often call a MAC a "FLOP" or a "multiply-add" (the ResNet paper's
19.6 billion FLOPs for VGG-19 are MACs). Bias additions are not counted.
"""
from __future__ import annotations

from typing import Sequence, Union

from cnnlab._validate import check_int, check_pair
from cnnlab.arith._args import hwc
from cnnlab.arith.sizes import conv_output_shape

__all__ = ["conv_macs", "dense_macs"]

IntOrPair = Union[int, Sequence[int]]


def conv_macs(input_shape: Sequence[int], kernel: IntOrPair, filters: int,
              stride: IntOrPair = 1, padding: Union[str, int] = "valid",
              dilation: IntOrPair = 1) -> int:
    """MACs of one Conv2D on one image: ``H_out * W_out * F * k_h * k_w * C_in``.

    Every output value (``H_out * W_out * F`` of them) is a dot product of
    length ``k_h * k_w * C_in``.

    Parameters
    ----------
    input_shape : (int, int, int)
        ``(H, W, C_in)`` of one input image, without the batch axis.
    kernel : int or (int, int)
        Kernel size.
    filters : int
        Number of filters ``F``.
    stride, padding, dilation
        As in :func:`cnnlab.arith.conv_output_size`.

    Returns
    -------
    int

    See Also
    --------
    dense_macs
    cnnlab.arith.summarize : MACs of every layer of a Keras model.

    Examples
    --------
    Inception's 5x5 branch on a 28x28x192 input, directly and through a
    1x1 bottleneck to 16 channels:

    >>> conv_macs((28, 28, 192), 5, 32, padding="same")
    120422400
    >>> conv_macs((28, 28, 192), 1, 16) + conv_macs((28, 28, 16), 5, 32, padding="same")
    12443648
    """
    _, _, c_in = hwc(input_shape)
    h, w, f = conv_output_shape(input_shape, kernel, filters, stride, padding, dilation)
    kh, kw = check_pair("kernel", kernel, 1)
    return h * w * f * kh * kw * c_in


def dense_macs(in_features: int, out_features: int) -> int:
    """MACs of a Dense layer on one input vector: ``n_in * n_out``.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of the input vector and of the layer.

    Returns
    -------
    int

    Examples
    --------
    >>> dense_macs(7 * 7 * 512, 4096)
    102760448
    """
    in_features = check_int("in_features", in_features, 1)
    out_features = check_int("out_features", out_features, 1)
    return in_features * out_features
