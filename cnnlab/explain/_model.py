"""Checks shared by the explanation methods: images against the model, layers, classes."""
from __future__ import annotations

import numpy as np


def conv_layers(model) -> list:
    """The model's convolutional layers (2-D convolutions of any kind), input to output.

    Examples
    --------
    >>> import keras
    >>> m = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3, name="c1"),
    ...                       keras.layers.Flatten(name="f"), keras.layers.Dense(2, name="d")])
    >>> [layer.name for layer in conv_layers(m)]
    ['c1']
    """
    import keras

    kinds = (keras.layers.Conv2D, keras.layers.SeparableConv2D,
             keras.layers.DepthwiseConv2D, keras.layers.Conv2DTranspose)
    return [layer for layer in model.layers if isinstance(layer, kinds)]


def conv_layer(model, layer=None):
    """The convolutional layer named ``layer`` (default: the last one), or a clear error."""
    convs = conv_layers(model)
    names = [c.name for c in convs]
    if not convs:
        raise ValueError("`model` must have a convolutional layer (Conv2D or similar). "
                         f"Received: model with layers {[lyr.name for lyr in model.layers]}.")
    if layer is None:
        return convs[-1]
    if not isinstance(layer, str) and any(layer is c for c in convs):
        return layer
    name = layer if isinstance(layer, str) else getattr(layer, "name", layer)
    if name in names:
        return convs[names.index(name)]
    others = [lyr.name for lyr in model.layers]
    what = "is not convolutional" if name in others else "does not exist"
    raise ValueError(f"`layer` must be the name of a convolutional layer of the model, one "
                     f"of {names} (layer {name!r} {what}). Received: layer={layer!r}.")


def check_images(model, images) -> np.ndarray:
    """``images`` as float32 (N, H, W, C) matching the model's input; one image gets N = 1."""
    x = np.asarray(images, dtype="float32")
    expected = tuple(model.input_shape[1:])
    if x.shape == expected or (x.ndim == len(expected) and x.shape == expected):
        x = x[None]
    if x.shape[1:] != expected or x.shape[0] < 1 or x.ndim != len(expected) + 1:
        raise ValueError(f"`images` must have shape (N, {', '.join(map(str, expected))}) "
                         f"to match the model's input shape {model.input_shape}. "
                         f"Received: images.shape={np.shape(images)}.")
    return x


def check_class_index(class_index, n: int, classes: int):
    """``None`` (the predicted class), or an int / N ints in [0, classes) -> (N,) array."""
    if class_index is None:
        return None
    idx = np.asarray(class_index)
    if idx.ndim == 0:
        idx = np.full(n, idx)
    if (idx.dtype.kind not in "iu" or idx.shape != (n,) or idx.min() < 0
            or idx.max() >= classes):
        raise ValueError(f"`class_index` must be None, an integer in [0, {classes - 1}] or "
                         f"{n} such integers (one per image). Received: "
                         f"class_index={class_index!r}.")
    return idx.astype(np.int64)


def normalise(maps: np.ndarray) -> np.ndarray:
    """Scale each map to [0, 1] by its maximum (a map that is all 0 stays 0)."""
    top = maps.reshape(len(maps), -1).max(axis=1).reshape((-1,) + (1,) * (maps.ndim - 1))
    return np.where(top > 0, maps / np.where(top > 0, top, 1), 0.0).astype(np.float32)
