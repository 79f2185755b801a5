"""Grids of images: samples of a data set, predictions, feature maps, filters.

Examples
--------
>>> import numpy as np
>>> fig = image_grid(np.zeros((5, 8, 8, 1)), labels=[0, 1, 0, 1, 0], class_names=["a", "b"])
>>> len(fig.axes)
5
"""
from __future__ import annotations

import numpy as np

from cnnlab import _validate
from cnnlab.plot._figure import grid_shape, new_figure
from cnnlab.plot.arrays import image


def image_grid(images, labels=None, class_names=None, ncols: int = 8, predictions=None,
               fig=None, max_images: int = 32):
    """Show images in a grid, titled with their labels (red where mispredicted).

    Parameters
    ----------
    images : array_like of shape (N, H, W), (N, H, W, 1) or (N, H, W, 3)
        Values in [0, 1].
    labels : array_like of shape (N,), optional
        Integer labels; titles use ``class_names[label]`` when given.
    class_names : sequence of str, optional
    ncols : int, optional
        Images per row (default 8).
    predictions : array_like of shape (N,) or (N, classes), optional
        Predicted labels or class scores; the title then reads
        ``"pred (true)"`` and is red when they differ.
    fig : matplotlib Figure, optional
    max_images : int, optional
        Show at most this many (default 32).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = image_grid(np.ones((3, 4, 4, 3)), labels=[0, 1, 1], predictions=[0, 0, 1])
    >>> [ax.title.get_color() for ax in fig.axes]
    ['black', 'red', 'black']
    """
    images = np.asarray(images)
    if images.ndim not in (3, 4):
        raise ValueError("`images` must have shape (N, H, W) or (N, H, W, C). "
                         f"Received: images.shape={images.shape}.")
    _validate.check_int("ncols", ncols, 1)
    _validate.check_int("max_images", max_images, 1)
    n = min(len(images), max_images)
    preds = None if predictions is None else np.asarray(predictions)
    if preds is not None and preds.ndim == 2:
        preds = preds.argmax(axis=1)
    rows, cols = grid_shape(n, ncols)
    fig = new_figure(fig, figsize=(1.3 * cols, 1.45 * rows))
    for i in range(n):
        ax = fig.add_subplot(rows, cols, i + 1)
        image(ax, images[i])
        if labels is not None or preds is not None:
            title, wrong = _title(i, labels, preds, class_names)
            ax.set_title(title, fontsize=8, color="red" if wrong else "black")
    return fig


def _title(i, labels, preds, class_names):
    def name(k):
        k = int(k)
        return class_names[k] if class_names is not None else str(k)

    if preds is None:
        return name(labels[i]), False
    if labels is None:
        return name(preds[i]), False
    wrong = int(preds[i]) != int(labels[i])
    return (f"{name(preds[i])} ({name(labels[i])})" if wrong else name(preds[i])), wrong


def channel_grid(maps, max_maps: int = 16, fig=None, title: str | None = None,
                 ncols: int = 8, cmap: str = "viridis"):
    """Show the channels of one (H, W, C) array as small images.

    Examples
    --------
    >>> len(channel_grid(np.random.rand(6, 6, 4)).axes)
    4
    """
    maps = np.asarray(maps)
    if maps.ndim != 3:
        raise ValueError("`maps` must have shape (H, W, C). "
                         f"Received: maps.shape={maps.shape}.")
    n = min(maps.shape[-1], max_maps)
    rows, cols = grid_shape(n, ncols)
    fig = new_figure(fig, figsize=(1.3 * cols, 1.35 * rows + (0.3 if title else 0)))
    for c in range(n):
        ax = fig.add_subplot(rows, cols, c + 1)
        ax.imshow(maps[..., c], cmap=cmap)
        ax.set_axis_off()
        ax.set_title(str(c), fontsize=9)
    if title:
        fig.suptitle(title)
    return fig


def feature_maps(model, layer, image, max_maps: int = 16, fig=None):
    """The output channels of one layer of ``model`` for one image.

    Parameters
    ----------
    model : keras.Model
        A functional or Sequential model that has been built.
    layer : str, int or keras.layers.Layer
        The layer's name, its index in ``model.layers``, or the layer itself.
    image : array_like of shape (H, W, C)
        One input image (a leading batch axis of 1 is accepted).
    max_maps : int, optional
        Show at most this many channels (default 16).
    fig : matplotlib Figure, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import keras
    >>> m = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, name="c")])
    >>> len(feature_maps(m, "c", np.ones((8, 8, 1))).axes)
    4
    """
    import keras

    _validate.check_int("max_maps", max_maps, 1)
    target = _get_layer(model, layer)
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    probe = keras.Model(inputs, target.output)
    x = np.asarray(image, dtype="float32")
    if x.ndim == 3:
        x = x[None]
    out = np.asarray(keras.ops.convert_to_numpy(probe(x, training=False)))[0]
    if out.ndim != 3:
        raise ValueError(f"`layer` must output feature maps (H, W, C); layer "
                         f"{target.name!r} outputs shape {out.shape}. Received: layer={layer!r}.")
    h, w, c = out.shape
    return channel_grid(out, max_maps=max_maps, fig=fig,
                        title=f"{target.name}: {c} maps of {h}×{w}")


def _get_layer(model, layer):
    if isinstance(layer, str):
        return model.get_layer(_validate.check_choice("layer", layer,
                                                      [lyr.name for lyr in model.layers]))
    if isinstance(layer, (int, np.integer)) and not isinstance(layer, bool):
        n = len(model.layers)
        if not -n <= layer < n:
            raise ValueError(f"`layer` must be an index in [{-n}, {n - 1}]. "
                             f"Received: layer={layer!r}.")
        return model.layers[int(layer)]
    if any(layer is lyr for lyr in model.layers):
        return layer
    raise ValueError("`layer` must be a layer name, an index or a layer of `model`. "
                     f"Received: layer={layer!r}.")


def conv_filters(layer_or_kernel, max_filters: int = 32, fig=None, ncols: int = 8):
    """The kernels of a Conv2D layer as small images.

    A kernel with 3 input channels (a first layer on RGB images) is shown in
    colour; otherwise each filter shows its mean over the input channels.
    Each filter is scaled to its own [min, max].

    Parameters
    ----------
    layer_or_kernel : keras Conv2D layer or array_like of shape (kh, kw, c_in, c_out)
    max_filters : int, optional
        Show at most this many filters (default 32).
    fig : matplotlib Figure, optional
    ncols : int, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> w = np.random.default_rng(0).normal(size=(3, 3, 3, 6))
    >>> len(conv_filters(w).axes)
    6
    """
    _validate.check_int("max_filters", max_filters, 1)
    w = _kernel(layer_or_kernel)
    n = min(w.shape[-1], max_filters)
    rows, cols = grid_shape(n, ncols)
    fig = new_figure(fig, figsize=(1.1 * cols, 1.2 * rows + 0.3))
    for f in range(n):
        k = w[..., f]
        k = k if k.shape[-1] == 3 else k.mean(axis=-1)
        span = k.max() - k.min()
        ax = fig.add_subplot(rows, cols, f + 1)
        image(ax, (k - k.min()) / span if span > 0 else np.zeros_like(k), title=str(f))
        ax.title.set_fontsize(7)
    fig.suptitle(f"{n} of {w.shape[-1]} filters, {w.shape[0]}×{w.shape[1]}×{w.shape[2]}")
    return fig


def _kernel(layer_or_kernel) -> np.ndarray:
    if hasattr(layer_or_kernel, "kernel"):
        w = np.asarray(layer_or_kernel.kernel)
    else:
        w = np.asarray(layer_or_kernel, dtype=float)
    if w.ndim != 4:
        raise ValueError("`layer_or_kernel` must be a Conv2D layer or an array of shape "
                         f"(kh, kw, c_in, c_out). Received: shape={w.shape}.")
    return w.astype(float)
