"""NumPy arrays to batched, prefetched ``tf.data`` pipelines.

- :func:`as_dataset`: images and class labels (classification);
- :func:`segmentation_dataset`: images and per-pixel masks (segmentation).

This is the one module of ``cnnlab.data`` that uses TensorFlow (``tf.data``);
TensorFlow is imported inside those two functions, so :func:`check_images_labels`
and :func:`check_images_masks` stay light NumPy checks that :mod:`cnnlab.train`
can reuse.

Examples
--------
>>> import numpy as np
>>> x = np.zeros((10, 8, 8, 1), "float32"); y = np.arange(10) % 3
>>> ds = as_dataset(x, y, batch_size=4, shuffle=False)
>>> [int(images.shape[0]) for images, labels in ds]
[4, 4, 2]
"""
from __future__ import annotations


import numpy as np

from cnnlab._validate import check_int, check_seed

__all__ = ["as_dataset", "check_images_labels", "check_images_masks",
           "segmentation_dataset"]


def check_images_labels(x, y, what: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Check an ``(images, labels)`` pair and return it as ``float32`` / ``int32`` arrays.

    Parameters
    ----------
    x : array_like of shape (N, H, W, C)
        Floating-point images (channels last), for example scaled to [0, 1].
    y : array_like of shape (N,) or (N, 1)
        Integer class labels; a trailing axis of length 1 (as in
        ``keras.datasets.cifar10``) is dropped.
    what : str, optional
        How the pair is named in error messages (``"train"`` gives
        "`train` images ..."); by default the arguments `x` and `y`.

    Returns
    -------
    x : ndarray of float32, shape (N, H, W, C)
    y : ndarray of int32, shape (N,)

    Raises
    ------
    ValueError
        When the images are not a non-empty 4-D floating-point array, the labels
        are not 1-D integers, or the two lengths differ. The message names the
        problem and shows what was received.

    Examples
    --------
    >>> x, y = check_images_labels(np.zeros((2, 4, 4, 3)), [[0], [1]])
    >>> x.dtype, y.tolist()
    (dtype('float32'), [0, 1])
    >>> check_images_labels(np.zeros((2, 4, 4)), [0, 1])
    Traceback (most recent call last):
    ...
    ValueError: `x` must be a 4-D array of images (N, H, W, C). Received: x.shape=(2, 4, 4); add a channel axis with x[..., None].
    """
    xn, yn = ("`x`", "`y`") if what is None else (f"`{what}` images", f"`{what}` labels")
    xs, ys = ("x", "y") if what is None else (f"{what} images", f"{what} labels")
    x = _check_images(x, xn, xs)
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"{yn} must be a 1-D array of integer class labels. "
                         f"Received: {ys}.shape={y.shape}.")
    if y.dtype.kind not in "iu":
        if (y.dtype.kind == "f" and y.size and np.all(np.isfinite(y))
                and np.array_equal(y, np.round(y))):
            y = y.astype(np.int64)        # whole-number floats, e.g. from a CSV
        else:
            raise ValueError(f"{yn} must be integer class labels. "
                             f"Received: {ys}.dtype={y.dtype}.")
    if len(y) != len(x):
        raise ValueError(f"{xn} and {yn} must have the same length. "
                         f"Received: {len(x)} images and {len(y)} labels.")
    if y.min() < 0:
        raise ValueError(f"{yn} must be integers >= 0. Received: min label {int(y.min())}.")
    return x.astype(np.float32, copy=False), y.astype(np.int32, copy=False)


def _check_images(x, xn: str, xs: str) -> np.ndarray:
    """The image checks of :func:`check_images_labels` (names as shown in errors)."""
    try:
        x = np.asarray(x)
    except (ValueError, TypeError) as err:  # ragged lists
        raise ValueError(f"{xn} must be a 4-D array of images (N, H, W, C). "
                         f"Received: an object NumPy cannot stack ({err}).") from None
    if x.dtype.kind not in "fiub":
        raise ValueError(f"{xn} must be a numeric array of images (N, H, W, C). "
                         f"Received: {xs}.dtype={x.dtype}.")
    if x.ndim != 4:
        hint = "; add a channel axis with x[..., None]" if x.ndim == 3 else ""
        raise ValueError(f"{xn} must be a 4-D array of images (N, H, W, C). "
                         f"Received: {xs}.shape={x.shape}{hint}.")
    if x.dtype.kind != "f":
        raise ValueError(f"{xn} must hold floating-point pixels (e.g. scaled to [0, 1]). "
                         f"Received: {xs}.dtype={x.dtype}; use x.astype('float32') / 255.")
    if x.shape[0] == 0:
        raise ValueError(f"{xn} must not be empty. Received: {xs}.shape={x.shape}.")
    if 0 in x.shape[1:]:
        raise ValueError(f"{xn} must have non-zero height, width and channels. "
                         f"Received: {xs}.shape={x.shape}.")
    return x


def as_dataset(x, y, batch_size: int = 32, shuffle: bool = True, augment=None,
               seed: int | None = 0, cache: bool = True):
    """Images and labels as a batched, prefetched ``tf.data.Dataset``.

    The pipeline is ``from_tensor_slices → cache → shuffle → batch →
    augment → prefetch``: the cache sits before the random steps, so every
    epoch gets a fresh order and fresh augmentations of the same images.

    Parameters
    ----------
    x : array_like of shape (N, H, W, C)
        Floating-point images.
    y : array_like of shape (N,)
        Integer labels (shape (N, 1) is accepted and flattened).
    batch_size : int, optional
        Images per batch (default 32); the last batch may be smaller.
    shuffle : bool, optional
        Shuffle the whole data set, anew each epoch (default True).
    augment : callable or keras.Layer, optional
        Applied to each batch of images, never to the labels. A Keras layer or
        ``keras.Sequential`` of preprocessing layers is called with
        ``training=True`` (random layers are inactive otherwise); a plain
        function gets the image batch only. Runs in
        ``map(num_parallel_calls=AUTOTUNE, deterministic=True)``.
    seed : int or None, optional
        Shuffle seed (default 0): the same seed gives the same sequence of
        epoch orders. ``None`` draws a new order each time. Random Keras layers
        in `augment` use their own ``seed=`` argument.
    cache : bool, optional
        Cache the examples in memory before shuffling (default True). With NumPy
        inputs this is a second in-memory copy; pass False to save memory.

    Returns
    -------
    tf.data.Dataset
        Yields ``(images, labels)`` with images ``float32 (b, H, W, C)`` and
        labels ``int32 (b,)``.

    Raises
    ------
    ValueError
        Invalid images or labels (see :func:`check_images_labels`), or a bad
        `batch_size`/`augment`.

    See Also
    --------
    cnnlab.train.fit : calls this for array inputs.

    Notes
    -----
    Shuffling is deterministic for a given `seed`. Random augmentation is
    repeatable when its layers are given seeds, with one caveat from TensorFlow:
    stateful random ops shared by parallel ``map`` calls can interleave
    differently between runs; ``cnnlab.train.fit(seed=...)`` turns on op
    determinism, which makes ``tf.data`` run them in a fixed order.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).random((6, 4, 4, 1), dtype="float32")
    >>> ds = as_dataset(x, [0, 1, 2, 0, 1, 2], batch_size=4, augment=lambda b: 1 - b)
    >>> ds.element_spec[0].shape.as_list(), ds.element_spec[1].dtype.name
    ([None, 4, 4, 1], 'int32')
    """
    x, y = check_images_labels(x, y)
    _check_batching(batch_size, seed)
    if augment is not None and not callable(augment):
        raise ValueError("`augment` must be a callable or a Keras layer. "
                         f"Received: augment={augment!r}.")
    import tensorflow as tf

    ds = _batched(x, y, batch_size, shuffle, seed, cache)
    if augment is not None:
        fn = _batch_augmenter(augment)
        ds = ds.map(lambda images, labels: (fn(images), labels),
                    num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return ds.prefetch(tf.data.AUTOTUNE)


def _check_batching(batch_size, seed) -> None:
    """The `batch_size` and `seed` checks both pipelines share."""
    check_int("batch_size", batch_size, 1)
    check_seed("seed", seed)


def _batched(x, targets, batch_size, shuffle, seed, cache):
    """``from_tensor_slices → cache → shuffle → batch`` of checked arrays.

    The cache sits before the shuffle, so the pairs are read once and
    reshuffled every epoch; images and targets stay paired.
    """
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices((x, targets))
    if cache:
        ds = ds.cache()
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size)


def _batch_augmenter(augment):
    """Wrap `augment` so it is called with ``training=True`` when it is a Keras layer."""
    import keras
    import tensorflow as tf

    if isinstance(augment, keras.Layer):
        def fn(images):
            out = augment(images, training=True)
            return tf.cast(out, tf.float32)
    else:
        def fn(images):
            return tf.cast(augment(images), tf.float32)
    return fn


def check_images_masks(x, masks) -> tuple[np.ndarray, np.ndarray]:
    """Check an ``(images, masks)`` pair for segmentation; return float32 arrays.

    Parameters
    ----------
    x : array_like of shape (N, H, W, C)
        Floating-point images.
    masks : array_like of shape (N, H, W) or (N, H, W, 1)
        One binary mask per image: 0 (background) or 1 (object), as bools,
        integers or floats.

    Returns
    -------
    x : ndarray of float32, shape (N, H, W, C)
    masks : ndarray of float32, shape (N, H, W, 1)
        The masks with a channel axis, as a sigmoid output and a binary
        cross-entropy loss expect them.

    Raises
    ------
    ValueError
        Invalid images (as in :func:`check_images_labels`), masks of another
        shape than the images' ``(N, H, W)``, or values other than 0 and 1.

    Examples
    --------
    >>> x, m = check_images_masks(np.zeros((2, 4, 4, 3)), np.ones((2, 4, 4), "uint8"))
    >>> x.dtype.name, m.shape, m.dtype.name
    ('float32', (2, 4, 4, 1), 'float32')
    >>> check_images_masks(np.zeros((2, 4, 4, 3)), np.ones((2, 4, 5)))
    Traceback (most recent call last):
    ...
    ValueError: `masks` must have the images' shape (N, H, W) = (2, 4, 4), optionally with a channel axis of 1. Received: masks.shape=(2, 4, 5).
    """
    x = _check_images(x, "`x`", "x")
    try:
        masks = np.asarray(masks)
    except (ValueError, TypeError) as err:
        raise ValueError("`masks` must be an array of shape (N, H, W). "
                         f"Received: an object NumPy cannot stack ({err}).") from None
    expected = x.shape[:3]
    if masks.ndim == 4 and masks.shape[-1] == 1:
        masks = masks[..., 0]
    if masks.shape != expected:
        raise ValueError(f"`masks` must have the images' shape (N, H, W) = {expected}, "
                         "optionally with a channel axis of 1. "
                         f"Received: masks.shape={masks.shape}.")
    if masks.dtype.kind not in "biuf":
        raise ValueError("`masks` must hold numbers 0 and 1. "
                         f"Received: masks.dtype={masks.dtype}.")
    values = np.unique(masks)
    if not np.isin(values, (0, 1)).all():
        shown = values[~np.isin(values, (0, 1))][:5].tolist()
        raise ValueError("`masks` must hold only 0 (background) and 1 (object). "
                         f"Received: values {shown}; threshold soft masks first, "
                         "e.g. (masks > 0.5).")
    return x.astype(np.float32, copy=False), masks[..., None].astype(np.float32)


def segmentation_dataset(x, masks, batch_size: int = 32, shuffle: bool = True,
                         seed: int | None = 0, cache: bool = True):
    """Images and their masks as a batched, prefetched ``tf.data.Dataset``.

    The segmentation twin of :func:`as_dataset`: the same pipeline
    ``from_tensor_slices → cache → shuffle → batch → prefetch``, with a
    per-pixel target instead of a class label. It can be passed to
    :func:`cnnlab.train.fit` in place of ``(x, y)``.

    Parameters
    ----------
    x : array_like of shape (N, H, W, C)
        Floating-point images.
    masks : array_like of shape (N, H, W) or (N, H, W, 1)
        Binary masks (0 or 1), e.g. from ``cnnlab.data.shapes(..., masks=True)``.
    batch_size : int, optional
        Pairs per batch (default 32); the last batch may be smaller.
    shuffle : bool, optional
        Shuffle anew each epoch (default True); images and masks stay paired.
    seed : int or None, optional
        Shuffle seed (default 0); ``None`` draws a new order each time.
    cache : bool, optional
        Cache the pairs in memory before shuffling (default True).

    Returns
    -------
    tf.data.Dataset
        Yields ``(images, masks)``: ``float32 (b, H, W, C)`` and
        ``float32 (b, H, W, 1)``.

    Raises
    ------
    ValueError
        See :func:`check_images_masks`; a bad `batch_size` or `seed`.

    See Also
    --------
    cnnlab.models.tiny_unet : a model that predicts such masks.

    Examples
    --------
    >>> x = np.zeros((5, 8, 8, 3), "float32"); m = np.zeros((5, 8, 8), "uint8")
    >>> ds = segmentation_dataset(x, m, batch_size=2, shuffle=False)
    >>> [tuple(b.shape) for _, b in ds]
    [(2, 8, 8, 1), (2, 8, 8, 1), (1, 8, 8, 1)]
    """
    x, masks = check_images_masks(x, masks)
    _check_batching(batch_size, seed)
    import tensorflow as tf

    return _batched(x, masks, batch_size, shuffle, seed, cache).prefetch(tf.data.AUTOTUNE)


def pass_seconds(dataset, passes: int = 2) -> list[float]:
    """Wall time of each full pass over ``dataset`` (what ``cache()`` speeds up).

    Any iterable works; for a ``tf.data`` pipeline with ``cache()`` the first
    pass reads and decodes the files, later passes read from memory.

    Examples
    --------
    >>> len(pass_seconds([1, 2, 3], passes=3))
    3
    """
    import time

    check_int("passes", passes, 1)
    seconds = []
    for _ in range(passes):
        start = time.perf_counter()
        for _batch in dataset:
            pass
        seconds.append(time.perf_counter() - start)
    return seconds
