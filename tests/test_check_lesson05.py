"""Lesson 05 question bank: right answers pass, each known mistake gets its hint."""
import pytest

from cnnlab.check.registry import load_bank

from check_util import expect_hint, run

BANK = load_bank("05")


def branch_macs(h, w, c_in, reduce, filters, kernel):
    return h * w * reduce * c_in + h * w * filters * kernel * kernel * reduce


def test_branch_macs_reference_passes_and_agrees_with_arith():
    from cnnlab import arith
    assert branch_macs(28, 28, 192, 16, 32, 5) == 12_443_648
    assert branch_macs(14, 14, 480, 96, 208, 3) == (
        arith.conv_macs((14, 14, 480), 1, 96, padding="same")
        + arith.conv_macs((14, 14, 96), 3, 208, padding="same"))
    run("05.1", branch_macs)


@pytest.mark.parametrize("wrong, text", [
    (lambda h, w, c, r, f, k: h * w * f * k * k * r, "forget the 1×1"),
    (lambda h, w, c, r, f, k: h * w * f * k * k * c, "WITHOUT the bottleneck"),
    (lambda h, w, c, r, f, k: h * w * r * c + h * w * f * k * k * c, "not c_in"),
    (lambda h, w, c, r, f, k: h * w * f * c + h * w * f * k * k * r, "not `filters`"),
    (lambda h, w, c, r, f, k: branch_macs(h, w, c, r, f, k) + h * w * (r + f), "biases"),
    (lambda h, w, c, r, f, k: "many", "return a number"),
    (lambda h, w, c, r, f, k: h * w * r * c, "only the 1×1 reduction"),
    (lambda h, w, c, r, f, k: h * w * r + h * w * f * k * k * r, "reads all c_in"),
    (lambda h, w, c, r, f, k: h * w * r * c + (h - k + 1) * (w - k + 1) * f * k * k * r,
     "'same' padding"),
    (lambda h, w, c, r, f, k: 2 * branch_macs(h, w, c, r, f, k), "separately"),
])
def test_branch_macs_hints(wrong, text):
    expect_hint("05.1", wrong, text)


@pytest.mark.parametrize("answer, text", [
    (624, "reduce widths"), (448, "left out the pooling branch"), (928, "naive module"),
    (480, "does not keep its input channels"), (208, "ALL four branches"),
])
def test_channel_hints(answer, text):
    run("05.2", 512)
    expect_hint("05.2", answer, text)


keras = pytest.importorskip("keras")


def make_module(*, reduce=True, proj=True, padding="same", bias=True, axis=-1, pool=True):
    from keras import layers

    def my_inception(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj):
        def conv(t, f, k):
            return layers.Conv2D(f, k, padding=padding, activation="relu", use_bias=bias)(t)
        b1 = conv(x, f1, 1)
        b3 = conv(conv(x, f3_reduce, 1), f3, 3) if reduce else conv(x, f3, 3)
        b5 = conv(conv(x, f5_reduce, 1), f5, 5) if reduce else conv(x, f5, 5)
        bp = layers.MaxPooling2D(3, strides=1, padding="same")(x)
        bp = conv(bp, pool_proj, 1) if proj else bp
        branches = [b1, b3, b5, bp] if pool else [b1, b3, b5]
        return layers.Concatenate(axis=axis)(branches)
    return my_inception


def test_module_reference_passes_and_matches_cnnlab():
    from cnnlab.models import inception_module
    run("05.3", make_module())
    x = keras.Input((28, 28, 192))
    ours = keras.Model(x, inception_module(x, 64, 96, 128, 16, 32, 32)).count_params()
    assert ours == keras.Model(x, make_module()(x, 64, 96, 128, 16, 32, 32)).count_params()


@pytest.mark.parametrize("kwargs, text", [
    (dict(reduce=False), "read the input directly"),
    (dict(proj=False), "Add the 1×1 projection"),
    (dict(pool=False), "pooling branch is missing"),
    (dict(bias=False), "no biases"),
    (dict(padding="valid"), "padding='same' everywhere"),
])
def test_module_hints(kwargs, text):
    expect_hint("05.3", make_module(**kwargs), text)


def test_module_returns_nothing():
    expect_hint("05.3", lambda x, *widths: None, "return the concatenated tensor")
