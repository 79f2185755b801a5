"""Arithmetic of the other convolutions: dilated, depthwise separable, transposed.

Pure Python (no Keras, no NumPy). Builds on the core functions of
:mod:`cnnlab.arith` (``conv_output_size``, ``transposed_conv_output_size``,
``conv_params``, ``depthwise_params``, ``separable_params``, ``conv_macs``,
``receptive_field``) with what lesson 12 needs on top:

- **dilated**: a ``k``-tap kernel with dilation ``d`` spans ``d(k - 1) + 1``
  pixels (:func:`dilated_span`); a stack with dilations 1, 2, 4, … grows its
  receptive field exponentially (:func:`dilated_receptive_fields`), and
  :func:`dilated_coverage` shows whether it leaves holes;
- **depthwise separable**: a ``k × k`` depthwise step per channel, then a 1×1
  pointwise step that mixes channels. Against a standard convolution it costs
  ``(k²·C + C·F) / (k²·C·F) = 1/F + 1/k²`` of the weights and of the MACs
  (:func:`separable_saving`, :func:`depthwise_macs`, :func:`separable_macs`);
- **transposed**: every input pixel scatters a ``k × k × F`` stamp into the
  output (:func:`transposed_conv_macs`, :func:`transposed_conv_output_shape`).

:func:`conv_kind_cost` puts one layer of any of these kinds next to a standard
convolution on the same input (the table of the convolution kinds explorer).

Examples
--------
>>> dilated_receptive_fields([1, 2, 4])
[3, 7, 15]
>>> s = separable_saving((32, 32, 16), 3, 32)
>>> s["standard_params"], s["separable_params"], round(s["ratio"], 4)
(4608, 656, 0.1424)
"""
from __future__ import annotations

from math import ceil
from typing import Sequence, Union

from cnnlab._validate import (check_bool, check_choice, check_int, check_ints, check_padding,
                              check_pair)
from cnnlab.arith._args import axes, hwc
from cnnlab.arith.macs import conv_macs
from cnnlab.arith.params import conv_params, depthwise_params, separable_params
from cnnlab.arith.receptive import receptive_field
from cnnlab.arith.sizes import conv_output_shape, transposed_conv_output_size

__all__ = ["KINDS", "dilated_span", "dilated_receptive_fields", "dilated_coverage",
           "depthwise_macs", "separable_macs", "transposed_conv_macs",
           "transposed_conv_output_shape", "separable_saving", "conv_kind_cost"]

IntOrPair = Union[int, Sequence[int]]
Padding = Union[str, int]

#: the layer kinds :func:`conv_kind_cost` knows, with their Keras layer
KINDS = ("standard", "dilated", "depthwise separable", "transposed")
KERAS_LAYERS = {"standard": "Conv2D", "dilated": "Conv2D (dilation_rate=d)",
                "depthwise separable": "SeparableConv2D",
                "transposed": "Conv2DTranspose"}


def dilated_span(kernel: IntOrPair, dilation: IntOrPair = 1) -> int | tuple[int, int]:
    """Input pixels a dilated kernel covers along one axis: ``d * (k - 1) + 1``.

    Parameters
    ----------
    kernel : int or (int, int)
        Number of taps ``k`` (the kernel size).
    dilation : int or (int, int), optional
        Spacing ``d`` between neighbouring taps (default 1: no gaps).

    Returns
    -------
    int or (int, int)
        A pair if either argument was a pair.

    See Also
    --------
    dilated_receptive_fields : the span of a whole stack.

    Examples
    --------
    >>> dilated_span(3), dilated_span(3, 2), dilated_span(3, 4)
    (3, 5, 9)
    >>> dilated_span((3, 5), 2)
    (5, 9)
    """
    paired, v = axes(kernel=kernel, dilation=dilation)
    out = tuple(v["dilation"][a] * (v["kernel"][a] - 1) + 1 for a in (0, 1))
    return out if paired else out[0]


def dilated_receptive_fields(dilations: Sequence[int], kernel: int = 3) -> list[int]:
    """Receptive field after each layer of a stack of stride-1 dilated convolutions.

    Each layer adds ``d * (k - 1)`` pixels, so dilations 1, 2, 4, 8, … (doubling)
    give ``2**(L+1) - 1`` for 3×3 kernels, exponential in the depth ``L``,
    where undilated layers give ``2L + 1``, linear in it.

    Parameters
    ----------
    dilations : sequence of int
        Dilation rate of each layer, input first.
    kernel : int, optional
        Kernel size of every layer (default 3).

    Returns
    -------
    list of int
        The receptive field (along one axis) after each layer.

    See Also
    --------
    cnnlab.arith.receptive_field : the general rule, with strides.

    Examples
    --------
    >>> dilated_receptive_fields([1, 1, 1, 1])
    [3, 5, 7, 9]
    >>> dilated_receptive_fields([1, 2, 4, 8])
    [3, 7, 15, 31]
    """
    kernel = check_int("kernel", kernel, 1)
    layers = [(kernel, 1, d) for d in check_ints("dilations", dilations)]
    return [r for r, _ in receptive_field(layers)]


def dilated_coverage(dilations: Sequence[int], kernel: int = 3) -> list[int]:
    """How many paths lead from each input pixel to one output of a dilated stack.

    Along one axis, the output of the last layer depends on a window of
    ``dilated_receptive_fields(...)[-1]`` input pixels; entry ``i`` is the
    number of routes (one tap per layer) from pixel ``i`` of that window to
    the output. A zero is a *hole*: a pixel inside the receptive field that
    the output never sees (the "gridding" of repeated equal dilations).

    Parameters
    ----------
    dilations, kernel
        As in :func:`dilated_receptive_fields`.

    Returns
    -------
    list of int
        One count per pixel of the receptive field, left to right. For a
        2-D stack of ``k × k`` kernels the count of pixel ``(i, j)`` is
        ``coverage[i] * coverage[j]``.

    Examples
    --------
    Dilations 1, 2, 4 reach every one of their 15 pixels (by 3·3·3 = 27
    routes in all), dilations 2, 2, 2 only every other one of their 13:

    >>> dilated_coverage([1, 2, 4])
    [1, 1, 2, 1, 3, 2, 3, 1, 3, 2, 3, 1, 2, 1, 1]
    >>> dilated_coverage([2, 2, 2])
    [1, 0, 3, 0, 6, 0, 7, 0, 6, 0, 3, 0, 1]
    """
    kernel = check_int("kernel", kernel, 1)
    counts = [1]
    for d in check_ints("dilations", dilations):
        out = [0] * (len(counts) + d * (kernel - 1))
        for i, c in enumerate(counts):
            for t in range(kernel):
                out[i + t * d] += c
        counts = out
    return counts


def _no_dilated_strides(stride, dilation) -> None:
    s, d = check_pair("stride", stride, 1), check_pair("dilation", dilation, 1)
    if max(s) > 1 and max(d) > 1:
        raise ValueError("`stride` and `dilation` must not both be > 1 (Keras refuses "
                         f"the combination). Received: stride={stride!r}, "
                         f"dilation={dilation!r}.")


def depthwise_macs(input_shape: Sequence[int], kernel: IntOrPair, stride: IntOrPair = 1,
                   padding: Padding = "valid", dilation: IntOrPair = 1,
                   depth_multiplier: int = 1) -> int:
    """MACs of a DepthwiseConv2D on one image: ``H_out·W_out·C·m·k_h·k_w``.

    Each of the ``C`` channels is filtered on its own (``m`` filters per
    channel, the depth multiplier), so no sum runs across channels.

    Parameters
    ----------
    input_shape : (int, int, int)
        ``(H, W, C)`` of one input image.
    kernel : int or (int, int)
        Kernel size.
    stride, padding, dilation
        As in :func:`cnnlab.arith.conv_output_size`.
    depth_multiplier : int, optional
        Output channels per input channel, ``m`` (default 1).

    Returns
    -------
    int

    See Also
    --------
    separable_macs : depthwise plus the 1×1 pointwise step.

    Examples
    --------
    >>> depthwise_macs((112, 112, 32), 3, padding="same")   # MobileNet's conv_dw_1
    3612672
    """
    _, _, c = hwc(input_shape)
    m = check_int("depth_multiplier", depth_multiplier, 1)
    h, w, _ = conv_output_shape(input_shape, kernel, c, stride, padding, dilation)
    kh, kw = check_pair("kernel", kernel, 1)
    return h * w * c * m * kh * kw


def separable_macs(input_shape: Sequence[int], kernel: IntOrPair, filters: int,
                   stride: IntOrPair = 1, padding: Padding = "valid",
                   dilation: IntOrPair = 1, depth_multiplier: int = 1) -> int:
    """MACs of a SeparableConv2D on one image: depthwise, then 1×1 pointwise.

    ``H_out·W_out·C·m·k_h·k_w`` (depthwise) ``+ H_out·W_out·C·m·F`` (pointwise).

    Parameters
    ----------
    input_shape : (int, int, int)
        ``(H, W, C)`` of one input image.
    kernel : int or (int, int)
        Kernel size of the depthwise step.
    filters : int
        Output channels ``F`` of the pointwise step.
    stride, padding, dilation
        Of the depthwise step, as in :func:`cnnlab.arith.conv_output_size`.
    depth_multiplier : int, optional
        ``m`` (default 1).

    Returns
    -------
    int

    See Also
    --------
    cnnlab.arith.conv_macs : the standard convolution it replaces.

    Examples
    --------
    >>> separable_macs((32, 32, 16), 3, 32, padding="same")
    671744
    >>> conv_macs((32, 32, 16), 3, 32, padding="same")
    4718592
    """
    filters = check_int("filters", filters, 1)
    m = check_int("depth_multiplier", depth_multiplier, 1)
    _, _, c = hwc(input_shape)
    h, w, _ = conv_output_shape(input_shape, kernel, c, stride, padding, dilation)
    return (depthwise_macs(input_shape, kernel, stride, padding, dilation, m)
            + h * w * c * m * filters)


def transposed_conv_macs(input_shape: Sequence[int], kernel: IntOrPair,
                         filters: int) -> int:
    """MACs of a Conv2DTranspose on one image: ``H_in·W_in·C_in·k_h·k_w·F``.

    Every input value is multiplied by each of the ``k_h·k_w·F`` kernel
    weights that belong to its channel and added into the output. The stride
    only spaces the stamps apart, so it does not change the count; with
    ``"same"`` padding the few products that land in the cropped border are
    computed (and counted) all the same.

    Parameters
    ----------
    input_shape : (int, int, int)
        ``(H, W, C_in)`` of one input image.
    kernel : int or (int, int)
        Kernel size.
    filters : int
        Output channels ``F``.

    Returns
    -------
    int

    Examples
    --------
    >>> transposed_conv_macs((8, 8, 32), 2, 16)    # a U-Net upsampling step
    131072
    """
    h, w, c = hwc(input_shape)
    kh, kw = check_pair("kernel", kernel, 1)
    filters = check_int("filters", filters, 1)
    return h * w * c * kh * kw * filters


def transposed_conv_output_shape(input_shape: Sequence[int], kernel: IntOrPair,
                                 filters: int, stride: IntOrPair = 1,
                                 padding: Padding = "valid",
                                 output_padding: IntOrPair | None = None,
                                 dilation: IntOrPair = 1) -> tuple[int, int, int]:
    """Shape ``(H, W, F)`` of a Conv2DTranspose output on one ``(H, W, C)`` image.

    Parameters
    ----------
    input_shape : (int, int, int)
        ``(height, width, channels)`` of the input.
    kernel : int or (int, int)
        Kernel size.
    filters : int
        Output channels.
    stride, padding, output_padding, dilation
        As in :func:`cnnlab.arith.transposed_conv_output_size`.

    Returns
    -------
    (int, int, int)

    Examples
    --------
    >>> transposed_conv_output_shape((8, 8, 32), 2, 16, stride=2)
    (16, 16, 16)
    >>> transposed_conv_output_shape((5, 5, 4), 3, 8, stride=2)   # (5 - 1)·2 + 3
    (11, 11, 8)
    """
    h, w, _ = hwc(input_shape)
    filters = check_int("filters", filters, 1)
    out = transposed_conv_output_size((h, w), kernel, stride, padding, output_padding,
                                      dilation)
    return (out[0], out[1], filters)


def separable_saving(input_shape: Sequence[int], kernel: IntOrPair, filters: int,
                     stride: IntOrPair = 1, padding: Padding = "same",
                     bias: bool = False) -> dict:
    """Compare a standard convolution with a depthwise separable one.

    Both read the same ``(H, W, C)`` input and give ``F`` output channels.
    Without biases the separable layer needs ``k²·C + C·F`` weights where the
    standard one needs ``k²·C·F``: a fraction ``1/F + 1/k²``. The MACs shrink
    by the same fraction (each weight is used once per output position).

    Parameters
    ----------
    input_shape : (int, int, int)
        ``(H, W, C)`` of the input.
    kernel : int or (int, int)
        Kernel size ``k`` (``k_h × k_w``).
    filters : int
        Output channels ``F``.
    stride, padding : optional
        Of both convolutions (default 1 and ``"same"``).
    bias : bool, optional
        Count Keras' biases too (default False): ``F`` for the standard layer
        and ``F`` for ``SeparableConv2D``, which has no bias in its depthwise
        step. The ratio is then slightly above the formula.

    Returns
    -------
    dict
        ``standard_params``, ``depthwise_params``, ``pointwise_params``,
        ``separable_params``; ``standard_macs``, ``depthwise_macs``,
        ``pointwise_macs``, ``separable_macs``; ``ratio`` (separable over
        standard parameters), ``macs_ratio`` and ``formula`` (``1/F + 1/k²``).

    Examples
    --------
    >>> s = separable_saving((32, 32, 16), 3, 32)
    >>> s["depthwise_params"], s["pointwise_params"], s["separable_params"]
    (144, 512, 656)
    >>> round(s["formula"], 4), round(s["macs_ratio"], 4)
    (0.1424, 0.1424)
    >>> t = separable_saving((32, 32, 16), 3, 32, bias=True)   # Keras' counts
    >>> t["standard_params"], t["separable_params"]
    (4640, 688)
    """
    _, _, c = hwc(input_shape)
    filters = check_int("filters", filters, 1)
    bias = check_bool("bias", bias)
    kh, kw = check_pair("kernel", kernel, 1)
    standard = conv_params(kernel, c, filters, bias=bias)
    depthwise = depthwise_params(kernel, c, bias=False)
    separable = separable_params(kernel, c, filters, bias=bias)
    std_macs = conv_macs(input_shape, kernel, filters, stride, padding)
    dw_macs = depthwise_macs(input_shape, kernel, stride, padding)
    sep_macs = separable_macs(input_shape, kernel, filters, stride, padding)
    return {"standard_params": standard, "depthwise_params": depthwise,
            "pointwise_params": separable - depthwise, "separable_params": separable,
            "standard_macs": std_macs, "depthwise_macs": dw_macs,
            "pointwise_macs": sep_macs - dw_macs, "separable_macs": sep_macs,
            "ratio": separable / standard, "macs_ratio": sep_macs / std_macs,
            "formula": 1 / filters + 1 / (kh * kw)}


def _row(output_shape, params, macs, field) -> dict:
    return {"output_shape": output_shape, "params": params, "macs": macs, "field": field}


def conv_kind_cost(kind: str, input_shape: Sequence[int], kernel: int = 3,
                   filters: int = 32, stride: int = 1, padding: Padding = "valid",
                   dilation: int = 1) -> dict:
    """One convolution layer of a given kind next to a standard one, as Keras builds them.

    Parameters
    ----------
    kind : {"standard", "dilated", "depthwise separable", "transposed"}
        ``Conv2D``, ``Conv2D(dilation_rate=dilation)``, ``SeparableConv2D`` or
        ``Conv2DTranspose``.
    input_shape : (int, int, int)
        ``(H, W, C_in)`` of one input image.
    kernel : int, optional
        Square kernel size (default 3).
    filters : int, optional
        Output channels (default 32).
    stride : int, optional
        Default 1. A transposed convolution *upsamples* by it.
    padding : {"valid", "same"} or int, optional
        Keras semantics (an int only for the non-transposed kinds).
    dilation : int, optional
        Only for ``"dilated"`` (and ``"depthwise separable"``); must be 1 for
        ``"standard"``. Keras refuses ``stride > 1`` with ``dilation > 1``.

    Returns
    -------
    dict
        ``kind``, ``keras_layer`` (its class), ``output_shape`` ``(H, W, F)``,
        ``params`` (with biases, as Keras counts), ``macs``, ``field`` (input
        pixels one output value depends on, along one axis) and ``standard``: a
        dict with the same four numbers for ``Conv2D(filters, kernel, stride,
        padding)`` on the same input.

    Raises
    ------
    ValueError
        Unknown kind, bad sizes, a kernel larger than the padded input, or
        arguments Keras would refuse.

    Examples
    --------
    >>> c = conv_kind_cost("depthwise separable", (32, 32, 16), 3, 32, padding="same")
    >>> c["params"], c["standard"]["params"]
    (688, 4640)
    >>> d = conv_kind_cost("dilated", (16, 16, 8), 3, 8, dilation=4)
    >>> d["output_shape"], d["field"], d["standard"]["field"]
    ((8, 8, 8), 9, 3)
    >>> d["params"] == d["standard"]["params"], d["macs"], d["standard"]["macs"]
    (True, 36864, 112896)
    >>> conv_kind_cost("transposed", (4, 4, 8), 3, 4, stride=2)["output_shape"]
    (9, 9, 4)
    """
    check_choice("kind", kind, KINDS)
    h, w, c = hwc(input_shape)
    kernel = check_int("kernel", kernel, 1)
    filters = check_int("filters", filters, 1)
    stride = check_int("stride", stride, 1)
    dilation = check_int("dilation", dilation, 1)
    padding = check_padding(padding)
    if kind == "standard" and dilation != 1:
        raise ValueError("`dilation` must be 1 for a standard convolution (use "
                         f"kind='dilated'). Received: dilation={dilation}.")
    if kind == "transposed" and dilation != 1:
        raise ValueError("`dilation` must be 1 for kind='transposed' here. "
                         f"Received: dilation={dilation}.")
    if kind == "transposed" and isinstance(padding, int):
        raise ValueError("`padding` must be 'valid' or 'same' for Keras' "
                         f"Conv2DTranspose. Received: padding={padding!r}.")
    _no_dilated_strides(stride, dilation)
    shape = (h, w, c)
    standard = _row(conv_output_shape(shape, kernel, filters, stride, padding),
                    conv_params(kernel, c, filters),
                    conv_macs(shape, kernel, filters, stride, padding), kernel)
    if kind == "transposed":
        row = _row(transposed_conv_output_shape(shape, kernel, filters, stride, padding),
                   conv_params(kernel, c, filters),
                   transposed_conv_macs(shape, kernel, filters), ceil(kernel / stride))
    elif kind == "depthwise separable":
        row = _row(conv_output_shape(shape, kernel, filters, stride, padding, dilation),
                   separable_params(kernel, c, filters),
                   separable_macs(shape, kernel, filters, stride, padding, dilation),
                   dilated_span(kernel, dilation))
    else:
        row = _row(conv_output_shape(shape, kernel, filters, stride, padding, dilation),
                   conv_params(kernel, c, filters),
                   conv_macs(shape, kernel, filters, stride, padding, dilation),
                   dilated_span(kernel, dilation))
    return {"kind": kind, "keras_layer": KERAS_LAYERS[kind], **row, "standard": standard}
