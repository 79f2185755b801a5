"""cnnlab.data.load's arguments, subset, and the import cost of cnnlab.data."""
import subprocess
import sys

import numpy as np
import pytest

from cnnlab import data


def test_names_and_availability_of_offline_sets():
    assert data.names()[:2] == ["digits", "shapes"]
    assert set(data.names()) == {"digits", "shapes", "fashion_mnist", "mnist", "cifar10",
                                 "cats_vs_dogs"}
    assert data.available("digits") and data.available("shapes")


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "imagenet"}, "`name` must be one of 'digits', 'shapes', 'fashion_mnist'"),
    ({"split": "valid"}, "`split` must be one of 'train', 'test'. Received: split='valid'."),
    ({"image_size": 0}, "`image_size` must be an integer >= 1"),
    ({"image_size": (28, 28, 1)}, "`image_size` must be an integer >= 1 or a pair"),
    ({"channels": 4}, "`channels` must be one of 1, 3. Received: channels=4."),
    ({"limit": 0}, "`limit` must be an integer >= 1. Received: limit=0."),
    ({"limit": 5000}, "`limit` must be at most the number of images (1438)"),
    ({"seed": -1}, "`seed` must be an integer >= 0. Received: seed=-1."),
])
def test_bad_arguments_list_what_is_allowed(kwargs, message):
    args = {"name": "digits", **kwargs}
    with pytest.raises(ValueError) as err:
        data.load(**args)
    assert message in str(err.value)
    with pytest.raises(ValueError):
        data.available("imagenet")


def test_limit_is_class_balanced_and_repeatable():
    x, y, _ = data.load("digits", limit=55, seed=3)
    assert np.bincount(y).tolist() == [6] * 5 + [5] * 5 or sorted(np.bincount(y)) == \
        [5] * 5 + [6] * 5
    x2, y2, _ = data.load("digits", limit=55, seed=3)
    np.testing.assert_array_equal(x, x2)
    x3, _, _ = data.load("digits", limit=55, seed=4)
    assert not np.array_equal(x, x3)


def test_resize_and_channels_agree_with_scikit_image():
    from skimage.transform import resize
    full, _, _ = data.load("digits", split="test", limit=10)
    small, _, _ = data.load("digits", split="test", limit=10, image_size=14, channels=3)
    assert small.shape == (10, 14, 14, 3)
    ref = np.stack([resize(im[..., 0], (14, 14), order=1, anti_aliasing=True) for im in full])
    np.testing.assert_allclose(small[..., 1], ref, atol=1e-5)
    np.testing.assert_array_equal(small[..., 0], small[..., 2])


def test_subset_few_labels_per_class_relabelled():
    x, y, _ = data.load("digits")
    xs, ys = data.subset(x, y, classes=[5, 6, 7, 8, 9], per_class=4, seed=1)
    assert xs.shape == (20, 28, 28, 1)
    assert np.bincount(ys).tolist() == [4] * 5
    # relabelled 5..9 -> 0..4: the images are those of the original classes
    originals = {im.tobytes(): label for im, label in zip(x, y)}
    assert [originals[im.tobytes()] - 5 for im in xs] == ys.tolist()
    _, kept = data.subset(x, y, classes=[3, 1], relabel=False)
    assert set(kept.tolist()) == {1, 3} and len(kept) == (y == 1).sum() + (y == 3).sum()
    _, first = data.subset(x, y, classes=[3, 1])
    assert np.array_equal(first == 0, kept == 3)
    a = data.subset(x, y, per_class=2, seed=7)
    b = data.subset(x, y, per_class=2, seed=7)
    np.testing.assert_array_equal(a[0], b[0])


@pytest.mark.parametrize("kwargs, message", [
    ({"classes": [10]}, "`classes` must hold labels among 0, 1, 2"),
    ({"classes": "12"}, "`classes` must be a sequence of labels"),
    ({"per_class": 0}, "`per_class` must be an integer >= 1"),
    ({"per_class": 500}, "`per_class` must be at most"),
])
def test_subset_bad_arguments(kwargs, message):
    x, y, _ = data.load("digits", split="test")
    with pytest.raises(ValueError, match="Received") as err:
        data.subset(x, y, **kwargs)
    assert message in str(err.value)


def test_import_does_not_load_tensorflow_or_keras():
    code = ("import sys, cnnlab.data, cnnlab.data.registry; "
            "print(sorted(m for m in ('tensorflow', 'keras', 'sklearn', 'matplotlib') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
    assert "as_dataset" in dir(data)
