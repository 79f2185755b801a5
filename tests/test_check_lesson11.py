"""Lesson 11 question bank: right answers pass, each known mistake gets its hint.

The right answers are computed independently: AlexNet's conv1 by a Keras
Conv2D layer (``compute_output_shape``, ``count_params``), the Dense share
from Keras' per-layer counts, the error figures from the papers.
"""
import pytest

from cnnlab.check.registry import load_bank

from check_util import expect_hint, run

keras = pytest.importorskip("keras")
BANK = load_bank("11")


def test_model_questions_get_time_to_build_a_model():
    assert BANK["11.2"].expects == "function" and BANK["11.2"].timeout >= 60


# ------------------------------------------------------------------ 11.1
def keras_conv1():
    layer = keras.layers.Conv2D(96, 11, strides=4)
    shape = layer.compute_output_shape((None, 227, 227, 3))
    layer.build((None, 227, 227, 3))
    return shape, layer.count_params()


def test_conv1_answer_is_keras_answer():
    shape, params = keras_conv1()
    assert shape == (None, 55, 55, 96) and params == 34_944
    run("11.1", (shape[1], params))
    run("11.1", [55.0, 34944])


@pytest.mark.parametrize("wrong, text", [
    ((54, 34_944), "leaves out the first window"),
    ((57, 34_944), "'same' padding"),
    ((56, 34_944), "224 input"),
    ((217, 34_944), "stride 1"),
    ((3025, 34_944), "asks for the side"),
    ((55, 34_848), "also has a bias"),
    ((55, 11_712), "all 3 colour channels"),
    ((55, 290_400), "output values"),
    ((55, 105_415_200), "multiply–accumulates"),
    (55, "Give a pair"),
    (("55", 34_944), "should be numbers"),
])
def test_conv1_hints(wrong, text):
    expect_hint("11.1", wrong, text)


# ------------------------------------------------------------------ 11.2
def dense_share(model):
    dense = sum(layer.count_params() for layer in model.layers
                if isinstance(layer, keras.layers.Dense))
    return dense / model.count_params()


def test_dense_share_passes_and_matches_keras_weights():
    from cnnlab import models
    run("11.2", dense_share)
    lenet = models.lenet5()
    # C5, F6 and the output layer by hand: 5*5*16 = 400 inputs to C5
    in_dense = (400 + 1) * 120 + (120 + 1) * 84 + (84 + 1) * 10
    assert in_dense == 48_120 + 10_164 + 850
    assert dense_share(lenet) == pytest.approx(in_dense / 61_706)
    alex = models.alexnet()
    assert dense_share(alex) == pytest.approx(
        (9216 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 1000 + 1000) / 62_378_344)


def only_kernels(model):
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    return sum(int(layer.kernel.shape[0] * layer.kernel.shape[1])
               for layer in dense) / model.count_params()


def first_dense(model):
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            return layer.count_params() / model.count_params()
    return 0.0


def layer_share(model):
    return sum(isinstance(layer, keras.layers.Dense)
               for layer in model.layers) / len(model.layers)


@pytest.mark.parametrize("wrong, text", [
    (lambda m: 100 * dense_share(m), "percentage"),
    (lambda m: 1 - dense_share(m), "the convolutions"),
    (lambda m: dense_share(m) * m.count_params(), "number of Dense parameters"),
    (only_kernels, "biases are parameters too"),
    (first_dense, "Only the first Dense layer"),
    (layer_share, "share of the \\*layers\\*"),
    (lambda m: 0.5, "expected 0.958"),
    (lambda m: None, "return a number"),
])
def test_dense_share_hints(wrong, text):
    expect_hint("11.2", wrong, text)


# ------------------------------------------------------------------ 11.3
def test_reduction_from_the_papers_figures():
    alexnet, runner_up = 15.3, 26.2          # Krizhevsky et al. 2012, Table 2 / ILSVRC 2012
    run("11.3", (runner_up - alexnet) / runner_up)
    run("11.3", 0.416)
    run("11.3", 0.42)


@pytest.mark.parametrize("wrong, text", [
    (41.6, "percentage"), (10.9, "percentage points"), (0.109, "in points written"),
    (0.712, "divides by AlexNet's error"), (0.584, "remains"), (1.712, "times larger"),
    (0.148, "accuracies"), (0.3, "too small"),
])
def test_reduction_hints(wrong, text):
    expect_hint("11.3", wrong, text)


# ------------------------------------------------------------------ 11.4
def test_beat_human_from_the_papers_figures():
    # He et al. 2016 Table 5: 3.57 %; Zoph et al. 2018 Table 2: 96.2 % top-5 accuracy
    papers = {"ResNet-152": 3.57, "NASNet-A Large": 100 - 96.2, "GoogLeNet": 6.67,
              "VGG-16": 7.3, "AlexNet": 15.3}
    below = sorted(n for n, e in papers.items() if e < 5.1)
    run("11.4", below)
    run("11.4", {"resnet-152", "nasnet-a large"})


@pytest.mark.parametrize("wrong, text", [
    (["ResNet-152"], "NASNet-A Large .*is below 5.1 % too"),
    (["NASNet-A Large"], "ResNet-152 .*is below 5.1 % too"),
    (["ResNet-152", "NASNet-A Large", "GoogLeNet"], "GoogLeNet has a top-5 error of 6.67"),
    (["ResNet-152", "NASNet-A Large", "LeNet-5"], "never tested on ImageNet"),
    (["ResNet", "NASNet-A Large"], "not a network of the table"),
    ("ResNet-152", "Give a list"),
])
def test_beat_human_hints(wrong, text):
    expect_hint("11.4", wrong, text)


# ------------------------------------------------------------------ 11.5
def test_reuse_is_the_number_of_output_positions():
    shape, params = keras_conv1()
    positions = shape[1] * shape[2]
    macs = positions * shape[3] * 11 * 11 * 3
    assert macs // (11 * 11 * 3 * 96) == positions == 3025
    run("11.5", positions)


@pytest.mark.parametrize("wrong, text", [
    (55, "side of the output"), (290_400, "only at that filter's"),
    (227 * 227, "4 pixels at a time"), (1, "Dense layer's weight"),
    (105_415_200, "total multiply–accumulates"), (105_415_200 / 34_944, "biases included"),
    (3000, "too small"),
])
def test_reuse_hints(wrong, text):
    expect_hint("11.5", wrong, text)
