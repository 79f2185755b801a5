"""Cost of an Inception module: MACs and parameters of each branch.

Pure Python (no Keras). An Inception module runs four branches on the same
``(H, W, C)`` input and concatenates their outputs along the channels:

- ``1x1``:  a 1×1 convolution with ``f1`` filters;
- ``3x3``:  a 1×1 "reduce" convolution to ``f3_reduce`` channels, then 3×3 with ``f3``;
- ``5x5``:  a 1×1 "reduce" convolution to ``f5_reduce`` channels, then 5×5 with ``f5``;
- ``pool``: 3×3 max pooling (stride 1, "same"), then a 1×1 projection to ``pool_proj``.

All convolutions use stride 1 and "same" padding, so every branch keeps the
``H × W`` grid. With ``bottleneck=False`` the module is the paper's *naive*
version: the 3×3 and 5×5 convolutions read all ``C`` input channels directly
and the pooling branch has no projection, so it passes all ``C`` channels on.

MACs (multiply–accumulates) of a "same", stride-1 convolution with a ``k × k``
kernel: ``H · W · filters · k · k · C_in``; parameters: ``(k · k · C_in + 1) · filters``.
Max pooling costs comparisons, not multiplications, and has no parameters.

Examples
--------
>>> cost = inception_cost((28, 28, 192), 64, 96, 128, 16, 32, 32)
>>> cost.out_channels, cost.output_shape
(256, (28, 28, 256))
>>> bottleneck_saving((28, 28, 192), kernel=5, filters=32, reduce=16)["total"]
12443648
"""
from __future__ import annotations

from dataclasses import dataclass

from cnnlab._validate import check_choice, check_int
from cnnlab.arith._args import hwc
from cnnlab.arith._totals import summed

BRANCHES = ("1x1", "3x3", "5x5", "pool")


@dataclass(frozen=True)
class ConvCost:
    """One convolution inside a branch (stride 1, "same" padding)."""

    name: str
    kernel: int
    in_channels: int
    filters: int
    macs: int
    params: int


@dataclass(frozen=True)
class BranchCost:
    """The convolutions of one branch and the channels it contributes."""

    name: str
    convs: tuple
    out_channels: int

    macs = summed("convs", "macs", "Total multiply–accumulates of the branch.")
    params = summed("convs", "params", "Total parameters (weights and biases) of the branch.")


@dataclass(frozen=True)
class InceptionCost:
    """Cost of a whole module: its branches, totals and output shape."""

    input_shape: tuple
    branches: tuple
    bottleneck: bool

    macs = summed("branches", "macs", "Total multiply–accumulates of the module.")
    params = summed("branches", "params", "Total parameters of the module.")
    out_channels = summed("branches", "out_channels", "Channels after concatenating the "
                          "branches.")

    @property
    def output_shape(self) -> tuple:
        """``(H, W, out_channels)``: every branch keeps the grid."""
        h, w, _ = self.input_shape
        return (h, w, self.out_channels)

    def branch(self, name: str) -> BranchCost:
        """The branch called ``name`` (one of ``"1x1", "3x3", "5x5", "pool"``)."""
        check_choice("name", name, BRANCHES)
        return next(b for b in self.branches if b.name == name)


def same_conv_cost(input_shape, kernel: int, filters: int, name: str = "conv",
                   bias: bool = True) -> ConvCost:
    """MACs and parameters of a stride-1 "same" convolution on ``(H, W, C)``.

    Parameters
    ----------
    input_shape : (int, int, int)
        ``(H, W, C)`` of the input.
    kernel, filters : int
        Square window size and number of filters.
    name : str, optional
        A label for tables.
    bias : bool, optional
        Count one bias per filter (default True).

    Returns
    -------
    ConvCost

    Examples
    --------
    >>> same_conv_cost((28, 28, 192), 5, 32).macs
    120422400
    >>> same_conv_cost((28, 28, 192), 1, 16).params
    3088
    """
    h, w, c = hwc(input_shape)
    kernel = check_int("kernel", kernel, 1)
    filters = check_int("filters", filters, 1)
    macs = h * w * filters * kernel * kernel * c
    params = (kernel * kernel * c + int(bool(bias))) * filters
    return ConvCost(name, kernel, c, filters, macs, params)


def inception_branches(input_shape, f1: int, f3_reduce: int, f3: int, f5_reduce: int,
                       f5: int, pool_proj: int, *, bottleneck: bool = True) -> tuple:
    """The four :class:`BranchCost` of an Inception module, in concatenation order.

    See :func:`inception_cost` for the parameters.

    Examples
    --------
    >>> [b.out_channels for b in inception_branches((28, 28, 192), 64, 96, 128, 16, 32, 32)]
    [64, 128, 32, 32]
    """
    h, w, c = hwc(input_shape)
    for name, value in (("f1", f1), ("f3_reduce", f3_reduce), ("f3", f3),
                        ("f5_reduce", f5_reduce), ("f5", f5), ("pool_proj", pool_proj)):
        check_int(name, value, 1)
    shape = (h, w, c)
    one = BranchCost("1x1", (same_conv_cost(shape, 1, f1, "1x1"),), f1)
    if bottleneck:
        three = BranchCost("3x3", (same_conv_cost(shape, 1, f3_reduce, "3x3_reduce"),
                                   same_conv_cost((h, w, f3_reduce), 3, f3, "3x3")), f3)
        five = BranchCost("5x5", (same_conv_cost(shape, 1, f5_reduce, "5x5_reduce"),
                                  same_conv_cost((h, w, f5_reduce), 5, f5, "5x5")), f5)
        pool = BranchCost("pool", (same_conv_cost(shape, 1, pool_proj, "pool_proj"),),
                          pool_proj)
    else:
        three = BranchCost("3x3", (same_conv_cost(shape, 3, f3, "3x3"),), f3)
        five = BranchCost("5x5", (same_conv_cost(shape, 5, f5, "5x5"),), f5)
        pool = BranchCost("pool", (), c)
    return (one, three, five, pool)


def inception_cost(input_shape, f1: int, f3_reduce: int, f3: int, f5_reduce: int,
                   f5: int, pool_proj: int, *, bottleneck: bool = True) -> InceptionCost:
    """MACs, parameters and output shape of an Inception module.

    Parameters
    ----------
    input_shape : (int, int, int)
        ``(H, W, C)`` of the module's input.
    f1 : int
        Filters of the 1×1 branch.
    f3_reduce, f3 : int
        Channels of the 1×1 reduction before the 3×3 convolution, and its filters.
    f5_reduce, f5 : int
        Same for the 5×5 branch.
    pool_proj : int
        Filters of the 1×1 projection after the 3×3 max pooling.
    bottleneck : bool, optional
        ``True`` (default): the module with 1×1 reductions (GoogLeNet).
        ``False``: the naive module; the reduce and projection widths are then
        ignored and the pooling branch passes its ``C`` channels on.

    Returns
    -------
    InceptionCost
        ``.branches``, ``.macs``, ``.params``, ``.out_channels``, ``.output_shape``.

    Notes
    -----
    GoogLeNet's module 3a is ``(64, 96, 128, 16, 32, 32)`` on 28×28×192 and
    gives 256 channels; 3b is ``(128, 128, 192, 32, 96, 64)`` on 28×28×256 and
    gives 480.

    Examples
    --------
    >>> c = inception_cost((28, 28, 256), 128, 128, 192, 32, 96, 64)
    >>> c.out_channels
    480
    >>> inception_cost((28, 28, 192), 64, 96, 128, 16, 32, 32, bottleneck=False).out_channels
    416
    """
    branches = inception_branches(input_shape, f1, f3_reduce, f3, f5_reduce, f5, pool_proj,
                                  bottleneck=bottleneck)
    return InceptionCost(hwc(input_shape), branches, bool(bottleneck))


def bottleneck_saving(input_shape, kernel: int, filters: int, reduce: int) -> dict:
    """Compare a k×k convolution with the same one behind a 1×1 bottleneck.

    Parameters
    ----------
    input_shape : (int, int, int)
        ``(H, W, C)`` of the input.
    kernel, filters : int
        The k×k convolution ("same", stride 1).
    reduce : int
        Channels of the 1×1 bottleneck that runs first.

    Returns
    -------
    dict
        ``direct`` (MACs without bottleneck), ``reduce`` (MACs of the 1×1),
        ``conv`` (MACs of the k×k on ``reduce`` channels), ``total``
        (``reduce + conv``) and ``ratio`` (``direct / total``).

    Examples
    --------
    >>> s = bottleneck_saving((28, 28, 192), kernel=5, filters=32, reduce=16)
    >>> s["direct"], s["reduce"], s["conv"]
    (120422400, 2408448, 10035200)
    >>> round(s["ratio"], 2)
    9.68
    """
    h, w, _ = hwc(input_shape)
    reduce = check_int("reduce", reduce, 1)
    direct = same_conv_cost(input_shape, kernel, filters).macs
    first = same_conv_cost(input_shape, 1, reduce).macs
    second = same_conv_cost((h, w, reduce), kernel, filters).macs
    return {"direct": direct, "reduce": first, "conv": second,
            "total": first + second, "ratio": direct / (first + second)}


#: GoogLeNet's nine Inception modules: name -> (input shape, branch widths).
GOOGLENET_MODULES = {
    "3a": ((28, 28, 192), (64, 96, 128, 16, 32, 32)),
    "3b": ((28, 28, 256), (128, 128, 192, 32, 96, 64)),
    "4a": ((14, 14, 480), (192, 96, 208, 16, 48, 64)),
    "4b": ((14, 14, 512), (160, 112, 224, 24, 64, 64)),
    "4c": ((14, 14, 512), (128, 128, 256, 24, 64, 64)),
    "4d": ((14, 14, 512), (112, 144, 288, 32, 64, 64)),
    "4e": ((14, 14, 528), (256, 160, 320, 32, 128, 128)),
    "5a": ((7, 7, 832), (256, 160, 320, 32, 128, 128)),
    "5b": ((7, 7, 832), (384, 192, 384, 48, 128, 128)),
}
