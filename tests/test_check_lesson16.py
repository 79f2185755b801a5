"""Lesson 16 question bank: right answers pass, each known mistake gets its hint."""
import numpy as np
import pytest

from cnnlab.check.registry import load_bank

from check_util import expect_hint, run

BANK = load_bank("16")


def bn_forward(x, gamma, beta, epsilon=1e-3):
    axes = tuple(range(x.ndim - 1))
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    return (x - mean) / np.sqrt(var + epsilon) * gamma + beta


def test_16_1_reference_agrees_with_keras_and_passes():
    keras = pytest.importorskip("keras")
    x = np.random.default_rng(0).normal(1, 2, (6, 3, 3, 4))
    layer = keras.layers.BatchNormalization(dtype="float64", epsilon=1e-3)
    expected = keras.ops.convert_to_numpy(layer(x, training=True))
    np.testing.assert_allclose(bn_forward(x, np.ones(4), np.zeros(4)), expected, atol=1e-10)
    run("16.1", bn_forward)
    from cnnlab.ops import batch_norm
    run("16.1", lambda x, g, b, epsilon=1e-3: batch_norm(
        x, g, b, np.zeros(x.shape[-1]), np.ones(x.shape[-1]), True, epsilon=epsilon)[0])


def test_16_1_hints():
    def bessel(x, gamma, beta, epsilon=1e-3):
        axes = tuple(range(x.ndim - 1))
        return (x - x.mean(axes)) / np.sqrt(x.var(axes, ddof=1) + epsilon) * gamma + beta

    def per_sample(x, gamma, beta, epsilon=1e-3):
        m, v = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
        return (x - m) / np.sqrt(v + epsilon) * gamma + beta

    def axis0(x, gamma, beta, epsilon=1e-3):
        return (x - x.mean(0)) / np.sqrt(x.var(0) + epsilon) * gamma + beta

    def plain(x, gamma, beta, epsilon=1e-3):
        axes = tuple(range(x.ndim - 1))
        return (x - x.mean(axes)) / np.sqrt(x.var(axes) + epsilon)

    def eps_out(x, gamma, beta, epsilon=1e-3):
        axes = tuple(range(x.ndim - 1))
        return (x - x.mean(axes)) / (x.std(axes) + epsilon) * gamma + beta

    def by_var(x, gamma, beta, epsilon=1e-3):
        axes = tuple(range(x.ndim - 1))
        return (x - x.mean(axes)) / (x.var(axes) + epsilon) * gamma + beta

    expect_hint("16.1", bessel, "biased variance")
    expect_hint("16.1", per_sample, "each sample over its channels")
    expect_hint("16.1", axis0, "batch axis only")
    expect_hint("16.1", plain, "ignores gamma and beta")
    expect_hint("16.1", eps_out, "inside the square root")
    expect_hint("16.1", by_var, "divided by the variance")


def test_16_2_reference_is_keras_count_and_hints():
    keras = pytest.importorskip("keras")
    layer = keras.layers.BatchNormalization()
    layer.build((None, 16, 16, 64))
    trainable = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
    frozen = sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights)
    assert (layer.count_params(), trainable, frozen) == (256, 128, 128)
    run("16.2", (256, 128, 128))
    expect_hint("16.2", (128, 128, 0), "gamma and beta only")
    expect_hint("16.2", (256, 256, 0), "not trained by gradient descent")
    expect_hint("16.2", (256, 64, 192), "Two vectors train")
    expect_hint("16.2", (192, 128, 64), "count the vectors")
    expect_hint("16.2", (64 * 16 * 16 * 4, 0, 0), "one value per channel")
    expect_hint("16.2", (256, 128, 100), "add up to the total")
    expect_hint("16.2", (256, 100, 156), "gamma and beta, 64 each")
    expect_hint("16.2", 256, "three numbers")


def test_16_3_reference_by_training_and_hints():
    keras = pytest.importorskip("keras")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(16, 3, activation="relu", kernel_initializer="zeros"),
        keras.layers.Conv2D(16, 3, activation="relu", kernel_initializer="zeros"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(10, kernel_initializer="zeros")])
    model.compile(keras.optimizers.SGD(0.1),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rng = np.random.default_rng(0)
    model.fit(rng.random((64, 8, 8, 1)), rng.integers(0, 10, 64), epochs=3, verbose=0)
    for layer in model.layers[:2]:
        w = keras.ops.convert_to_numpy(layer.kernel)
        assert len({w[..., i].tobytes() for i in range(16)}) == 1 and not w.any()
    assert keras.ops.convert_to_numpy(model.layers[-1].bias).any()     # output bias learns
    run("16.3", (1, False))
    expect_hint("16.3", (16, True), "stay identical")
    expect_hint("16.3", (16, False), "stay identical")
    expect_hint("16.3", (1, True), "never move")
    expect_hint("16.3", (4, False), "Can anything make two")
    expect_hint("16.3", (1, "no"), "True or False")
    expect_hint("16.3", 1, "two values")
