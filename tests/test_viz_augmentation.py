"""AugmentationExplorer: samples are what Keras' layers give, controls redraw, bad values explain."""
import numpy as np
import pytest

keras = pytest.importorskip("keras")

from cnnlab.viz.augmentation import AugmentationExplorer, mosaic, square_photo  # noqa: E402


@pytest.fixture(scope="module")
def explorer():
    return AugmentationExplorer(size=48, samples=4)


def test_samples_equal_keras_layers_with_the_same_seed(explorer):
    values = {**explorer.values(), "rotation": 30.0, "shift": 0.0, "zoom": 0.0,
              "flip": False, "seed": 7}
    result = explorer.compute(**values)
    layer = keras.layers.RandomRotation(30 / 360, seed=7 + 1, fill_mode="reflect")
    batch = np.repeat(explorer.image[None], 4, axis=0)
    expected = keras.ops.convert_to_numpy(layer(batch, training=True))
    np.testing.assert_allclose(result["samples"], np.clip(expected, 0, 1), atol=1e-6)
    assert result["layers"] == ["rotation"]
    assert result["original"].shape == (48, 48, 3)


def test_all_zero_gives_the_photo_itself(explorer):
    values = {**explorer.values(), "rotation": 0.0, "shift": 0.0, "zoom": 0.0, "flip": False}
    result = explorer.compute(**values)
    for sample in result["samples"]:
        np.testing.assert_array_equal(sample, explorer.image)
    assert result["layers"] == []


def test_controls_change_result_and_figure(explorer):
    for name, value in [("rotation", 90.0), ("shear", 30.0), ("brightness", 0.5),
                        ("contrast", 0.7), ("fill_mode", "constant"), ("flip", False),
                        ("shift", 0.3), ("zoom", 0.5)]:
        before_png, before = explorer.figure_png(), explorer.result["samples"].copy()
        explorer.controls[name].value = value
        assert explorer.error is None and explorer.message.value == "", name
        assert not np.array_equal(explorer.result["samples"], before), name
        assert explorer.figure_png() != before_png, name
    assert explorer.result["layers"] == ["rotation", "shift", "shear", "zoom", "brightness",
                                         "contrast"]


def test_reroll_changes_seed_and_samples(explorer):
    seed, before = explorer.controls["seed"].value, explorer.result["samples"].copy()
    before_png = explorer.figure_png()
    explorer.reroll.click()
    assert explorer.controls["seed"].value == seed + 1
    assert explorer.result["seed"] == seed + 1
    assert not np.array_equal(explorer.result["samples"], before)
    assert explorer.figure_png() != before_png


def test_kept_layers_and_batches_give_what_new_keras_layers_give():
    """After many moves (layers reused, batches kept) the grid is a fresh pipeline's."""
    w = AugmentationExplorer(size=40, samples=3)
    for name, value in [("seed", 3), ("rotation", 60.0), ("brightness", 0.4),
                        ("fill_mode", "constant"), ("zoom", 0.3), ("rotation", 30.0),
                        ("shift", 0.2), ("brightness", 0.2), ("seed", 4), ("seed", 3)]:
        w.controls[name].value = value
        assert w.error is None and w.result is not None, (name, w.message.value)
    layers = keras.layers
    geometry = {"fill_mode": "constant"}
    fresh = keras.Sequential([        # seed + position in the order flip, rotation, ...
        layers.RandomFlip("horizontal", seed=3),
        layers.RandomRotation(30 / 360, seed=4, **geometry),
        layers.RandomTranslation(0.2, 0.2, seed=5, **geometry),
        layers.RandomZoom(0.3, seed=7, **geometry),
        layers.RandomBrightness(0.2, value_range=(0, 1), seed=8)])
    batch = np.repeat(w.image[None], 3, axis=0)
    expected = np.clip(keras.ops.convert_to_numpy(fresh(batch, training=True)), 0, 1)
    np.testing.assert_allclose(w.result["samples"], expected, atol=1e-6)
    assert w.result["layers"] == ["flip", "rotation", "shift", "zoom", "brightness"]
    # a slider moved away and back, or the seed, gives the same grid again
    for name, away in [("brightness", 0.6), ("rotation", 90.0), ("seed", 9)]:
        back = w.controls[name].value
        w.controls[name].value = away
        assert not np.allclose(w.result["samples"], expected, atol=1e-6), name
        w.controls[name].value = back
        np.testing.assert_allclose(w.result["samples"], expected, atol=1e-6, err_msg=name)


def test_figure_updated_in_place_equals_a_new_figure():
    w = AugmentationExplorer(size=40, samples=3)
    grid = w._fig.axes[1].images[0]
    for name, value in [("rotation", 45.0), ("seed", 2), ("contrast", 0.5)]:
        w.controls[name].value = value
    assert w._fig.axes[1].images[0] is grid          # no axes rebuilt
    new = AugmentationExplorer(size=40, samples=3, **w.values())
    np.testing.assert_array_equal(new.result["samples"], w.result["samples"])
    assert w.figure_png() == new.figure_png()
    # another photo: nothing kept from the old one is reused, the left image changes too
    w.image = np.ascontiguousarray(w.image[::-1])
    w.controls["seed"].value += 1
    new = AugmentationExplorer(image=w.image, samples=3, **w.values())
    np.testing.assert_array_equal(new.result["samples"], w.result["samples"])
    assert w.figure_png() == new.figure_png()


def test_bad_values_give_a_message_not_an_error(explorer):
    explorer.controls["shift"].max = 1.0
    explorer.controls["shift"].value = 1.0
    assert "`shift` must be a number in [0, 1)" in explorer.message.value
    assert explorer.error is None and explorer.result is None
    explorer.controls["shift"].value = 0.1
    assert explorer.message.value == "" and explorer.result is not None
    with pytest.raises(ValueError, match="`seed` must be an integer >= 0"):
        explorer.compute(**{**explorer.values(), "seed": -2})


def test_constructor_checks_and_helpers():
    with pytest.raises(ValueError, match="`spin` is not a control"):
        AugmentationExplorer(size=16, spin=3)
    with pytest.raises(ValueError, match="`image` must be a photo name or an array"):
        AugmentationExplorer(image=np.zeros((4, 4)))
    own = AugmentationExplorer(image=np.full((12, 12, 3), 0.5, np.float32), samples=2,
                               brightness=0.4, rotation=0.0, zoom=0.0, shift=0.0, flip=False)
    # brightness adds one offset per image: each sample is flat, in [0.1, 0.9]
    for sample in own.result["samples"]:
        assert np.ptp(sample) < 1e-6 and 0.1 - 1e-6 <= sample.mean() <= 0.9 + 1e-6
    assert square_photo("chelsea", 20).shape == (20, 20, 3)
    tiles = mosaic(np.arange(4 * 2 * 2 * 1).reshape(4, 2, 2, 1), ncols=2, gap=1)
    assert tiles.shape == (5, 5, 1) and tiles[2, 2, 0] == 1 and tiles[3, 3, 0] == 12
