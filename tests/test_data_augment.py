"""cnnlab.data.augment against Keras' own layers: units, ranges, identity at inference, the old API."""
import math

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from cnnlab.data.augment import (IMAGE_DATA_GENERATOR_MAPPING, augment_batch, augmentation,  # noqa: E402
                            correlations, from_image_data_generator_kwargs, mapping_table,
                            pearson, rotation_factor, shear_factor)

RNG = np.random.default_rng(0)
IMAGES = RNG.random((4, 16, 16, 3), dtype=np.float32)


def layer_types(pipe):
    return [type(layer).__name__ for layer in pipe.layers]


def test_layers_and_their_keras_parameters():
    pipe = augmentation(rotation=36, shift=0.2, shear=30, zoom=0.25, flip=True,
                        brightness=0.3, contrast=0.4, fill_mode="nearest", seed=3)
    assert layer_types(pipe) == ["RandomFlip", "RandomRotation", "RandomTranslation",
                                 "RandomShear", "RandomZoom", "RandomBrightness",
                                 "RandomContrast"]
    flip, rot, shift, shear, zoom, bright, contrast = pipe.layers
    assert flip.mode == "horizontal"
    assert rot.factor == pytest.approx((-0.1, 0.1))          # 36° = a tenth of 2π
    assert shift.height_factor == pytest.approx(0.2) and shift.width_factor == pytest.approx(0.2)
    assert shear.x_factor == pytest.approx((-math.tan(math.radians(30)),
                                            math.tan(math.radians(30))))
    assert shear.y_factor == (0.0, 0.0)
    assert zoom.height_factor == pytest.approx(0.25) and zoom.width_factor is None
    assert tuple(bright.value_range) == (0.0, 1.0) and tuple(contrast.value_range) == (0.0, 1.0)
    assert tuple(bright.factor) == pytest.approx((-0.3, 0.3))
    assert tuple(contrast.factor) == pytest.approx((0.4, 0.4))     # contrast in [0.6, 1.4]
    for layer in (rot, shift, shear, zoom):
        assert layer.fill_mode == "nearest"
    assert [layer.seed for layer in pipe.layers] == [3, 4, 5, 6, 7, 8, 9]


def test_rotation_factor_turns_a_quarter_turn_like_rot90():
    # A 90° maximum is factor 0.25; with factor (0.25, 0.25) every image turns by exactly 90°.
    x = RNG.random((1, 9, 9, 1), dtype=np.float32)
    layer = keras.layers.RandomRotation((rotation_factor(90),) * 2, interpolation="nearest")
    y = keras.ops.convert_to_numpy(layer(x, training=True))[0, :, :, 0]
    assert any(np.allclose(y, np.rot90(x[0, :, :, 0], k)) for k in (1, -1))


def test_nothing_asked_is_identity_and_inference_is_identity():
    assert layer_types(augmentation()) == ["Identity"]
    np.testing.assert_array_equal(augment_batch(augmentation(), IMAGES), IMAGES)
    pipe = augmentation(rotation=30, shift=0.1, zoom=0.2, flip=True, brightness=0.5, seed=0)
    np.testing.assert_array_equal(augment_batch(pipe, IMAGES, training=False), IMAGES)
    assert not np.allclose(augment_batch(pipe, IMAGES), IMAGES)


def test_values_stay_in_unit_range_and_shapes_unchanged():
    pipe = augmentation(rotation=90, shift=0.3, shear=20, zoom=0.5, flip=True,
                        brightness=0.8, contrast=0.9, seed=1)
    y = augment_batch(pipe, IMAGES)
    assert y.shape == IMAGES.shape
    assert y.min() >= 0.0 and y.max() <= 1.0


def test_contrast_goes_both_ways():
    # Keras' RandomContrast(0.5) would only raise contrast; ours lowers it too.
    x = np.repeat(np.linspace(0.3, 0.7, 16, dtype=np.float32).reshape(1, 4, 4, 1), 64, axis=0)
    y = augment_batch(augmentation(contrast=0.5, seed=0), x)
    ratio = y.reshape(64, -1).std(axis=1) / x[0].std()
    assert ratio.min() < 0.9 and ratio.max() > 1.1
    assert 0.5 - 1e-4 <= ratio.min() and ratio.max() <= 1.5 + 1e-4


def test_same_seed_same_samples():
    a = augment_batch(augmentation(rotation=40, zoom=0.3, seed=5), IMAGES)
    b = augment_batch(augmentation(rotation=40, zoom=0.3, seed=5), IMAGES)
    c = augment_batch(augmentation(rotation=40, zoom=0.3, seed=6), IMAGES)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_flip_only_mirrors():
    y = augment_batch(augmentation(flip=True, seed=2), np.repeat(IMAGES[:1], 16, axis=0))
    mirrored = [np.array_equal(im, IMAGES[0, :, ::-1]) for im in y]
    same = [np.array_equal(im, IMAGES[0]) for im in y]
    assert all(m or s for m, s in zip(mirrored, same)) and any(mirrored) and any(same)


@pytest.mark.parametrize("kwargs, message", [
    (dict(rotation=200), "`rotation` must be a number in [0, 180] (degrees). Received: rotation=200."),
    (dict(shift=1.0), "`shift` must be a number in [0, 1)"),
    (dict(shear=60), "`shear` must be a number in [0, 45] (degrees)"),
    (dict(zoom=-0.1), "`zoom` must be a number in [0, 1)"),
    (dict(brightness=True), "`brightness` must be a number in [0, 1]"),
    (dict(flip="yes"), "`flip` must be True or False. Received: flip='yes'."),
    (dict(fill_mode="mirror"), "`fill_mode` must be one of 'reflect', 'wrap', 'constant', 'nearest'"),
    (dict(seed=-1), "`seed` must be None or an integer >= 0. Received: seed=-1."),
])
def test_errors_name_the_argument_and_range(kwargs, message):
    with pytest.raises(ValueError) as err:
        augmentation(**kwargs)
    assert message in str(err.value)


def test_shear_slides_rows_by_tan_theta():
    # A vertical line sheared by 45°: row r moves by ±r pixels (about the top-left corner).
    x = np.zeros((8, 21, 21, 1), np.float32)
    x[:, :, 5:16] = 0.0
    x[:, :, 10] = 1.0
    layer = keras.layers.RandomShear(x_factor=(shear_factor(45),) * 2, interpolation="nearest",
                                     fill_mode="constant", seed=0)
    y = keras.ops.convert_to_numpy(layer(x, training=True))[..., 0]
    for img in y:
        cols = [int(np.argmax(img[r])) for r in (0, 4, 8)]
        assert cols in ([10, 6, 2], [10, 14, 18])


def test_mapping_covers_the_old_arguments_and_renders():
    names = {row["argument"] for row in IMAGE_DATA_GENERATOR_MAPPING}
    assert {"rotation_range", "width_shift_range", "height_shift_range", "shear_range",
            "zoom_range", "horizontal_flip", "fill_mode", "brightness_range", "rescale"} <= names
    table = mapping_table()
    assert table.count("\n") == len(IMAGE_DATA_GENERATOR_MAPPING) + 2
    html = table._repr_html_()
    assert html.count("<tr>") == len(IMAGE_DATA_GENERATOR_MAPPING) + 1
    assert "θ / 360" in table and "<code>rotation_range</code>" in html


def test_from_image_data_generator_kwargs_converts_units():
    pipe = from_image_data_generator_kwargs(
        rotation_range=90, width_shift_range=0.2, height_shift_range=0.1, shear_range=30,
        zoom_range=[0.8, 1.5], horizontal_flip=True, fill_mode="constant", cval=0.5,
        brightness_range=[0.6, 1.2], rescale=1 / 255, seed=0)
    assert layer_types(pipe) == ["Rescaling", "RandomFlip", "RandomRotation",
                                 "RandomTranslation", "RandomShear", "RandomZoom",
                                 "RandomBrightness"]
    rescale, flip, rot, shift, shear, zoom, bright = pipe.layers
    assert rescale.scale == pytest.approx(1 / 255)
    assert rot.factor == pytest.approx((-0.25, 0.25))
    assert (shift.height_factor, shift.width_factor) == pytest.approx((0.1, 0.2))
    assert shear.x_factor == pytest.approx((-0.5, 0.5))      # sin 30°
    assert zoom.height_factor == pytest.approx((-0.2, 0.5)) == zoom.width_factor
    assert rot.fill_mode == "constant" and rot.fill_value == 0.5
    assert tuple(bright.factor) == pytest.approx((-0.2, 0.1))
    # the old default fill mode was "nearest"
    assert from_image_data_generator_kwargs(rotation_range=10).layers[0].fill_mode == "nearest"
    single = from_image_data_generator_kwargs(zoom_range=0.3).layers[0]
    assert single.height_factor == pytest.approx((-0.3, 0.3))


@pytest.mark.parametrize("kwargs, message", [
    (dict(zca_whitening=True), "`zca_whitening` has no preprocessing-layer equivalent"),
    (dict(width_shift_range=12), "`width_shift_range` must be a fraction of the image size"),
    (dict(zoom_range=1.5), "`zoom_range` must be below 1"),
    (dict(brightness_range=0.2), "`brightness_range` must be a pair"),
    (dict(rotation_range=-5), "`rotation_range` must be a number in [0, 180] (degrees). "
                              "Received: rotation_range=-5."),
    (dict(shear_range=90), "`shear_range` must be a number in [0, 90) (degrees)."),
    (dict(cval=-1), "`cval` must be a number >= 0. Received: cval=-1."),
])
def test_old_kwargs_errors(kwargs, message):
    with pytest.raises(ValueError) as err:
        from_image_data_generator_kwargs(**kwargs)
    assert message in str(err.value)


def test_pearson_matches_numpy_and_correlations():
    a, b = RNG.random((5, 5, 3)), RNG.random((5, 5, 3))
    assert pearson(a, b) == pytest.approx(np.corrcoef(a.ravel(), b.ravel())[0, 1])
    r = correlations(IMAGES, augmentation(flip=True, seed=0), samples=6)
    assert r["augmented"].shape == (6,) and r["different"].shape == (3,)
    # random noise images: a mirrored copy is uncorrelated, an unflipped copy identical
    assert all(c > 0.999 or abs(c) < 0.3 for c in r["augmented"])
    with pytest.raises(ValueError, match="at least 2 images"):
        correlations(IMAGES[:1], augmentation())
