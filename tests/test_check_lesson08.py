"""Lesson 08 question bank: right answers pass, each known mistake gets its hint."""
import math

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from cnnlab.check.registry import NotYet, load_bank  # noqa: E402

from check_util import expect_hint, run  # noqa: E402

BANK = load_bank("08")
L = keras.layers


def digits_pipeline(**change):
    parts = {"rotation": L.RandomRotation(10 / 360, seed=0),
             "shift": L.RandomTranslation(0.1, 0.1, seed=1),
             "zoom": L.RandomZoom(0.1, seed=2),
             "contrast": L.RandomContrast((0.2, 0.2), value_range=(0, 1), seed=3)}
    parts.update(change)
    return keras.Sequential([p for p in parts.values() if p is not None])


def test_08_1_reference_passes_and_matches_cnnlab_augment():
    from cnnlab.data.augment import augmentation
    ours = augmentation(rotation=10, shift=0.1, zoom=0.1, contrast=0.2, seed=0)
    run("08.1", ours)
    run("08.1", digits_pipeline())


def test_08_1_hints():
    expect_hint("08.1", digits_pipeline(flip=L.RandomFlip("horizontal")), "flips change the label")
    expect_hint("08.1", digits_pipeline(rotation=L.RandomRotation(math.radians(10))), "radians")
    expect_hint("08.1", digits_pipeline(rotation=L.RandomRotation(10 / 180)), "half a turn")
    expect_hint("08.1", digits_pipeline(rotation=None), "RandomRotation layer is missing")
    expect_hint("08.1", digits_pipeline(shift=L.RandomTranslation(0.1, 0.2)), "width_factor=0.1")
    expect_hint("08.1", digits_pipeline(zoom=L.RandomZoom((0.9, 1.0))), "offset from 1")
    expect_hint("08.1", digits_pipeline(contrast=L.RandomContrast(0.2, value_range=(0, 1))),
                "only ever raises the contrast")
    expect_hint("08.1", digits_pipeline(contrast=L.RandomContrast((0.2, 0.2))),
                "value_range=\\(0, 1\\)")
    expect_hint("08.1", digits_pipeline(crop=L.RandomCrop(20, 20)), "remove RandomCrop")
    expect_hint("08.1", digits_pipeline(flip=L.RandomFlip()), "a 180° turn")
    expect_hint("08.1", digits_pipeline(zoom=L.RandomZoom(0.9)), "offset from 1")  # "90%"
    expect_hint("08.1", digits_pipeline(zoom=L.RandomZoom(0.2)), "up to 10%")
    expect_hint("08.1", digits_pipeline(zoom=L.RandomZoom(0.1, 0.2)), "width_factor out")
    expect_hint("08.1", digits_pipeline(shift=None), "RandomTranslation layer is missing")
    expect_hint("08.1", digits_pipeline(zoom=None), "RandomZoom layer is missing")
    expect_hint("08.1", digits_pipeline(contrast=None), "RandomContrast layer is missing")
    expect_hint("08.1", digits_pipeline(contrast=L.RandomContrast((0.1, 0.1),
                                                                  value_range=(0, 1))),
                "factor=\\(0.2, 0.2\\)")
    expect_hint("08.1", digits_pipeline(extra=L.RandomRotation(10 / 360)), "one is enough")
    expect_hint("08.1", "not a pipeline", "should be a keras.Sequential")


def test_08_1_runs_the_pipeline_shape_range_and_inference():
    # a pipeline whose parameters look right but which changes images at inference
    class Shift(L.Layer):
        def call(self, x, training=None):
            return x * 0.5
    bank = __import__("cnnlab.check.banks.lesson08", fromlist=["_run_checks"])
    with pytest.raises(NotYet, match="At inference"):
        bank._run_checks(keras.Sequential([Shift()]))
    with pytest.raises(NotYet, match="keep the shape"):
        bank._run_checks(keras.Sequential([L.RandomCrop(20, 20)]))
    with pytest.raises(NotYet, match="must stay in \\[0, 1\\]"):
        bank._run_checks(keras.Sequential([L.RandomContrast((0.9, 0.9), seed=0)]))


def test_keras_itself_rejects_degrees_as_factor():
    # why 08.1/08.3 need no degrees hint: Keras refuses factors above 1 when built
    with pytest.raises(ValueError, match="factor"):
        L.RandomRotation(10.0)


def test_08_2_reference_and_hints():
    run("08.2", lambda degrees: degrees / 360)
    expect_hint("08.2", lambda degrees: degrees, "those are degrees")
    expect_hint("08.2", lambda degrees: degrees / 180, "half a turn")
    expect_hint("08.2", lambda degrees: math.radians(degrees), "radians")
    expect_hint("08.2", lambda degrees: str(degrees), "should return a number")
    # the reference agrees with what Keras does: factor 90/360 turns by exactly 90 degrees
    x = np.random.default_rng(0).random((1, 7, 7, 1)).astype("float32")
    y = keras.ops.convert_to_numpy(
        L.RandomRotation((0.25, 0.25), interpolation="nearest")(x, training=True))
    assert np.allclose(y[0, :, :, 0], np.rot90(x[0, :, :, 0], 1)) or \
        np.allclose(y[0, :, :, 0], np.rot90(x[0, :, :, 0], -1))


def modern(**change):
    parts = {"flip": L.RandomFlip("horizontal"),
             "rotation": L.RandomRotation(45 / 360, fill_mode="nearest"),
             "shift": L.RandomTranslation(0.1, 0.2, fill_mode="nearest"),
             "zoom": L.RandomZoom(0.25, 0.25, fill_mode="nearest")}
    parts.update(change)
    return keras.Sequential([p for p in parts.values() if p is not None])


def test_08_3_reference_matches_the_mapping_and_passes():
    from cnnlab.data.augment import from_image_data_generator_kwargs
    from cnnlab.check.banks.lesson08 import OLD_KWARGS_08_3
    run("08.3", from_image_data_generator_kwargs(**OLD_KWARGS_08_3))
    run("08.3", modern())


def test_08_3_hints():
    expect_hint("08.3", modern(shift=L.RandomTranslation(0.2, 0.1, fill_mode="nearest")),
                "swapped")
    expect_hint("08.3", modern(rotation=L.RandomRotation(45 / 180, fill_mode="nearest")),
                "half a turn")
    expect_hint("08.3", modern(zoom=L.RandomZoom((0.75, 1.0), (0.75, 1.0),
                                                 fill_mode="nearest")), "offsets from 1")
    expect_hint("08.3", modern(zoom=L.RandomZoom(0.25, fill_mode="nearest")), "independently")
    expect_hint("08.3", modern(rotation=L.RandomRotation(45 / 360)), "default is 'reflect'")
    expect_hint("08.3", modern(flip=L.RandomFlip("vertical")), 'RandomFlip\\("horizontal"\\)')
    expect_hint("08.3", modern(flip=None), "Missing: RandomFlip")
