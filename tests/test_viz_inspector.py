"""Model inspector: totals against Keras count_params, chart selection, controls."""
import pytest

keras = pytest.importorskip("keras")

from cnnlab.viz.inspector import CUSTOM, ModelInspector, layer_costs, summary_of  # noqa: E402


def test_classic_totals_match_keras():
    from cnnlab.models.classic import classic_convnet
    s = summary_of("classic convnet")
    assert s.params == classic_convnet().count_params() == 93_322
    costs = layer_costs(s)
    assert costs["labels"] == ["conv1", "conv2", "conv3", "dense", "predictions"]
    # conv1: 26*26 outputs x 32 filters x 3*3*1 taps
    assert costs["macs"][0] == 26 * 26 * 32 * 9


def test_mobilenet_counts_match_keras():
    s = summary_of("MobileNet")
    model = keras.applications.MobileNet(weights=None)
    assert s.params == model.count_params() == 4_253_864
    assert s.non_trainable == 21_888
    costs = layer_costs(s, top=10)
    assert costs["shown"] == 10 < costs["costly"]
    assert "conv_preds" in costs["labels"] or "predictions" in costs["labels"] \
        or any("conv_pw_13" in name for name in costs["labels"])


def test_custom_spec_matches_keras():
    spec = "input 32x32x3, conv16/same, bn, pool2, dwconv, gap, dense10"
    m = keras.Sequential([
        keras.Input((32, 32, 3)), keras.layers.Conv2D(16, 3, padding="same"),
        keras.layers.BatchNormalization(), keras.layers.MaxPooling2D(),
        keras.layers.DepthwiseConv2D(3), keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(10)])
    assert summary_of(CUSTOM, spec).params == m.count_params()


def test_controls_change_result_figure_and_table():
    w = ModelInspector()
    assert w.error is None, w.message.value
    assert "93,322" in w.table.value
    before = w.figure_png()
    w.controls["model"].value = "LeNet-5"
    assert w.result["totals"]["params"] == 61_706 and "61,706" in w.table.value
    after = w.figure_png()
    assert after != before
    w.controls["log"].value = True
    assert w.figure_png() != after
    w.controls["model"].value = CUSTOM
    w.controls["spec"].value = "input 28x28x1, conv8, flatten, dense10"
    assert w.result["totals"]["params"] == 80 + (26 * 26 * 8 + 1) * 10


def test_bad_spec_gives_a_message():
    w = ModelInspector(CUSTOM)
    w.controls["spec"].value = "input 28x28x1, conv8, banana"
    assert w.result is None and "banana" in w.message.value and w.error is None
    w.controls["spec"].value = "input 4x4x1, conv3, conv3, conv3"
    assert w.result is None and "does not fit" in w.message.value and w.error is None


def test_charts_default_to_linear_shares():
    """The inspector is about where the costs go: shares in %, on a linear axis."""
    w = ModelInspector()
    assert w.controls["log"].value is False
    ax_p, ax_m = w._fig.axes[:2]
    assert ax_p.get_xscale() == ax_m.get_xscale() == "linear"
    # all five costly layers of the classic convnet are shown: their shares add to 100 %
    for ax in (ax_p, ax_m):
        assert abs(sum(bar.get_width() for bar in ax.patches) - 100) < 0.5
        assert min(text.get_fontsize() for text in ax.texts) >= 9
    w.controls["log"].value = True
    ax_p = w._fig.axes[0]
    assert ax_p.get_xscale() == "log"
    assert max(bar.get_width() for bar in ax_p.patches) == 36_928    # counts, not shares


def test_switching_scale_and_model_back_gives_the_same_axes_state():
    """Reused axes: log -> linear and a model round trip leave no trace behind."""
    w = ModelInspector()
    ax_p = w._fig.axes[0]
    ylim, labels = ax_p.get_ylim(), [t.get_text() for t in ax_p.get_yticklabels()]
    w.controls["log"].value = True
    ticks = [t.get_text() for t in ax_p.xaxis.get_ticklabels()]
    assert "$" not in "".join(ticks)                      # plain "1k", no mathtext
    w.controls["model"].value = "VGG16"
    w.controls["model"].value = "classic convnet"
    w.controls["log"].value = False
    assert w._fig.axes == [ax_p, w._fig.axes[1]] and len(w._fig.axes) == 2
    assert ax_p.get_xscale() == "linear" and ax_p.get_ylim() == ylim
    assert [t.get_text() for t in ax_p.get_yticklabels()] == labels
    assert len(ax_p.patches) == 5 and len(w._fig.texts) == 1
