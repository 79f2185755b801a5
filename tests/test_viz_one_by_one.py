"""OneByOneExplorer: the mixing against a real Keras 1×1 Conv2D; controls and messages."""
import numpy as np
import pytest

from cnnlab.viz.one_by_one import OneByOneExplorer, channel_stack, mixing_weights


def keras_1x1(x, weights, bias):
    """A Keras Conv2D(F, 1) with the given weights, applied to one (H, W, C) stack."""
    import keras
    layer = keras.layers.Conv2D(weights.shape[1], 1)
    layer.build((None, *x.shape))
    layer.set_weights([weights[None, None].astype("float32"), bias.astype("float32")])
    y = keras.ops.convert_to_numpy(layer(x[None].astype("float32")))[0]
    return y, layer.count_params()


@pytest.fixture(scope="module")
def explorer():
    return OneByOneExplorer(size=16)


@pytest.mark.parametrize("channels, filters", [(1, 1), (3, 4), (8, 2), (5, 8)])
def test_mixing_matches_a_keras_1x1_conv(explorer, channels, filters):
    result = explorer.compute(channels=channels, filters=filters, row=3, col=11, seed=2)
    y, params = keras_1x1(result["x"], result["weights"], result["bias"])
    np.testing.assert_allclose(result["y"], y, atol=1e-5)
    np.testing.assert_allclose(result["mixed"], y[3, 11], atol=1e-5)
    assert result["params"] == params
    assert result["macs"] == 16 * 16 * channels * filters
    assert result["y"].shape == (16, 16, filters)


def test_channel_stack_edges_match_keras():
    import keras
    rng = np.random.default_rng(0)
    rgb = rng.random((10, 12, 3))
    stack = channel_stack(rgb)
    grey = rgb.mean(-1)
    sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], "float32")
    ex = keras.ops.conv(grey[None, :, :, None].astype("float32"), sobel[:, :, None, None],
                        padding="same")
    ex = np.abs(keras.ops.convert_to_numpy(ex)[0, :, :, 0]) / 4
    np.testing.assert_allclose(stack[..., 4], ex, atol=1e-5)
    np.testing.assert_allclose(stack[..., :4], np.dstack([rgb, grey]))
    assert stack.shape == (10, 12, 8)


def test_controls_change_result_and_figure(explorer):
    png, params = explorer.figure_png(), explorer.result["params"]
    explorer.controls["filters"].value = 6
    assert explorer.result["y"].shape[-1] == 6 and explorer.result["params"] != params
    assert explorer.figure_png() != png
    png = explorer.figure_png()
    explorer.controls["channels"].value = 8
    assert explorer.result["weights"].shape == (8, 6) and explorer.figure_png() != png
    png = explorer.figure_png()
    explorer.controls["row"].value = 0
    assert explorer.result["cell"][0] == 0 and explorer.figure_png() != png
    assert explorer.error is None


def test_weights_are_kept_when_a_channel_is_added():
    small, _ = mixing_weights(3, 4, seed=5)
    big, _ = mixing_weights(4, 4, seed=5)
    np.testing.assert_array_equal(big[:3], small)


def test_bad_values_give_a_message_not_an_error():
    w = OneByOneExplorer(stack=np.ones((4, 5, 3)))
    w.controls["channels"].max = 6                     # a slider that allows too much
    w.controls["channels"].value = 5
    assert w.result is None and w.error is None
    assert "`channels` must be at most 3" in w.message.value
    with pytest.raises(ValueError, match="pixel must lie"):
        w.compute(channels=2, filters=2, row=4, col=0)
    with pytest.raises(ValueError, match="`stack` must have shape"):
        OneByOneExplorer(stack=np.ones((4, 5)))


def test_artists_are_updated_not_piled_up():
    w = OneByOneExplorer(size=8)
    fig = w._fig
    counts = [(len(ax.images), len(ax.texts), len(ax.patches)) for ax in fig.axes]
    for seed in (1, 2, 3):
        w.controls["seed"].value = seed
        w.controls["col"].value = seed
    assert w._fig is fig
    assert [(len(ax.images), len(ax.texts), len(ax.patches)) for ax in fig.axes] == counts
    # the numbers shown are the result's: y[r, c] of the product panel
    y_texts = w._art["products"][3]["texts"]
    shown = [t.get_text() for t in y_texts if t.get_visible()]
    assert shown == [format(v, ".2f") for v in w.result["mixed"]]
    w.controls["filters"].value = 2                 # fewer cells shown, same layout
    assert [t.get_text() for t in y_texts if t.get_visible()] == [
        format(v, ".2f") for v in w.result["mixed"]]
    assert len(w.result["mixed"]) == 2 and len(fig.axes) == 3
    assert [(len(ax.images), len(ax.texts), len(ax.patches)) for ax in fig.axes] == counts
