"""cnnlab: the helper library of the hands-on course on modern CNN architectures.

Submodules are imported on first use, so ``import cnnlab`` is instant and does
not import TensorFlow. The layers, bottom to top:

- ``cnnlab.arith``  exact arithmetic: output sizes, parameters, MACs, memory,
  receptive fields (pure Python).
- ``cnnlab.ops``    NumPy reference layers (conv, pooling, dense, losses, batch norm, ...).
- ``cnnlab.scratch`` a whole network in NumPy: layers, Keras-exact optimizers, training.
- ``cnnlab.data``   offline images and data sets, Keras loaders when online.
- ``cnnlab.models`` Keras 3 model builders (VGG, Inception, ResNet, DenseNet).
- ``cnnlab.train``  one-call training on CPU or GPU with progress bars.
- ``cnnlab.explain`` what a trained CNN looks at: Grad-CAM, saliency, occlusion.
- ``cnnlab.plot``   matplotlib figures used by the lessons.
- ``cnnlab.viz``    ipywidgets explorers, one module per concept.
- ``cnnlab.check``  graded questions with hints: ``cnnlab.check("03.2", answer)``.

Examples
--------
>>> import cnnlab
>>> cnnlab.arith.conv_output_size(28, 3)
26
"""
from __future__ import annotations

import os

import lazy_loader

# Quiet TensorFlow's C++ start-up logging before anything can import it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from cnnlab.config import __version__, by_profile, profile, seed  # noqa: E402,F401

_SUBMODULES = ("arith", "ops", "scratch", "data", "models", "train", "plot", "viz", "explain",
               "check", "config", "environment")

__getattr__, _, _ = lazy_loader.attach(__name__, submodules=list(_SUBMODULES))
__all__ = ["by_profile", "profile", "seed", "setup", "show", *_SUBMODULES]


def show(mapping=None, /, **values):
    """Name the values a cell shows: ``cnnlab.show(params=25_120, ratio=78.5)``.

    See :func:`cnnlab._display.show`.

    Examples
    --------
    >>> show(params=25120)
    params 25,120
    """
    from cnnlab._display import show as _show
    return _show(mapping, **values)


def setup(**kwargs):
    """Print the environment report of :func:`cnnlab.environment.setup`."""
    from cnnlab.environment import setup as _setup
    return _setup(**kwargs)


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))
