"""Parameter and MAC counts of cnnlab.arith against Keras and published figures."""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cnnlab.arith import (batchnorm_params, conv_macs, conv_params, dense_macs,
                          dense_params, depthwise_params, separable_params)

keras = pytest.importorskip("keras")

SETTINGS = settings(max_examples=60, deadline=None)
kernels = st.tuples(st.integers(1, 7), st.integers(1, 7))
channels = st.integers(1, 64)


def count(layer, input_shape):
    """Build ``layer`` on ``input_shape`` and return (total, trainable, non-trainable)."""
    layer.build((None, *input_shape))
    trainable = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
    non_trainable = sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights)
    return layer.count_params(), trainable, non_trainable


@SETTINGS
@given(kernel=kernels, c_in=channels, filters=channels, bias=st.booleans())
def test_conv_params_match_keras(kernel, c_in, filters, bias):
    layer = keras.layers.Conv2D(filters, kernel, use_bias=bias)
    assert conv_params(kernel, c_in, filters, bias) == count(layer, (16, 16, c_in))[0]


@SETTINGS
@given(n_in=st.integers(1, 5000), n_out=st.integers(1, 500), bias=st.booleans())
def test_dense_params_match_keras(n_in, n_out, bias):
    layer = keras.layers.Dense(n_out, use_bias=bias)
    assert dense_params(n_in, n_out, bias) == count(layer, (n_in,))[0]


@SETTINGS
@given(c=st.integers(1, 2048))
def test_batchnorm_params_match_keras(c):
    _, trainable, non_trainable = count(keras.layers.BatchNormalization(), (4, 4, c))
    assert batchnorm_params(c) == (trainable, non_trainable)


@SETTINGS
@given(kernel=kernels, c=channels, bias=st.booleans())
def test_depthwise_params_match_keras(kernel, c, bias):
    layer = keras.layers.DepthwiseConv2D(kernel, use_bias=bias)
    assert depthwise_params(kernel, c, bias) == count(layer, (16, 16, c))[0]


@SETTINGS
@given(kernel=kernels, c_in=channels, filters=channels, bias=st.booleans())
def test_separable_params_match_keras(kernel, c_in, filters, bias):
    layer = keras.layers.SeparableConv2D(filters, kernel, use_bias=bias)
    assert separable_params(kernel, c_in, filters, bias) == count(layer, (16, 16, c_in))[0]


def test_course_parameter_facts():
    assert depthwise_params(3, 32, bias=False) == 9 * 32              # 9*C
    assert conv_params(1, 32, 10) == 32 * 10 + 10                      # 1x1: 32F + F
    assert dense_params(7 * 7 * 512, 4096) == 102_764_544              # VGG16 fc1
    assert dense_params(64 * 22 * 22, 1) == 30_977
    assert sum(batchnorm_params(10)) == 40                             # 4C, 2C frozen
    # three 3x3 convolutions against one 7x7 (C channels in and out, no bias)
    c = 16
    assert 3 * conv_params(3, c, c, bias=False) == 27 * c * c
    assert conv_params(7, c, c, bias=False) == 49 * c * c
    assert 2 * conv_params(3, c, c, bias=False) == 18 * c * c
    assert conv_params(5, c, c, bias=False) == 25 * c * c
    # depthwise separable, 16 in, 32 out
    assert separable_params(3, 16, 32, bias=False) == 3 * 3 * 16 + 16 * 32


# -- MACs ----------------------------------------------------------------------------

def macs_by_convolving_ones(input_shape, kernel, filters, stride, dilation):
    """Count the products a 'valid' Keras convolution does: conv(ones, ones) sums them."""
    x = np.ones((1, *input_shape), "float32")
    w = np.ones((*kernel, input_shape[-1], filters), "float32")
    y = keras.ops.conv(x, w, strides=stride, padding="valid", dilation_rate=dilation)
    return int(round(float(keras.ops.sum(y))))


@SETTINGS
@given(h=st.integers(1, 20), w=st.integers(1, 20), c=st.integers(1, 8),
       kernel=st.tuples(st.integers(1, 4), st.integers(1, 4)), filters=st.integers(1, 8),
       stride=st.integers(1, 3), dilation=st.integers(1, 2))
def test_conv_macs_equal_the_products_a_keras_conv_does(h, w, c, kernel, filters, stride,
                                                        dilation):
    assume(stride == 1 or dilation == 1)
    assume(dilation * (kernel[0] - 1) < h and dilation * (kernel[1] - 1) < w)
    expected = macs_by_convolving_ones((h, w, c), kernel, filters, stride, dilation)
    assert conv_macs((h, w, c), kernel, filters, stride, "valid", dilation) == expected


def test_same_padding_counts_the_padded_taps_too():
    # with "same" some taps multiply padded zeros: conv(ones, ones) counts fewer
    real = int(float(keras.ops.sum(keras.ops.conv(np.ones((1, 8, 8, 2), "float32"),
                                                  np.ones((3, 3, 2, 4), "float32"),
                                                  padding="same"))))
    assert real < conv_macs((8, 8, 2), 3, 4, padding="same") == 8 * 8 * 4 * 9 * 2


def test_dense_macs_equal_keras_matmul_products():
    x = np.ones((1, 300), "float32")
    w = np.ones((300, 7), "float32")
    assert dense_macs(300, 7) == int(float(keras.ops.sum(keras.ops.matmul(x, w))))


def test_inception_bottleneck_figures_from_the_course():
    assert conv_macs((28, 28, 192), 5, 32, padding="same") == 120_422_400
    assert conv_macs((28, 28, 192), 1, 16) == 2_408_448
    assert conv_macs((28, 28, 16), 5, 32, padding="same") == 10_035_200


@pytest.mark.parametrize("call, argument", [
    (lambda: conv_params(3, 0, 8), "in_channels"),
    (lambda: conv_params(3, 1, 8, bias="yes"), "bias"),
    (lambda: conv_params((3, 0), 1, 8), "kernel"),
    (lambda: dense_params(10, -1), "out_features"),
    (lambda: batchnorm_params(2.5), "channels"),
    (lambda: depthwise_params(3, True), "channels"),
    (lambda: separable_params(3, 4, 0), "filters"),
    (lambda: conv_macs((28, 28), 3, 8), "input_shape"),
    (lambda: conv_macs((28, 28, 1), 3, 8, padding="full"), "padding"),
    (lambda: dense_macs(0, 3), "in_features"),
])
def test_bad_values_raise_value_error_naming_the_argument(call, argument):
    with pytest.raises(ValueError, match=f"`{argument}`"):
        call()
