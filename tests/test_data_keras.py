"""Keras-backed data sets: Fashion-MNIST from Debian's files, fast offline errors."""
import gzip
import os
import time

import numpy as np
import pytest

from cnnlab import data
from cnnlab.data import keras_sets

keras = pytest.importorskip("keras")
from keras.src.backend import config as keras_config  # noqa: E402
from keras.src.utils import file_utils  # noqa: E402

DEBIAN = keras_sets.DEBIAN_FASHION_MNIST


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """An empty Keras cache. Keras reads KERAS_HOME once, at import, into
    ``keras.src.backend.config._KERAS_DIR``; ``get_file`` asks ``keras_home()``
    for it at call time, so both are pointed at the temporary folder."""
    home = tmp_path / "keras_home"
    home.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(home))
    monkeypatch.setattr(keras_config, "_KERAS_DIR", str(home))
    monkeypatch.delenv("CNNLAB_OFFLINE", raising=False)
    monkeypatch.setattr(keras_sets, "_MEMO", {})
    return home


def test_cache_dir_is_where_keras_get_file_stores(keras_home, tmp_path):
    src = tmp_path / "hello.txt"
    src.write_text("hi")
    path = keras.utils.get_file("hello.txt", origin=src.as_uri())
    assert os.path.dirname(path) == os.path.join(keras_sets.keras_cache_dir(), "datasets")
    assert keras_sets.keras_cache_dir() == str(keras_home)


@pytest.mark.parametrize("name, loader", [
    ("mnist", "mnist"), ("cifar10", "cifar10"), ("fashion_mnist", "fashion_mnist")])
def test_cached_path_is_the_file_keras_downloads_to(keras_home, monkeypatch, name, loader):
    """Keras' own loader, with its download intercepted, names the same file."""
    targets = []

    def fake_urlretrieve(url, target, *args, **kwargs):
        targets.append((url, target))
        raise OSError("no download in tests")

    monkeypatch.setattr(file_utils, "urlretrieve", fake_urlretrieve)
    with pytest.raises(OSError):
        getattr(keras.datasets, loader).load_data()
    url, target = targets[0]
    assert target == keras_sets.cached_path(name)
    assert url == keras_sets._SOURCES[name].files[0][1]


@pytest.mark.skipif(not os.path.isdir(DEBIAN),
                    reason=f"{DEBIAN} is absent: `apt install dataset-fashion-mnist` "
                           "(tools/setup.sh does this on Debian/Ubuntu)")
def test_fashion_mnist_offline_through_keras_loader(keras_home):
    assert data.available("fashion_mnist")
    x, y, names = data.load("fashion_mnist")
    xt, yt, _ = data.load("fashion_mnist", split="test")
    assert x.shape == (60000, 28, 28, 1) and xt.shape == (10000, 28, 28, 1)
    assert x.dtype == np.float32 and 0 <= x.min() and x.max() == 1.0
    assert y.dtype == np.int64 and sorted(set(y.tolist())) == list(range(10))
    assert np.bincount(y).tolist() == [6000] * 10           # published: 6,000 per class
    assert names[0] == "T-shirt/top" and names[9] == "Ankle boot" and len(names) == 10
    # the files went into the temporary Keras cache, and match Debian's bytes
    cached = keras_home / "datasets" / "fashion-mnist" / "t10k-images-idx3-ubyte.gz"
    assert cached.exists()
    with gzip.open(os.path.join(DEBIAN, "t10k-images-idx3-ubyte.gz")) as f:
        raw = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    np.testing.assert_array_equal(np.round(xt[..., 0] * 255).astype(np.uint8), raw)
    small, _, _ = data.load("fashion_mnist", split="test", limit=30, image_size=32,
                            channels=3)
    assert small.shape == (30, 32, 32, 3)


def test_offline_error_is_fast_and_says_what_to_do(keras_home):
    if keras_sets.reachable("www.cs.toronto.edu"):
        pytest.skip("the network is up here: cifar10 would really download")
    start = time.monotonic()
    with pytest.raises(data.DataUnavailableError) as err:
        data.load("cifar10")
    assert time.monotonic() - start < 15                 # not a hang (no speed target)
    message = str(err.value)
    assert "cifar-10-python.tar.gz" in message
    assert os.path.join(str(keras_home), "datasets") in message
    assert '"digits"' in message and '"shapes"' in message and "dataset-fashion-mnist" in message
    assert isinstance(err.value, RuntimeError)
    assert not data.available("cifar10")


def test_cnnlab_offline_never_touches_the_network(keras_home, monkeypatch):
    monkeypatch.setenv("CNNLAB_OFFLINE", "1")
    with pytest.raises(data.DataUnavailableError, match="mnist.npz.*CNNLAB_OFFLINE|"
                                                        "CNNLAB_OFFLINE.*mnist.npz"):
        data.load("mnist", split="test")
    assert not data.available("cats_vs_dogs")


def test_cats_vs_dogs_reads_the_unzipped_tutorial_folder(keras_home):
    """The layout of cats_and_dogs_filtered.zip once Keras 3 has unpacked it."""
    from PIL import Image

    root = keras_home / "datasets" / "cats_and_dogs_filtered_extracted" / "cats_and_dogs_filtered"
    rng = np.random.default_rng(0)
    for split, n in (("train", 5), ("validation", 3)):
        for sub in ("cats", "dogs"):
            (root / split / sub).mkdir(parents=True)
            for i in range(n):
                pixels = rng.integers(0, 256, (30 + i, 40, 3), dtype=np.uint8)
                Image.fromarray(pixels).save(root / split / sub / f"{sub[:-1]}.{i}.jpg")
    assert data.available("cats_vs_dogs")
    x, y, names = data.load("cats_vs_dogs", limit=6, image_size=24)
    assert x.shape == (6, 24, 24, 3) and x.dtype == np.float32
    assert names == ["cat", "dog"] and np.bincount(y).tolist() == [3, 3]
    xt, yt, _ = data.load("cats_vs_dogs", split="test", image_size=(16, 20))
    assert xt.shape == (6, 16, 20, 3) and np.bincount(yt).tolist() == [3, 3]
    # the first cat, read and resized by Pillow independently
    with Image.open(root / "validation" / "cats" / "cat.0.jpg") as im:
        ref = np.asarray(im.convert("RGB").resize((20, 16), Image.Resampling.BILINEAR))
    np.testing.assert_allclose(xt[0], ref / 255.0, atol=1e-6)
