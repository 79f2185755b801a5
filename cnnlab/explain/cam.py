"""Grad-CAM (Selvaraju et al. 2017): where a convolutional layer saw the class.

For a class score ``y_c`` (the logit) and the feature maps ``A_k`` of a
convolutional layer, each channel gets the weight
``alpha_k = mean over positions of d y_c / d A_k`` (the global average of
the gradient), and the heat map is ``ReLU(sum_k alpha_k A_k)``: the
positions whose features push the class score up. The map has the layer's
resolution; :func:`grad_cam` upsamples it (bilinear) to the image size and
scales each map to [0, 1].
"""
from __future__ import annotations

import numpy as np

from cnnlab.explain import _model


def grad_cam(model, images, class_index=None, layer=None) -> np.ndarray:
    """Grad-CAM heat maps of ``images`` for one class, at the images' size.

    Parameters
    ----------
    model : keras.Model
        A built classifier whose last layer gives class scores (a softmax is
        skipped: the gradient is taken of the logit).
    images : array_like of shape (N, H, W, C)
        Inputs as the model expects them (one image of shape (H, W, C) is
        taken as N = 1).
    class_index : int or array_like of N ints, optional
        The class to explain; default the predicted class of each image.
    layer : str or keras layer, optional
        A convolutional layer (default the last one).

    Returns
    -------
    ndarray of shape (N, H, W), float32 in [0, 1]
        Each map divided by its maximum; a map that is zero everywhere (no
        position raises the score) stays zero.

    Raises
    ------
    ValueError
        If ``layer`` is not a convolutional layer of ``model`` (the message
        lists them), or ``images`` do not match the model's input shape.

    See Also
    --------
    cam_from_gradients : the same formula on given maps and gradients.

    Examples
    --------
    >>> import keras
    >>> model = keras.Sequential([keras.Input((8, 8, 1)),
    ...     keras.layers.Conv2D(2, 3, padding="same", name="conv"),
    ...     keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(3, name="out")])
    >>> heat = grad_cam(model, np.random.default_rng(0).random((2, 8, 8, 1)))
    >>> heat.shape, bool(heat.min() >= 0 and heat.max() <= 1)
    ((2, 8, 8), True)
    """
    import keras

    from cnnlab.explain._gradients import class_gradients

    x = _model.check_images(model, images)
    target = _model.conv_layer(model, layer)
    idx = _model.check_class_index(class_index, len(x), model.output_shape[-1])
    maps, grads, _ = class_gradients(model, x, idx, target)
    cams = cam_from_gradients(maps, grads)
    up = keras.ops.image.resize(cams[..., None], x.shape[1:3], interpolation="bilinear")
    return _model.normalise(np.maximum(keras.ops.convert_to_numpy(up)[..., 0], 0.0))


def cam_from_gradients(maps, grads) -> np.ndarray:
    """Grad-CAM's formula: ``ReLU(sum_k mean(grads_k) * maps_k)``, unscaled.

    Parameters
    ----------
    maps, grads : array_like of shape (N, h, w, K) or (h, w, K)
        A layer's feature maps and the class score's gradient with respect to them.

    Returns
    -------
    ndarray of shape (N, h, w) or (h, w)

    Examples
    --------
    >>> maps = np.stack([np.eye(2), np.ones((2, 2))], axis=-1)     # K = 2 channels
    >>> grads = np.stack([np.full((2, 2), 2.0), np.full((2, 2), -1.0)], axis=-1)
    >>> cam_from_gradients(maps, grads)       # ReLU(2 * eye - 1 * ones)
    array([[1., 0.],
           [0., 1.]])
    """
    maps, grads = np.asarray(maps, dtype=float), np.asarray(grads, dtype=float)
    if maps.shape != grads.shape or maps.ndim not in (3, 4):
        raise ValueError("`maps` and `grads` must have the same shape (N, h, w, K) or "
                         f"(h, w, K). Received: maps.shape={maps.shape}, "
                         f"grads.shape={grads.shape}.")
    weights = grads.mean(axis=(-3, -2), keepdims=True)      # alpha_k, one per channel
    return np.maximum((weights * maps).sum(axis=-1), 0.0)
