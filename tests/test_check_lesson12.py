"""Lesson 12 question bank: right answers pass, each known mistake gets its intended hint."""
import numpy as np
import pytest

from cnnlab.check.registry import load_bank

from check_util import expect_hint, run

keras = pytest.importorskip("keras")
L = keras.layers
BANK = load_bank("12")


def test_model_questions_get_time_to_build_a_model():
    assert BANK["12.4"].expects == "model" and BANK["12.4"].timeout >= 60


# ------------------------------------------------------------------ 12.1
def dilated_field(dilations, kernel=3):
    field = 1
    for d in dilations:
        field += d * (kernel - 1)
    return field


def test_dilated_field_passes_and_the_course_number():
    run("12.1", dilated_field)
    assert dilated_field([1, 2, 4]) == 15


@pytest.mark.parametrize("dilations, kernel", [([1, 2, 4], 3), ([1, 3, 9], 2), ([2, 2, 2], 3)])
def test_dilated_field_is_the_smallest_input_keras_accepts(dilations, kernel):
    from cnnlab.check.banks.lesson12 import field_12_1
    field = field_12_1(dilations, kernel)
    stack = [L.Conv1D(1, kernel, dilation_rate=d) for d in dilations]
    model = keras.Sequential([keras.Input((field, 1)), *stack])
    assert model.output_shape == (None, 1, 1)
    with pytest.raises(ValueError):
        keras.Sequential([keras.Input((field - 1, 1)), *[
            L.Conv1D(1, kernel, dilation_rate=d) for d in dilations]])


@pytest.mark.parametrize("wrong, text", [
    (lambda d, k=3: sum(x * (k - 1) + 1 for x in d), "added the spans"),
    (lambda d, k=3: 1 + len(d) * (k - 1), "ignores the dilation"),
    (lambda d, k=3: d[-1] * (k - 1) + 1, "last layer alone"),
    (lambda d, k=3: sum(x * (k - 1) for x in d), "Off by one"),
    (lambda d, k=3: k ** len(d), "routes"),
])
def test_dilated_field_hints(wrong, text):
    expect_hint("12.1", wrong, text)


# ------------------------------------------------------------------ 12.2
def test_separable_counts_are_keras_counts():
    sep, std = L.SeparableConv2D(32, 3), L.Conv2D(32, 3)
    keras.Sequential([keras.Input((32, 32, 16)), sep])
    keras.Sequential([keras.Input((32, 32, 16)), std])
    run("12.2", (sep.count_params(), std.count_params()))
    run("12.2", [688, 4640])


@pytest.mark.parametrize("wrong, text", [
    ((656, 4608), "without biases"), ((4640, 688), "swapped"),
    ((704, 4640), "no bias in its depthwise step"), ((672, 4640), "not to the 16 depthwise"),
    ((4640 + 512, 4640), "one 3×3 filter per input channel"),
    ((176, 4640), "only the depthwise step"), ((688, 4608), "biases too"),
    ((688, 320), "spans all 16 input channels"), ((688, (3 * 3 + 1) * 16), "all 16 input"), ((688,), "pair"), ((688, "4640"), "numbers"),
    ((700, 4640), "not the separable count"),
])
def test_separable_count_hints(wrong, text):
    expect_hint("12.2", wrong, text)


# ------------------------------------------------------------------ 12.3
def transposed_out(size, kernel, stride=1, padding=0, output_padding=0):
    return (size - 1) * stride + kernel - 2 * padding + output_padding


def test_transposed_out_passes():
    run("12.3", transposed_out)


def test_transposed_formula_is_keras_without_padding():
    from cnnlab.check.banks.lesson12 import CASES_12_3, out_12_3
    for case in CASES_12_3:
        n, k, s, p, q = (*case, 1, 0, 0)[:5] if len(case) < 5 else case
        if p:
            continue                       # Keras has no integer padding here
        layer = L.Conv2DTranspose(1, k, strides=s, padding="valid", output_padding=q)
        assert layer.compute_output_shape((None, n, n, 1))[1] == out_12_3(n, k, s, 0, q)


def test_transposed_padding_crops_the_valid_output():
    """An integer padding p crops p pixels off each side of Keras' 'valid' output."""
    from cnnlab.check.banks.lesson12 import out_12_3
    x = np.random.default_rng(0).random((1, 4, 4, 1)).astype("float32")
    w = np.random.default_rng(1).random((4, 4, 1, 1)).astype("float32")
    full = keras.ops.convert_to_numpy(keras.ops.conv_transpose(x, w, 2, padding="valid"))
    assert full[:, 1:-1, 1:-1].shape[1] == out_12_3(4, 4, 2, 1) == 8


@pytest.mark.parametrize("wrong, text", [
    (lambda n, k, s=1, p=0, q=0: n * s, "padding='same'"),
    (lambda n, k, s=1, p=0, q=0: (n + 2 * p - k) // s + 1, "ordinary convolution"),
    (lambda n, k, s=1, p=0, q=0: (n - 1) * s + k + q, "`padding` is ignored"),
    (lambda n, k, s=1, p=0, q=0: (n - 1) * s + k + 2 * p + q, "subtract 2p, don't add"),
    (lambda n, k, s=1, p=0, q=0: (n - 1) * s + k - 2 * p, "`output_padding`"),
    (lambda n, k, s=1, p=0, q=0: n * s + k - 2 * p + q, "Off by s"),
])
def test_transposed_out_hints(wrong, text):
    expect_hint("12.3", wrong, text)


# ------------------------------------------------------------------ 12.4
def skip_net(merge="concat", up="transpose", skip_from="conv", up_kernel=2,
             activation="sigmoid", bias=True):
    inputs = keras.Input((16, 16, 1))
    features = L.Conv2D(8, 3, padding="same", activation="relu", use_bias=bias)(inputs)
    x = L.MaxPooling2D(2)(features)
    x = L.Conv2D(16, 3, padding="same", activation="relu", use_bias=bias)(x)
    if up == "transpose":
        x = L.Conv2DTranspose(8, up_kernel, strides=2, padding="same", use_bias=bias)(x)
    else:
        x = L.Conv2D(8, 1, use_bias=bias)(L.UpSampling2D(2)(x))
    skipped = features if skip_from == "conv" else inputs
    if merge == "concat":
        x = L.Concatenate()([x, skipped])
    elif merge == "add":
        x = L.Add()([x, skipped])
    return keras.Model(inputs, L.Conv2D(1, 1, activation=activation, use_bias=bias)(x))


def test_skip_net_passes():
    from cnnlab.check.banks.lesson12 import PARAMS_12_4, skip_net_12_4
    run("12.4", skip_net_12_4)
    run("12.4", skip_net)
    assert skip_net().count_params() == PARAMS_12_4 == 1785


@pytest.mark.parametrize("wrong, text", [
    (lambda: skip_net(merge="none"), "no skip connection"),
    (lambda: skip_net(merge="add"), "not Add"),
    (lambda: skip_net(up="upsampling"), "learnable"),
    (lambda: skip_net(skip_from="input"), "encoder's first Conv2D"),
    (lambda: skip_net(up_kernel=3), "2×2 kernel"),
    (lambda: skip_net(activation=None), "sigmoid"),
    (lambda: skip_net(bias=False), "biases"),
])
def test_skip_net_hints(wrong, text):
    expect_hint("12.4", wrong, text)


def test_skip_net_shape_hint():
    def no_upsampling():
        inputs = keras.Input((16, 16, 1))
        x = L.MaxPooling2D(2)(L.Conv2D(8, 3, padding="same")(inputs))
        return keras.Model(inputs, L.Conv2D(1, 1, activation="sigmoid")(x))
    expect_hint("12.4", no_upsampling, "output shape")
