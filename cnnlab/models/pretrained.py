"""ImageNet-pretrained VGG from ``keras.applications``, with a clear offline error.

The weights (over 500 MB for VGG16) and the ImageNet class names are
downloaded by Keras on first use into its cache folder (``~/.keras/models/``,
or ``$KERAS_HOME/models/``). :func:`load_pretrained` uses the cached file
when it is there; otherwise it checks in about two seconds whether the
download host answers, and if not raises :class:`WeightsUnavailableError`
naming the file, the folder and what to do, instead of hanging.

Examples
--------
>>> weights_path("vgg16").name
'vgg16_weights_tf_dim_ordering_tf_kernels.h5'
"""
from __future__ import annotations

from pathlib import Path

from cnnlab._system import DATA_HOST, keras_home, online

from cnnlab.data import DataUnavailableError

#: Where Keras downloads application weights from.
HOST = DATA_HOST

#: Model name -> (keras.applications attribute, weights file with the top, without).
MODELS = {
    "vgg16": ("VGG16", "vgg16_weights_tf_dim_ordering_tf_kernels.h5",
              "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"),
    "vgg19": ("VGG19", "vgg19_weights_tf_dim_ordering_tf_kernels.h5",
              "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"),
}

#: The ImageNet class names ``decode_predictions`` needs.
CLASS_INDEX_FILE = "imagenet_class_index.json"


class WeightsUnavailableError(DataUnavailableError):
    """Pretrained weights (or class names) are neither cached nor downloadable.

    A :class:`cnnlab.data.DataUnavailableError` (and so a ``RuntimeError``):
    one ``except`` catches every offline case of the course.
    """


def cache_dir() -> Path:
    """Keras' download folder for models: ``models/`` in :func:`cnnlab._system.keras_home`.

    Examples
    --------
    >>> cache_dir().name
    'models'
    """
    return keras_home() / "models"


def _check_name(name: str) -> str:
    key = str(name).lower()
    if key not in MODELS:
        raise ValueError(f"`name` must be one of {', '.join(map(repr, MODELS))}. "
                         f"Received: name={name!r}.")
    return key


def weights_path(name: str = "vgg16", include_top: bool = True) -> Path:
    """Where Keras keeps (or would keep) the ImageNet weights of ``name``."""
    _, top, notop = MODELS[_check_name(name)]
    return cache_dir() / (top if include_top else notop)


def can_download(timeout: float = 2.0) -> bool:
    """Whether Keras' weight host can be reached (:func:`cnnlab._system.online`)."""
    return online(HOST, 443, timeout)


def _unavailable(path: Path, what: str) -> WeightsUnavailableError:
    return WeightsUnavailableError(
        f"The {what} are not available: {path.name} is not in Keras' cache folder "
        f"{path.parent} and {HOST} cannot be reached (no internet connection?). "
        "Run this notebook where it can download (Colab works), or copy the file "
        f"into {path.parent} by hand; everything else in the lesson works offline.")


def load_pretrained(name: str = "vgg16", include_top: bool = True, *, timeout: float = 2.0):
    """Return ``keras.applications.VGG16/VGG19`` with ImageNet weights.

    Parameters
    ----------
    name : {"vgg16", "vgg19"}, optional
        Which network (default ``"vgg16"``).
    include_top : bool, optional
        With the three fully connected layers (default) or only the convolutional base.
    timeout : float, optional
        Seconds to wait for the download host before giving up (default 2).

    Returns
    -------
    keras.Model

    Raises
    ------
    WeightsUnavailableError
        If the weights file is not cached and cannot be downloaded; the
        message names the file, the cache folder and what to do.

    Examples
    --------
    >>> try:                                       # doctest: +SKIP
    ...     model = load_pretrained("vgg16")           # 528 MB on first use
    ... except WeightsUnavailableError as err:
    ...     print(err)
    """
    key = _check_name(name)
    path = weights_path(key, include_top)
    if not path.exists() and not can_download(timeout):
        raise _unavailable(path, f"ImageNet weights of {key.upper()}")
    import keras
    builder = getattr(keras.applications, MODELS[key][0])
    try:
        return builder(weights="imagenet", include_top=include_top)
    except Exception as err:  # noqa: BLE001 - e.g. the download broke off
        if path.exists():
            raise
        raise _unavailable(path, f"ImageNet weights of {key.upper()}") from err


def classify(image, model, top: int = 5, *, timeout: float = 2.0) -> list[tuple[str, str, float]]:
    """The ``top`` ImageNet classes a pretrained VGG sees in ``image``.

    Parameters
    ----------
    image : ndarray of shape (H, W, 3)
        An RGB image with values in [0, 1] (as :func:`cnnlab.data.sample_image`
        returns) or in [0, 255]; it is resized to the model's input size.
    model : keras.Model
        A VGG16/VGG19 with its top, e.g. from :func:`load_pretrained`.
    top : int, optional
        Number of classes to return (default 5).

    Returns
    -------
    list of (wordnet_id, class_name, probability)

    Raises
    ------
    WeightsUnavailableError
        If ``imagenet_class_index.json`` (the class names) is neither cached
        nor downloadable.

    Notes
    -----
    ``keras.applications.vgg16.preprocess_input`` turns RGB in [0, 255] into
    BGR minus the ImageNet mean pixel, the input the weights were trained on.
    """
    import keras
    import numpy as np

    from cnnlab._validate import check_int

    top = check_int("top", top, 1)
    x = np.asarray(image, dtype="float32")
    if x.ndim != 3 or x.shape[-1] != 3:
        raise ValueError("`image` must be an RGB array of shape (H, W, 3). "
                         f"Received: image.shape={x.shape}.")
    if x.max() <= 1.0:
        x = x * 255.0
    size = tuple(model.input_shape[1:3])
    x = keras.ops.convert_to_numpy(keras.ops.image.resize(x[None], size))
    x = keras.applications.vgg16.preprocess_input(x)
    probs = model.predict(x, verbose=0)
    index = cache_dir() / CLASS_INDEX_FILE
    if not index.exists() and not can_download(timeout):
        raise _unavailable(index, "ImageNet class names")
    decoded = keras.applications.vgg16.decode_predictions(probs, top=top)[0]
    return [(wnid, label, float(p)) for wnid, label, p in decoded]
