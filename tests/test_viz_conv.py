"""ConvExplorer: its outputs, windows and output sizes against Keras; controls and messages."""
import numpy as np
import pytest

from cnnlab.viz.conv import PRESETS, WORKED_IMAGE, ConvExplorer, kernel_preset, window_taps


def keras_correlate(image, kernel, stride=1, padding="valid", dilation=1):
    """Keras' own 2-D correlation; an int padding is done by zero-padding first."""
    import keras
    image = np.asarray(image, dtype="float32")
    if not isinstance(padding, str):
        image = np.pad(image, padding)
        padding = "valid"
    y = keras.ops.conv(image[None, :, :, None], np.asarray(kernel, "float32")[:, :, None, None],
                       strides=stride, padding=padding, dilation_rate=dilation)
    return keras.ops.convert_to_numpy(y)[0, :, :, 0]


SETTINGS = [dict(stride=1, padding="valid", dilation=1),
            dict(stride=2, padding="same", dilation=1),
            dict(stride=1, padding="same", dilation=2),
            dict(stride=3, padding=2, dilation=1),
            dict(stride=1, padding=1, dilation=3),
            dict(stride=2, padding="valid", dilation=1)]


@pytest.fixture(scope="module")
def explorer():
    return ConvExplorer(size=21)


def test_worked_example_matches_keras():
    w = ConvExplorer()
    expected = keras_correlate(WORKED_IMAGE, kernel_preset("worked example (X)"))
    np.testing.assert_array_equal(w.result["output"], expected)
    np.testing.assert_array_equal(expected, [[4, 3, 4], [2, 4, 3], [2, 3, 4]])
    assert w.error is None and w.message.value == ""


@pytest.mark.parametrize("settings", SETTINGS)
def test_photo_output_and_formula_match_keras(explorer, settings):
    import keras
    values = {**explorer.values(), "source": "photo: chelsea", "preset": "edges: Sobel x",
              **{f"k{i}": v for i, v in enumerate(kernel_preset("edges: Sobel x").flat)},
              **settings}
    result = explorer.compute(**values)
    img = result["image"]
    assert img.shape == (21, 21)
    expected = keras_correlate(img, kernel_preset("edges: Sobel x"), **settings)
    np.testing.assert_allclose(result["output"], expected, atol=1e-5)
    if isinstance(settings["padding"], str):
        layer = keras.layers.Conv2D(1, 3, strides=settings["stride"], padding=settings["padding"],
                                    dilation_rate=settings["dilation"])
        shape = layer.compute_output_shape((None, 21, 21, 1))[1:3]
        assert result["out_shape"] == tuple(shape)
    assert f"= {result['out_shape'][0]}" in result["formula"]


@pytest.mark.parametrize("settings", SETTINGS)
def test_highlighted_taps_reproduce_the_keras_output(settings):
    rng = np.random.default_rng(0)
    img = rng.integers(0, 5, size=(9, 8)).astype(float)
    kernel = rng.integers(-2, 3, size=(3, 3)).astype(float)
    expected = keras_correlate(img, kernel, **settings)
    for r in range(expected.shape[0]):
        for c in range(expected.shape[1]):
            taps, _ = window_taps(r, c, kernel=3, image_shape=img.shape, **settings)
            values = [img[i, j] if 0 <= i < 9 and 0 <= j < 8 else 0.0 for i, j in taps]
            assert np.dot(values, kernel.ravel()) == pytest.approx(expected[r, c], abs=1e-4)


def test_controls_change_result_and_figure():
    w = ConvExplorer()
    png, out = w.figure_png(), w.result["output"]
    w.controls["padding"].value = "same"
    assert w.result["out_shape"] == (5, 5) and w.controls["row"].max == 4
    assert w.figure_png() != png
    png = w.figure_png()
    w.controls["row"].value, w.controls["col"].value = 2, 3
    assert w.result["cell"] == (2, 3) and w.figure_png() != png
    assert w.result["value"] == keras_correlate(WORKED_IMAGE, PRESETS["worked example (X)"],
                                                padding="same")[2, 3]
    w.controls["stride"].value = 2
    assert w.result["out_shape"] == (3, 3) and w.result["cell"] == (2, 2)
    assert w.controls["row"].max == 2 and w.error is None
    assert not np.array_equal(w.result["output"], out)


def test_preset_fills_the_boxes_and_editing_a_box_makes_it_custom():
    w = ConvExplorer()
    updates = w.updates
    w.controls["preset"].value = "blur: box"
    assert w.updates == updates + 1                       # one redraw, not ten
    assert [e.value for e in w.entries] == pytest.approx([1 / 9] * 9)
    np.testing.assert_allclose(w.result["kernel"], np.full((3, 3), 1 / 9))
    w.entries[4].value = 2.0
    assert w.controls["preset"].value == "custom"
    assert w.result["kernel"][1, 1] == 2.0 and w.result["kernel"][0, 0] == pytest.approx(1 / 9)


def test_photo_source_and_your_own_array():
    w = ConvExplorer(np.arange(12.0).reshape(3, 4), preset="identity")
    np.testing.assert_array_equal(w.result["output"], [[5.0, 6.0]])
    w.controls["source"].value = "photo: camera"
    assert w.result["image"].shape == (64, 64) and w.error is None


def test_kernel_larger_than_padded_input_gives_a_message():
    w = ConvExplorer()
    w.controls["dilation"].value = 3                      # spans 7 > 5 pixels
    assert w.result is None and w.error is None
    assert "larger than the padded input" in w.message.value
    w.controls["padding"].value = 1                       # 5 + 2 = 7: fits again
    assert w.result["out_shape"] == (1, 1) and w.message.value == ""


def test_click_on_output_selects_a_cell():
    w = ConvExplorer()
    # a click a little right of and above the centre of cell (1, 2) of the
    # 3x3 output, wherever the output image is drawn in its panel
    image = w._out_ax.images[0]
    left, right, bottom, top = image.get_extent()
    assert image.get_array().shape == (3, 3)

    class Click:
        inaxes = w._out_ax
        xdata = left + (2.7 / 3) * (right - left)
        ydata = top + (1.4 / 3) * (bottom - top)
    w._on_click(Click)
    assert w.result["cell"] == (1, 2)
    assert (w.controls["row"].value, w.controls["col"].value) == (1, 2)


def test_bad_arguments():
    with pytest.raises(ValueError, match="`name` must be one of"):
        kernel_preset("gauss")
    with pytest.raises(ValueError, match=r"`image` must be a 2-D array"):
        ConvExplorer(np.ones((3, 3, 3)))
    with pytest.raises(ValueError, match="`image_shape` is needed"):
        window_taps(0, 0, padding="same")
