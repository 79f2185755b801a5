"""Lesson 03 question bank: right answers pass, each known mistake gets its hint."""
import pytest

from cnnlab.check.registry import load_bank

from check_util import expect_hint, run

keras = pytest.importorskip("keras")
BANK = load_bank("03")


def conv_params(kernel, in_channels, filters):
    return (kernel * kernel * in_channels + 1) * filters


def test_conv_formula_agrees_with_keras_and_passes():
    for k, c, f in [(3, 1, 32), (5, 3, 16), (1, 192, 32)]:
        layer = keras.layers.Conv2D(f, k)
        layer.build((None, 32, 32, c))
        assert layer.count_params() == conv_params(k, c, f)
    run("03.1", conv_params)


@pytest.mark.parametrize("wrong, text", [
    (lambda k, c, f: k * k * c * f, "forget the biases"),
    (lambda k, c, f: (k * k + 1) * f, "in_channels"),
    (lambda k, c, f: k * k * c * f + 1, "one bias per filter"),
    (lambda k, c, f: (k * c + 1) * f, "k x k"),
    (lambda k, c, f: "320", "return a number"),
    (lambda k, c, f: 2 * (k * k * c + 1) * f, "twice too many"),
])
def test_conv_hints(wrong, text):
    expect_hint("03.1", wrong, text)


def test_batchnorm_agrees_with_keras():
    layer = keras.layers.BatchNormalization()
    layer.build((None, 8, 8, 64))
    assert layer.count_params() == 256
    assert sum(int(w.shape[0]) for w in layer.non_trainable_weights) == 128
    run("03.2", 256)
    expect_hint("03.2", 128, "2·C")
    expect_hint("03.2", 64, "four numbers")
    expect_hint("03.2", 3 * 64, "not three")
    expect_hint("03.2", 4, "multiply by 64")


def test_model_total_is_keras_count():
    from cnnlab.check.banks.lesson03 import model_03_3
    model = model_03_3()
    # hand count: 32 -> 30 -> 15 -> 13 -> 6; conv 448, conv 4640, BN 128, dense 6*6*32*10 + 10
    assert model.count_params() == 448 + 4640 + 128 + 11530
    run("03.3", 16746)


@pytest.mark.parametrize("wrong, text", [
    (16746 - 64, "not 2·C"), (16746 - 128, "skip BatchNormalization"), (16746 - 58, "bias"),
    (448 + 4640 + 128 + 7 * 7 * 32 * 10 + 10, "rounds down"),
    (448 + 4640 + 128 + 8 * 8 * 32 * 10 + 10, "shrinks"),
])
def test_model_total_hints(wrong, text):
    expect_hint("03.3", wrong, text)


def test_macs_agree_with_conv_shape():
    layer = keras.layers.Conv2D(64, 3, strides=2, padding="same")
    _, h, w, f = layer.compute_output_shape((None, 56, 56, 32))
    run("03.4", h * w * f * 3 * 3 * 32)
    expect_hint("03.4", 56 * 56 * 64 * 9 * 32, "input's 56x56")
    expect_hint("03.4", 27 * 27 * 64 * 9 * 32, "'valid' output")
    expect_hint("03.4", 28 * 28 * 64 * 9, "C_in")
    expect_hint("03.4", 2 * 28 * 28 * 64 * 9 * 32, "FLOPs")
    expect_hint("03.4", 28 * 28 * 64 * (9 * 32 + 1), "bias is an addition")
    expect_hint("03.4", (9 * 32 + 1) * 64, "number of parameters")


def test_megabytes():
    run("03.5", 8_062_504 * 4 / 1e6)
    run("03.5", 32.25)
    expect_hint("03.5", 8.06, "4 bytes")
    expect_hint("03.5", 30.76, "MiB")
    expect_hint("03.5", 64.5, "not 8")
    expect_hint("03.5", 16.1, "float16")
    expect_hint("03.5", 8_062_504 * 32 / 1e6, "counted bits")


def test_densenet121_count_used_by_03_5_is_keras():
    from cnnlab.check.banks.lesson03 import DENSENET121_PARAMS
    model = keras.applications.DenseNet121(weights=None)
    assert model.count_params() == DENSENET121_PARAMS
