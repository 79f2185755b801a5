"""Question bank of lesson 08, data augmentation.

- 08.1 an augmentation pipeline for digits that matches a specification;
- 08.2 degrees to the ``factor`` of ``RandomRotation``;
- 08.3 an old ``ImageDataGenerator`` call rewritten with preprocessing layers.

Examples
--------
>>> from cnnlab.check.registry import REGISTRY
>>> REGISTRY["08.2"].func(lambda degrees: degrees / 360)
"""
from __future__ import annotations

import math

import numpy as np

from cnnlab.check.registry import NotYet, question

#: 08.1: the pipeline the learner builds (digits: no flips)
SPEC_08_1 = {"rotation_degrees": 10, "shift": 0.1, "zoom": 0.1, "contrast": 0.2}
#: 08.3: the old call to translate
OLD_KWARGS_08_3 = dict(rotation_range=45, width_shift_range=0.2, height_shift_range=0.1,
                       zoom_range=0.25, horizontal_flip=True, fill_mode="nearest")


def _layers(answer, what="`augment`"):
    import keras

    if isinstance(answer, keras.Sequential):
        return list(answer.layers)
    if isinstance(answer, keras.Model):
        return [layer for layer in answer.layers if not isinstance(layer, keras.layers.InputLayer)]
    if isinstance(answer, keras.layers.Layer):
        return [answer]
    raise NotYet(f"{what} should be a keras.Sequential of preprocessing layers; "
                 f"got {type(answer).__name__}.")


def _one(layers, cls_name, hint):
    found = [layer for layer in layers if type(layer).__name__ == cls_name]
    if not found:
        raise NotYet(hint)
    if len(found) > 1:
        raise NotYet(f"There are {len(found)} {cls_name} layers; one is enough.")
    return found[0]


def _pair(value):
    """A Keras factor (number or pair) as the (low, high) range it samples."""
    if isinstance(value, (tuple, list)):
        return float(min(value)), float(max(value))
    return -abs(float(value)), abs(float(value))


def _close(a, b):
    return all(abs(x - y) < 1e-6 for x, y in zip(a, b))


def _rotation_hint(factor, degrees):
    """A hint for a RandomRotation factor that is not degrees / 360, or None."""
    high = max(abs(factor[0]), abs(factor[1]))
    if math.isclose(high, degrees, rel_tol=1e-6):
        return (f"RandomRotation's factor is {high:g}: those are degrees. Keras counts in "
                f"fractions of a full turn (2π), so {degrees}° is {degrees}/360.")
    if math.isclose(high, degrees / 180, rel_tol=1e-6):
        return (f"{degrees}/180 is a fraction of half a turn; the factor is a fraction of "
                f"a full turn (2π): {degrees}/360.")
    if math.isclose(high, math.radians(degrees), rel_tol=1e-6):
        return (f"{high:.4g} is {degrees}° in radians; Keras wants a fraction of a full "
                f"turn: {degrees}/360.")
    if not math.isclose(high, degrees / 360, rel_tol=1e-6):
        return f"RandomRotation's factor should be {degrees}/360 for ±{degrees}°; it is {high:g}."
    return None


def _rotation(layers, degrees, missing=""):
    """The one RandomRotation layer of ``layers``, if it turns by up to ±``degrees``."""
    rot = _one(layers, "RandomRotation", missing)
    hint = _rotation_hint(_pair(rot.factor), degrees)
    if hint:
        raise NotYet(hint)
    return rot


@question("08.1", "An augmentation pipeline for handwritten digits", timeout=60)
def _digits_pipeline(augment):
    spec = SPEC_08_1
    layers = _layers(augment)
    names = [type(layer).__name__ for layer in layers]
    if "RandomFlip" in names:
        raise NotYet("A mirrored 2, 3 or 7 is not a digit any more (and a 6 flipped along "
                     "both axes, a 180° turn, looks like a 9): flips change the label here. "
                     "Leave RandomFlip out.")
    allowed = {"RandomRotation", "RandomTranslation", "RandomZoom", "RandomContrast"}
    extra = [n for n in names if n not in allowed]
    if extra:
        raise NotYet(f"The specification asks for rotation, translation, zoom and contrast "
                     f"only; remove {', '.join(extra)}.")
    _rotation(layers, spec["rotation_degrees"], "A RandomRotation layer is missing.")
    shift = _one(layers, "RandomTranslation", "A RandomTranslation layer is missing.")
    for axis in ("height", "width"):
        got = (getattr(shift, f"{axis}_lower"), getattr(shift, f"{axis}_upper"))
        if not _close(got, (-spec["shift"], spec["shift"])):
            if max(map(abs, got)) >= 1:
                raise NotYet(f"RandomTranslation's {axis}_factor is a fraction of the image "
                             f"{axis}, not pixels: 10% is 0.1.")
            raise NotYet(f"RandomTranslation should shift by up to 10% both ways in "
                         f"{axis}: {axis}_factor=0.1. Got the range {got}.")
    zoom = _one(layers, "RandomZoom", "A RandomZoom layer is missing.")
    got = (zoom.height_lower, zoom.height_upper)
    if not _close(got, (-spec["zoom"], spec["zoom"])):
        # RandomZoom(0.9) for "90%" gives (-0.9, 0.9); a pair of scales (0.9, 1.0)
        if _close(got, (spec["zoom"] - 1, 1 - spec["zoom"])) or min(got) > 0.5:
            raise NotYet("RandomZoom's factor is an offset from 1 (0.1 means 90%–110%), "
                         "not the scale itself.")
        raise NotYet(f"RandomZoom should zoom in or out by up to 10%: height_factor=0.1. "
                     f"Got the range {got}.")
    if zoom.width_factor is not None and not _close(
            (zoom.width_lower, zoom.width_upper), (-spec["zoom"], spec["zoom"])):
        raise NotYet("Leave RandomZoom's width_factor out (None): it then keeps the aspect "
                     "ratio, zooming width like height.")
    contrast = _one(layers, "RandomContrast", "A RandomContrast layer is missing.")
    c = spec["contrast"]
    if not _close(tuple(map(float, contrast.factor)), (c, c)):
        if _close(tuple(map(float, contrast.factor)), (0.0, c)):
            raise NotYet("RandomContrast(0.2) only ever raises the contrast (Keras reads a "
                         "single number c as [1, 1 + c]); pass the pair (0.2, 0.2) to get "
                         "factors in [0.8, 1.2].")
        raise NotYet(f"RandomContrast should scale contrast by a factor in [0.8, 1.2]: "
                     f"factor=(0.2, 0.2). Got factor={contrast.factor}.")
    if tuple(map(float, contrast.value_range)) != (0.0, 1.0):
        raise NotYet("The images are in [0, 1], but RandomContrast's value_range is "
                     f"{tuple(contrast.value_range)} (the default is (0, 255)): give it "
                     "value_range=(0, 1) so it clips to [0, 1].")
    _run_checks(augment)
    return "flips left out, ranges right, shapes and [0, 1] kept."


def _run_checks(augment):
    import keras

    from cnnlab.data import load

    x, _, _ = load("digits", limit=32)
    out = keras.ops.convert_to_numpy(augment(x, training=True))
    if out.shape != x.shape:
        raise NotYet(f"The pipeline turns images of shape {x.shape[1:]} into {out.shape[1:]}; "
                     "augmentation must keep the shape the model expects.")
    if out.min() < -1e-6 or out.max() > 1 + 1e-6:
        raise NotYet(f"Augmented pixels range over [{out.min():.3f}, {out.max():.3f}]; they "
                     "must stay in [0, 1] like the inputs.")
    same = keras.ops.convert_to_numpy(augment(x, training=False))
    if not np.allclose(same, x, atol=1e-6):
        raise NotYet("At inference (training=False) the pipeline changes the images; "
                     "augmentation layers must leave them alone then.")


@question("08.2", "Degrees to RandomRotation's factor")
def _rotation_factor(rotation_factor):
    if not callable(rotation_factor):
        raise NotYet("`rotation_factor` should be a function of `degrees`.")
    for degrees in (10, 36, 90, 180, 0, 22.5):
        got = rotation_factor(degrees)
        if isinstance(got, bool) or not isinstance(got, (int, float, np.number)):
            raise NotYet(f"rotation_factor({degrees}) returned {got!r}; it should return a "
                         "number.")
        if math.isclose(got, degrees / 360, abs_tol=1e-9):
            continue
        hint = _rotation_hint((-got, got), degrees)
        raise NotYet(f"rotation_factor({degrees}) = {got!r}. {hint}")


@question("08.3", "ImageDataGenerator arguments as preprocessing layers", timeout=60)
def _old_api(layers_answer):
    old = OLD_KWARGS_08_3
    layers = _layers(layers_answer, "`modern`")
    names = [type(layer).__name__ for layer in layers]
    if "ImageDataGenerator" in names:
        raise NotYet("ImageDataGenerator is deprecated and not in Keras 3's keras.* API "
                     "(only a legacy copy under tf.keras); use preprocessing layers.")
    expected = {"RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom"}
    missing = sorted(expected - set(names))
    if missing:
        raise NotYet(f"Missing: {', '.join(missing)} (one layer per old argument group).")
    extra = sorted(set(names) - expected)
    if extra:
        raise NotYet(f"The old call asks for nothing that needs {', '.join(extra)}.")
    flip = _one(layers, "RandomFlip", "")
    if flip.mode != "horizontal":
        raise NotYet(f'horizontal_flip=True is RandomFlip("horizontal"); got mode '
                     f'{flip.mode!r}.')
    rot = _rotation(layers, old["rotation_range"])
    shift = _one(layers, "RandomTranslation", "")
    got = (shift.height_upper, shift.width_upper)
    want = (old["height_shift_range"], old["width_shift_range"])
    if not _close(got, want):
        if _close(got, want[::-1]):
            raise NotYet("Height and width are swapped: RandomTranslation(height_factor, "
                          "width_factor) takes the height first; height_shift_range=0.1, "
                          "width_shift_range=0.2.")
        raise NotYet(f"RandomTranslation should take height_factor=0.1 and "
                     f"width_factor=0.2; got {got}.")
    zoom = _one(layers, "RandomZoom", "")
    z = old["zoom_range"]
    got_h = (zoom.height_lower, zoom.height_upper)
    if min(got_h) > 0.5:
        raise NotYet("zoom_range=0.25 drew a scale in [0.75, 1.25]; RandomZoom wants the "
                     "offsets from 1: (-0.25, 0.25).")
    if not _close(got_h, (-z, z)):
        raise NotYet(f"RandomZoom should zoom by up to 25% either way; got the range {got_h}.")
    if zoom.width_factor is None or not _close((zoom.width_lower, zoom.width_upper), (-z, z)):
        raise NotYet("ImageDataGenerator drew the width and height zoom independently: give "
                     "RandomZoom width_factor=0.25 too (width_factor=None would tie them).")
    wrong_fill = [f"{type(layer).__name__} uses {layer.fill_mode!r}"
                  for layer in (rot, shift, zoom) if layer.fill_mode != old["fill_mode"]]
    if wrong_fill:
        raise NotYet("fill_mode='nearest' carries over as fill_mode='nearest' on every "
                     f"geometric layer, but {', '.join(wrong_fill)} (the layers' default "
                     "is 'reflect').")
