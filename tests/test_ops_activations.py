"""cnnlab.ops.activations and gradcheck against keras.ops, keras.layers.Dropout,
binomial statistics and TensorFlow gradients."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from cnnlab.ops import dropout, numerical_gradient, relu, softmax

RNG = np.random.default_rng(99)


def test_relu_matches_keras():
    x = RNG.standard_normal((4, 5, 6)).astype("float32")
    got = relu(x)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, keras.ops.convert_to_numpy(keras.ops.relu(x)))


@pytest.mark.parametrize("shape,axis", [((7,), -1), ((3, 10), -1), ((3, 10), 0),
                                        ((2, 3, 4, 5), 1), ((2, 3, 4, 5), -2)])
def test_softmax_matches_keras(shape, axis):
    x = RNG.standard_normal(shape) * 5
    expected = keras.ops.convert_to_numpy(keras.ops.softmax(x, axis=axis))
    got = softmax(x, axis=axis)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(got.sum(axis=axis), 1.0, rtol=1e-12)


def test_softmax_is_stable_for_huge_logits():
    x = np.array([[1000.0, 999.0, -1000.0], [-1e4, -1e4 + 1.0, -1e4 + 2.0]])
    got = softmax(x)
    assert np.isfinite(got).all()
    np.testing.assert_allclose(
        got, keras.ops.convert_to_numpy(keras.ops.softmax(x)), rtol=1e-6, atol=1e-12)


def test_softmax_bad_axis():
    with pytest.raises(ValueError, match=r"`axis` must be an integer in \[-2, 1\]"):
        softmax(np.zeros((2, 3)), axis=2)


# -- dropout ---------------------------------------------------------------------

@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_dropout_preserves_the_mean(rate):
    n = 1_000_000
    y = dropout(np.ones(n), rate, np.random.default_rng(7))
    kept = np.count_nonzero(y)
    # kept ~ Binomial(n, 1 - rate): allow 5 standard deviations
    sd = np.sqrt(n * rate * (1 - rate))
    assert abs(kept - n * (1 - rate)) < 5 * sd
    assert abs(y.mean() - 1.0) < 5 * sd / n / (1 - rate)


def test_dropout_values_match_keras_dropout_layer():
    x = RNG.standard_normal((64, 32)).astype("float32")
    theirs = keras.ops.convert_to_numpy(keras.layers.Dropout(0.25, seed=1)(x, training=True))
    ours = dropout(x, 0.25, np.random.default_rng(1))
    for y in (theirs, ours):          # every unit is 0 or x / (1 - rate)
        kept = y != 0
        np.testing.assert_allclose(y[kept], x[kept] / 0.75, rtol=1e-6)
    assert ours.dtype == theirs.dtype == np.float32


def test_dropout_identities():
    x = RNG.standard_normal((3, 4)).astype("float32")
    np.testing.assert_array_equal(dropout(x, 0.0, np.random.default_rng(0)), x)
    assert dropout(x, 0.5, np.random.default_rng(0), training=False) is x
    keras_inference = keras.layers.Dropout(0.5)(x, training=False)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(keras_inference), x)


def test_dropout_is_reproducible_with_the_same_generator_seed():
    a = dropout(np.ones(100), 0.5, np.random.default_rng(3))
    b = dropout(np.ones(100), 0.5, np.random.default_rng(3))
    c = dropout(np.ones(100), 0.5, np.random.default_rng(4))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5, "0.5", True, None])
def test_dropout_bad_rate(rate):
    with pytest.raises(ValueError) as err:
        dropout(np.ones(3), rate, np.random.default_rng(0))
    assert str(err.value) == f"`rate` must be a number in [0, 1). Received: rate={rate!r}."


def test_dropout_bad_rng():
    with pytest.raises(TypeError, match="`rng` must be a numpy.random.Generator"):
        dropout(np.ones(3), 0.5, 0)


# -- numerical gradient ----------------------------------------------------------

def test_numerical_gradient_matches_tensorflow():
    x = RNG.standard_normal((3, 4))
    c = RNG.standard_normal((3, 4))

    def f(a):
        return float(np.sum(softmax(np.sin(a)) * c))

    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = tf.reduce_sum(tf.nn.softmax(tf.sin(xt)) * c)
    np.testing.assert_allclose(numerical_gradient(f, x), tape.gradient(loss, xt).numpy(),
                               rtol=1e-7, atol=1e-9)


def test_numerical_gradient_does_not_modify_x():
    x = np.array([1.0, 2.0])
    numerical_gradient(lambda a: float(np.sum(a ** 3)), x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_numerical_gradient_errors():
    with pytest.raises(ValueError, match=r"`f` must return a scalar\. Received: f\(x\) "
                                         r"of shape \(2,\)\."):
        numerical_gradient(lambda a: a * 2, np.ones(2))
    with pytest.raises(ValueError, match=r"`eps` must be a number > 0\. Received: eps=0\."):
        numerical_gradient(np.sum, np.ones(2), eps=0)
