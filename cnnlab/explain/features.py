"""What the layers hold: the first layer's filters, any layer's feature maps, embeddings.

The figures come from :mod:`cnnlab.plot` (:func:`cnnlab.plot.conv_filters`,
:func:`cnnlab.plot.channel_grid`, :func:`cnnlab.plot.embedding`); these
functions return the arrays behind them.
"""
from __future__ import annotations

import numpy as np

from cnnlab.explain import _model


def first_filters(model) -> np.ndarray:
    """The kernel of the model's first convolutional layer, shape (kh, kw, c_in, filters).

    Examples
    --------
    >>> import keras
    >>> m = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 5)])
    >>> first_filters(m).shape
    (5, 5, 3, 4)
    """
    first = _model.conv_layers(model)
    if not first:
        _model.conv_layer(model)            # raises the "no convolutional layer" error
    return np.asarray(first[0].kernel)


def activations(model, images, layer) -> np.ndarray:
    """The output of ``layer`` (a name, or a layer of ``model``) for ``images``.

    Parameters
    ----------
    model : keras.Model
    images : array_like of shape (N, H, W, C)
    layer : str or keras layer
        Any layer: feature maps (N, h, w, K) for a convolution or pooling,
        vectors (N, units) for a dense layer.

    Examples
    --------
    >>> import keras
    >>> m = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, name="c")])
    >>> activations(m, np.zeros((2, 8, 8, 1)), "c").shape
    (2, 6, 6, 4)
    """
    import keras

    x = _model.check_images(model, images)
    names = [lyr.name for lyr in model.layers]
    name = layer if isinstance(layer, str) else getattr(layer, "name", None)
    if name not in names:
        raise ValueError(f"`layer` must be one of {names}. Received: layer={layer!r}.")
    probe = keras.Model(_input(model), model.get_layer(name).output)
    return np.concatenate([keras.ops.convert_to_numpy(probe(x[s:s + 256], training=False))
                           for s in range(0, len(x), 256)])


def penultimate_layer(model) -> str:
    """Name of the layer that feeds the output layer (skipping dropout): the embedding.

    Examples
    --------
    >>> import keras
    >>> m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="h"),
    ...                       keras.layers.Dropout(0.5), keras.layers.Dense(2)])
    >>> penultimate_layer(m)
    'h'
    """
    import keras

    before = [lyr for lyr in model.layers[:-1] if not isinstance(lyr, keras.layers.Dropout)]
    if not before:
        raise ValueError("`model` must have a layer before its output layer. "
                         f"Received: layers {[lyr.name for lyr in model.layers]}.")
    return before[-1].name


def embedding_pca(model, images, layer=None, components: int = 2, seed: int = 0):
    """Project a layer's outputs (default: the penultimate layer) with PCA.

    Parameters
    ----------
    model : keras.Model
    images : array_like of shape (N, H, W, C)
    layer : str, optional
        Default :func:`penultimate_layer`.
    components : int, optional
        Number of principal components (default 2).
    seed : int, optional
        Passed to scikit-learn's ``PCA(random_state=...)``.

    Returns
    -------
    points : ndarray of shape (N, components)
    explained : ndarray of shape (components,)
        The share of the variance each component explains.

    Examples
    --------
    >>> import keras
    >>> m = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(),
    ...                       keras.layers.Dense(5, name="h"), keras.layers.Dense(2)])
    >>> points, explained = embedding_pca(m, np.random.default_rng(0).random((9, 4, 4, 1)))
    >>> points.shape, explained.shape
    ((9, 2), (2,))
    """
    from sklearn.decomposition import PCA

    from cnnlab import _validate

    _validate.check_int("components", components, 1)
    feats = activations(model, images, layer or penultimate_layer(model))
    pca = PCA(n_components=components, random_state=seed)
    points = pca.fit_transform(feats.reshape(len(feats), -1))
    return points, pca.explained_variance_ratio_


def _input(model):
    """The model's input tensor (a list only for several inputs)."""
    return model.inputs[0] if len(model.inputs) == 1 else model.inputs
