"""Convolution kinds explorer: taps and stamps against Keras, controls redraw,
errors are messages."""
import html
import itertools

import numpy as np
import pytest

from cnnlab.viz.convolutions import (ConvKindsExplorer, conv_taps, explorer, kind_layout,
                                     receptive_growth_figure, scatter_taps)

keras = pytest.importorskip("keras")


def one_hots(size):
    """A batch of size*size images, each with a single 1."""
    return np.eye(size * size, dtype="float32").reshape(size * size, size, size, 1)


def keras_dependence(size, kernel, stride, padding, dilation):
    """dep[input index, out_r, out_c]: does that output change with that input pixel?"""
    w = np.ones((kernel, kernel, 1, 1), "float32")
    y = keras.ops.conv(one_hots(size), w, strides=stride, padding=padding,
                       dilation_rate=dilation)
    return keras.ops.convert_to_numpy(y)[..., 0] != 0


CONV_CASES = [(7, 3, 1, "valid", 1), (7, 3, 1, "valid", 2), (8, 3, 2, "same", 1),
              (9, 3, 1, "same", 3), (6, 2, 2, "valid", 1), (7, 5, 1, "same", 1),
              (10, 3, 3, "same", 1), (5, 1, 2, "valid", 1)]


@pytest.mark.parametrize("size, kernel, stride, padding, dilation", CONV_CASES)
def test_conv_taps_are_the_pixels_keras_reads(size, kernel, stride, padding, dilation):
    dep = keras_dependence(size, kernel, stride, padding, dilation)
    out = dep.shape[1]
    assert conv_taps(0, 0, size=size, kernel=kernel, stride=stride, padding=padding,
                     dilation=dilation)["out_size"] == out
    for r, c in itertools.product(range(out), repeat=2):
        geo = conv_taps(r, c, size=size, kernel=kernel, stride=stride, padding=padding,
                        dilation=dilation)
        inside = {(i, j) for i, j in geo["taps"] if 0 <= i < size and 0 <= j < size}
        read = {divmod(int(k), size) for k in np.nonzero(dep[:, r, c])[0]}
        assert inside == read, (r, c)
        assert len(geo["taps"]) == kernel * kernel
    np.testing.assert_array_equal(geo["reads"], dep.sum(axis=(1, 2)).reshape(size, size))


def keras_stamps(size, kernel, stride, padding):
    w = np.ones((kernel, kernel, 1, 1), "float32")
    y = keras.ops.conv_transpose(one_hots(size), w, stride, padding=padding)
    return keras.ops.convert_to_numpy(y)[..., 0]


TRANSPOSED_CASES = [(3, 3, 2, "valid"), (3, 3, 2, "same"), (4, 2, 2, "same"),
                    (4, 4, 2, "same"), (3, 1, 3, "valid"), (5, 5, 2, "same"),
                    (4, 3, 1, "same"), (3, 5, 3, "valid")]


@pytest.mark.parametrize("size, kernel, stride, padding", TRANSPOSED_CASES)
def test_scatter_taps_are_where_keras_writes(size, kernel, stride, padding):
    stamps = keras_stamps(size, kernel, stride, padding)
    for r, c in itertools.product(range(size), repeat=2):
        geo = scatter_taps(r, c, size=size, kernel=kernel, stride=stride, padding=padding)
        assert geo["out_size"] == stamps.shape[1]
        written = {tuple(int(v) for v in p) for p in np.argwhere(stamps[r * size + c])}
        assert set(geo["taps"]) == written, (r, c)
    np.testing.assert_array_equal(geo["overlap"], stamps.sum(axis=0))


def test_checkerboard_of_stride_two_three_by_three():
    """A 3x3 kernel with stride 2: rows and columns alternately get 1 and 2 stamps."""
    overlap = scatter_taps(0, 0, size=4, kernel=3, stride=2, padding="same")["overlap"]
    assert overlap.min() == 1 and overlap.max() == 4
    np.testing.assert_array_equal(
        scatter_taps(0, 0, size=4, kernel=4, stride=2, padding="same")["overlap"][1:-1, 1:-1],
        4)                                      # k divisible by s: even inside


def test_kind_layout_clamps_and_costs():
    r = kind_layout("dilated", 9, 3, 1, "valid", 2, 20, 1, 16, 32)
    assert r["cell"] == (4, 1) and r["out_size"] == 5 and r["selected_in"] == "output"
    assert r["taps"][:3] == [(4, 1), (4, 3), (4, 5)]
    assert r["cost"]["field"] == 5 and r["table"][3] == ("receptive field", "5×5", "3×3")
    t = kind_layout("transposed", 4, 3, 2, "valid", 3, 9, 9, 8, 4)
    assert t["cell"] == (3, 3) and t["selected_in"] == "input" and t["dilation"] == 1
    assert t["out_size"] == 9 and t["cost"]["output_shape"] == (9, 9, 4)


def test_separable_row_is_keras_count():
    r = kind_layout("depthwise separable", 8, 3, 1, "same", 1, 0, 0, 16, 32)
    layer = keras.layers.SeparableConv2D(32, 3, padding="same")
    keras.Sequential([keras.Input((8, 8, 16)), layer])
    assert r["table"][1] == ("parameters", f"{layer.count_params():,}", "4,640")


@pytest.mark.parametrize("call, text", [
    (lambda: conv_taps(3, 0, size=5, kernel=3), "`row` must be < 3, the output size"),
    (lambda: scatter_taps(0, 0, size=3, padding=1), "'valid' or 'same'"),
    (lambda: scatter_taps(0, 5, size=3), "`col` must be < 3, the input size"),
    (lambda: kind_layout("pointwise", 5, 3, 1, "valid", 1, 0, 0, 1, 1), "`kind` must be one of"),
])
def test_helper_errors(call, text):
    with pytest.raises(ValueError, match="Received") as err:
        call()
    assert text in str(err.value)


# ------------------------------------------------------------------ the widget
def test_controls_change_result_and_figure():
    w = explorer()
    assert isinstance(w, ConvKindsExplorer) and w.error is None
    assert w.result["kind"] == "dilated" and w.result["out_size"] == 5
    before = w.figure_png()
    w.controls["dilation"].value = 4
    assert w.result["out_size"] == 1 and w.result["cost"]["field"] == 9
    assert w.figure_png() != before
    assert w.controls["row"].max == 0                  # one output pixel left
    before = w.figure_png()
    w.controls["kind"].value = "transposed"
    assert w.controls["dilation"].disabled
    assert w.result["selected_in"] == "input" and w.controls["row"].max == 8
    assert w.figure_png() != before
    w.controls["stride"].value = 2
    assert w.result["out_size"] == (9 - 1) * 2 + 3
    w.controls["row"].value = 8
    assert w.result["cell"] == (8, 0) and (16, 0) in w.result["taps"]
    assert w.error is None


def test_separable_table_and_padding():
    w = ConvKindsExplorer(kind="depthwise separable", size=8)
    w.controls["padding"].value = "same"
    cost = w.result["cost"]
    assert (cost["params"], cost["standard"]["params"]) == (688, 4640)
    w.controls["channels_out"].value = 64
    assert w.result["cost"]["params"] == 3 * 3 * 16 + 16 * 64 + 64


def test_bad_values_give_a_message_not_an_error():
    w = ConvKindsExplorer(kind="standard", size=3)
    w.controls["kernel"].value = 5
    assert w.result is None and w.error is None
    assert "`kernel` must fit in the padded input" in html.unescape(w.message.value)
    w.controls["padding"].value = "same"
    assert w.result is not None and w.message.value == ""
    w = ConvKindsExplorer(kind="dilated")
    w.controls["stride"].value = 2
    assert "must not both be > 1" in html.unescape(w.message.value) and w.error is None


def test_constructor_arguments():
    with pytest.raises(ValueError, match="`kind` must be one of"):
        ConvKindsExplorer(kind="grouped")
    with pytest.raises(ValueError, match="`channels_in` must be one of"):
        ConvKindsExplorer(channels_in=5)


def test_receptive_growth_figure():
    fig = receptive_growth_figure(depth=4)
    fields = [line.get_ydata().tolist() for line in fig.axes[0].lines]
    assert fields == [[3, 7, 15, 31], [3, 5, 7, 9]]
    labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert labels == ["dilations (1, 2, 4): 0 holes", "dilations (2, 2, 2): 6 holes"]
