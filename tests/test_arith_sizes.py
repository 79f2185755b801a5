"""Output sizes and receptive fields of cnnlab.arith against Keras itself."""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cnnlab.arith import (conv_output_shape, conv_output_size, receptive_field,
                          transposed_conv_output_size)

keras = pytest.importorskip("keras")

SETTINGS = settings(max_examples=60, deadline=None)
sizes = st.integers(1, 64)
kernels = st.integers(1, 7)
strides = st.integers(1, 4)
dilations = st.integers(1, 3)
paddings = st.sampled_from(["valid", "same"])


def keras_conv_hw(h, w, kernel, stride, padding, dilation):
    layer = keras.layers.Conv2D(2, kernel, strides=stride, padding=padding,
                                dilation_rate=dilation)
    return tuple(layer.compute_output_shape((None, h, w, 3))[1:3])


def fits(size, kernel, dilation):
    return dilation * (kernel - 1) + 1 <= size


@SETTINGS
@given(h=sizes, w=sizes, kh=kernels, kw=kernels, stride=strides,
       dilation=dilations, padding=paddings)
def test_conv_output_size_matches_keras_conv2d(h, w, kh, kw, stride, dilation, padding):
    assume(stride == 1 or dilation == 1)          # Keras forbids both > 1
    if padding == "valid":
        assume(fits(h, kh, dilation) and fits(w, kw, dilation))
    expected = keras_conv_hw(h, w, (kh, kw), stride, padding, dilation)
    assert conv_output_size((h, w), (kh, kw), stride, padding, dilation) == expected
    assert conv_output_size(h, kh, stride, padding, dilation) == expected[0]


@SETTINGS
@given(size=st.integers(4, 40), stride=st.integers(2, 4), kernel=kernels)
def test_same_padding_with_strides_is_keras_ceil(size, stride, kernel):
    expected = keras_conv_hw(size, size, kernel, stride, "same", 1)
    assert conv_output_size(size, kernel, stride, "same") == expected[0]


@SETTINGS
@given(size=sizes, pool=st.integers(1, 5), stride=strides, padding=paddings)
def test_pooling_size_matches_keras_maxpooling2d(size, pool, stride, padding):
    if padding == "valid":
        assume(pool <= size)
    layer = keras.layers.MaxPooling2D(pool, strides=stride, padding=padding)
    expected = layer.compute_output_shape((None, size, size, 3))[1]
    assert conv_output_size(size, pool, stride, padding) == expected


@SETTINGS
@given(size=st.integers(1, 30), pad=st.integers(0, 4), kernel=kernels,
       stride=strides, dilation=dilations)
def test_int_padding_equals_keras_zeropadding_then_valid_conv(size, pad, kernel,
                                                              stride, dilation):
    assume(stride == 1 or dilation == 1)
    assume(fits(size + 2 * pad, kernel, dilation))
    model = keras.Sequential([keras.Input((size, size, 1)), keras.layers.ZeroPadding2D(pad),
                              keras.layers.Conv2D(1, kernel, strides=stride,
                                                  dilation_rate=dilation)])
    assert conv_output_size(size, kernel, stride, pad, dilation) == model.output_shape[1]


def test_conv_output_size_on_a_real_convolution():
    x = np.zeros((1, 23, 17, 2), "float32")
    y = keras.layers.Conv2D(3, (4, 2), strides=3, padding="same")(x)
    assert conv_output_shape((23, 17, 2), (4, 2), 3, 3, "same") == tuple(y.shape[1:])


@SETTINGS
@given(size=st.integers(1, 20), kernel=kernels, stride=strides, dilation=dilations,
       padding=paddings, data=st.data())
def test_transposed_size_matches_keras_conv2dtranspose(size, kernel, stride, dilation,
                                                        padding, data):
    assume(stride == 1 or dilation == 1)
    output_padding = data.draw(st.one_of(st.none(), st.integers(0, stride - 1)))
    layer = keras.layers.Conv2DTranspose(2, kernel, strides=stride, padding=padding,
                                         output_padding=output_padding,
                                         dilation_rate=dilation)
    expected = layer.compute_output_shape((None, size, size, 3))[1]
    got = transposed_conv_output_size(size, kernel, stride, padding, output_padding,
                                      dilation)
    assert got == expected


@SETTINGS
@given(size=st.integers(1, 12), kernel=kernels, stride=strides, data=st.data())
def test_transposed_int_padding_is_keras_valid_then_cropping(size, kernel, stride, data):
    output_padding = data.draw(st.integers(0, stride - 1))
    full = (size - 1) * stride + kernel + output_padding
    pad = data.draw(st.integers(0, (full - 1) // 2))
    model = keras.Sequential([
        keras.Input((size, size, 1)),
        keras.layers.Conv2DTranspose(1, kernel, strides=stride,
                                     output_padding=output_padding),
        keras.layers.Cropping2D(pad)])
    got = transposed_conv_output_size(size, kernel, stride, pad, output_padding)
    assert got == model.output_shape[1]


def test_transposed_conv_runs_to_the_predicted_shape():
    x = np.zeros((1, 7, 5, 2), "float32")
    y = keras.layers.Conv2DTranspose(3, 3, strides=2, padding="same", output_padding=0)(x)
    assert transposed_conv_output_size((7, 5), 3, 2, "same", 0) == tuple(y.shape[1:3])


def test_course_sizes():
    assert conv_output_size(28, 3) == 26                   # classic convnet
    assert conv_output_size(26, 2, stride=2) == 13          # 26x26 -> 13x13 pooling
    assert conv_output_size(28, 3, padding="same") == 28    # "same", s = 1 keeps o = i
    assert conv_output_shape((28, 28, 192), 1, 32) == (28, 28, 32)   # feature pooling


# -- receptive field, measured with gradients through Keras -------------------------

def measured_field(layer_specs, size):
    """Extent of the input pixels output (0, 0) depends on, via tf gradients."""
    import tensorflow as tf

    layers = []
    for kernel, stride, dilation, pooling in layer_specs:
        if pooling:
            layers.append(keras.layers.AveragePooling2D(kernel, strides=stride))
        else:
            layers.append(keras.layers.Conv2D(1, kernel, strides=stride,
                                              dilation_rate=dilation, use_bias=False,
                                              kernel_initializer="ones"))
    model = keras.Sequential([keras.Input((size, size, 1)), *layers])
    x = tf.Variable(np.ones((1, size, size, 1), "float32"))
    with tf.GradientTape() as tape:
        out = model(x)[0, 0, 0, 0]
    grad = tape.gradient(out, x).numpy()[0, :, :, 0]
    rows = np.nonzero(grad.any(axis=1))[0]
    return int(rows.max() - rows.min() + 1)


layer_specs = st.lists(st.tuples(st.integers(1, 4), st.integers(1, 3),
                                 st.integers(1, 2), st.booleans()), min_size=1, max_size=4)


@settings(max_examples=25, deadline=None)
@given(specs=layer_specs)
def test_receptive_field_matches_gradient_extent(specs):
    specs = [(k, s, 1 if (pool or s > 1) else d, pool) for k, s, d, pool in specs]
    result = receptive_field([(k, s, d) for k, s, d, _ in specs])
    field, jump = result[-1]
    size = field + jump * 2              # room for more than one output
    assert measured_field(specs, size) == field


def test_receptive_field_course_facts():
    assert receptive_field([(3, 1)] * 3)[-1] == (7, 1)      # three 3x3 see 7x7
    assert receptive_field([(3, 1)] * 2)[-1] == (5, 1)      # two 3x3 see 5x5
    assert receptive_field([((3, 3), 1)] * 3)[-1] == ((7, 7), (1, 1))


# -- errors name the argument -------------------------------------------------------

@pytest.mark.parametrize("call, argument", [
    (lambda: conv_output_size(0, 3), "size"),
    (lambda: conv_output_size(28, 0), "kernel"),
    (lambda: conv_output_size(28, 3, stride=0), "stride"),
    (lambda: conv_output_size(28, 3, dilation=-1), "dilation"),
    (lambda: conv_output_size(28, 3.0), "kernel"),
    (lambda: conv_output_size(28, True), "kernel"),
    (lambda: conv_output_size(28, (3, 3, 3)), "kernel"),
    (lambda: conv_output_size(28, 3, padding="full"), "padding"),
    (lambda: conv_output_size(28, 3, padding=-1), "padding"),
    (lambda: conv_output_size(4, 5), "kernel"),
    (lambda: conv_output_size(5, 3, dilation=3), "kernel"),
    (lambda: transposed_conv_output_size(4, 3, stride=2, output_padding=2), "output_padding"),
    (lambda: transposed_conv_output_size(4, 3, output_padding=-1), "output_padding"),
    (lambda: transposed_conv_output_size(1, 1, padding=1), "padding"),
    (lambda: conv_output_shape((28, 28), 3, 8), "input_shape"),
    (lambda: conv_output_shape((28, 28, 1), 3, 0), "filters"),
    (lambda: receptive_field([(3,)]), "layers"),
    (lambda: receptive_field(3), "layers"),
    (lambda: receptive_field([(3, 0)]), "stride"),
])
def test_bad_values_raise_value_error_naming_the_argument(call, argument):
    with pytest.raises(ValueError, match=f"`{argument}`") as info:
        call()
    assert "Received:" in str(info.value)


def test_keras_also_rejects_a_kernel_larger_than_the_input():
    with pytest.raises(ValueError):
        keras_conv_hw(4, 4, 5, 1, "valid", 1)
    with pytest.raises(ValueError, match="`kernel`"):
        conv_output_size(4, 5)
