"""Classic-networks chart: counts against Keras and the papers, controls redraw, no heavy builds."""
import html

import pytest

from cnnlab.models import catalog as history
from cnnlab.viz.classic import (ClassicNetworksExplorer, chart_data, chart_rows, classic_chart,
                                details_html)

#: Keras' published parameter counts (keras.io/api/applications) and the
#: papers' multiply-add figures, typed from those sources.
KERAS_PARAMS = {"VGG-16": 138_357_544, "ResNet-152": 60_419_944, "DenseNet-121": 8_062_504,
                "MobileNet": 4_253_864, "NASNet-A Mobile": 5_326_716,
                "NASNet-A Large": 88_949_818}
PAPER_MACS = {"VGG-16": 15.3e9, "ResNet-152": 11.3e9, "MobileNet": 569e6,
              "NASNet-A Mobile": 564e6, "NASNet-A Large": 23.8e9, "GoogLeNet": 1.5e9}
PAPER_PARAMS = {"AlexNet": 60e6, "VGG-16": 138e6, "MobileNet": 4.2e6,
                "NASNet-A Mobile": 5.3e6, "NASNet-A Large": 88.9e6}
PAPER_TOP5 = {"AlexNet": 15.3, "ZFNet": 14.8, "GoogLeNet": 6.67, "VGG-16": 7.3,
              "ResNet-152": 3.57}


@pytest.fixture(scope="module")
def rows():
    return chart_rows()


def points(result):
    return {p["name"]: p for p in result["points"]}


def test_rows_never_build_a_heavy_model(monkeypatch):
    """Even in the full profile (where counts() would build them) the chart does not."""
    monkeypatch.setenv("CNNLAB_PROFILE", "full")
    computed = history._computed

    def no_heavy(name):
        assert not history.get(name).heavy, f"the chart built {name}"
        return computed(name)

    monkeypatch.setattr(history, "_computed", no_heavy)
    rows = chart_rows()
    heavy = [r for r in rows if history.get(r["name"]).heavy]
    assert len(heavy) == 4 and all("CACHED_COUNTS" in r["counts_source"] for r in heavy)
    assert [r["name"] for r in rows] == history.names()[1:]      # LeNet-5 has no ImageNet error


def test_cnnlab_counts_match_keras_published_counts(rows):
    by_name = points(chart_data(rows, "params", "cnnlab"))
    for name, params in KERAS_PARAMS.items():
        assert by_name[name]["x"] == params, name
    assert all(p["stated"] for p in by_name.values())


def test_alexnet_counts_match_keras_and_arithmetic_by_hand(rows):
    keras = pytest.importorskip("keras")
    from cnnlab.models import alexnet
    model = alexnet()
    macs = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            h, w, f = layer.output.shape[1:]
            kh, kw, c, _ = layer.kernel.shape
            macs += h * w * f * kh * kw * c
        elif isinstance(layer, keras.layers.Dense):
            macs += layer.kernel.shape[0] * layer.kernel.shape[1]
    got = points(chart_data(rows, "params"))["AlexNet"]["x"], \
        points(chart_data(rows, "macs"))["AlexNet"]["x"]
    assert got == (model.count_params(), macs)


def test_macs_agree_with_the_papers(rows):
    by_name = points(chart_data(rows, "macs", "cnnlab"))
    for name, paper in PAPER_MACS.items():
        tolerance = 0.06 if name == "GoogLeNet" else 0.02    # "1.5 billion" is rounded
        assert abs(by_name[name]["x"] - paper) / paper < tolerance, name


def test_paper_mode_uses_the_papers_and_marks_what_they_do_not_state(rows):
    r = chart_data(rows, "params", "paper")
    by_name = points(r)
    for name, paper in PAPER_PARAMS.items():
        assert by_name[name]["x"] == paper and by_name[name]["stated"], name
    # ZFNet, GoogLeNet, ResNet and DenseNet give no parameter total
    assert r["missing"] == ["ZFNet", "GoogLeNet", "ResNet-152", "DenseNet-121"]
    assert by_name["ZFNet"]["x"] == points(chart_data(rows))["ZFNet"]["x"]
    assert chart_data(rows, "macs", "paper")["missing"] == ["AlexNet", "ZFNet",
                                                           "DenseNet-121"]


def test_errors_human_line_and_ensembles(rows):
    r = chart_data(rows)
    by_name = points(r)
    assert {n: by_name[n]["y"] for n in PAPER_TOP5} == PAPER_TOP5
    assert r["human"] == 5.1 and r["below_human"] == ["ResNet-152", "NASNet-A Large"]
    assert [p["ensemble"] for p in r["points"]] == [True] * 5 + [False] * 4
    assert r["summary"] == ("VGG-16 → MobileNet: 32.5× fewer parameters, "
                            "top-5 error 7.3 % → 10.5 %")
    assert round(138_357_544 / 4_253_864, 1) == 32.5


def test_selection_and_pick(rows):
    r = chart_data(rows, "macs", networks=("AlexNet", "ResNet-152"), pick="VGG-16")
    assert [p["name"] for p in r["points"]] == ["AlexNet", "ResNet-152"]
    assert r["pick"]["name"] == "VGG-16" and not r["pick"]["beats_human"]
    assert r["pick"]["params_ratio"] == pytest.approx(138_357_544 / 138e6)
    assert chart_data(rows, pick="ResNet-152")["pick"]["beats_human"]


@pytest.mark.parametrize("kwargs, text", [
    ({"axis": "flops"}, "`axis` must be one of"),
    ({"counts": "both"}, "`counts` must be one of"),
    ({"networks": ()}, "at least one network"),
    ({"networks": ["LeNet-5"]}, "`networks` must name networks of the chart"),
    ({"pick": "VGG-99"}, "`pick` must be one of"),
])
def test_compute_errors(rows, kwargs, text):
    with pytest.raises(ValueError, match=text):
        chart_data(rows, **kwargs)


def test_details_html(rows):
    text = html.unescape(details_html(chart_data(rows, pick="ResNet-152")["pick"]))
    assert "He, Zhang, Ren, Sun" in text and "60,419,944" in text
    assert "11.3 billion" in text and "0.998× the paper's" in text
    assert "not stated (not stated)" not in text and "ensemble of 6" in text
    assert details_html(None) == ""


def test_controls_change_result_and_figure(rows):
    w = classic_chart(rows=rows)
    assert isinstance(w, ClassicNetworksExplorer)
    assert w.error is None and w.result["axis"] == "params"
    assert "Krizhevsky" in w.details.value
    before = w.figure_png()
    w.controls["axis"].value = "macs"
    assert points(w.result)["MobileNet"]["x"] == 568_740_352
    after = w.figure_png()
    assert after != before
    w.controls["counts"].value = "paper"
    assert points(w.result)["MobileNet"]["x"] == 569_000_000 and w.figure_png() != after
    before = w.figure_png()
    w.controls["show_VGG-16"].value = False
    assert "VGG-16" not in points(w.result) and w.figure_png() != before
    details = w.details.value
    w.controls["pick"].value = "DenseNet-121"
    assert w.details.value != details and "Huang" in w.details.value
    assert w.error is None and w.message.value == ""


def test_no_network_ticked_gives_a_message(rows):
    w = ClassicNetworksExplorer(rows=rows, networks=["AlexNet"])
    assert [p["name"] for p in w.result["points"]] == ["AlexNet"]
    w.controls["show_AlexNet"].value = False
    assert w.result is None and "at least one network" in w.message.value
    assert w.error is None and w.details.value == ""
    w.controls["show_ZFNet"].value = True
    assert w.result is not None and w.message.value == "" and "Krizhevsky" in w.details.value


def test_bad_arguments_raise_at_construction(rows):
    with pytest.raises(ValueError, match="`axis`"):
        ClassicNetworksExplorer(rows=rows, axis="flops")


def test_chart_shows_exactly_the_ticked_networks_after_many_updates(rows):
    w = ClassicNetworksExplorer(rows=rows)
    ax = w._fig.axes[0]
    n_texts, n_collections = len(ax.texts), len(ax.collections)
    for name in ("VGG-16", "AlexNet", "MobileNet"):
        w.controls[f"show_{name}"].value = False
    w.controls["axis"].value = "macs"
    w.controls["counts"].value = "paper"
    w.controls["show_AlexNet"].value = True
    assert w.error is None and w._fig.axes == [ax]
    labels = sorted(t.get_text() for t in ax.texts if t.get_visible() and "(" in t.get_text()
                    and "human" not in t.get_text())
    assert labels == sorted(f"{p['name']} ({p['year']})" for p in w.result["points"])
    assert "VGG-16 (2014)" not in labels and "AlexNet (2012)" in labels
    dots = sum(len(c.get_offsets()) for c in ax.collections[:2])
    assert dots == len(w.result["points"])
    # a network the paper gives no MACs for is drawn hollow and the legend says so
    assert w.result["missing"] and len(ax.get_legend().get_texts()) == 3
    assert (len(ax.texts), len(ax.collections)) == (n_texts, n_collections)
