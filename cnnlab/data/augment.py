"""Data augmentation with Keras 3 preprocessing layers, and the old API mapped onto them.

- :func:`augmentation` builds a ``keras.Sequential`` of random layers from
  arguments in everyday units (degrees, fractions of the image size);
- :func:`rotation_factor` and :func:`shear_factor` are the two unit
  conversions that trip people up (Keras wants fractions of a full turn and
  shear *intensities*, not degrees);
- :data:`IMAGE_DATA_GENERATOR_MAPPING`, :func:`mapping_table` and
  :func:`from_image_data_generator_kwargs` translate the arguments of the
  ``ImageDataGenerator`` class (deprecated and not in Keras 3's ``keras.*`` API;
  only a legacy copy remains, as ``tf.keras.preprocessing.image.ImageDataGenerator``)
  into today's layers;
- :func:`augment_batch` and :func:`correlations` run a pipeline on NumPy images
  and measure how alike augmented samples stay.

Keras is imported inside the functions that build or run layers, so importing
this module is instant.

Examples
--------
>>> rotation_factor(36)        # 36 degrees is a tenth of a full turn
0.1
>>> [layer.name for layer in augmentation(rotation=15, flip=True).layers]
['flip', 'rotation']
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from cnnlab._validate import check_bool, check_choice, check_int, check_number, check_seed

__all__ = ["TRANSFORMS", "FILL_MODES", "IMAGE_DATA_GENERATOR_MAPPING", "augmentation",
           "rotation_factor", "shear_factor", "mapping_table",
           "from_image_data_generator_kwargs", "augment_batch", "correlations", "pearson"]

#: the transformations :func:`augmentation` offers, in the order it applies them
TRANSFORMS = ("flip", "rotation", "shift", "shear", "zoom", "brightness", "contrast")
#: how the geometric layers fill pixels that come from outside the image
FILL_MODES = ("reflect", "wrap", "constant", "nearest")

# argument -> (lowest, highest, upper bound included?, unit shown in errors)
_RANGES = {
    "rotation": (0.0, 180.0, True, "degrees"),
    "shift": (0.0, 1.0, False, "a fraction of the image size"),
    "shear": (0.0, 45.0, True, "degrees"),
    "zoom": (0.0, 1.0, False, "a fraction of the image size"),
    "brightness": (0.0, 1.0, True, "a fraction of the value range [0, 1]"),
    "contrast": (0.0, 1.0, True, "the largest change of the contrast scale factor from 1"),
}


def _check_range(name: str, value) -> float:
    low, high, closed, unit = _RANGES[name]
    return check_number(name, value, low, high, high_open=not closed, unit=unit)


def rotation_factor(degrees: float) -> float:
    """The ``factor`` of ``keras.layers.RandomRotation`` for a maximum angle in degrees.

    ``RandomRotation(factor)`` turns each image by a random angle in
    ``[-factor * 2π, factor * 2π]``: its factor is a fraction of a *full turn*,
    so a maximum of ``degrees`` is ``degrees / 360``.

    Parameters
    ----------
    degrees : float
        The largest rotation either way, in [0, 180].

    Returns
    -------
    float

    Examples
    --------
    >>> rotation_factor(90)
    0.25
    """
    return _check_range("rotation", degrees) / 360.0


def shear_factor(degrees: float) -> float:
    """The ``x_factor`` of ``keras.layers.RandomShear`` for a shear angle in degrees.

    Shearing by an angle θ slides each row sideways by ``tan(θ)`` times its
    height above the origin; ``RandomShear``'s factor is that slope.

    Parameters
    ----------
    degrees : float
        The largest shear angle either way, in [0, 45].

    Returns
    -------
    float

    Examples
    --------
    >>> round(shear_factor(45), 6)
    1.0
    """
    return math.tan(math.radians(_check_range("shear", degrees)))


def augmentation(rotation: float = 0.0, shift: float = 0.0, shear: float = 0.0,
                 zoom: float = 0.0, flip: bool = False, brightness: float = 0.0,
                 contrast: float = 0.0, fill_mode: str = "reflect", seed: int | None = None,
                 *, name: str = "augmentation"):
    """A ``keras.Sequential`` of random preprocessing layers.

    Put it first in a model (it is active only in training, so evaluation and
    prediction see the images unchanged) or map it over a ``tf.data`` pipeline
    (``cnnlab.data.as_dataset(x, y, augment=...)``). Only the transformations
    asked for get a layer, applied in the order of :data:`TRANSFORMS`.

    Parameters
    ----------
    rotation : float, optional
        Largest rotation either way, in degrees, in [0, 180]. Becomes
        ``RandomRotation(rotation / 360)``: Keras counts in fractions of 2π.
    shift : float, optional
        Largest translation either way, as a fraction of height and width,
        in [0, 1) (``RandomTranslation(shift, shift)``).
    shear : float, optional
        Largest shear angle either way, in degrees, in [0, 45]
        (``RandomShear(x_factor=tan(shear))``; see Notes).
    zoom : float, optional
        Zoom in or out by up to this fraction, in [0, 1), keeping the aspect
        ratio (``RandomZoom(zoom)``).
    flip : bool, optional
        Mirror left-right half of the time (``RandomFlip("horizontal")``).
    brightness : float, optional
        Add a random offset in ``[-brightness, brightness]`` to every pixel,
        in [0, 1] (``RandomBrightness(brightness, value_range=(0, 1))``).
    contrast : float, optional
        Scale each image's deviations from its mean by a factor in
        ``[1 - contrast, 1 + contrast]``, in [0, 1]
        (``RandomContrast((contrast, contrast))``: Keras 3 reads a single
        number ``c`` as ``[1, 1 + c]``, contrast up only).
    fill_mode : {"reflect", "wrap", "constant", "nearest"}, optional
        How the geometric layers fill pixels that come from outside the image
        (default "reflect"; "constant" fills with 0, black).
    seed : int, optional
        Makes the random draws repeatable; layer ``i`` gets ``seed + i``.
    name : str, optional
        Name of the Sequential (default "augmentation").

    Returns
    -------
    keras.Sequential
        Expects images in [0, 1]; brightness and contrast clip to [0, 1].
        With nothing asked for, it holds one ``Identity`` layer.

    Raises
    ------
    ValueError
        Naming the argument and its allowed range.

    Notes
    -----
    Keras' ``RandomShear`` shears about the image's top-left corner, so a
    sheared image also shifts a little; the sign of the shear is random.

    Examples
    --------
    >>> pipe = augmentation(rotation=18, shift=0.1, seed=0)
    >>> [layer.name for layer in pipe.layers], pipe.layers[0].factor
    (['rotation', 'shift'], (-0.05, 0.05))
    >>> augmentation(rotation=400)
    Traceback (most recent call last):
    ...
    ValueError: `rotation` must be a number in [0, 180] (degrees). Received: rotation=400.
    """
    values = {"rotation": rotation, "shift": shift, "shear": shear, "zoom": zoom,
              "brightness": brightness, "contrast": contrast}
    values = {key: _check_range(key, v) for key, v in values.items()}
    check_bool("flip", flip)
    check_choice("fill_mode", fill_mode, FILL_MODES)
    check_seed("seed", seed)
    import keras
    from keras import layers

    def s(i):
        return None if seed is None else seed + i

    geometry = {"fill_mode": fill_mode}
    steps = []
    if flip:
        steps.append(layers.RandomFlip("horizontal", seed=s(0), name="flip"))
    if values["rotation"]:
        steps.append(layers.RandomRotation(values["rotation"] / 360.0, seed=s(1),
                                           name="rotation", **geometry))
    if values["shift"]:
        steps.append(layers.RandomTranslation(values["shift"], values["shift"], seed=s(2),
                                              name="shift", **geometry))
    if values["shear"]:
        steps.append(layers.RandomShear(x_factor=shear_factor(values["shear"]), seed=s(3),
                                        name="shear", **geometry))
    if values["zoom"]:
        steps.append(layers.RandomZoom(values["zoom"], seed=s(4), name="zoom", **geometry))
    if values["brightness"]:
        steps.append(layers.RandomBrightness(values["brightness"], value_range=(0.0, 1.0),
                                             seed=s(5), name="brightness"))
    if values["contrast"]:
        # a pair: Keras turns a single number c into (0, c), i.e. [1, 1 + c] only
        c = values["contrast"]
        steps.append(layers.RandomContrast((c, c), value_range=(0.0, 1.0), seed=s(6),
                                           name="contrast"))
    if not steps:
        steps.append(layers.Identity(name="identity"))
    return keras.Sequential(steps, name=name)


# ---------------------------------------------------------------------------
# ImageDataGenerator (Keras 2) -> preprocessing layers (Keras 3)

#: One row per ``ImageDataGenerator`` argument: what it meant, the layer that
#: does it today and how to convert the value.
IMAGE_DATA_GENERATOR_MAPPING = (
    {"argument": "rotation_range", "meaning": "θ degrees: angle uniform in [−θ, θ]",
     "layer": "RandomRotation(factor)",
     "conversion": "factor = θ / 360 (a fraction of a full turn, 2π)"},
    {"argument": "width_shift_range", "meaning": "w: shift uniform in [−w, w] × width "
     "(values ≥ 1 were pixels)", "layer": "RandomTranslation(height_factor, width_factor)",
     "conversion": "width_factor = w (pixels: divide by the width)"},
    {"argument": "height_shift_range", "meaning": "h: shift uniform in [−h, h] × height",
     "layer": "RandomTranslation(height_factor, width_factor)",
     "conversion": "height_factor = h (pixels: divide by the height)"},
    {"argument": "shear_range", "meaning": "θ degrees: shear angle uniform in [−θ, θ]",
     "layer": "RandomShear(x_factor)",
     "conversion": "x_factor = sin θ (the old row offset; tan θ is within 2% up to 10°); "
                   "Keras shears about the top-left corner, not the centre"},
    {"argument": "zoom_range", "meaning": "z or [lo, hi]: scale uniform in [1−z, 1+z] "
     "per axis (below 1 zooms in)", "layer": "RandomZoom(height_factor, width_factor)",
     "conversion": "height_factor = width_factor = (lo − 1, hi − 1), i.e. (−z, z)"},
    {"argument": "horizontal_flip", "meaning": "mirror left-right half of the time",
     "layer": 'RandomFlip("horizontal")', "conversion": "True → add the layer"},
    {"argument": "vertical_flip", "meaning": "mirror top-bottom half of the time",
     "layer": 'RandomFlip("vertical")', "conversion": "True → add the layer"},
    {"argument": "fill_mode", "meaning": "how new pixels are filled (default 'nearest')",
     "layer": "fill_mode= of the geometric layers",
     "conversion": "same names; the layers' default is 'reflect'"},
    {"argument": "cval", "meaning": "value for fill_mode='constant'",
     "layer": "fill_value= of the geometric layers", "conversion": "fill_value = cval"},
    {"argument": "brightness_range", "meaning": "[lo, hi]: multiply pixels by a factor "
     "uniform in [lo, hi]", "layer": "RandomBrightness(factor, value_range=(0, 1))",
     "conversion": "factor = ((lo − 1) / 2, (hi − 1) / 2): adds an offset instead, the "
                   "same one for a mid-grey pixel (0.5)"},
    {"argument": "rescale", "meaning": "multiply every pixel by this (e.g. 1/255)",
     "layer": "Rescaling(scale)", "conversion": "scale = rescale; not random, so it also "
                                               "acts at inference"},
)

_OLD_ARGS = tuple(row["argument"] for row in IMAGE_DATA_GENERATOR_MAPPING)


class MappingTable(str):
    """A markdown table that notebooks show as HTML."""

    def __new__(cls, rows, columns):
        head = "| " + " | ".join(columns) + " |\n|" + "---|" * len(columns) + "\n"
        body = "".join("| " + " | ".join(f"`{r[c]}`" if c == "argument" else r[c]
                                         for c in columns) + " |\n" for r in rows)
        obj = super().__new__(cls, head + body)
        obj.rows, obj.columns = rows, columns
        return obj

    def _repr_markdown_(self):
        return str(self)

    def _repr_html_(self):
        import html

        from cnnlab._display import html_table

        code = {c: "<code>{}</code>" if c == "argument" else "{}" for c in self.columns}
        return html_table([[code[c].format(html.escape(r[c])) for c in self.columns]
                           for r in self.rows], map(html.escape, self.columns), escape=False)


def mapping_table(columns=("argument", "meaning", "layer", "conversion")) -> MappingTable:
    """The ``ImageDataGenerator`` → preprocessing-layer table.

    Parameters
    ----------
    columns : sequence of str, optional
        Which of "argument", "meaning", "layer", "conversion" to show.

    Returns
    -------
    MappingTable
        A ``str`` holding a markdown table; notebooks display it as HTML.

    Examples
    --------
    >>> print(mapping_table(("argument", "layer")).splitlines()[2])
    | `rotation_range` | RandomRotation(factor) |
    """
    allowed = ("argument", "meaning", "layer", "conversion")
    columns = tuple(columns)
    for c in columns:
        check_choice("columns", c, allowed)
    return MappingTable(IMAGE_DATA_GENERATOR_MAPPING, columns)


def _old_range(name, value, *, pair_ok=False):
    """A non-negative number (or, with `pair_ok`, a [lo, hi] pair) of the old API."""
    if pair_ok and isinstance(value, (tuple, list)):
        if (len(value) == 2 and all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                                    for v in value) and 0 < value[0] <= value[1]):
            return float(value[0]), float(value[1])
    elif not isinstance(value, bool) and isinstance(value, numbers.Real) and value >= 0:
        return float(value)
    kind = "a number >= 0" + (" or a pair [lo, hi] with 0 < lo <= hi" if pair_ok else "")
    raise ValueError(f"`{name}` must be {kind}. Received: {name}={value!r}.")


def from_image_data_generator_kwargs(*, seed: int | None = None, **old_kwargs):
    """Build the preprocessing layers equivalent to ``ImageDataGenerator(**old_kwargs)``.

    ``ImageDataGenerator`` is deprecated and not in Keras 3's ``keras.*`` API (a
    legacy copy remains under ``tf.keras``); this reads its arguments and
    returns a ``keras.Sequential`` of today's layers, converting units as
    :data:`IMAGE_DATA_GENERATOR_MAPPING` says.

    Parameters
    ----------
    seed : int, optional
        Seed of the random layers (layer ``i`` gets ``seed + i``).
    **old_kwargs
        Any of ``rotation_range``, ``width_shift_range``, ``height_shift_range``,
        ``shear_range``, ``zoom_range``, ``horizontal_flip``, ``vertical_flip``,
        ``fill_mode``, ``cval``, ``brightness_range``, ``rescale``. Shifts must be
        fractions (below 1), not pixels.

    Returns
    -------
    keras.Sequential
        ``Rescaling`` first (if asked for), then flips, rotation, translation,
        shear, zoom, brightness. With nothing random asked for, an ``Identity``.

    Raises
    ------
    ValueError
        For an argument the mapping does not cover (e.g. ``zca_whitening``) or
        a value the old class would not have accepted.

    Examples
    --------
    >>> pipe = from_image_data_generator_kwargs(rotation_range=36, zoom_range=0.2,
    ...                                         horizontal_flip=True)
    >>> [type(layer).__name__ for layer in pipe.layers]
    ['RandomFlip', 'RandomRotation', 'RandomZoom']
    >>> pipe.layers[1].factor, pipe.layers[2].height_factor
    ((-0.1, 0.1), (-0.2, 0.2))
    """
    unknown = sorted(set(old_kwargs) - set(_OLD_ARGS))
    if unknown:
        raise ValueError(f"`{unknown[0]}` has no preprocessing-layer equivalent here. "
                         f"Supported arguments: {', '.join(_OLD_ARGS)}. "
                         f"Received: {unknown[0]}={old_kwargs[unknown[0]]!r}.")
    check_seed("seed", seed)
    get = old_kwargs.get
    fill_mode = get("fill_mode", "nearest")           # the old default
    check_choice("fill_mode", fill_mode, FILL_MODES)
    cval = check_number("cval", get("cval", 0.0), 0)
    rotation = check_number("rotation_range", get("rotation_range", 0.0), 0, 180,
                            unit="degrees")
    shifts = {}
    for key in ("height_shift_range", "width_shift_range"):
        shifts[key] = _old_range(key, get(key, 0.0))
        if shifts[key] >= 1:
            raise ValueError(f"`{key}` must be a fraction of the image size below 1 "
                             "(values >= 1 meant pixels: divide by the image size). "
                             f"Received: {key}={shifts[key]!r}.")
    shear = check_number("shear_range", get("shear_range", 0.0), 0, 90, high_open=True,
                         unit="degrees")
    zoom = _old_range("zoom_range", get("zoom_range", 0.0), pair_ok=True)
    if not isinstance(zoom, tuple):
        if zoom >= 1:
            raise ValueError(f"`zoom_range` must be below 1 as a single number (the scale "
                             f"is drawn from [1 - z, 1 + z]). Received: zoom_range={zoom!r}.")
        zoom = (1.0 - zoom, 1.0 + zoom)
    brightness = get("brightness_range")
    if brightness is not None:
        brightness = _old_range("brightness_range", brightness, pair_ok=True)
        if not isinstance(brightness, tuple):
            raise ValueError("`brightness_range` must be a pair [lo, hi] with 0 < lo <= hi. "
                             f"Received: brightness_range={get('brightness_range')!r}.")
    for key in ("horizontal_flip", "vertical_flip"):
        check_bool(key, get(key, False))
    import keras
    from keras import layers

    def s(i):
        return None if seed is None else seed + i

    geometry = {"fill_mode": fill_mode, "fill_value": cval}
    steps = []
    if get("rescale") is not None:
        steps.append(layers.Rescaling(float(get("rescale")), name="rescale"))
    if get("horizontal_flip", False):
        steps.append(layers.RandomFlip("horizontal", seed=s(0), name="horizontal_flip"))
    if get("vertical_flip", False):
        steps.append(layers.RandomFlip("vertical", seed=s(1), name="vertical_flip"))
    if rotation:
        steps.append(layers.RandomRotation(rotation / 360.0, seed=s(2), name="rotation",
                                           **geometry))
    if any(shifts.values()):
        steps.append(layers.RandomTranslation(shifts["height_shift_range"],
                                              shifts["width_shift_range"], seed=s(3),
                                              name="shift", **geometry))
    if shear:
        steps.append(layers.RandomShear(x_factor=math.sin(math.radians(shear)), seed=s(4),
                                        name="shear", **geometry))
    if zoom != (1.0, 1.0):
        factor = (round(zoom[0] - 1.0, 12), round(zoom[1] - 1.0, 12))
        steps.append(layers.RandomZoom(factor, factor, seed=s(5), name="zoom", **geometry))
    if brightness is not None and brightness != (1.0, 1.0):
        lo, hi = brightness
        steps.append(layers.RandomBrightness((round((lo - 1) / 2, 12), round((hi - 1) / 2, 12)),
                                             value_range=(0.0, 1.0), seed=s(6),
                                             name="brightness"))
    if not steps:
        steps.append(layers.Identity(name="identity"))
    return keras.Sequential(steps, name="image_data_generator")


# ---------------------------------------------------------------------------
def augment_batch(pipeline, images, *, training: bool = True) -> np.ndarray:
    """Run a preprocessing pipeline on NumPy images; return a float32 array.

    Parameters
    ----------
    pipeline : keras.Layer
        E.g. the result of :func:`augmentation`.
    images : array_like of shape (N, H, W, C) or (H, W, C)
        Floating-point images in [0, 1].
    training : bool, optional
        Random layers act only when True (default).

    Returns
    -------
    ndarray of float32, same shape as ``images``

    Examples
    --------
    >>> x = np.random.default_rng(0).random((2, 8, 8, 3), dtype="float32")
    >>> y = augment_batch(augmentation(flip=True, seed=1), x)
    >>> y.shape, bool(np.all((y == x) | (y == x[:, :, ::-1])))
    ((2, 8, 8, 3), True)
    """
    import keras

    x = np.asarray(images, dtype=np.float32)
    if x.ndim not in (3, 4):
        raise ValueError("`images` must be one image (H, W, C) or a batch (N, H, W, C). "
                         f"Received: images.shape={x.shape}.")
    return keras.ops.convert_to_numpy(pipeline(x, training=training)).astype(np.float32)


def pearson(a, b) -> float:
    """Pearson correlation of two images' pixels (flattened).

    Examples
    --------
    >>> x = np.arange(12.0).reshape(2, 2, 3)
    >>> pearson(x, 2 * x + 1), pearson(x, -x)
    (1.0, -1.0)
    """
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    if a.shape != b.shape:
        raise ValueError("`a` and `b` must have the same number of pixels. "
                         f"Received: {a.size} and {b.size}.")
    if np.ptp(a) == 0 or np.ptp(b) == 0:         # a flat image has no correlation
        return 0.0
    return round(float(np.corrcoef(a, b)[0, 1]), 12)


def correlations(images, pipeline, *, samples: int = 16, index: int = 0) -> dict:
    """How alike augmented samples are, against how alike different images are.

    Augments ``images[index]`` ``samples`` times and correlates each sample
    with the original; correlates the original with every other image.

    Parameters
    ----------
    images : array_like of shape (N, H, W, C)
        At least two images in [0, 1].
    pipeline : keras.Layer
        The augmentation (e.g. from :func:`augmentation`).
    samples : int, optional
        Augmented copies to draw (default 16).
    index : int, optional
        Which image to augment (default 0).

    Returns
    -------
    dict
        ``"augmented"`` and ``"different"`` (arrays of correlations) and
        their means ``"augmented_mean"``, ``"different_mean"``.

    Examples
    --------
    >>> from cnnlab.data import shapes
    >>> x, _, _ = shapes(8, image_size=16)
    >>> r = correlations(x, augmentation(rotation=10, seed=0), samples=4)
    >>> bool(r["augmented_mean"] > r["different_mean"])
    True
    """
    x = np.asarray(images, dtype=np.float32)
    if x.ndim != 4 or len(x) < 2:
        raise ValueError("`images` must be a batch (N, H, W, C) of at least 2 images. "
                         f"Received: images.shape={x.shape}.")
    check_int("samples", samples, 1)
    check_int("index", index, 0)
    if index >= len(x):
        raise ValueError(f"`index` must be below the number of images, {len(x)}. "
                         f"Received: index={index}.")
    original = x[index]
    copies = augment_batch(pipeline, np.repeat(original[None], samples, axis=0))
    augmented = np.array([pearson(original, c) for c in copies])
    different = np.array([pearson(original, other) for i, other in enumerate(x)
                          if i != index])
    return {"augmented": augmented, "different": different,
            "augmented_mean": float(augmented.mean()),
            "different_mean": float(different.mean())}
