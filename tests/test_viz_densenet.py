"""GrowthRateExplorer: DenseNet arithmetic checked against Keras, controls, figure, messages."""
import pytest

pytest.importorskip("ipywidgets")

from cnnlab.viz.densenet import REFERENCES, GrowthRateExplorer, parse_blocks  # noqa: E402


def test_default_is_densenet121_with_keras_figures():
    w = GrowthRateExplorer()
    r = w.result
    assert r["params"] == 8_062_504 == REFERENCES["DenseNet-121"]
    assert [c for _, c in r["channels"]] == [64, 256, 128, 512, 256, 1024, 512, 1024]
    assert r["connections"] == 21 + 78 + 300 + 136          # L(L+1)/2 per block
    assert REFERENCES["ResNet-50"] == 25_636_712
    assert r["compare"]["this DenseNet"] < r["compare"]["ResNet-50"] / 3
    # every layer adds k channels: the trace of block 1 is 96, 128, ..., 256
    assert [c for name, c in r["trace"] if name == "block 1"] == list(range(96, 257, 32))


def test_matches_keras_for_a_small_config():
    keras = pytest.importorskip("keras")
    from cnnlab.models.densenets import densenet
    w = GrowthRateExplorer()
    r = w.compute(k0=24, growth_rate=12, blocks="3, 4", compression=0.3, bottleneck=False)
    model = densenet((3, 4), 12, stem_filters=24, compression=0.3, bottleneck=False)
    assert r["params"] == model.count_params()
    assert r["channels"][-1][1] == model.get_layer("conv3_block4_concat").output.shape[-1]
    assert isinstance(model, keras.Model)


def test_controls_change_result_and_figure():
    w = GrowthRateExplorer()
    png = w.figure_png()
    w.controls["growth_rate"].value = 12
    assert w.result["params"] < 8_062_504 and w.figure_png() != png
    png = w.figure_png()
    w.controls["blocks"].value = "6, 12, 32, 32"
    # 64 + 6*12 = 136 -> 68; 68 + 12*12 = 212 -> 106; 106 + 32*12 = 490 -> 245; 245 + 384
    assert w.result["channels"][-1] == ("block 4", 629)
    assert w.figure_png() != png
    png = w.figure_png()
    w.controls["compression"].value = 1.0
    assert w.result["channels"][2][1] == w.result["channels"][1][1]    # no compression
    assert w.figure_png() != png
    w.controls["bottleneck"].value = False
    assert w.error is None


def test_artists_are_updated_not_piled_up():
    w = GrowthRateExplorer()
    fig = w._fig
    ax, ax2 = fig.axes
    counts = [(len(a.lines), len(a.patches)) for a in fig.axes]
    for k in (12, 40, 8, 32):
        w.controls["growth_rate"].value = k
    w.controls["blocks"].value = "2, 3"
    assert w._fig is fig and [(len(a.lines), len(a.patches)) for a in fig.axes] == counts
    # two blocks: stem 64, block 1 ends at 64 + 2*32 = 128, transition 64, block 2 at 160
    shown = sorted(t.get_text() for t in ax.texts if t.get_visible())
    assert shown == ["128", "160", "64", "64"]


def test_bad_blocks_give_a_message():
    w = GrowthRateExplorer()
    w.controls["blocks"].value = "6, twelve"
    assert w.result is None and w.error is None
    assert "`blocks` must be" in w.message.value
    w.controls["blocks"].value = "1, 1, 1, 1, 1"
    w.controls["k0"].value = 1
    w.controls["growth_rate"].value = 1
    w.controls["compression"].value = 0.05
    assert "leaves no channels" in w.message.value and w.error is None


def test_parse_blocks():
    assert parse_blocks("6,12 ,24, 16") == (6, 12, 24, 16)
    with pytest.raises(ValueError, match="Received: blocks=''"):
        parse_blocks("")
