"""Receptive-field explorer: fields against Keras gradients, spec parsing, controls."""
import numpy as np
import pytest

from cnnlab.viz.receptive_field import ReceptiveFieldExplorer, field_table, parse_layers


def keras_field(spec, size=64):
    """Receptive field measured in Keras: which inputs move the centre output?"""
    keras = pytest.importorskip("keras")
    tf = pytest.importorskip("tensorflow")
    layers = [keras.Input((size, size, 1))]
    for lay in parse_layers(spec):
        if lay["kind"] == "conv":
            layers.append(keras.layers.Conv2D(1, lay["kernel"], strides=lay["stride"],
                                              dilation_rate=lay["dilation"], padding="same",
                                              kernel_initializer="ones", use_bias=False))
        else:
            layers.append(keras.layers.AveragePooling2D(lay["kernel"], strides=lay["stride"],
                                                        padding="same"))
    model = keras.Sequential(layers)
    x = tf.Variable(np.ones((1, size, size, 1), "float32"))
    with tf.GradientTape() as tape:
        y = model(x)
        c = y.shape[1] // 2
        out = y[0, c, c, 0]
    g = tape.gradient(out, x).numpy()[0, :, :, 0]
    rows = np.nonzero(g.any(axis=1))[0]
    return int(rows[-1] - rows[0] + 1)


@pytest.mark.parametrize("spec", ["conv3x3, conv3x3, conv3x3", "conv3x3, pool2, conv3x3",
                                  "conv3x3, conv3x3/d2, conv3x3/d4", "conv7x7/s2, pool3/s2, conv3x3"])
def test_fields_match_keras_gradients(spec):
    assert field_table(spec)[-1]["rf"] == keras_field(spec)


def test_sizes_match_keras_shapes():
    keras = pytest.importorskip("keras")
    rows = field_table("conv3x3, pool2, conv3x3, pool3/s2", input_size=28, padding="valid")
    m = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(1, 3),
                          keras.layers.MaxPooling2D(2), keras.layers.Conv2D(1, 3),
                          keras.layers.MaxPooling2D(3, strides=2)])
    assert [r["size"] for r in rows] == [lay.output.shape[1] for lay in m.layers]


def test_conv_without_a_kernel_size_is_refused_with_the_inspector_meaning():
    # in from_spec (the model inspector) "conv3" is 3 filters, so here it is an error
    with pytest.raises(ValueError, match="conv3 means 3 filters"):
        parse_layers("conv3, pool2")
    with pytest.raises(ValueError, match="square"):
        parse_layers("conv3x5")


def test_parse_errors_name_the_item():
    with pytest.raises(ValueError, match="Layer 2 .*'cnv3'"):
        parse_layers("conv3x3, cnv3")
    with pytest.raises(ValueError, match="at least one layer"):
        parse_layers(" , ")
    with pytest.raises(ValueError, match="not dilated"):
        parse_layers("pool2/d2")
    with pytest.raises(ValueError, match="does not fit"):
        field_table("conv5x5, conv5x5", input_size=6, padding="valid")


def test_controls_and_buttons():
    w = ReceptiveFieldExplorer()
    assert w.error is None and [r["rf"] for r in w.result["rows"]] == [3, 5, 7]
    before = w.figure_png()
    w.kind.value, w.kernel.value = "pool", 2
    w.add_layer()
    assert w.controls["spec"].value == "conv3x3, conv3x3, conv3x3, pool2"
    assert w.result["rows"][-1]["jump"] == 2
    assert w.figure_png() != before
    w.remove_last()
    assert len(w.result["rows"]) == 3
    w.preset.value = "AlexNet-like"
    assert w.result["rows"][-1]["rf"] == 195 and w.result["rows"][-1]["jump"] == 32
    w.controls["background"].value = "photo"
    assert w.error is None, w.message.value


def test_bad_spec_gives_a_message():
    w = ReceptiveFieldExplorer()
    w.controls["spec"].value = "conv3x3, banana"
    assert w.result is None and "banana" in w.message.value and w.error is None
    w.controls["spec"].value = "conv3x3"
    assert w.result["rows"][-1]["rf"] == 3


def test_updates_keep_the_axes_and_do_not_pile_up():
    w = ReceptiveFieldExplorer()
    fig, axes = w._fig, list(w._fig.axes)
    counts = [(len(ax.patches), len(ax.collections), len(ax.tables)) for ax in axes]
    for size in (16, 48, 32):
        w.controls["input_size"].value = size
    assert w._fig.axes == axes
    assert [(len(ax.patches), len(ax.collections), len(ax.tables)) for ax in axes] == counts
    # the pixel grid of a 32 px input: 33 horizontal and 33 vertical lines
    assert [len(c.get_segments()) for c in axes[1].collections] == [33, 33]
