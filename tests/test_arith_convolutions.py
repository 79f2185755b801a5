"""cnnlab.arith.convolutions against Keras: shapes, parameter counts, receptive fields, MACs."""
import numpy as np
import pytest

from cnnlab.arith import summarize, transposed_conv_output_size
from cnnlab.arith.convolutions import (KINDS, conv_kind_cost, depthwise_macs,
                                       dilated_coverage, dilated_receptive_fields,
                                       dilated_span, separable_macs, separable_saving,
                                       transposed_conv_macs, transposed_conv_output_shape)

keras = pytest.importorskip("keras")
L = keras.layers


def model_of(input_shape, *layers):
    return keras.Sequential([keras.Input(input_shape), *layers])


# ------------------------------------------------------------------ dilation
@pytest.mark.parametrize("kernel, dilation", [(3, 1), (3, 2), (3, 4), (5, 3), (2, 7)])
def test_dilated_span_is_the_smallest_input_keras_accepts(kernel, dilation):
    span = dilated_span(kernel, dilation)
    assert span == dilation * (kernel - 1) + 1
    x = np.zeros((1, span, span + 4, 1), "float32")
    w = np.zeros((kernel, kernel, 1, 1), "float32")
    y = keras.ops.conv(x, w, padding="valid", dilation_rate=dilation)
    assert tuple(y.shape) == (1, 1, 5, 1)


def test_dilated_span_of_pairs():
    layer = L.Conv2D(1, (3, 5), dilation_rate=(2, 3))
    assert dilated_span((3, 5), (2, 3)) == (5, 13)
    assert tuple(layer.compute_output_shape((None, 5, 13, 1))) == (None, 1, 1, 1)


def conv1d_stack(dilations, kernel=3):
    """Conv1D layers with all-ones kernels: outputs count the routes to each input."""
    layers = [L.Conv1D(1, kernel, dilation_rate=d, use_bias=False, kernel_initializer="ones")
              for d in dilations]
    field = dilated_receptive_fields(dilations, kernel)[-1]
    return model_of((field, 1), *layers), field


@pytest.mark.parametrize("dilations, kernel", [
    ([1, 2, 4], 3), ([1, 2, 4, 8], 3), ([2, 2, 2], 3), ([1, 1, 1, 1], 3),
    ([3, 1, 2], 2), ([1, 3, 9], 3), ([1, 2, 5], 5),
])
def test_coverage_counts_routes_like_keras(dilations, kernel):
    model, field = conv1d_stack(dilations, kernel)
    assert model.output_shape == (None, 1, 1), "the receptive field is exactly one output"
    eye = np.eye(field, dtype="float32")[..., None]      # one one-hot input per pixel
    routes = keras.ops.convert_to_numpy(model(eye))[:, 0, 0]
    np.testing.assert_array_equal(routes, dilated_coverage(dilations, kernel))
    assert sum(dilated_coverage(dilations, kernel)) == kernel ** len(dilations)


def test_exponential_against_linear_growth_and_summarize():
    dilated = dilated_receptive_fields([1, 2, 4, 8])
    plain = dilated_receptive_fields([1, 1, 1, 1])
    assert dilated == [2 ** (n + 1) - 1 for n in range(1, 5)]
    assert plain == [2 * n + 1 for n in range(1, 5)]
    model = model_of((64, 64, 2), *[L.Conv2D(2, 3, dilation_rate=d, padding="same")
                                    for d in (1, 2, 4, 8)])
    assert [r["receptive_field"] for r in summarize(model).rows[1:]] == dilated


def test_no_holes_with_doubling_dilations_holes_with_equal_ones():
    assert 0 not in dilated_coverage([1, 2, 4, 8])
    assert dilated_coverage([2, 2, 2]).count(0) == 6
    assert dilated_coverage([4, 4]).count(0) == 17 - 5     # sees only every 4th pixel


# ------------------------------------------------------------------ depthwise separable
def test_course_example_16_to_32():
    s = separable_saving((32, 32, 16), 3, 32)
    assert s["separable_params"] == 3 * 3 * 16 + 1 * 1 * 16 * 32 == 656
    assert s["standard_params"] == 3 * 3 * 16 * 32 == 4608
    sep = L.SeparableConv2D(32, 3, use_bias=False)
    std = L.Conv2D(32, 3, use_bias=False)
    model_of((32, 32, 16), sep), model_of((32, 32, 16), std)
    assert sep.count_params() == 656 and std.count_params() == 4608
    assert s["ratio"] == pytest.approx(1 / 32 + 1 / 9) == pytest.approx(s["formula"])


def test_keras_counts_with_biases():
    t = separable_saving((32, 32, 16), 3, 32, bias=True)
    sep, std = L.SeparableConv2D(32, 3), L.Conv2D(32, 3)
    model_of((32, 32, 16), sep), model_of((32, 32, 16), std)
    assert (t["separable_params"], t["standard_params"]) == \
        (sep.count_params(), std.count_params()) == (688, 4640)
    assert t["ratio"] > t["formula"]


@pytest.mark.parametrize("shape, kernel, filters, stride, padding", [
    ((32, 32, 16), 3, 32, 1, "same"), ((28, 28, 64), 5, 128, 2, "same"),
    ((15, 17, 8), (3, 5), 24, 1, "valid"), ((112, 112, 32), 3, 64, 1, "same"),
])
def test_macs_agree_with_summarize(shape, kernel, filters, stride, padding):
    model = model_of(shape, L.SeparableConv2D(filters, kernel, strides=stride,
                                              padding=padding, name="sep"),
                     L.DepthwiseConv2D(kernel, padding="same", name="dw"),
                     L.Conv2D(filters, kernel, padding="same", name="conv"))
    rows = summarize(model)
    assert rows["sep"]["macs"] == separable_macs(shape, kernel, filters, stride, padding)
    mid = rows["sep"]["output_shape"]
    assert rows["dw"]["macs"] == depthwise_macs(mid, kernel, padding="same")
    s = separable_saving(mid, kernel, filters)
    assert rows["conv"]["macs"] == s["standard_macs"]
    assert s["macs_ratio"] == pytest.approx(s["formula"])


def test_depth_multiplier_against_summarize():
    model = model_of((10, 10, 6), L.DepthwiseConv2D(3, depth_multiplier=2, name="dw"),
                     L.SeparableConv2D(4, 3, depth_multiplier=3, name="sep"))
    rows = summarize(model)
    assert rows["dw"]["macs"] == depthwise_macs((10, 10, 6), 3, depth_multiplier=2)
    assert rows["sep"]["macs"] == separable_macs((8, 8, 12), 3, 4, depth_multiplier=3)


def test_mobilenet_depthwise_layer():
    """Keras' MobileNet: conv_dw_1 has 3·3·32 = 288 weights on a 112x112x32 map."""
    model = keras.applications.MobileNet(weights=None, input_shape=(224, 224, 3))
    row = summarize(model)["conv_dw_1"]
    assert row["params"] == 288 == model.get_layer("conv_dw_1").count_params()
    assert row["macs"] == depthwise_macs((112, 112, 32), 3, padding="same")


# ------------------------------------------------------------------ transposed
@pytest.mark.parametrize("size, kernel, stride, padding, output_padding", [
    (4, 3, 2, "valid", None), (4, 3, 2, "same", None), (4, 2, 2, "same", None),
    (5, 4, 2, "valid", None), (7, 3, 2, "same", 0), (7, 3, 2, "valid", 1),
    (6, 1, 3, "valid", None), (3, 5, 1, "same", None),
])
def test_transposed_output_shape_agrees_with_keras(size, kernel, stride, padding,
                                                   output_padding):
    layer = L.Conv2DTranspose(5, kernel, strides=stride, padding=padding,
                              output_padding=output_padding)
    expected = tuple(layer.compute_output_shape((None, size, size + 1, 2)))[1:]
    got = transposed_conv_output_shape((size, size + 1, 2), kernel, 5, stride, padding,
                                       output_padding)
    assert got == expected
    x = np.ones((1, size, size + 1, 2), "float32")
    w = np.ones((kernel, kernel, 5, 2), "float32")
    y = keras.ops.conv_transpose(x, w, stride, padding=padding,
                                 output_padding=output_padding)
    assert tuple(y.shape)[1:] == got


def test_transposed_formula_without_padding():
    # (n - 1)·s + k for "valid", the formula the lesson writes out
    for n, k, s in [(4, 3, 2), (8, 2, 2), (5, 4, 3)]:
        assert transposed_conv_output_size(n, k, s) == (n - 1) * s + k


@pytest.mark.parametrize("shape, kernel, filters, stride", [
    ((8, 8, 32), 2, 16, 2), ((5, 7, 3), 3, 4, 2), ((4, 4, 8), 3, 8, 1),
])
def test_transposed_macs_agree_with_summarize(shape, kernel, filters, stride):
    model = model_of(shape, L.Conv2DTranspose(filters, kernel, strides=stride, name="up"))
    assert summarize(model)["up"]["macs"] == transposed_conv_macs(shape, kernel, filters)


def test_transposed_macs_count_every_scattered_product():
    """Count the products of an explicit scatter loop: one per input value, tap and filter."""
    shape, kernel, filters = (3, 4, 2), 3, 5
    products = 0
    for _ in np.ndindex(*shape):                  # every input value ...
        for _ in np.ndindex(kernel, kernel, filters):   # ... times its stamp
            products += 1
    assert products == transposed_conv_macs(shape, kernel, filters)


# ------------------------------------------------------------------ one layer of each kind
def keras_layer(kind, kernel, filters, stride, padding, dilation):
    if kind == "transposed":
        return L.Conv2DTranspose(filters, kernel, strides=stride, padding=padding)
    if kind == "depthwise separable":
        return L.SeparableConv2D(filters, kernel, strides=stride, padding=padding,
                                 dilation_rate=dilation)
    return L.Conv2D(filters, kernel, strides=stride, padding=padding, dilation_rate=dilation)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("shape, kernel, filters, stride, padding, dilation", [
    ((12, 12, 16), 3, 32, 1, "valid", 2), ((9, 11, 3), 3, 8, 2, "same", 1),
    ((8, 8, 4), 5, 6, 1, "same", 3), ((7, 7, 2), 2, 3, 3, "valid", 1),
])
def test_each_kind_against_keras(kind, shape, kernel, filters, stride, padding, dilation):
    if kind in ("standard", "transposed"):
        dilation = 1
    cost = conv_kind_cost(kind, shape, kernel, filters, stride, padding, dilation)
    layer = keras_layer(kind, kernel, filters, stride, padding, dilation)
    model = model_of(shape, layer)
    assert cost["output_shape"] == tuple(model.output_shape[1:])
    assert cost["params"] == layer.count_params()
    row = summarize(model)[layer.name]
    assert cost["macs"] == row["macs"]
    if kind != "transposed":
        assert cost["field"] == row["receptive_field"]
    std = L.Conv2D(filters, kernel, strides=stride, padding=padding)
    model_of(shape, std)
    assert cost["standard"]["params"] == std.count_params()
    assert cost["standard"]["output_shape"] == tuple(std.output.shape[1:])


def test_transposed_field_is_the_inputs_one_output_reads():
    """ceil(k / s) input pixels (per axis) reach one output pixel of a transposed conv."""
    import tensorflow as tf

    for kernel, stride in [(3, 2), (4, 2), (2, 2), (3, 1), (5, 3)]:
        layer = L.Conv2DTranspose(1, kernel, strides=stride, use_bias=False,
                                  kernel_initializer="ones")
        x = tf.Variable(np.ones((1, 6, 6, 1), "float32"))
        with tf.GradientTape(persistent=True) as tape:
            y = layer(x)
            diagonal = [y[0, i, i, 0] for i in range(y.shape[1])]
        widest = 0
        for value in diagonal:
            grad = tape.gradient(value, x).numpy()[0, :, :, 0]
            widest = max(widest, int(np.count_nonzero(grad.any(axis=0))))
        expected = conv_kind_cost("transposed", (6, 6, 1), kernel, 1, stride)["field"]
        assert widest == expected, (kernel, stride)


@pytest.mark.parametrize("kwargs, message", [
    (dict(kind="grouped"), "`kind` must be one of 'standard', 'dilated'"),
    (dict(kind="standard", dilation=2), "`dilation` must be 1 for a standard"),
    (dict(kind="dilated", dilation=2, stride=2), "`stride` and `dilation` must not both"),
    (dict(kind="transposed", padding=1), "'valid' or 'same' for Keras' Conv2DTranspose"),
    (dict(kind="dilated", dilation=9), "`kernel` must fit in the padded input"),
    (dict(kind="standard", input_shape=(8, 8)), "`input_shape` must be a sequence (H, W, C)"),
    (dict(kind="standard", filters=0), "`filters` must be an integer >= 1. Received: filters=0."),
])
def test_conv_kind_cost_errors(kwargs, message):
    args = dict(kind="standard", input_shape=(8, 8, 4), kernel=3, filters=4, **{})
    args.update(kwargs)
    with pytest.raises(ValueError, match="Received") as err:
        conv_kind_cost(**args)
    assert message in str(err.value)


def test_keras_refuses_what_conv_kind_cost_refuses():
    with pytest.raises(ValueError, match="dilation_rate"):
        L.Conv2D(4, 3, strides=2, dilation_rate=2)


@pytest.mark.parametrize("call, message", [
    (lambda: dilated_span(0), "`kernel` must be an integer >= 1"),
    (lambda: dilated_receptive_fields([]), "`dilations` must be a non-empty sequence"),
    (lambda: dilated_receptive_fields([1, 0]), "Received: dilations=[1, 0]."),
    (lambda: dilated_coverage("124"), "`dilations` must be a non-empty sequence"),
    (lambda: separable_saving((8, 8, 4), 3, 8, bias=1), "`bias` must be True or False"),
    (lambda: depthwise_macs((8, 8, 4), 3, depth_multiplier=0), "`depth_multiplier`"),
    (lambda: transposed_conv_macs((8, 8), 3, 4), "`input_shape` must be a sequence"),
])
def test_argument_errors(call, message):
    with pytest.raises(ValueError, match="Received") as err:
        call()
    assert message in str(err.value)
