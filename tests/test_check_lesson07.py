"""Lesson 07 question bank: right answers pass, each known mistake gets its hint."""
import itertools

import pytest

from cnnlab.check.registry import load_bank

from check_util import expect_hint, run

keras = pytest.importorskip("keras")
layers = keras.layers
BANK = load_bank("07")


def test_channels_right_answer_and_keras_densenet121():
    def channels_after(k0, k, n, theta):
        c = k0 + k * n
        return c, int(c * theta)
    run("07.1", channels_after)
    model = keras.applications.DenseNet121(weights=None)
    assert channels_after(128, 32, 12, 0.5) == (
        model.get_layer("conv3_block12_concat").output.shape[-1],
        model.get_layer("pool3_conv").output.shape[-1])


@pytest.mark.parametrize("wrong, text", [
    (lambda k0, k, n, t: (k * n, int(k * n * t)), "forget k0"),
    (lambda k0, k, n, t: (k0 + k * n, k0 + k * n), "forget the compression"),
    (lambda k0, k, n, t: (k0 + k * (n - 1), int((k0 + k * (n - 1)) * t)), "LAST layer"),
    (lambda k0, k, n, t: (k0 + k * n, -(-(k0 + k * n) * t // 1)), "round down"),
    (lambda k0, k, n, t: (k0 + k * n, (k0 + k * n) // 2), "use θ"),
])
def test_channel_hints(wrong, text):
    expect_hint("07.1", wrong, text)


def make_block(*, bottleneck=4, bias=False, bn=True, concat=True, grow=True, last_only=False,
               swap=False, merge="concatenate", keep_input=False, add_width=None):
    """A dense block with one mistake: ``swap`` swaps the 1×1's and 3×3's filter counts,
    ``merge="add"`` adds the new maps (as many as x has with ``add_width="input"``),
    ``keep_input`` returns the input x."""
    def block(x, num_layers, growth_rate):
        start = x
        wide = bottleneck * growth_rate
        new = x.shape[-1] if add_width == "input" else growth_rate
        if swap:
            wide, new = new, wide
        for _ in range(num_layers):
            h = layers.ReLU()(layers.BatchNormalization()(x) if bn else x)
            if bottleneck:
                h = layers.Conv2D(wide, 1, use_bias=bias)(h)
                h = layers.ReLU()(layers.BatchNormalization()(h) if bn else h)
            h = layers.Conv2D(new, 3, padding="same", use_bias=bias)(h)
            if last_only:
                out = h
            elif merge == "add":
                out = layers.Add()([x, h])
            elif concat:
                out = layers.Concatenate()([x if grow else start, h])
            if not keep_input:
                x = out
        return x
    return block


def test_right_dense_block_passes_and_matches_cnnlab_keras_builder():
    run("07.2", make_block())
    from cnnlab.models.densenets import dense_block
    x = keras.Input((8, 8, 24))
    ours = keras.Model(x, make_block()(x, 3, 12)).count_params()
    assert ours == keras.Model(x, dense_block(x, 3, 12)).count_params()


@pytest.mark.parametrize("block, text", [
    (make_block(last_only=True), "only the last layer's new maps"),
    (make_block(grow=False), "growing tensor"),
    (make_block(bottleneck=0), "add the bottleneck"),
    (make_block(bias=True), "use_bias=False"),
    (make_block(bottleneck=1), "4·k filters, not k"),
    (make_block(bn=False), "starts with BatchNormalization"),
    (make_block(swap=True), "each layer adds 4k maps"),
    (make_block(swap=True, last_only=True), "bottleneck \\(4k filters\\) comes first"),
    (make_block(merge="add"), "Concatenate, not Add"),
    (make_block(merge="add", add_width="input"), "Concatenate \\(not Add\\)"),
    (make_block(keep_input=True), "never reach the output"),
])
def test_dense_block_hints(block, text):
    expect_hint("07.2", block, text)


def test_connections_by_enumeration():
    def direct_connections(n):
        return len(list(itertools.combinations(range(n + 1), 2)))   # block input + n layers
    run("07.3", direct_connections)


@pytest.mark.parametrize("wrong, text", [
    (lambda n: n * (n - 1) // 2, "links from the block's input"),
    (lambda n: n * n, "counted once"),
    (lambda n: n * (n + 1), "halve it"),
])
def test_connection_hints(wrong, text):
    expect_hint("07.3", wrong, text)
