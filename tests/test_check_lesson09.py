"""Lesson 09 question bank: right answers pass, each known mistake gets its hint."""
import numpy as np
import pytest

from cnnlab.check.registry import load_bank

from check_util import expect_hint, run

BANK = load_bank("09")


def dropout(x, rate, rng, training=True):
    if not training:
        return x
    keep = rng.random(np.shape(x)) >= rate
    return np.where(keep, x / (1 - rate), 0.0)


def test_09_1_reference_agrees_with_keras_and_passes():
    keras = pytest.importorskip("keras")
    x = np.random.default_rng(0).uniform(0.5, 2, (200, 50)).astype("float32")
    ours = dropout(x, 0.3, np.random.default_rng(0))
    theirs = keras.ops.convert_to_numpy(keras.layers.Dropout(0.3, seed=0)(x, training=True))
    # the same values where kept: x / (1 - rate); about the same fraction dropped
    for out in (ours, theirs):
        kept = out != 0
        np.testing.assert_allclose(out[kept], x[kept] / 0.7, rtol=1e-5)
        assert abs((~kept).mean() - 0.3) < 0.02
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(keras.layers.Dropout(0.3)(x, training=False)), x)
    run("09.1", dropout)
    from cnnlab.ops import dropout as ops_dropout
    run("09.1", ops_dropout)


def test_09_1_hints():
    def unscaled(x, rate, rng, training=True):
        return np.where(rng.random(x.shape) >= rate, x, 0.0) if training else x

    def scaled_at_inference(x, rate, rng, training=True):
        return dropout(x, rate, rng) if training else x * (1 - rate)

    def keep_as_rate(x, rate, rng, training=True):
        return np.where(rng.random(x.shape) < rate, x / (1 - rate), 0.0) if training else x

    def multiplied(x, rate, rng, training=True):
        return np.where(rng.random(x.shape) >= rate, x * (1 - rate), 0.0) if training else x

    def by_rate(x, rate, rng, training=True):
        return np.where(rng.random(x.shape) >= rate, x / rate, 0.0) if training else x

    def in_place(x, rate, rng, training=True):
        if training:
            x[rng.random(x.shape) < rate] = 0.0
            x /= 1 - rate
        return x

    def fixed_seed(x, rate, rng, training=True):
        return dropout(x, rate, np.random.default_rng(0), training)

    expect_hint("09.1", unscaled, "kept units are unchanged")
    expect_hint("09.1", scaled_at_inference, "at inference return x unchanged")
    expect_hint("09.1", keep_as_rate, "keep probability as the drop rate")
    expect_hint("09.1", multiplied, "multiplied by 1 - rate")
    expect_hint("09.1", by_rate, "divided by rate")
    expect_hint("09.1", in_place, "in place")
    expect_hint("09.1", fixed_seed, "same mask")
    expect_hint("09.1", lambda x, rate, rng, training=True: dropout(x, 2 * rate, rng, training),
                "about 20% should be 0")
    expect_hint("09.1", lambda x, rate, rng, training=True: dropout(x, rate, rng),
                "At inference dropout does nothing")
    expect_hint("09.1", lambda x, rate, rng, training=True: x, "dropped no unit")


def test_09_2_reference_and_hints():
    p, v = 0.2, 4.0
    # the reference, by simulation: kept units output v/(1-p), the mean stays v
    out = dropout(np.full(100_000, v), p, np.random.default_rng(0))
    assert np.unique(out[out > 0]) == pytest.approx([v / (1 - p)])
    assert out.mean() == pytest.approx(v, abs=0.03)
    run("09.2", (5.0, 4.0))
    expect_hint("09.2", (4.0, 4.0), "without scaling")
    expect_hint("09.2", (3.2, 4.0), "multiplied by 1 − p")
    expect_hint("09.2", (20.0, 4.0), "divided by p")
    expect_hint("09.2", (5.0, 5.0), "what a KEPT unit outputs")
    expect_hint("09.2", (5.0, 3.2), "WITHOUT the scaling")
    expect_hint("09.2", 5.0, "two numbers")


def build(where="before_dense", rate=0.5):
    import keras
    from keras import layers
    stack = [keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"),
             layers.MaxPooling2D(2), layers.Conv2D(64, 3, activation="relu"),
             layers.MaxPooling2D(2), layers.Flatten(),
             layers.Dense(10, activation="softmax")]
    spot = {"before_dense": 6, "input": 1, "between": 3, "output": 7, "none": None}[where]
    if spot is not None:
        stack.insert(spot, layers.Dropout(rate))
    return lambda: keras.Sequential(stack)


def test_09_3_reference_and_hints():
    pytest.importorskip("keras")
    model = build()()
    assert model.count_params() == 34826
    run("09.3", build())
    expect_hint("09.3", build("none"), "no Dropout layer")
    expect_hint("09.3", build("input"), "drops input pixels")
    expect_hint("09.3", build("between"), "between the convolution blocks")
    expect_hint("09.3", build("output"), "after the output layer")
    expect_hint("09.3", build(rate=0.2), "rate is 0.2")
