"""cnnlab.data "digits": scikit-learn's 1,797 digits laid out like MNIST."""
import numpy as np
import pytest
from scipy import ndimage
from sklearn.datasets import load_digits as sk_load_digits

from cnnlab import data


@pytest.fixture(scope="module")
def splits():
    return {s: data.load("digits", split=s) for s in ("train", "test")}


@pytest.fixture(scope="module")
def sklearn_digits():
    return sk_load_digits()


def _mnist_layout(images):
    """sklearn 8x8 (0..16) -> 20x20 with SciPy's zoom, 4-pixel frame: 28x28 in [0, 1]."""
    big = np.stack([ndimage.zoom(im / 16.0, 2.5, order=1, grid_mode=True, mode="nearest")
                    for im in images])
    return np.pad(big, ((0, 0), (4, 4), (4, 4)))


def test_all_1797_images_across_the_two_splits(splits, sklearn_digits):
    n_train, n_test = len(splits["train"][0]), len(splits["test"][0])
    assert n_train + n_test == len(sklearn_digits.images) == 1797
    assert 0.19 < n_test / 1797 < 0.21          # an 80/20 split


def test_layout_dtype_and_range(splits):
    for x, y, names in splits.values():
        assert x.shape[1:] == (28, 28, 1) and x.dtype == np.float32
        assert x.min() == 0.0 and 0.99 <= x.max() <= 1.0
        # MNIST's 4-pixel empty frame around a 20x20 digit
        assert np.all(x[:, :4] == 0) and np.all(x[:, -4:] == 0)
        assert np.all(x[:, :, :4] == 0) and np.all(x[:, :, -4:] == 0)
        assert y.dtype == np.int64 and y.ndim == 1
        assert names == [str(d) for d in range(10)]


def test_labels_match_scikit_learn(splits, sklearn_digits):
    y = np.concatenate([splits["train"][1], splits["test"][1]])
    assert np.bincount(y).tolist() == np.bincount(sklearn_digits.target).tolist()
    # stratified: every class in both splits in about the same proportion
    frac = np.bincount(splits["test"][1]) / np.bincount(sklearn_digits.target)
    assert np.all((frac > 0.15) & (frac < 0.25))


def test_each_image_is_a_distinct_scikit_learn_digit(splits, sklearn_digits):
    """Each image is nearest to its own scikit-learn original (upsampled by SciPy)."""
    x = np.concatenate([splits["train"][0], splits["test"][0]])
    y = np.concatenate([splits["train"][1], splits["test"][1]])
    ours = x.reshape(len(x), -1).astype(float)
    theirs = _mnist_layout(sklearn_digits.images).reshape(len(ours), -1)
    d2 = ((ours ** 2).sum(1)[:, None] - 2 * ours @ theirs.T + (theirs ** 2).sum(1)[None])
    nearest = d2.argmin(axis=1)
    assert len(set(nearest.tolist())) == 1797          # a permutation: train, test disjoint
    assert np.array_equal(sklearn_digits.target[nearest], y)
    assert np.sqrt(d2.min(axis=1).max() / ours.shape[1]) < 0.05     # RMS gap per pixel


def test_no_test_image_is_in_train(splits):
    train = {im.tobytes() for im in splits["train"][0]}
    assert not any(im.tobytes() in train for im in splits["test"][0])


def test_deterministic(splits):
    x, y, _ = data.load("digits", split="test")
    np.testing.assert_array_equal(x, splits["test"][0])
    np.testing.assert_array_equal(y, splits["test"][1])
