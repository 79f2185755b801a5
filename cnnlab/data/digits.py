"""scikit-learn's 1,797 handwritten digits, laid out like MNIST (offline).

The digits ship with scikit-learn as 8×8 images with 17 grey levels. MNIST
centres each 20×20 digit in a 28×28 frame; :func:`load_digits` does the same:
it resizes the 8×8 images to 20×20 (bilinear) and pads 4 pixels on each side.
The train/test split is a fixed stratified 80/20 split (1,438/359 images), so
the test images are never seen in training.

Examples
--------
>>> x, y, names = load_digits("test")
>>> x.shape, y.shape, names[:3]
((359, 28, 28, 1), (359,), ['0', '1', '2'])
"""
from __future__ import annotations

import functools

import numpy as np

from cnnlab import _validate

CLASS_NAMES = [str(d) for d in range(10)]
SPLITS = ("train", "test")
TEST_FRACTION = 0.2
SPLIT_SEED = 0        # fixed: the split is part of the data set, not of a run


def load_digits(split: str = "train"):
    """The digits of one split as MNIST-like 28×28 images.

    Parameters
    ----------
    split : {"train", "test"}

    Returns
    -------
    images : ndarray of shape (N, 28, 28, 1), float32 in [0, 1]
    labels : ndarray of shape (N,), int64
    class_names : list of str
        ``"0"`` ... ``"9"``.

    Examples
    --------
    >>> x, y, _ = load_digits()
    >>> len(x), float(x.min()), float(x.max()), sorted(set(y.tolist())) == list(range(10))
    (1438, 0.0, 1.0, True)
    """
    _validate.check_choice("split", split, SPLITS)
    images, labels = _all_digits()
    train, test = _split_indices(labels)
    idx = train if split == "train" else test
    return images[idx].copy(), labels[idx].copy(), list(CLASS_NAMES)


@functools.lru_cache(maxsize=1)
def _all_digits():
    from sklearn.datasets import load_digits as sk_load_digits

    from cnnlab.data.convert import resize_images

    bunch = sk_load_digits()
    small = (bunch.images / 16.0).astype(np.float32)[..., None]     # 0..16 -> [0, 1]
    digits20 = resize_images(small, 20)
    images = np.pad(digits20, ((0, 0), (4, 4), (4, 4), (0, 0)))
    images.flags.writeable = False
    labels = bunch.target.astype(np.int64)
    labels.flags.writeable = False
    return images, labels


def _split_indices(labels):
    """Stratified split: the same ``TEST_FRACTION`` of every class is held out."""
    rng = np.random.default_rng(SPLIT_SEED)
    test = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        n_test = int(round(len(members) * TEST_FRACTION))
        test.append(rng.choice(members, size=n_test, replace=False))
    test = np.sort(np.concatenate(test))
    train = np.setdiff1d(np.arange(len(labels)), test)
    return train, test
