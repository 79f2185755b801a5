"""Real data sets through Keras' own loaders and cache, with fast offline errors.

Keras downloads each data set once into its cache folder, ``$KERAS_HOME``
(default ``~/.keras``), under ``datasets/``, and reads it from there ever
after. This module calls those loaders, but first makes sure they will not
hang: a data set that is neither cached nor downloadable right now (no
network, or ``CNNLAB_OFFLINE=1``) raises :class:`DataUnavailableError` at
once, naming the file to fetch by hand, the folder to put it in and the
offline data sets to use instead.

Fashion-MNIST also works offline on Debian and Ubuntu: the package
``dataset-fashion-mnist`` installs the four original ``.gz`` files in
``/usr/share/datasets/fashion-mnist``; they are copied into the Keras cache
(``datasets/fashion-mnist/``), where ``keras.datasets.fashion_mnist`` finds them.

Examples
--------
>>> cached_path("mnist").endswith(os.path.join("datasets", "mnist.npz"))
True
"""
from __future__ import annotations

import os
import shutil
import urllib.parse
from dataclasses import dataclass

import numpy as np

from cnnlab._system import keras_home, offline_mode, online

FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
MNIST_CLASSES = [str(d) for d in range(10)]
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer",
                   "dog", "frog", "horse", "ship", "truck"]
CATS_VS_DOGS_CLASSES = ["cat", "dog"]

#: where Debian's ``dataset-fashion-mnist`` package puts the files
DEBIAN_FASHION_MNIST = "/usr/share/datasets/fashion-mnist"
CATS_VS_DOGS_URL = ("https://storage.googleapis.com/mledu-datasets/"
                    "cats_and_dogs_filtered.zip")
CONNECT_TIMEOUT = 2.0      # seconds to wait for the server before giving up

OFFLINE_ALTERNATIVES = ("Offline data sets that always work: \"digits\" and \"shapes\"; "
                        "\"fashion_mnist\" too after `apt install dataset-fashion-mnist` "
                        "(Debian/Ubuntu).")

_KERAS_BASE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_FASHION_FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
                  "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")


class DataUnavailableError(RuntimeError):
    """A data set is neither in the Keras cache nor downloadable right now."""


@dataclass(frozen=True)
class _Source:
    files: tuple[tuple[str, str], ...]    # (path inside the Keras cache, url)

    @property
    def host(self) -> str:
        return urllib.parse.urlsplit(self.files[0][1]).hostname


_SOURCES = {
    "fashion_mnist": _Source(tuple((os.path.join("datasets", "fashion-mnist", f),
                                    _KERAS_BASE + f) for f in _FASHION_FILES)),
    "mnist": _Source(((os.path.join("datasets", "mnist.npz"), _KERAS_BASE + "mnist.npz"),)),
    # keras.datasets.cifar10 keeps the downloaded .tar.gz under this name
    "cifar10": _Source(((os.path.join("datasets", "cifar-10-batches-py-target_archive"),
                         "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"),)),
    "cats_vs_dogs": _Source(((os.path.join("datasets", "cats_and_dogs_filtered.zip"),
                              CATS_VS_DOGS_URL),)),
}
KERAS_NAMES = tuple(_SOURCES)

_MEMO: dict = {}


def keras_cache_dir() -> str:
    """The folder ``keras.utils.get_file`` caches downloads in (:func:`cnnlab._system.keras_home`).

    Examples
    --------
    >>> os.path.isabs(keras_cache_dir())
    True
    """
    return str(keras_home())


def cached_path(name: str, cache_dir: str | None = None) -> str:
    """Where the (first) file of a Keras data set lives in the cache.

    Examples
    --------
    >>> os.path.basename(cached_path("cifar10"))
    'cifar-10-batches-py-target_archive'
    """
    return os.path.join(cache_dir or keras_cache_dir(), _SOURCES[name].files[0][0])


def is_cached(name: str, cache_dir: str | None = None) -> bool:
    """Whether every file of ``name`` is already in the Keras cache.

    Examples
    --------
    >>> is_cached("mnist", cache_dir="/nonexistent")
    False
    """
    cache = cache_dir or keras_cache_dir()
    if name == "cats_vs_dogs" and _cats_root(cache):
        return True
    return all(os.path.exists(os.path.join(cache, rel)) for rel, _ in _SOURCES[name].files)


def reachable(host: str, port: int = 443, timeout: float = CONNECT_TIMEOUT) -> bool:
    """Can a download from ``host`` start? (:func:`cnnlab._system.online`).

    Examples
    --------
    >>> reachable("host.invalid", timeout=0.5)
    False
    """
    return online(host, port, timeout)


def install_debian_fashion_mnist(cache_dir: str | None = None) -> bool:
    """Copy Debian's Fashion-MNIST files into the Keras cache, if present.

    Returns
    -------
    bool
        Whether the Keras cache now holds all four files.

    Examples
    --------
    >>> import tempfile
    >>> installed = install_debian_fashion_mnist(tempfile.mkdtemp())
    >>> installed == os.path.isdir(DEBIAN_FASHION_MNIST)
    True
    """
    cache = cache_dir or keras_cache_dir()
    for rel, _ in _SOURCES["fashion_mnist"].files:
        target = os.path.join(cache, rel)
        source = os.path.join(DEBIAN_FASHION_MNIST, os.path.basename(rel))
        if not os.path.exists(target) and os.path.exists(source):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(source, target + ".part")
            os.replace(target + ".part", target)
    return is_cached("fashion_mnist", cache)


def keras_available(name: str) -> bool:
    """Cached (or installable from Debian), or its server answers right now."""
    cache = keras_cache_dir()
    if name == "fashion_mnist" and all(
            os.path.exists(os.path.join(DEBIAN_FASHION_MNIST, f)) for f in _FASHION_FILES):
        return True
    return is_cached(name, cache) or reachable(_SOURCES[name].host)


def _unavailable(name: str, cache: str, reason: str) -> DataUnavailableError:
    missing = [(os.path.join(cache, rel), url) for rel, url in _SOURCES[name].files
               if not os.path.exists(os.path.join(cache, rel))]
    fetch = "; ".join(f"download {url} and save it as {path}" for path, url in missing)
    folder = os.path.dirname(missing[0][0]) if missing else os.path.join(cache, "datasets")
    return DataUnavailableError(
        f"The {name!r} data set is not in the Keras cache and cannot be downloaded now "
        f"({reason}). To use it offline, {fetch} (the Keras cache folder is {folder}; "
        f"set KERAS_HOME to use another). {OFFLINE_ALTERNATIVES}")


def ensure_fetchable(name: str, cache: str | None = None) -> None:
    """Return at once if Keras can load ``name``; else raise :class:`DataUnavailableError`.

    Examples
    --------
    >>> import tempfile
    >>> os.environ["CNNLAB_OFFLINE"] = "1"
    >>> try:
    ...     ensure_fetchable("cifar10", tempfile.mkdtemp())
    ... except DataUnavailableError as err:
    ...     print("cifar-10-python.tar.gz" in str(err))
    True
    >>> del os.environ["CNNLAB_OFFLINE"]
    """
    cache = cache or keras_cache_dir()
    if is_cached(name, cache):
        return
    host = _SOURCES[name].host
    if offline_mode():
        raise _unavailable(name, cache, "CNNLAB_OFFLINE is set")
    if not reachable(host):
        raise _unavailable(name, cache, f"no connection to {host} within "
                                        f"{CONNECT_TIMEOUT:g} s")


def load_keras_set(name: str):
    """Both splits of a Keras data set as uint8 NHWC arrays, through Keras' loader.

    Parameters
    ----------
    name : {"fashion_mnist", "mnist", "cifar10"}

    Returns
    -------
    (x_train, y_train), (x_test, y_test), class_names
        Images of shape (N, H, W, C), ``uint8``; labels 1-D ``int64``.

    Raises
    ------
    DataUnavailableError
        When the files are not cached and cannot be downloaded now.
    """
    cache = keras_cache_dir()
    key = (name, cache)
    if key not in _MEMO:
        if name == "fashion_mnist":
            install_debian_fashion_mnist(cache)
        ensure_fetchable(name, cache)
        import keras

        loader = {"fashion_mnist": keras.datasets.fashion_mnist,
                  "mnist": keras.datasets.mnist,
                  "cifar10": keras.datasets.cifar10}[name].load_data
        try:
            (xtr, ytr), (xte, yte) = loader()
        except Exception as err:           # a failed or interrupted download
            raise _unavailable(name, cache, f"{type(err).__name__}: {err}") from err
        _MEMO.clear()                      # keep one set in memory at a time
        _MEMO[key] = tuple((x if x.ndim == 4 else x[..., None],
                            np.asarray(y).reshape(-1).astype(np.int64))
                           for x, y in ((xtr, ytr), (xte, yte)))
    names = {"fashion_mnist": FASHION_MNIST_CLASSES, "mnist": MNIST_CLASSES,
             "cifar10": CIFAR10_CLASSES}[name]
    train, test = _MEMO[key]
    return train, test, list(names)


def _cats_root(cache: str) -> str | None:
    """The unzipped ``cats_and_dogs_filtered`` folder (Keras 3 or Keras 2 layout)."""
    for parent in ("cats_and_dogs_filtered_extracted", ""):
        root = os.path.join(cache, "datasets", parent, "cats_and_dogs_filtered")
        if os.path.isdir(os.path.join(root, "train")):
            return root
    return None


def cats_vs_dogs_folder() -> str:
    """The unzipped cats-vs-dogs folder tree, downloaded by Keras on first use.

    ``keras.utils.get_file`` fetches and unpacks the TensorFlow tutorial's
    ``cats_and_dogs_filtered.zip`` into the Keras cache; the folder returned
    holds ``train/`` (1,000 cats, 1,000 dogs) and ``validation/`` (500 + 500),
    each with ``cats/`` and ``dogs/`` -- ready for
    ``keras.utils.image_dataset_from_directory``.

    Raises
    ------
    DataUnavailableError
        At once (no hanging download) when it is not cached and the server
        cannot be reached, naming the file to fetch by hand.
    """
    cache = keras_cache_dir()
    root = _cats_root(cache)
    if root is None:
        ensure_fetchable("cats_vs_dogs", cache)
        import keras
        try:
            keras.utils.get_file("cats_and_dogs_filtered.zip", origin=CATS_VS_DOGS_URL,
                                 extract=True)
        except Exception as err:
            raise _unavailable("cats_vs_dogs", cache, f"{type(err).__name__}: {err}") from err
        root = _cats_root(cache)
        if root is None:
            raise DataUnavailableError(f"cats_and_dogs_filtered.zip did not unpack to "
                                       f"the expected folder under {cache}/datasets.")
    return root


def load_cats_vs_dogs(split: str, image_size=(128, 128), limit: int | None = None,
                      seed: int = 0):
    """Read (a balanced subset of) the filtered cats-vs-dogs photos, resized.

    The archive of the TensorFlow tutorial holds 1,000 cats and 1,000 dogs for
    training and 500 of each for validation (our ``"test"`` split). Only the
    ``limit`` images picked are read, with Pillow.

    Returns
    -------
    images : ndarray of shape (N, h, w, 3), uint8
    labels : ndarray of shape (N,), int64 (0 cat, 1 dog)
    class_names : list of str
    """
    from PIL import Image

    from cnnlab.data.subsets import balanced_indices

    root = cats_vs_dogs_folder()
    folder = os.path.join(root, "train" if split == "train" else "validation")
    files, labels = [], []
    for label, sub in enumerate(("cats", "dogs")):
        names = sorted(f for f in os.listdir(os.path.join(folder, sub))
                       if f.lower().endswith((".jpg", ".jpeg", ".png")))
        files += [os.path.join(folder, sub, f) for f in names]
        labels += [label] * len(names)
    labels = np.array(labels, dtype=np.int64)
    idx = np.arange(len(files))
    if limit is not None and limit < len(files):
        idx = balanced_indices(labels, limit, seed)
    h, w = image_size
    images = np.empty((len(idx), h, w, 3), dtype=np.uint8)
    for i, j in enumerate(idx):
        with Image.open(files[j]) as im:
            images[i] = np.asarray(im.convert("RGB").resize(
                (w, h), resample=Image.Resampling.BILINEAR))
    return images, labels[idx], list(CATS_VS_DOGS_CLASSES)
