"""One way to load every data set of the course: :func:`load`.

=================  ==========  =======================================  =========
name               offline     what                                     size
=================  ==========  =======================================  =========
``digits``         always      scikit-learn's handwritten digits,       28×28×1
                               MNIST-like (1,438 train / 359 test)
``shapes``         always      procedural shapes, 8 classes             32×32×3
                               (3,000 train / 1,000 test by default)
``fashion_mnist``  Debian pkg  Zalando's clothes, 60,000 / 10,000       28×28×1
``mnist``          cached      handwritten digits, 60,000 / 10,000      28×28×1
``cifar10``        cached      10 object classes, 50,000 / 10,000       32×32×3
``cats_vs_dogs``   cached      2,000 / 1,000 photos (TF tutorial set)   128×128×3
=================  ==========  =======================================  =========

"cached": works offline once Keras has downloaded it (or you put the file in
the Keras cache by hand); otherwise :class:`DataUnavailableError` says how.

Examples
--------
>>> x, y, names = load("digits", split="test", image_size=16, limit=20)
>>> x.shape, y.dtype.name, np.bincount(y).tolist()
((20, 16, 16, 1), 'int64', [2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
"""
from __future__ import annotations

import numpy as np

from cnnlab import _validate
from cnnlab.data import keras_sets
from cnnlab.data.convert import check_channels, resize_images, set_channels, to_float_images
from cnnlab.data.subsets import balanced_indices

OFFLINE_NAMES = ("digits", "shapes")
NAMES = OFFLINE_NAMES + keras_sets.KERAS_NAMES
SPLITS = ("train", "test")

#: images per split of ``load("shapes")`` when no ``limit`` is given
SHAPES_SIZES = {"train": 3000, "test": 1000}
_DEFAULT_SIZE = {"digits": 28, "shapes": 32, "fashion_mnist": 28, "mnist": 28,
                 "cifar10": 32, "cats_vs_dogs": 128}


def names() -> list[str]:
    """All data set names :func:`load` accepts.

    Examples
    --------
    >>> names()[:2]
    ['digits', 'shapes']
    """
    return list(NAMES)


def available(name: str) -> bool:
    """Can :func:`load` give ``name`` right now (within about 2 s, no download)?

    ``True`` for the offline sets, for cached Keras sets, for Fashion-MNIST
    when Debian's package is installed, and for the others when their server
    answers within 2 s (never with ``CNNLAB_OFFLINE=1``).

    Examples
    --------
    >>> available("shapes")
    True
    """
    _validate.check_choice("name", name, NAMES)
    if name in OFFLINE_NAMES:
        return True
    return keras_sets.keras_available(name)


def load(name: str, split: str = "train", image_size=None, channels: int | None = None,
         limit: int | None = None, seed: int = 0):
    """Load a data set as float32 images in [0, 1], NHWC.

    Parameters
    ----------
    name : {"digits", "shapes", "fashion_mnist", "mnist", "cifar10", "cats_vs_dogs"}
        See the table in :mod:`cnnlab.data.registry`.
    split : {"train", "test"}, optional
        The two splits never share an image.
    image_size : int or (int, int), optional
        Resize to this height and width (default: the set's own size;
        ``"shapes"`` are drawn at this size directly).
    channels : {1, 3}, optional
        Convert to grey (luminance) or RGB (grey repeated); default: as stored.
    limit : int, optional
        Keep this many images, classes balanced, picked with ``seed``
        (``"shapes"`` generates exactly this many).
    seed : int, optional
        Which images ``limit`` picks; for ``"shapes"``, which images are drawn
        (train and test use separate streams of this seed).

    Returns
    -------
    images : ndarray of shape (N, H, W, C), float32 in [0, 1]
    labels : ndarray of shape (N,), int64
    class_names : list of str

    Raises
    ------
    ValueError
        For an unknown name or a bad argument (the message lists what is allowed).
    DataUnavailableError
        For a Keras set that is not cached and cannot be downloaded now.

    Examples
    --------
    >>> x, y, names = load("shapes", split="test", image_size=(24, 20), channels=1, limit=16)
    >>> x.shape, names[y[0]] in names
    ((16, 24, 20, 1), True)
    """
    _validate.check_choice("name", name, NAMES)
    _validate.check_choice("split", split, SPLITS)
    size = None if image_size is None else _validate.check_pair("image_size", image_size, 1)
    if channels is not None:
        check_channels(channels)
    if limit is not None:
        _validate.check_int("limit", limit, 1)
    _validate.check_int("seed", seed, 0)

    if name == "shapes":
        from cnnlab.data.synthetic import generate

        rng = np.random.default_rng([seed, SPLITS.index(split)])
        x, y, class_names = generate(limit or SHAPES_SIZES[split],
                                     size or _DEFAULT_SIZE[name], channels or 3, rng)
        return x, y, class_names
    x, y, class_names = _raw(name, split, size, limit, seed)
    if limit is not None and limit != len(y):      # more than there are: ValueError
        idx = balanced_indices(y, limit, seed)
        x, y = x[idx], y[idx]
    x = to_float_images(x)
    if size is not None:
        x = resize_images(x, size)
    if channels is not None:
        x = set_channels(x, channels)
    return x, y.astype(np.int64), class_names


def _raw(name, split, size, limit, seed):
    """Images as stored (uint8 or float), labels, class names."""
    if name == "digits":
        from cnnlab.data.digits import load_digits

        return load_digits(split)
    if name == "cats_vs_dogs":
        return keras_sets.load_cats_vs_dogs(
            split, size or (_DEFAULT_SIZE[name],) * 2, limit, seed)
    train, test, class_names = keras_sets.load_keras_set(name)
    x, y = train if split == "train" else test
    return x, y, class_names
