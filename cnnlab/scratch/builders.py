"""Ready-made NumPy networks for the lesson and the benchmark."""
from __future__ import annotations

from cnnlab._validate import check_int
from cnnlab.scratch.layers import Conv2D, Dense, Flatten, MaxPool2D, ReLU
from cnnlab.scratch.model import Sequential

__all__ = ["small_vgg"]


def small_vgg(input_shape=(28, 28, 1), classes: int = 10, widths=(8, 16), seed: int = 0,
              dtype="float32") -> Sequential:
    """A small VGG-style network: (conv 3×3 – ReLU – conv 3×3 – ReLU – max-pool) per
    width, then Flatten and one Dense layer giving the logits.

    Parameters
    ----------
    input_shape : tuple of int, optional
        One image, default (28, 28, 1).
    classes : int, optional
        Outputs (default 10).
    widths : sequence of int, optional
        Filters of each conv-conv-pool block (default (8, 16)).
    seed : int, optional
        Seeds of the initialisation (layer ``i`` uses ``seed + i``).
    dtype : str, optional
        ``"float32"`` (default) or ``"float64"``.

    Examples
    --------
    >>> net = small_vgg()
    >>> net.output_shape, net.count_params()
    ((10,), 6722)
    """
    check_int("classes", classes, 2)
    layers, k = [], 0
    for width in widths:
        check_int("widths", width, 1)
        for _ in range(2):
            layers += [Conv2D(width, 3, seed=seed + k), ReLU()]
            k += 1
        layers.append(MaxPool2D(2))
    layers += [Flatten(), Dense(classes, seed=seed + k)]
    return Sequential(layers, input_shape, dtype=dtype)
