"""cnnlab.ops.batch_norm / batch_norm_backward against keras.layers.BatchNormalization
(outputs in both modes, moving statistics, parameter counts) and GradientTape, in float64."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from cnnlab.ops import batch_norm, batch_norm_backward, numerical_gradient

RNG = np.random.default_rng(16)
SHAPES = [(8, 5), (4, 6, 7, 3), (2, 3, 3, 4), (5, 2, 6)]


def keras_bn(shape, momentum=0.99, epsilon=1e-3, seed=0):
    """A float64 Keras layer with random gamma, beta and moving statistics."""
    layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=epsilon,
                                            dtype="float64")
    layer.build(shape)
    rng = np.random.default_rng(seed)
    c = shape[-1]
    values = {"gamma": rng.uniform(0.5, 2, c), "beta": rng.normal(0, 1, c),
              "moving_mean": rng.normal(0, 1, c), "moving_variance": rng.uniform(0.5, 3, c)}
    for name, value in values.items():
        getattr(layer, name).assign(value)
    return layer, values


def np_(t):
    return keras.ops.convert_to_numpy(t)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("momentum,epsilon", [(0.99, 1e-3), (0.9, 1e-5), (0.0, 0.1)])
def test_training_mode_matches_keras_output_and_moving_statistics(shape, momentum, epsilon):
    x = RNG.normal(2.0, 3.0, shape)
    layer, v = keras_bn(shape, momentum, epsilon)
    expected = np_(layer(x, training=True))
    y, mean, var = batch_norm(x, v["gamma"], v["beta"], v["moving_mean"],
                              v["moving_variance"], training=True, momentum=momentum,
                              epsilon=epsilon)
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(mean, np_(layer.moving_mean), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(var, np_(layer.moving_variance), rtol=1e-12, atol=1e-14)
    assert y.dtype == np.float64


@pytest.mark.parametrize("shape", SHAPES)
def test_inference_mode_matches_keras_and_keeps_the_statistics(shape):
    x = RNG.normal(-1.0, 2.0, shape)
    layer, v = keras_bn(shape, seed=3)
    expected = np_(layer(x, training=False))
    y, mean, var = batch_norm(x, v["gamma"], v["beta"], v["moving_mean"],
                              v["moving_variance"])
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(mean, v["moving_mean"])
    np.testing.assert_array_equal(var, v["moving_variance"])
    np.testing.assert_array_equal(np_(layer.moving_mean), v["moving_mean"])


def test_several_training_calls_track_keras_moving_averages():
    shape = (6, 4, 4, 3)
    layer, v = keras_bn(shape, momentum=0.8, seed=5)
    mean, var = v["moving_mean"], v["moving_variance"]
    for step in range(5):
        x = RNG.normal(step, 1 + step, shape)
        layer(x, training=True)
        _, mean, var = batch_norm(x, v["gamma"], v["beta"], mean, var, training=True,
                                  momentum=0.8)
    np.testing.assert_allclose(mean, np_(layer.moving_mean), rtol=1e-12)
    np.testing.assert_allclose(var, np_(layer.moving_variance), rtol=1e-12)


def test_biased_variance_not_bessel():
    x = np.array([[0.0], [2.0]])
    _, _, var = batch_norm(x, [1.0], [0.0], [0.0], [0.0], training=True, momentum=0.0)
    assert var[0] == pytest.approx(1.0)          # unbiased would be 2.0
    assert np.var(x) == 1.0 and np.var(x, ddof=1) == 2.0


@pytest.mark.parametrize("shape", SHAPES)
def test_backward_matches_gradient_tape(shape):
    x = RNG.normal(1.0, 2.0, shape)
    dy = RNG.normal(0.0, 1.0, shape)
    layer, v = keras_bn(shape, seed=7)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = tf.reduce_sum(layer(xt, training=True) * dy)
    dx_k, dgamma_k, dbeta_k = tape.gradient(loss, [xt, layer.gamma, layer.beta])
    dx, dgamma, dbeta = batch_norm_backward(dy, x, v["gamma"])
    np.testing.assert_allclose(dx, np_(dx_k), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dgamma, np_(dgamma_k), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dbeta, np_(dbeta_k), rtol=1e-10, atol=1e-12)


def test_backward_matches_finite_differences():
    x = RNG.normal(0.0, 1.0, (3, 2, 2, 2))
    dy = RNG.normal(0.0, 1.0, x.shape)
    gamma = np.array([1.5, 0.7])

    def loss(x_):
        return float((batch_norm(x_, gamma, [0.1, -0.2], [0, 0], [1, 1], training=True)[0]
                      * dy).sum())

    dx, _, _ = batch_norm_backward(dy, x, gamma)
    np.testing.assert_allclose(dx, numerical_gradient(loss, x), rtol=1e-5, atol=1e-8)


def test_batch_of_one_outputs_beta_in_training_mode():
    layer, v = keras_bn((1, 4), seed=2)
    x = RNG.normal(5.0, 3.0, (1, 4))
    ours = batch_norm(x, v["gamma"], v["beta"], v["moving_mean"], v["moving_variance"],
                      training=True)[0]
    np.testing.assert_allclose(ours, v["beta"][None], atol=1e-12)
    np.testing.assert_allclose(np_(layer(x, training=True)), ours, atol=1e-12)


def test_four_c_parameters_two_c_trainable_as_keras_counts():
    for c in (1, 16, 64):
        layer = keras.layers.BatchNormalization()
        layer.build((None, 8, 8, c))
        assert layer.count_params() == 4 * c
        assert sum(int(np.prod(w.shape)) for w in layer.trainable_weights) == 2 * c
        assert sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights) == 2 * c


def test_float32_input_gives_float32():
    x = RNG.normal(size=(4, 3)).astype("float32")
    y, m, var = batch_norm(x, np.ones(3), np.zeros(3), np.zeros(3), np.ones(3), training=True)
    assert y.dtype == m.dtype == var.dtype == np.float32


def test_bad_arguments():
    ones = np.ones(3)
    with pytest.raises(ValueError, match=r"`gamma` must have shape \(3,\)"):
        batch_norm(np.ones((2, 3)), np.ones(2), ones, ones, ones)
    with pytest.raises(ValueError, match="`momentum` must be a number in \\[0, 1\\]"):
        batch_norm(np.ones((2, 3)), ones, ones, ones, ones, momentum=1.5)
    with pytest.raises(ValueError, match="`epsilon` must be a number >= 0"):
        batch_norm(np.ones((2, 3)), ones, ones, ones, ones, epsilon=-1)
    with pytest.raises(ValueError, match="`x` must have a batch axis"):
        batch_norm(np.ones(3), ones, ones, ones, ones)
    with pytest.raises(ValueError, match="`dy` must have the shape of x"):
        batch_norm_backward(np.ones((2, 2)), np.ones((2, 3)), ones)
