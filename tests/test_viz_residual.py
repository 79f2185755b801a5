"""DepthExplorer: gradient norms of plain vs residual nets, controls, figure, messages."""
import numpy as np
import pytest

pytest.importorskip("keras")
pytest.importorskip("ipywidgets")

from cnnlab.viz.residual import DepthExplorer, run_label  # noqa: E402


@pytest.fixture(scope="module")
def batch():
    rng = np.random.default_rng(0)
    return rng.uniform(size=(16, 8, 8, 1)).astype("float32"), np.arange(16) % 4


def test_plain_gradients_vanish_where_residual_ones_do_not(batch):
    w = DepthExplorer(*batch, depths=(8, 32), depth=32)
    plain = w.compute(depth=32, residual=False)
    res = w.compute(depth=32, residual=True)
    assert len(plain["norms"]) == len(res["norms"]) == 32      # projections left out
    shallow = w.compute(depth=8, residual=False)
    # the deep plain net's gradients are orders of magnitude below the residual net's
    assert plain["median"] < 1e-4 * res["median"]
    assert plain["norms"].max() < 1e-3 * res["norms"].min()
    # and far below the shallow plain net's: depth is what kills them
    assert plain["median"] < 1e-3 * shallow["median"]


def test_norms_match_a_direct_gradient_norms_call(batch):
    from cnnlab.train import gradient_norms
    w = DepthExplorer(*batch, depths=(8,))
    direct = gradient_norms(w.model(8, False), *batch)
    np.testing.assert_allclose(w.result["norms"], list(direct.values()), rtol=1e-5)
    assert w.model(8, False) is w.model(8, False)          # cached


def test_controls_change_result_and_figure(batch):
    runs = {"plain 8": {"loss": [2.3, 2.0, 1.5]}, "residual 8": {"loss": [2.3, 1.4, 0.9]}}
    w = DepthExplorer(*batch, runs=runs, depths=(8, 14))
    assert w.result["depth"] == 14 and not w.result["residual"]
    before, png = w.result["median"], w.figure_png()
    w.controls["residual"].value = True
    assert w.result["residual"] and w.result["median"] > 100 * before
    assert w.figure_png() != png
    png = w.figure_png()
    w.controls["depth"].value = 8
    assert w.result["depth"] == 8 and w.figure_png() != png
    assert w.result["losses"]["residual 8"] == [2.3, 1.4, 0.9]
    assert run_label(8, True) == "residual 8"
    assert w.error is None


def test_bad_depth_gives_a_message_not_an_error(batch):
    w = DepthExplorer(*batch, depths=(8, 14))
    w.controls["depth"].value = 9
    assert w.result is None and w.error is None
    assert "6 n + 2" in w.message.value


@pytest.mark.parametrize("kwargs, message", [
    (dict(depths=(9,)), "`depths` must be depths 6 n \\+ 2"),
    (dict(runs={"a": 3}), "`runs` values must be"),
])
def test_constructor_errors(batch, kwargs, message):
    with pytest.raises(ValueError, match=message):
        DepthExplorer(*batch, **kwargs)


def test_redraws_reuse_artists_and_bold_the_current_run(batch):
    runs = {"plain 8": {"loss": [2.3, 2.0, 1.5]}, "residual 8": {"loss": [2.3, 1.4, 0.9]}}
    w = DepthExplorer(*batch, runs=runs, depths=(8, 14), depth=8)
    ax, ax2 = w._fig.axes
    counts = [(len(a.lines), len(a.texts)) for a in (ax, ax2)]
    for depth, residual in [(14, True), (8, True), (8, False), (14, False)]:
        w.controls["depth"].value = depth
        w.controls["residual"].value = residual
        widths = {line.get_label(): line.get_linewidth() for line in ax2.lines}
        bold = [label for label, lw in widths.items() if lw > 2]
        assert bold == ([run_label(depth, residual)] if depth == 8 else [])
        np.testing.assert_allclose(ax.lines[0].get_ydata(), w.result["norms"])
    assert [(len(a.lines), len(a.texts)) for a in (ax, ax2)] == counts
    assert w._fig.axes == [ax, ax2] and w.error is None
