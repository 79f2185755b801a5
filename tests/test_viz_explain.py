"""ExplainExplorer: its overlay is cnnlab.explain.grad_cam's, cached, and controls redraw it."""
import numpy as np
import pytest

keras = pytest.importorskip("keras")

from cnnlab import explain  # noqa: E402
from cnnlab.viz.explain import ExplainExplorer  # noqa: E402


@pytest.fixture(scope="module")
def setup():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((12, 12, 3)),
        keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="c1"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(6, 3, padding="same", activation="relu", name="c2"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(3, activation="softmax", name="out")])
    x = np.random.default_rng(0).random((4, 12, 12, 3)).astype("float32")
    masks = np.zeros((4, 12, 12))
    masks[:, 3:8, 3:8] = 1
    return model, x, ExplainExplorer(model, x, labels=[0, 1, 2, 0],
                                     class_names=["a", "b", "c"], masks=masks)


def test_result_is_grad_cam_of_the_chosen_image_class_and_layer(setup):
    model, x, w = setup
    predicted = int(model.predict(x[:1], verbose=0).argmax())
    assert w.result["class_index"] == predicted and w.result["layer"] == "c2"
    np.testing.assert_allclose(w.result["heat"], explain.grad_cam(model, x[:1])[0], atol=1e-6)
    w.controls["index"].value = 2
    w.controls["class_name"].value = "b"
    w.controls["layer"].value = "c1"
    assert w.error is None and w.message.value == ""
    np.testing.assert_allclose(w.result["heat"],
                               explain.grad_cam(model, x[2:3], 1, "c1")[0], atol=1e-6)


def test_controls_change_the_figure_and_class_switch_is_cached(setup):
    _, _, w = setup
    other_layer = "c2" if w.controls["layer"].value == "c1" else "c1"
    for name, value in [("index", 3), ("layer", other_layer), ("class_name", "c"),
                        ("class_name", "a")]:
        if w.controls[name].value == value:      # another test may have left it there
            continue
        before = w.figure_png()
        w.controls[name].value = value
        assert w.error is None, name
        assert w.figure_png() != before, name
    cached = len(w._cache)
    w.controls["class_name"].value = "b"          # same image and layer: no new gradient
    assert len(w._cache) == cached and w.last_update_seconds < 1.0


def test_bad_input_is_a_clear_error(setup):
    model, _, _ = setup
    with pytest.raises(ValueError, match=r"model's input shape \(None, 12, 12, 3\)"):
        ExplainExplorer(model, np.zeros((2, 8, 8, 3)))


def test_kept_axes_redraw_the_same_picture_as_a_new_widget(setup):
    """Axes are reused (ExplorerBase.panels): after any number of updates the bar chart
    keeps the first class on top, and the picture is a freshly made widget's."""
    model, x, w = setup
    axes = list(w._fig.axes)
    for name, value in [("index", 1), ("class_name", "c"), ("index", 2)]:   # odd count
        w.controls[name].value = value
    assert w._fig.axes == axes
    bottom, top = axes[2].get_ylim()
    assert bottom > top, "class 0 is drawn on top"
    assert len(axes[2].patches) == 3 and len(axes[2].containers) == 1
    masks = np.zeros((4, 12, 12))
    masks[:, 3:8, 3:8] = 1
    new = ExplainExplorer(model, x, labels=[0, 1, 2, 0], class_names=["a", "b", "c"],
                          masks=masks)
    for name, value in w.values().items():
        new.controls[name].value = value
    assert new.figure_png() == w.figure_png()
