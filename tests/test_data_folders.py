"""write_image_folder: Keras reads what it writes; idempotent; never touches a file root."""
import hashlib
import os

import numpy as np
import pytest

import cnnlab.data as data
from cnnlab.data.folders import RootIsAFileError, folder_counts, folder_tree, write_image_folder


def _files(root):
    out = {}
    for dirpath, _, names in os.walk(root):
        for n in names:
            p = os.path.join(dirpath, n)
            out[os.path.relpath(p, root)] = os.stat(p).st_mtime_ns
    return out


def test_exported_from_cnnlab_data():
    assert data.write_image_folder is write_image_folder
    assert callable(data.image_input) and issubclass(data.NotAnImageError, ValueError)


def test_keras_reads_the_tree_with_labels_from_folder_names(tmp_path):
    keras = pytest.importorskip("keras")
    counts = write_image_folder("shapes", tmp_path, classes=("square", "circle"),
                                splits={"train": 6, "validation": 3, "test": 4},
                                image_size=(20, 24))
    assert counts == {"train": {"circle": 6, "square": 6},
                      "validation": {"circle": 3, "square": 3},
                      "test": {"circle": 4, "square": 4}}
    assert folder_counts(tmp_path) == counts
    ds = keras.utils.image_dataset_from_directory(
        tmp_path / "train", image_size=(20, 24), batch_size=5, shuffle=False)
    assert ds.class_names == ["circle", "square"]
    x = np.concatenate([b.numpy() for b, _ in ds])
    y = np.concatenate([lab.numpy() for _, lab in ds])
    assert x.shape == (12, 20, 24, 3) and np.bincount(y).tolist() == [6, 6]
    assert 0 <= x.min() and x.max() <= 255 and x.max() > 1   # raw pixels, not rescaled


def test_pixels_are_the_sets_own_images(tmp_path):
    keras = pytest.importorskip("keras")
    write_image_folder("digits", tmp_path, splits=("test",), limit=5, classes=("3", "7"))
    ds = keras.utils.image_dataset_from_directory(
        tmp_path / "test", image_size=(28, 28), color_mode="grayscale", shuffle=False)
    assert ds.class_names == ["3", "7"]
    xs, ys = zip(*[(b.numpy(), lab.numpy()) for b, lab in ds])
    x, y = np.concatenate(xs), np.concatenate(ys)
    ref, ref_y, _ = data.load("digits", split="test")
    ref = np.round(ref * 255).astype(np.uint8)
    for img, label in zip(x.astype(np.uint8), y):
        match = [i for i in np.flatnonzero(ref_y == (3, 7)[label]) if np.array_equal(ref[i], img)]
        assert match, "every written image is one of the set's test images of its class"


def test_train_and_validation_share_no_image_and_default_split(tmp_path):
    counts = write_image_folder("digits", tmp_path, classes=("0", "1"))
    n0 = int((data.load("digits")[1] == 0).sum())
    assert counts["train"]["0"] == int(n0 * 0.8)
    assert counts["train"]["0"] + counts["validation"]["0"] == n0
    digest = {s: {hashlib.md5((tmp_path / s / c / f).read_bytes()).hexdigest()
                  for c in ("0", "1") for f in os.listdir(tmp_path / s / c)}
              for s in ("train", "validation")}
    assert not digest["train"] & digest["validation"]


def test_same_call_rewrites_nothing_and_a_smaller_call_prunes(tmp_path):
    args = dict(classes=("ring", "star"), splits={"train": 5, "test": 2}, image_size=16)
    write_image_folder("shapes", tmp_path, **args)
    before = _files(tmp_path)
    contents = {p: (tmp_path / p).read_bytes() for p in before}
    os.utime(tmp_path / "train" / "ring" / "0.png", ns=(1, 1))   # a known old mtime
    before = _files(tmp_path)
    write_image_folder("shapes", tmp_path, **args)
    assert _files(tmp_path) == before
    assert {p: (tmp_path / p).read_bytes() for p in before} == contents
    write_image_folder("shapes", tmp_path, **{**args, "splits": {"train": 3, "test": 2}})
    assert folder_counts(tmp_path) == {"train": {"ring": 3, "star": 3},
                                       "test": {"ring": 2, "star": 2}}
    write_image_folder("shapes", tmp_path, **{**args, "classes": ("ring",)})
    assert sorted(os.listdir(tmp_path / "train")) == ["ring"]


def test_refuses_a_root_that_is_a_file_and_leaves_it_alone(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("keep me")
    os.utime(path, ns=(5, 5))
    with pytest.raises(RootIsAFileError, match="notes.txt.*existing file"):
        write_image_folder("digits", path, limit=2)
    with pytest.raises(ValueError):
        write_image_folder("digits", str(path), limit=2)
    assert path.read_text() == "keep me" and os.stat(path).st_mtime_ns == 5
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]


def test_jpeg_and_grey_sets_are_read_by_keras(tmp_path):
    keras = pytest.importorskip("keras")
    write_image_folder("digits", tmp_path, splits={"train": 4}, classes=("1", "2"),
                       format="jpg", image_size=32)
    assert sorted(os.listdir(tmp_path / "train" / "1")) == [f"{i}.jpg" for i in range(4)]
    ds = keras.utils.image_dataset_from_directory(tmp_path / "train", image_size=(32, 32))
    assert sum(int(b.shape[0]) for b, _ in ds) == 8


def test_bad_arguments_name_the_rule(tmp_path):
    with pytest.raises(ValueError, match="`format` must be one of"):
        write_image_folder("digits", tmp_path, format="tif")
    with pytest.raises(ValueError, match="`splits` must be one of"):
        write_image_folder("digits", tmp_path, splits={"val": 3})
    with pytest.raises(ValueError, match="`classes` must be one of"):
        write_image_folder("shapes", tmp_path, classes=("dog",))
    with pytest.raises(ValueError, match="at most the"):
        write_image_folder("digits", tmp_path, splits={"test": 1000}, classes=("0",))
    with pytest.raises(ValueError, match="`name` must be one of"):
        write_image_folder("imagenet", tmp_path)
    assert os.listdir(tmp_path) == []


def test_fashion_mnist_class_names_become_safe_folders(tmp_path):
    if not data.available("fashion_mnist"):
        pytest.skip("Fashion-MNIST not installed")
    counts = write_image_folder("fashion_mnist", tmp_path, splits={"test": 2},
                                classes=("T-shirt/top", "Ankle boot"))
    assert counts == {"test": {"T-shirt_top": 2, "Ankle_boot": 2}}


def test_tree_lists_folders_and_counts(tmp_path):
    write_image_folder("digits", tmp_path / "d", splits={"test": 3}, classes=("5",))
    text = folder_tree(tmp_path / "d", files=1)
    assert text.splitlines() == ["d/", "└── test/", "    └── 5/  (3 files)",
                                 "        ├── 0.png", "        └── ..."]


def test_cache_makes_later_passes_over_the_files_faster(tmp_path):
    keras = pytest.importorskip("keras")
    write_image_folder("shapes", tmp_path, splits={"train": 100}, classes=("circle", "cross"),
                       image_size=48)
    ds = keras.utils.image_dataset_from_directory(tmp_path / "train", image_size=(48, 48))
    plain = data.pass_seconds(ds, 2)
    cached = data.pass_seconds(ds.cache(), 3)
    assert cached[2] < plain[1], (plain, cached)
    with pytest.raises(ValueError, match="`passes` must be an integer >= 1"):
        data.pass_seconds(ds, 0)
