"""Saliency maps (Simonyan et al. 2014): how strongly each pixel moves the class score.

The map is the absolute gradient of the class score (the logit) with respect
to the input pixels, its maximum over the colour channels, scaled to [0, 1]
per image: a first-order answer to "which pixels, changed a little, change
the score most".
"""
from __future__ import annotations

import numpy as np

from cnnlab.explain import _model


def saliency(model, images, class_index=None) -> np.ndarray:
    """Gradient saliency maps ``max_c |d y_class / d x_c|``, scaled to [0, 1] per image.

    Parameters
    ----------
    model : keras.Model
        A built classifier (a final softmax is skipped: the logit is used).
    images : array_like of shape (N, H, W, C)
    class_index : int or array_like of N ints, optional
        Default: the predicted class of each image.

    Returns
    -------
    ndarray of shape (N, H, W), float32 in [0, 1]

    Examples
    --------
    >>> import keras
    >>> model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(2)])
    >>> saliency(model, np.zeros((3, 4, 4, 1))).shape
    (3, 4, 4)
    """
    from cnnlab.explain._gradients import class_gradients

    x = _model.check_images(model, images)
    idx = _model.check_class_index(class_index, len(x), model.output_shape[-1])
    _, grads, _ = class_gradients(model, x, idx)
    return _model.normalise(np.abs(grads).max(axis=-1))
