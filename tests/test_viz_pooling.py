"""Pooling explorer: arithmetic against Keras/TensorFlow, controls redraw, errors are messages."""
import numpy as np
import pytest

from cnnlab.viz.pooling import EXAMPLE, PoolingExplorer, pool_and_route


def keras_pool(x, mode, size, stride):
    keras = pytest.importorskip("keras")
    x4 = x[None, :, :, None].astype("float32")
    if mode == "max":
        y = keras.ops.max_pool(x4, size, strides=stride, padding="valid")
    elif mode == "average":
        y = keras.ops.average_pool(x4, size, strides=stride, padding="valid")
    else:
        y = -keras.ops.max_pool(-x4, size, strides=stride, padding="valid")
    return keras.ops.convert_to_numpy(y)[0, :, :, 0]


def tf_grad_of_sum(x, mode, size, stride):
    tf = pytest.importorskip("tensorflow")
    xt = tf.constant(x[None, :, :, None].astype("float32"))
    with tf.GradientTape() as tape:
        tape.watch(xt)
        if mode == "max":
            y = tf.nn.max_pool2d(xt, size, stride, "VALID")
        elif mode == "average":
            y = tf.nn.avg_pool2d(xt, size, stride, "VALID")
        elif mode == "min":
            y = -tf.nn.max_pool2d(-xt, size, stride, "VALID")
        else:
            y = tf.reduce_mean(xt, axis=(1, 2))
        total = tf.reduce_sum(y)
    return tape.gradient(total, xt).numpy()[0, :, :, 0]


def test_worked_example():
    r = pool_and_route(EXAMPLE, "max", 2, 2)
    np.testing.assert_array_equal(r["y"], [[20, 30], [112, 37]])
    np.testing.assert_array_equal(r["y"], keras_pool(EXAMPLE, "max", 2, 2))


@pytest.mark.parametrize("mode", ["max", "average", "min"])
@pytest.mark.parametrize("size, stride", [(2, 2), (3, 2), (2, 1), (3, 3)])
def test_outputs_and_gradients_agree_with_tensorflow(mode, size, stride):
    x = np.random.default_rng(size * 10 + stride).permutation(90).reshape(9, 10).astype(float)
    r = pool_and_route(x, mode, size, stride)
    np.testing.assert_allclose(r["y"], keras_pool(x, mode, size, stride), rtol=1e-6)
    np.testing.assert_allclose(r["dx"], tf_grad_of_sum(x, mode, size, stride), rtol=1e-6)
    assert r["output_shape"] == r["y"].shape
    if mode != "average":
        assert len(r["winners"]) == r["y"].size
        for (wr, wc), value in zip(r["winners"], r["y"].flat):
            assert x[wr, wc] == value


def test_global_average():
    x = np.arange(12.0).reshape(3, 4)
    r = pool_and_route(x, "global average")
    assert r["y"].shape == (1, 1) and r["y"][0, 0] == pytest.approx(5.5)
    np.testing.assert_allclose(r["dx"], tf_grad_of_sum(x, "global average", 0, 0), rtol=1e-6)


@pytest.mark.parametrize("kwargs, text", [
    ({"mode": "median"}, "`mode`"), ({"pool_size": 0}, "`pool_size`"),
    ({"strides": 0}, "`strides`"), ({"pool_size": 5}, "larger than"),
])
def test_compute_errors(kwargs, text):
    args = {"x": EXAMPLE, "mode": "max", "pool_size": 2, "strides": 2, **kwargs}
    with pytest.raises(ValueError, match=text):
        pool_and_route(**args)


def test_controls_change_result_and_figure():
    w = PoolingExplorer()
    assert w.error is None and w.result["output_shape"] == (2, 2)
    before = w.figure_png()
    w.controls["mode"].value = "average"
    np.testing.assert_allclose(w.result["y"], [[13, 8], [79, 19.5]])
    after = w.figure_png()
    assert after != before
    w.controls["strides"].value = 1
    assert w.result["output_shape"] == (3, 3) and w.figure_png() != after
    w.controls["mode"].value = "global average"
    assert w.result["y"][0, 0] == pytest.approx(EXAMPLE.mean())
    assert w.error is None


def test_bad_values_give_a_message_not_an_error():
    w = PoolingExplorer()
    w.controls["pool_size"].value = 6
    assert w.result is None and "larger than" in w.message.value and w.error is None
    w.controls["pool_size"].value = 2
    assert w.result is not None and w.message.value == ""


def test_photo_source():
    w = PoolingExplorer(source="photo: camera", size=32)
    assert w.error is None, w.message.value
    assert w.result["x"].shape == (32, 32)
    assert w.result["output_shape"] == (16, 16)
    before = w.figure_png()
    w.controls["size"].value = 64
    assert w.result["output_shape"] == (32, 32) and w.figure_png() != before


def test_windows_are_told_apart_by_line_style_not_by_red_and_green():
    """Neighbouring windows differ in colour (colour-blind-safe) and line style."""
    from matplotlib.patches import Rectangle

    from cnnlab.viz.pooling import PoolingExplorer
    w = PoolingExplorer()
    rects = [p for p in w._fig.axes[0].patches if isinstance(p, Rectangle)
             and p.get_visible() and p.get_linewidth() == 2]      # not the frame
    assert len(rects) == 4
    assert len({r.get_linestyle() for r in rects}) == 4
    assert len({r.get_edgecolor() for r in rects}) == 4
    from matplotlib.colors import to_rgba
    for bad in ("tab:red", "tab:green"):
        assert to_rgba(bad) not in {r.get_edgecolor() for r in rects}


def test_axes_are_reused_and_nothing_piles_up():
    w = PoolingExplorer()
    axes = list(w._fig.axes)
    counts = [(len(ax.images), len(ax.texts), len(ax.patches)) for ax in axes]
    for mode in ("average", "max"):
        w.controls["mode"].value = mode
    w.controls["source"].value = "photo: camera"
    w.controls["source"].value = "4x4 example"
    assert w._fig.axes == axes
    assert [(len(ax.images), len(ax.texts), len(ax.patches)) for ax in axes] == counts
    # one heading, and it is the current summary
    texts = [t.get_text() for ax in axes for t in ax.texts] + [t.get_text() for t in w._fig.texts]
    assert texts.count(w.result["summary"]) == 1
    # the 4x4 input fills its panel again after the 64x64 photo: its image
    # spans the whole width of its axes
    image = axes[0].images[0]
    assert image.get_array().shape == (4, 4)
    left, right = image.get_extent()[:2]
    assert (left, right) == axes[0].get_xlim()
