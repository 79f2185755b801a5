"""cnnlab.ops.conv / conv_transpose against Keras, TensorFlow gradients,
a naive loop written here, and the worked example of lesson 00."""
import itertools

import keras
import numpy as np
import pytest
import tensorflow as tf

from cnnlab.ops import (conv2d, conv2d_backward, conv2d_transpose, correlate2d,
                        numerical_gradient)

RNG = np.random.default_rng(1234)


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def same_pads(size, k, s, d):
    """TensorFlow's "same" padding, written out from its definition."""
    out = -(-size // s)
    total = max((out - 1) * s + d * (k - 1) + 1 - size, 0)
    return total // 2, total - total // 2


def naive_conv(x, w, stride, padding, dilation):
    """Loop-over-pixels reference: explicit padding, then one window at a time."""
    (sh, sw), (dh, dw) = pair(stride), pair(dilation)
    kh, kw = w.shape[:2]
    if padding == "same":
        ph, pw = same_pads(x.shape[1], kh, sh, dh), same_pads(x.shape[2], kw, sw, dw)
    else:
        p = 0 if padding == "valid" else padding
        ph = pw = (p, p)
    xp = np.pad(x, ((0, 0), ph, pw, (0, 0)))
    oh = (xp.shape[1] - dh * (kh - 1) - 1) // sh + 1
    ow = (xp.shape[2] - dw * (kw - 1) - 1) // sw + 1
    y = np.zeros((x.shape[0], oh, ow, w.shape[3]))
    for i in range(oh):
        for j in range(ow):
            window = xp[:, i * sh:i * sh + dh * (kh - 1) + 1:dh,
                        j * sw:j * sw + dw * (kw - 1) + 1:dw, :]
            y[:, i, j, :] = np.einsum("nuvc,uvcf->nf", window, w)
    return y


def random_case(kernel, c_in=3, c_out=4, n=2):
    kh, kw = pair(kernel)
    h, w = RNG.integers(9, 15, size=2)     # at least the largest dilated kernel
    x = RNG.standard_normal((n, h, w, c_in))
    k = RNG.standard_normal((kh, kw, c_in, c_out))
    return x, k


STRIDES = [1, 2, 3, (1, 2)]
PADDINGS = ["valid", "same"]
DILATIONS = [1, 2, (2, 1)]
KERNELS = [1, 3, (2, 3), (4, 5)]
GRID = list(itertools.product(STRIDES, PADDINGS, DILATIONS, KERNELS))
TF_GRID = [c for c in GRID if pair(c[0]) == (1, 1) or pair(c[2]) == (1, 1)]


# -- the published example -------------------------------------------------------

def test_worked_example_of_lesson_00():
    image = [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1],
             [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]
    kernel = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]
    np.testing.assert_array_equal(correlate2d(image, kernel),
                                  [[4, 3, 4], [2, 4, 3], [2, 3, 4]])


# -- forward ---------------------------------------------------------------------

@pytest.mark.parametrize("stride,padding,dilation,kernel", TF_GRID)
def test_conv2d_matches_keras_ops_conv(stride, padding, dilation, kernel):
    x, w = random_case(kernel)
    expected = keras.ops.convert_to_numpy(keras.ops.conv(
        x, w, strides=stride, padding=padding, dilation_rate=dilation))
    got = conv2d(x, w, strides=stride, padding=padding, dilation_rate=dilation)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("stride,padding,dilation,kernel",
                         GRID + [(s, p, d, 3) for s in (1, 2) for p in (1, 2)
                                 for d in (1, 2)])
def test_conv2d_matches_naive_loop(stride, padding, dilation, kernel):
    # includes stride > 1 together with dilation > 1, which TensorFlow rejects
    x, w = random_case(kernel)
    np.testing.assert_allclose(
        conv2d(x, w, strides=stride, padding=padding, dilation_rate=dilation),
        naive_conv(x, w, stride, padding, dilation), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("pad,stride", [(1, 1), (2, 1), (1, 2), (3, 3)])
def test_int_padding_is_explicit_zero_padding(pad, stride):
    x, w = random_case(3)
    padded = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    expected = keras.ops.convert_to_numpy(keras.ops.conv(padded, w, strides=stride))
    np.testing.assert_allclose(conv2d(x, w, strides=stride, padding=pad), expected,
                               rtol=1e-5, atol=1e-5)


def test_bias_and_float32_match_keras_conv2d_layer():
    x = RNG.standard_normal((2, 9, 9, 3)).astype("float32")
    layer = keras.layers.Conv2D(5, 3, strides=2, padding="same")
    layer.build(x.shape)
    w = layer.get_weights()[0]
    b = RNG.standard_normal(5).astype("float32")
    layer.set_weights([w, b])
    expected = keras.ops.convert_to_numpy(layer(x))
    got = conv2d(x, w, b, strides=2, padding="same")
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


# -- backward --------------------------------------------------------------------

def tf_conv_gradients(dy, x, w, stride, padding, dilation):
    # tf.nn.convolution: tf.nn.conv2d has no CPU gradient for dilation > 1
    xt, wt = tf.constant(x), tf.constant(w)
    with tf.GradientTape() as tape:
        tape.watch([xt, wt])
        if isinstance(padding, int):
            p = [[0, 0], [padding, padding], [padding, padding], [0, 0]]
            y = tf.nn.convolution(tf.pad(xt, p), wt, strides=pair(stride),
                                  padding="VALID", dilations=pair(dilation))
        else:
            y = tf.nn.convolution(xt, wt, strides=pair(stride), padding=padding.upper(),
                                  dilations=pair(dilation))
        loss = tf.reduce_sum(y * dy)
    dx, dw = tape.gradient(loss, [xt, wt])
    return dx.numpy(), dw.numpy(), dy.sum(axis=(0, 1, 2))


@pytest.mark.parametrize("stride,padding,dilation,kernel",
                         TF_GRID + [(2, 1, 1, 3), (1, 2, 2, 3), (3, 1, 1, (2, 3))])
def test_conv2d_backward_matches_tensorflow(stride, padding, dilation, kernel):
    x, w = random_case(kernel)
    dy = RNG.standard_normal(conv2d(x, w, strides=stride, padding=padding,
                                    dilation_rate=dilation).shape)
    got = conv2d_backward(dy, x, w, strides=stride, padding=padding, dilation_rate=dilation)
    expected = tf_conv_gradients(dy, x, w, stride, padding, dilation)
    for name, g, e in zip(("dx", "dw", "db"), got, expected):
        assert g.shape == e.shape, name
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-5, err_msg=name)


@pytest.mark.parametrize("stride,padding,dilation",
                         [(1, "valid", 1), (2, "same", 1), (2, "same", 2),
                          ((2, 3), 1, (2, 1)), (3, "valid", 1), (1, "same", 2)])
def test_conv2d_backward_matches_central_differences(stride, padding, dilation):
    x = RNG.standard_normal((2, 7, 6, 2))
    w = RNG.standard_normal((3, 2, 2, 3))
    b = RNG.standard_normal(3)
    kwargs = dict(strides=stride, padding=padding, dilation_rate=dilation)
    dy = RNG.standard_normal(conv2d(x, w, **kwargs).shape)
    dx, dw, db = conv2d_backward(dy, x, w, **kwargs)
    np.testing.assert_allclose(
        dx, numerical_gradient(lambda a: np.sum(conv2d(a, w, b, **kwargs) * dy), x),
        rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(
        dw, numerical_gradient(lambda a: np.sum(conv2d(x, a, b, **kwargs) * dy), w),
        rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(
        db, numerical_gradient(lambda a: np.sum(conv2d(x, w, a, **kwargs) * dy), b),
        rtol=1e-6, atol=1e-6)


def test_conv2d_backward_float32_stays_float32():
    x, w = (a.astype("float32") for a in random_case(3))
    dy = np.ones(conv2d(x, w).shape, dtype="float32")
    assert {g.dtype for g in conv2d_backward(dy, x, w)} == {np.dtype("float32")}


# -- transposed convolution ------------------------------------------------------

@pytest.mark.parametrize("stride,padding,kernel",
                         itertools.product([1, 2, 3, (2, 1)], ["valid", "same"],
                                           [1, 2, 3, (4, 3)]))
def test_conv2d_transpose_matches_keras_layer(stride, padding, kernel):
    x = RNG.standard_normal((2, 5, 4, 3)).astype("float32")
    layer = keras.layers.Conv2DTranspose(4, kernel, strides=stride, padding=padding,
                                         use_bias=False)
    layer.build(x.shape)
    w = RNG.standard_normal(layer.kernel.shape).astype("float32")
    layer.set_weights([w])
    expected = keras.ops.convert_to_numpy(layer(x))
    got = conv2d_transpose(x, w, strides=stride, padding=padding)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("pad,stride,kernel", [(1, 1, 3), (1, 2, 4), (2, 3, 5)])
def test_conv2d_transpose_int_padding_crops_the_valid_output(pad, stride, kernel):
    x = RNG.standard_normal((1, 4, 5, 2)).astype("float32")
    w = RNG.standard_normal((kernel, kernel, 3, 2)).astype("float32")
    layer = keras.layers.Conv2DTranspose(3, kernel, strides=stride, use_bias=False)
    layer.build(x.shape)
    layer.set_weights([w])
    full = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(conv2d_transpose(x, w, strides=stride, padding=pad),
                               full[:, pad:-pad, pad:-pad, :], rtol=1e-5, atol=1e-5)


# -- errors ----------------------------------------------------------------------

def test_channel_mismatch_error_text():
    with pytest.raises(ValueError) as err:
        conv2d(np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 4, 8)))
    assert str(err.value) == ("`w` must have shape (kh, kw, C_in, C_out) with C_in=3 "
                              "matching x. Received: w.shape=(3, 3, 4, 8).")


@pytest.mark.parametrize("call,message", [
    (lambda: conv2d(np.zeros((5, 5)), np.zeros((3, 3, 1, 1))),
     "`x` must be a 4-D array of shape (N, H, W, C_in). Received: x.shape=(5, 5)."),
    (lambda: conv2d(np.zeros((1, 5, 5, 1)), np.zeros((3, 3))),
     "`w` must be a 4-D array of shape (kh, kw, C_in, C_out). Received: w.shape=(3, 3)."),
    (lambda: conv2d(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), strides=0),
     "`strides` must be an integer >= 1 or a pair (h, w) of them. Received: strides=0."),
    (lambda: conv2d(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), dilation_rate=(1, 0)),
     "`dilation_rate` must be an integer >= 1 or a pair (h, w) of them. "
     "Received: dilation_rate=(1, 0)."),
    (lambda: conv2d(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), padding="full"),
     "`padding` must be 'valid', 'same' or an integer >= 0. Received: padding='full'."),
    (lambda: conv2d(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 2)), b=np.zeros(3)),
     "`b` must have shape (C_out,) = (2,). Received: b.shape=(3,)."),
    (lambda: conv2d(np.zeros((1, 4, 4, 1)), np.zeros((3, 3, 1, 1)), dilation_rate=2),
     "The kernel (3x3, dilation 2x2) is larger than the padded input. "
     "Received: input size 4x4, padding='valid'."),
    (lambda: conv2d_backward(np.zeros((1, 3, 3, 1)), np.zeros((1, 5, 5, 1)),
                             np.zeros((2, 2, 1, 1))),
     "`dy` must have the shape of the output of conv2d, (1, 4, 4, 1). "
     "Received: dy.shape=(1, 3, 3, 1)."),
    (lambda: correlate2d(np.zeros((1, 5, 5)), np.ones((3, 3))),
     "`image` must be a 2-D array of shape (H, W). Received: image.shape=(1, 5, 5)."),
    (lambda: conv2d(np.array([["a"]]).reshape(1, 1, 1, 1), np.ones((1, 1, 1, 1))),
     "`x` must be an array of numbers. Received: x.dtype=<U1."),
    (lambda: conv2d_transpose(np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 3, 4))),
     "`w` must have shape (kh, kw, C_out, C_in) with C_in=3 matching x (the Keras "
     "Conv2DTranspose layout). Received: w.shape=(3, 3, 3, 4)."),
])
def test_error_texts(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert str(err.value) == message
