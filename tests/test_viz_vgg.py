"""VGG widgets: compute, controls, redraws and messages."""
import html

import numpy as np
import pytest

from cnnlab.viz.vgg import FeatureMapExplorer, VGGExplorer, layer_table_html


def test_compute_matches_keras_applications_figures():
    w = VGGExplorer()
    assert w.result["params"] == 138_357_544          # keras.applications.VGG16
    assert w.compute("E", 1.0, 224, True)["params"] == 143_667_240
    assert w.compute("D", 1.0, 224, False)["params"] == 14_714_688
    assert w.result["weight_layers"] == 16
    assert "block5_conv3" in w.table.value


def test_compute_equals_a_built_model():
    keras = pytest.importorskip("keras")
    from cnnlab.models import vgg
    result = VGGExplorer().compute("C", 0.25, 64, True)
    model = vgg("C", input_shape=(64, 64, 3), width=0.25)
    assert result["params"] == model.count_params()
    keras.backend.clear_session()


def test_controls_update_result_table_and_figure():
    w = VGGExplorer()
    before, table = w.figure_png(), w.table.value
    w.controls["config"].value = "A"
    assert w.result["weight_layers"] == 11
    assert w.figure_png() != before and w.table.value != table
    before = w.figure_png()
    w.controls["width"].value = 0.25
    assert w.result["params"] < 138_357_544 / 10
    assert w.figure_png() != before
    w.controls["size"].value = 32
    assert w.result["stages"][4]["output_shape"][:2] == (1, 1)
    assert w.error is None and w.message.value == ""


def test_redraws_keep_the_axes_and_pile_nothing_up():
    w = VGGExplorer()
    axes = list(w._fig.axes)
    for name, value in [("config", "A"), ("include_top", False), ("width", 0.5),
                        ("config", "D"), ("include_top", True), ("width", 1.0)]:
        w.controls[name].value = value
    assert w.error is None and w._fig.axes == axes
    legend = [t.get_text() for t in axes[1].get_legend().get_texts()]
    assert legend == ["parameters", "MACs"]
    # one filter count per stage: D's are 64, 128, 256, 512, 512
    assert [t.get_text() for t in axes[0].texts if t.get_text().isdigit()] == \
        ["64", "128", "256", "512", "512"]
    assert w.figure_png() == VGGExplorer().figure_png()


def test_bad_values_give_a_message():
    w = VGGExplorer()
    with pytest.raises(ValueError, match="`config` must be one of"):
        w.compute("Z", 1.0, 224, True)
    w.controls["size"].value = w.controls["size"].min   # 32 still works
    assert w.error is None
    w.controls["config"].options = list(w.controls["config"].options) + ["Z"]
    w.controls["config"].value = "Z"
    assert "`config` must be one of" in html.unescape(w.message.value)
    assert w.error is None


def test_layer_table_has_totals():
    from cnnlab.models.vggnet import vgg_plan
    html = layer_table_html(vgg_plan("D"))
    assert "138,357,544" in html and "block1_conv1" in html


@pytest.fixture(scope="module")
def small_model():
    pytest.importorskip("keras")
    from cnnlab.models import mini_vgg
    return mini_vgg((28, 28, 1), classes=10)


def test_feature_maps(small_model):
    image = np.random.default_rng(0).uniform(size=(40, 40, 3))
    w = FeatureMapExplorer(small_model, image)
    assert w.error is None
    assert w.result["layer"] == "block1_conv1"
    assert w.result["maps"].shape == (28, 28, 8)        # only 8 channels exist
    before = w.figure_png()
    w.controls["layer"].value = "block3_conv2"
    assert w.result["shape"] == (7, 7, 32)
    assert w.figure_png() != before
    w.controls["maps"].value = 4
    assert w.result["maps"].shape[-1] == 4
    means = w.activations["block3_conv2"].mean(axis=(0, 1))
    assert means[w.result["channels"][0]] == means.max()


def test_feature_maps_bad_values(small_model):
    w = FeatureMapExplorer(small_model, np.zeros((28, 28, 1)))
    with pytest.raises(ValueError, match="`layer` must be one of"):
        w.compute("nope", 4)
    from cnnlab.viz.vgg import _as_model_input
    with pytest.raises(ValueError, match="channels; the model expects 3"):
        _as_model_input(np.zeros((28, 28, 2)), (28, 28, 3))
    assert _as_model_input(np.ones((10, 12, 3)), (28, 28, 1)).shape == (28, 28, 1)


def test_feature_maps_redraw_in_place_like_a_new_widget(small_model):
    image = np.random.default_rng(1).uniform(size=(28, 28, 1))
    w = FeatureMapExplorer(small_model, image)
    axes, maps = list(w._fig.axes), w._fig.axes[1].images[0]
    for name, value in [("layer", "block3_conv2"), ("maps", 5), ("layer", "block2_conv1")]:
        w.controls[name].value = value
    assert w.error is None and w._fig.axes == axes and w._fig.axes[1].images[0] is maps
    shown = [t.get_text() for t in axes[1].texts if t.get_visible()]
    assert shown == [f"#{c}" for c in w.result["channels"]] and len(shown) == 5
    new = FeatureMapExplorer(small_model, image)
    new.controls["layer"].value = "block2_conv1"
    new.controls["maps"].value = 5
    assert new.figure_png() == w.figure_png()
