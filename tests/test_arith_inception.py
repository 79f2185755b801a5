"""Inception cost arithmetic against the GoogLeNet paper and hand-written formulas."""
import pytest

from cnnlab import arith
from cnnlab.arith.inception import (GOOGLENET_MODULES, bottleneck_saving, inception_branches,
                                    inception_cost, same_conv_cost)


def test_bottleneck_example_of_the_course():
    # 28x28x192 input, 32 filters of 5x5 "same", with and without a 1x1 to 16 first.
    s = bottleneck_saving((28, 28, 192), kernel=5, filters=32, reduce=16)
    assert s["direct"] == 28 * 28 * 32 * 5 * 5 * 192 == 120_422_400
    assert s["reduce"] == 28 * 28 * 16 * 192 == 2_408_448
    assert s["conv"] == 28 * 28 * 32 * 5 * 5 * 16 == 10_035_200
    assert s["total"] == 12_443_648
    assert 9 < s["ratio"] < 10


@pytest.mark.parametrize("module, out", [("3a", 256), ("3b", 480), ("4a", 512), ("4b", 512),
                                         ("4c", 512), ("4d", 528), ("4e", 832), ("5a", 832),
                                         ("5b", 1024)])
def test_output_channels_match_googlenet_table(module, out):
    shape, widths = GOOGLENET_MODULES[module]
    assert inception_cost(shape, *widths).out_channels == out


def test_modules_chain_like_googlenet():
    # Each module's input channels are the previous module's output channels.
    names = list(GOOGLENET_MODULES)
    for prev, nxt in zip(names, names[1:]):
        shape, widths = GOOGLENET_MODULES[prev]
        assert inception_cost(shape, *widths).out_channels == GOOGLENET_MODULES[nxt][0][2]


@pytest.mark.parametrize("module, paper_million_ops", [("3a", 128), ("3b", 304)])
def test_operations_match_googlenet_table(module, paper_million_ops):
    # The paper's "ops" column counts multiply-accumulates of the weights.
    shape, widths = GOOGLENET_MODULES[module]
    assert round(inception_cost(shape, *widths).macs / 1e6) == paper_million_ops


def test_branches_by_hand_formula_3a():
    c = inception_cost((28, 28, 192), 64, 96, 128, 16, 32, 32)
    hw = 28 * 28
    assert c.branch("1x1").params == 192 * 64 + 64
    assert c.branch("3x3").params == (192 * 96 + 96) + (3 * 3 * 96 * 128 + 128)
    assert c.branch("5x5").params == (192 * 16 + 16) + (5 * 5 * 16 * 32 + 32)
    assert c.branch("pool").params == 192 * 32 + 32
    assert c.branch("3x3").macs == hw * 96 * 192 + hw * 128 * 9 * 96
    assert c.branch("pool").macs == hw * 32 * 192
    assert c.params == 163_328 + (64 + 96 + 128 + 16 + 32 + 32)  # weights + biases
    assert c.output_shape == (28, 28, 256)


def test_agrees_with_cnnlab_arith_core():
    shape, widths = GOOGLENET_MODULES["3b"]
    for branch in inception_branches(shape, *widths):
        for conv in branch.convs:
            assert conv.params == arith.conv_params(conv.kernel, conv.in_channels, conv.filters)
            assert conv.macs == arith.conv_macs((28, 28, conv.in_channels), conv.kernel,
                                                conv.filters, padding="same")


def test_naive_module():
    c = inception_cost((28, 28, 192), 64, 96, 128, 16, 32, 32, bottleneck=False)
    assert c.out_channels == 64 + 128 + 32 + 192
    assert c.branch("5x5").macs == 120_422_400
    assert c.branch("pool").params == 0 and c.branch("pool").macs == 0
    assert c.macs > inception_cost((28, 28, 192), 64, 96, 128, 16, 32, 32).macs


def test_same_conv_cost_without_bias():
    assert same_conv_cost((7, 7, 10), 3, 4, bias=False).params == 3 * 3 * 10 * 4


@pytest.mark.parametrize("kwargs, message", [
    (dict(input_shape=(28, 28, 192), f1=0), "`f1` must be an integer >= 1. Received: f1=0."),
    (dict(input_shape=(28, 28)), "`input_shape` must be a sequence (H, W, C)"),
    (dict(input_shape=(28, 28, 0)), "`input_shape` must be a sequence (H, W, C) of integers >= 1. "
                                    "Received: input_shape=(28, 28, 0)."),
])
def test_errors(kwargs, message):
    args = dict(input_shape=(28, 28, 192), f1=64, f3_reduce=96, f3=128, f5_reduce=16, f5=32,
                pool_proj=32)
    args.update(kwargs)
    with pytest.raises(ValueError) as info:
        inception_cost(**args)
    assert message in str(info.value)


def test_unknown_branch_name():
    with pytest.raises(ValueError, match="`name` must be one of"):
        inception_cost((28, 28, 192), 64, 96, 128, 16, 32, 32).branch("7x7")
