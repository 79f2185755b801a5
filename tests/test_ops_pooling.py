"""cnnlab.ops.pooling against keras.ops pooling, TensorFlow gradients and
argmax, and the worked example of lesson 02."""
import itertools

import keras
import numpy as np
import pytest
import tensorflow as tf

from cnnlab.ops import (avg_pool2d, avg_pool2d_backward, global_avg_pool2d, max_pool2d,
                        max_pool2d_backward, min_pool2d, numerical_gradient)

RNG = np.random.default_rng(4321)
LESSON_02 = np.array([[12, 20, 30, 0], [8, 12, 2, 0],
                      [34, 70, 37, 4], [112, 100, 25, 12]])

GRID = list(itertools.product([2, 3, (2, 3)], [None, 1, 2, (1, 2)], ["valid", "same"]))


def random_x(n=2, c=3):
    h, w = RNG.integers(5, 12, size=2)
    return RNG.standard_normal((n, h, w, c))


def np_(t):
    return keras.ops.convert_to_numpy(t)


def test_worked_example_of_lesson_02():
    y = max_pool2d(LESSON_02.reshape(1, 4, 4, 1), pool_size=2, strides=2)
    np.testing.assert_array_equal(y[0, :, :, 0], [[20, 30], [112, 37]])


def test_pooling_halves_26_to_13():
    assert max_pool2d(np.zeros((1, 26, 26, 32))).shape == (1, 13, 13, 32)


# -- forward ---------------------------------------------------------------------

@pytest.mark.parametrize("pool,strides,padding", GRID)
def test_max_pool2d_matches_keras(pool, strides, padding):
    x = random_x()
    expected = np_(keras.ops.max_pool(x, pool, strides=strides, padding=padding))
    got = max_pool2d(x, pool, strides, padding)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("pool,strides,padding", GRID)
def test_avg_pool2d_matches_keras(pool, strides, padding):
    # "same": TensorFlow divides by the number of real pixels in each window
    x = random_x()
    expected = np_(keras.ops.average_pool(x, pool, strides=strides, padding=padding))
    got = avg_pool2d(x, pool, strides, padding)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("pool,strides,padding", GRID[::3])
def test_min_pool2d_is_keras_max_pool_of_negated_input(pool, strides, padding):
    x = random_x()
    expected = -np_(keras.ops.max_pool(-x, pool, strides=strides, padding=padding))
    np.testing.assert_allclose(min_pool2d(x, pool, strides, padding), expected,
                               rtol=1e-5, atol=1e-5)


def test_global_avg_pool2d_matches_keras_layer():
    x = random_x().astype("float32")
    expected = np_(keras.layers.GlobalAveragePooling2D()(x))
    np.testing.assert_allclose(global_avg_pool2d(x), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("pad,pool,strides", [(1, 2, 2), (1, 3, 1), (2, 3, 2), (1, (2, 3), 1)])
def test_int_padding_ignores_padded_pixels(pad, pool, strides):
    x = random_x()
    widths = ((0, 0), (pad, pad), (pad, pad), (0, 0))
    expected_max = np_(keras.ops.max_pool(np.pad(x, widths, constant_values=-np.inf),
                                          pool, strides=strides))
    np.testing.assert_allclose(max_pool2d(x, pool, strides, pad), expected_max)
    # average over real pixels only: pooled sums / pooled counts of a mask of ones
    sums = np_(keras.ops.average_pool(np.pad(x, widths), pool, strides=strides))
    counts = np_(keras.ops.average_pool(np.pad(np.ones_like(x), widths), pool,
                                        strides=strides))
    np.testing.assert_allclose(avg_pool2d(x, pool, strides, pad), sums / counts,
                               rtol=1e-5, atol=1e-6)


def test_dtypes():
    assert max_pool2d(LESSON_02.reshape(1, 4, 4, 1)).dtype == LESSON_02.dtype
    assert avg_pool2d(np.ones((1, 4, 4, 1), "float32")).dtype == np.float32
    assert avg_pool2d(LESSON_02.reshape(1, 4, 4, 1)).dtype == np.float64


# -- argmax ----------------------------------------------------------------------

@pytest.mark.parametrize("pool,strides,padding",
                         [(2, None, "valid"), (3, 2, "same"), ((2, 3), 1, "valid"),
                          (3, 1, "same"), (2, 3, "same")])
def test_argmax_points_at_the_unit_tensorflow_picks(pool, strides, padding):
    x = random_x(n=1).astype("float32")
    ph, pw = (pool, pool) if isinstance(pool, int) else pool
    sh, sw = (ph, pw) if strides is None else (strides, strides)
    y, k = max_pool2d(x, pool, strides, padding, return_argmax=True)
    _, tf_index = tf.nn.max_pool_with_argmax(x, (ph, pw), (sh, sw), padding.upper())
    # TensorFlow's index is flat over (H, W, C) of the input
    tf_row = tf_index.numpy() // (x.shape[2] * x.shape[3])
    tf_col = tf_index.numpy() // x.shape[3] % x.shape[2]
    oh, ow = y.shape[1:3]
    pad_top, pad_left = 0, 0
    if padding == "same":        # TensorFlow's rule, the odd pixel at the bottom/right
        pad_top = max((oh - 1) * sh + ph - x.shape[1], 0) // 2
        pad_left = max((ow - 1) * sw + pw - x.shape[2], 0) // 2
    i = np.arange(oh).reshape(1, -1, 1, 1)
    j = np.arange(ow).reshape(1, 1, -1, 1)
    np.testing.assert_array_equal(i * sh - pad_top + k // pw, tf_row)
    np.testing.assert_array_equal(j * sw - pad_left + k % pw, tf_col)


# -- backward --------------------------------------------------------------------

def tf_pool_gradient(fn, x, dy, pool, strides, padding):
    xt = tf.constant(x)
    ph, pw = (pool, pool) if isinstance(pool, int) else pool
    strides = (ph, pw) if strides is None else strides
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = tf.reduce_sum(fn(xt, (ph, pw), strides, padding.upper()) * dy)
    return tape.gradient(loss, xt).numpy()


@pytest.mark.parametrize("pool,strides,padding", GRID)
def test_max_pool2d_backward_matches_tensorflow(pool, strides, padding):
    x = random_x()
    dy = RNG.standard_normal(max_pool2d(x, pool, strides, padding).shape)
    np.testing.assert_allclose(
        max_pool2d_backward(dy, x, pool, strides, padding),
        tf_pool_gradient(tf.nn.max_pool2d, x, dy, pool, strides, padding),
        rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("pool,strides,padding", [(2, None, "valid"), (3, 1, "same"),
                                                  (3, 2, "valid"), ((2, 3), 1, "same")])
def test_max_pool2d_backward_ties_go_to_the_first_max_like_tensorflow(pool, strides, padding):
    x = RNG.integers(0, 3, size=(2, 8, 9, 2)).astype("float64")  # many ties
    dy = RNG.standard_normal(max_pool2d(x, pool, strides, padding).shape)
    np.testing.assert_allclose(
        max_pool2d_backward(dy, x, pool, strides, padding),
        tf_pool_gradient(tf.nn.max_pool2d, x, dy, pool, strides, padding),
        rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("pool,strides,padding", GRID)
def test_avg_pool2d_backward_matches_tensorflow(pool, strides, padding):
    x = random_x()
    dy = RNG.standard_normal(avg_pool2d(x, pool, strides, padding).shape)
    np.testing.assert_allclose(
        avg_pool2d_backward(dy, x, pool, strides, padding),
        tf_pool_gradient(tf.nn.avg_pool2d, x, dy, pool, strides, padding),
        rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("pool,strides,padding", [(2, 1, "same"), (3, 2, 1), ((2, 3), 1, 1)])
def test_pool_backward_matches_central_differences(pool, strides, padding):
    x = RNG.permutation(2 * 6 * 7 * 2).reshape(2, 6, 7, 2) / 10.0   # distinct: no ties
    dy = RNG.standard_normal(avg_pool2d(x, pool, strides, padding).shape)
    for forward, backward in [(max_pool2d, max_pool2d_backward),
                              (avg_pool2d, avg_pool2d_backward)]:
        expected = numerical_gradient(
            lambda a: np.sum(forward(a, pool, strides, padding) * dy), x, eps=1e-4)
        np.testing.assert_allclose(backward(dy, x, pool, strides, padding), expected,
                                   rtol=1e-6, atol=1e-6, err_msg=forward.__name__)


# -- errors ----------------------------------------------------------------------

@pytest.mark.parametrize("call,message", [
    (lambda: max_pool2d(np.zeros((4, 4))),
     "`x` must be a 4-D array of shape (N, H, W, C). Received: x.shape=(4, 4)."),
    (lambda: max_pool2d(np.zeros((1, 4, 4, 1)), pool_size=0),
     "`pool_size` must be an integer >= 1 or a pair (h, w) of them. Received: pool_size=0."),
    (lambda: avg_pool2d(np.zeros((1, 4, 4, 1)), strides=(2, 0)),
     "`strides` must be an integer >= 1 or a pair (h, w) of them. "
     "Received: strides=(2, 0)."),
    (lambda: min_pool2d(np.zeros((1, 4, 4, 1)), padding="full"),
     "`padding` must be 'valid', 'same' or an integer >= 0. Received: padding='full'."),
    (lambda: max_pool2d(np.zeros((1, 4, 4, 1)), pool_size=2, padding=2),
     "`padding` must be smaller than `pool_size` so that every window holds a real "
     "pixel. Received: padding=2, pool_size=2."),
    (lambda: max_pool2d(np.zeros((1, 2, 2, 1)), pool_size=3),
     "The pool window (3x3) is larger than the padded input. "
     "Received: input size 2x2, padding='valid'."),
    (lambda: avg_pool2d_backward(np.zeros((1, 4, 4, 1)), np.zeros((1, 4, 4, 1))),
     "`dy` must have the shape of the output of avg_pool2d, (1, 2, 2, 1). "
     "Received: dy.shape=(1, 4, 4, 1)."),
])
def test_error_texts(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert str(err.value) == message
