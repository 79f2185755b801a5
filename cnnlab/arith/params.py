"""Parameter counts of the layers a CNN is made of (Keras counting).

Every weight a layer stores counts once: kernels, biases and, for batch
normalisation, also the moving statistics Keras keeps as non-trainable weights.
"""
from __future__ import annotations

from typing import Sequence, Union

from cnnlab._validate import check_bool, check_int, check_pair

__all__ = ["conv_params", "dense_params", "batchnorm_params", "depthwise_params",
           "separable_params"]

IntOrPair = Union[int, Sequence[int]]


def _taps(kernel: IntOrPair) -> int:
    kh, kw = check_pair("kernel", kernel, 1)
    return kh * kw


def conv_params(kernel: IntOrPair, in_channels: int, filters: int,
                bias: bool = True) -> int:
    """Number of weights of a Conv2D layer: ``(k_h * k_w * C_in + 1) * F``.

    Parameters
    ----------
    kernel : int or (int, int)
        Kernel size.
    in_channels : int
        Channels of the input, ``C_in``.
    filters : int
        Number of filters, ``F``.
    bias : bool, optional
        Whether each filter has a bias (default True, as in Keras).

    Returns
    -------
    int

    See Also
    --------
    depthwise_params, separable_params : cheaper factorisations.

    Examples
    --------
    >>> conv_params(3, 1, 32)          # first layer of the classic convnet
    320
    >>> conv_params(1, 32, 16, bias=False)
    512
    """
    in_channels = check_int("in_channels", in_channels, 1)
    filters = check_int("filters", filters, 1)
    bias = check_bool("bias", bias)
    return _taps(kernel) * in_channels * filters + (filters if bias else 0)


def dense_params(in_features: int, out_features: int, bias: bool = True) -> int:
    """Number of weights of a Dense layer: ``(n_in + 1) * n_out``.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of the input vector and of the layer (``units`` in Keras).
    bias : bool, optional
        Whether the layer has biases (default True).

    Returns
    -------
    int

    Examples
    --------
    >>> dense_params(7 * 7 * 512, 4096)   # VGG16's first fully connected layer
    102764544
    >>> dense_params(64 * 22 * 22, 1)
    30977
    """
    in_features = check_int("in_features", in_features, 1)
    out_features = check_int("out_features", out_features, 1)
    bias = check_bool("bias", bias)
    return in_features * out_features + (out_features if bias else 0)


def batchnorm_params(channels: int) -> tuple[int, int]:
    """Weights of a BatchNormalization layer as ``(trainable, non_trainable)``.

    The scale ``gamma`` and offset ``beta`` are learned; the moving mean and
    variance are statistics, stored but not trained: ``(2C, 2C)``.

    Parameters
    ----------
    channels : int
        Number of normalised channels ``C``.

    Returns
    -------
    (int, int)

    Examples
    --------
    >>> batchnorm_params(64)
    (128, 128)
    >>> sum(batchnorm_params(64))
    256
    """
    channels = check_int("channels", channels, 1)
    return (2 * channels, 2 * channels)


def depthwise_params(kernel: IntOrPair, channels: int, bias: bool = True) -> int:
    """Weights of a DepthwiseConv2D (depth multiplier 1): ``k_h * k_w * C (+ C)``.

    Each channel has its own ``k_h x k_w`` filter; channels are not mixed.

    Parameters
    ----------
    kernel : int or (int, int)
        Kernel size.
    channels : int
        Input (and output) channels ``C``.
    bias : bool, optional
        Whether each channel has a bias (default True, as in Keras).

    Returns
    -------
    int

    Examples
    --------
    >>> depthwise_params(3, 32, bias=False)     # 9 * C
    288
    >>> depthwise_params(3, 32)
    320
    """
    channels = check_int("channels", channels, 1)
    bias = check_bool("bias", bias)
    return _taps(kernel) * channels + (channels if bias else 0)


def separable_params(kernel: IntOrPair, in_channels: int, filters: int,
                     bias: bool = True) -> int:
    """Weights of a SeparableConv2D: depthwise, then a 1x1 pointwise convolution.

    ``k_h * k_w * C_in`` (depthwise, no bias) ``+ C_in * F`` (pointwise)
    ``+ F`` (bias), as Keras counts them.

    Parameters
    ----------
    kernel : int or (int, int)
        Kernel size of the depthwise step.
    in_channels : int
        Input channels ``C_in``.
    filters : int
        Output channels ``F``.
    bias : bool, optional
        Whether the output has a bias per filter (default True).

    Returns
    -------
    int

    See Also
    --------
    conv_params : the ordinary convolution it replaces.

    Examples
    --------
    >>> separable_params(3, 16, 32, bias=False)   # 3*3*16 + 16*32
    656
    >>> conv_params(3, 16, 32, bias=False)        # against 3*3*16*32
    4608
    """
    in_channels = check_int("in_channels", in_channels, 1)
    filters = check_int("filters", filters, 1)
    bias = check_bool("bias", bias)
    return (_taps(kernel) * in_channels + in_channels * filters
            + (filters if bias else 0))
