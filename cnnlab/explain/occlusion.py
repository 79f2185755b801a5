"""Occlusion sensitivity (Zeiler & Fergus 2014): hide a patch, watch the class probability.

A square patch filled with the image's mean colour slides over the image;
for each position the model's probability of the class is measured. The
map holds, at each pixel, the *drop* of that probability (original minus
occluded) averaged over the patch positions that covered the pixel: large
where hiding the pixel hurts the class, negative where hiding it helps.
"""
from __future__ import annotations

import numpy as np

from cnnlab import _validate
from cnnlab.explain import _model


def patch_starts(size: int, patch: int, stride: int) -> list[int]:
    """First row (or column) of each patch position along one axis.

    Every ``stride`` pixels from 0, plus a last position flush with the edge
    when the stride does not land there, so every pixel is covered.

    Examples
    --------
    >>> patch_starts(32, 8, 4)[-3:], patch_starts(10, 4, 4)
    ([16, 20, 24], [0, 4, 6])
    """
    starts = list(range(0, size - patch + 1, stride))
    if starts[-1] != size - patch:
        starts.append(size - patch)
    return starts


def occlusion(model, images, patch: int = 8, stride: int = 4, *, class_index=None,
              batch_size: int = 512) -> np.ndarray:
    """Probability drop when a ``patch`` × ``patch`` square hides each region.

    Parameters
    ----------
    model : keras.Model
        A classifier whose output is class probabilities (a softmax).
    images : array_like of shape (N, H, W, C)
    patch : int, optional
        Side of the square in pixels (default 8).
    stride : int, optional
        Step between positions (default 4).
    class_index : int or array_like of N ints, optional
        Default: the predicted class of each image.
    batch_size : int, optional
        Occluded copies per forward pass (default 512).

    Returns
    -------
    ndarray of shape (N, H, W), float32
        Original probability minus occluded probability, averaged over the
        positions covering each pixel (not rescaled: values are
        probabilities, in [-1, 1]).

    Examples
    --------
    >>> import keras
    >>> model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(2, activation="softmax")])
    >>> occlusion(model, np.ones((1, 8, 8, 1)), patch=4, stride=2).shape
    (1, 8, 8)
    """
    x = _model.check_images(model, images)
    n, h, w, c = x.shape
    patch = _validate.check_int("patch", patch, 1)
    stride = _validate.check_int("stride", stride, 1)
    _validate.check_int("batch_size", batch_size, 1)
    if patch > min(h, w):
        raise ValueError(f"`patch` must be at most the image size {min(h, w)}. "
                         f"Received: patch={patch}.")
    probs = _predict(model, x, batch_size)
    idx = _model.check_class_index(class_index, n, probs.shape[-1])
    idx = probs.argmax(axis=1) if idx is None else idx
    boxes = [(r, q) for r in patch_starts(h, patch, stride)
             for q in patch_starts(w, patch, stride)]
    cover = np.zeros((h, w), dtype=np.float32)
    for r, q in boxes:
        cover[r:r + patch, q:q + patch] += 1
    out = np.zeros((n, h, w), dtype=np.float32)
    per_pass = max(1, batch_size // len(boxes))          # images per forward pass
    for start in range(0, n, per_pass):
        chunk = x[start:start + per_pass]
        copies = np.repeat(chunk, len(boxes), axis=0).reshape(
            (len(chunk), len(boxes), h, w, c))
        fill = chunk.mean(axis=(1, 2))                   # each image's mean colour
        for j, (r, q) in enumerate(boxes):
            copies[:, j, r:r + patch, q:q + patch] = fill[:, None, None, :]
        p = _predict(model, copies.reshape((-1, h, w, c)), batch_size)
        rows = np.arange(start, start + len(chunk))
        drops = probs[rows, idx[rows], None] - p.reshape(len(chunk), len(boxes), -1)[
            np.arange(len(chunk)), :, idx[rows]]
        for j, (r, q) in enumerate(boxes):
            out[rows, r:r + patch, q:q + patch] += drops[:, j, None, None]
    return out / cover


def _predict(model, x, batch_size):
    import keras

    return np.concatenate([keras.ops.convert_to_numpy(model(x[s:s + batch_size],
                                                            training=False))
                           for s in range(0, len(x), batch_size)])
