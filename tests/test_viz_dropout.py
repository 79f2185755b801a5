"""DropoutExplorer: masks follow the rate, inverted scaling keeps the mean (as Keras does)."""
import numpy as np
import pytest

from cnnlab.viz.dropout import SIZES, DropoutExplorer


@pytest.fixture(scope="module")
def explorer():
    return DropoutExplorer()


def test_masks_drop_hidden_units_only_and_follow_the_rate():
    kept = []
    for seed in range(200):
        r = DropoutExplorer.compute_masks(rate=0.3, seed=seed, samples=10)
        assert r["masks"][0].all() and r["masks"][-1].all()
        kept.append(r["kept"] / r["hidden"])
    # 200 x 16 Bernoulli(0.7) draws: standard error 0.0081, so 4 s.e. is 0.032
    assert abs(np.mean(kept) - 0.7) < 0.032


def test_means_with_and_without_scaling_against_keras():
    keras = pytest.importorskip("keras")
    rate, samples = 0.4, 20000
    r = DropoutExplorer.compute_masks(rate=rate, seed=1, samples=samples)
    h = r["activation"]
    # each mean is h * Bernoulli mean / (1 - p): s.e. = h * sqrt(p / (1 - p) / n)
    tol = 4 * h * np.sqrt(rate / (1 - rate) / samples)
    assert np.all(np.abs(r["inverted_mean"] - h) < tol)
    np.testing.assert_allclose(r["unscaled_mean"], r["inverted_mean"] * (1 - rate))
    layer = keras.layers.Dropout(rate, seed=0)
    batch = np.broadcast_to(h, (samples, h.size)).astype("float32")
    keras_mean = keras.ops.convert_to_numpy(layer(batch, training=True)).mean(axis=0)
    assert np.all(np.abs(keras_mean - h) < tol)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(batch, training=False))[0], h,
                               rtol=1e-6)


def test_controls_change_result_and_figure(explorer):
    for name, value in [("rate", 0.8), ("seed", 5), ("samples", 50)]:
        before_png, before = explorer.figure_png(), explorer.result
        explorer.controls[name].value = value
        assert explorer.error is None and explorer.message.value == "", name
        assert explorer.result is not before, name
        assert explorer.figure_png() != before_png, name
    assert explorer.result["rate"] == 0.8 and explorer.result["samples"] == 50


def test_resample_draws_a_new_mask(explorer):
    explorer.controls["rate"].value = 0.5
    explorer.controls["seed"].value = 5          # whatever the tests before it left
    masks = []
    for _ in range(4):
        masks.append(np.concatenate(explorer.result["masks"]))
        explorer.resample.click()
    assert explorer.controls["seed"].value == 9
    assert len({m.tobytes() for m in masks}) > 1


def test_bad_values_give_a_message_not_an_error(explorer):
    explorer.controls["rate"].max = 1.0
    explorer.controls["rate"].value = 1.0
    assert "`rate` must be a number in [0, 1)" in explorer.message.value
    assert explorer.error is None and explorer.result is None
    explorer.controls["rate"].value = 0.5
    assert explorer.message.value == ""
    with pytest.raises(ValueError, match="`sizes` must list at least 3 layers"):
        DropoutExplorer(sizes=(4, 3))
    with pytest.raises(ValueError, match="`seed` must be an integer >= 0"):
        DropoutExplorer.compute_masks(0.5, -1)
    assert DropoutExplorer().sizes == SIZES


def test_figure_updated_in_place_equals_a_new_figure():
    """Artists are kept and changed in place: after moves, the picture is a fresh widget's."""
    w = DropoutExplorer(samples=200)
    axes, edges = list(w._fig.axes), w._fig.axes[0].collections[0]
    for name, value in [("rate", 0.8), ("seed", 3), ("samples", 50), ("rate", 0.2)]:
        w.controls[name].value = value
    assert w.error is None and w._fig.axes == axes and w._fig.axes[0].collections[0] is edges
    # 0.2 of 16 hidden units: the kept ones' edges, one segment per pair of kept units
    kept = [m.sum() for m in w.result["masks"]]
    assert len(edges.get_segments()) == sum(a * b for a, b in zip(kept, kept[1:]))
    new = DropoutExplorer(rate=0.2, samples=50)
    new.controls["seed"].value = 3
    assert w.figure_png() == new.figure_png()
