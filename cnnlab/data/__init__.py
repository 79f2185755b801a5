"""Offline-first images and data sets, in one layout: float32 NHWC in [0, 1].

- :func:`load` ``(name, split="train", image_size=None, channels=None, limit=None,
  seed=0)`` -> ``(images, labels, class_names)`` for every set in :func:`names`:
  ``"digits"`` and ``"shapes"`` always work offline; ``"fashion_mnist"``,
  ``"mnist"``, ``"cifar10"`` and ``"cats_vs_dogs"`` come through Keras' loaders and
  cache (Fashion-MNIST offline from Debian's ``dataset-fashion-mnist``).
- :func:`shapes` (alias :func:`make_shapes`) ``(n, image_size=32, channels=3, seed=0,
  ...)`` draws any number of procedural shape images.
- :func:`sample_image` / :func:`sample_image_names`: scikit-image photos.
- :func:`subset`: some classes and/or a few labels per class.
- :func:`available`: is a set loadable right now; :class:`DataUnavailableError`
  otherwise, raised at once with the file to fetch and where to put it.
- :func:`write_image_folder` ``(name, root, *, splits=None, image_size=None,
  limit=None, seed=0, format="png")``: a set as ``root/<split>/<class>/<n>.png``
  files (:func:`folder_counts`, :func:`folder_tree` look at them);
  :func:`cats_vs_dogs_folder`: the real photos' tree, through Keras' download cache.
- :func:`image_input` / :func:`decode_image`: an uploaded or local picture as a
  model input (:class:`NotAnImageError`, a ``ValueError``, for anything else).
- :func:`as_dataset` / :func:`segmentation_dataset`: ``tf.data`` pipelines of
  (images, labels) and (images, masks); imported on first use, so
  ``import cnnlab.data`` never imports TensorFlow.

Examples
--------
>>> import cnnlab.data as data
>>> x, y, names = data.load("digits", limit=10)
>>> x.shape, names[:3], sorted(set(y.tolist()))[:3]
((10, 28, 28, 1), ['0', '1', '2'], [0, 1, 2])
"""
from cnnlab.data.keras_sets import DataUnavailableError, cats_vs_dogs_folder
from cnnlab.data.registry import NAMES, available, load, names
from cnnlab.data.samples import sample_image, sample_image_names
from cnnlab.data.subsets import subset
from cnnlab.data.synthetic import SHAPE_CLASSES, make_shapes, shapes

__all__ = ["DataUnavailableError", "NAMES", "NotAnImageError", "RootIsAFileError",
           "SHAPE_CLASSES", "as_dataset", "available", "cats_vs_dogs_folder",
           "decode_image", "folder_counts", "folder_tree", "image_input", "load",
           "make_shapes", "names", "sample_image", "sample_image_names",
           "pass_seconds", "segmentation_dataset", "shapes", "subset",
           "write_image_folder"]

_PIPELINES = ("as_dataset", "segmentation_dataset", "pass_seconds")
#: imported on first use (Pillow and the writers stay out of ``import cnnlab.data``)
_LAZY = {"write_image_folder": "folders", "folder_counts": "folders",
         "folder_tree": "folders", "RootIsAFileError": "folders",
         "image_input": "uploads", "decode_image": "uploads",
         "NotAnImageError": "uploads"}


def __getattr__(name: str):
    if name in _PIPELINES:            # TensorFlow is imported only now
        from cnnlab.data import pipeline
        return getattr(pipeline, name)
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f"cnnlab.data.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'cnnlab.data' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_PIPELINES) | set(_LAZY))
