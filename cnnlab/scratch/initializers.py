"""Weight initialisation as Keras does it, from a NumPy random generator.

Keras' ``Conv2D`` and ``Dense`` default to ``kernel_initializer="glorot_uniform"``
and ``bias_initializer="zeros"``; :func:`glorot_uniform` draws from the same
distribution (not the same numbers: Keras has its own random generator).
``"he_uniform"`` (limit ``sqrt(6 / fan_in)``, for deep ReLU stacks) is offered too.
"""
from __future__ import annotations

import numpy as np

from cnnlab._validate import check_choice

__all__ = ["INITIALIZERS", "fans", "initialize"]

INITIALIZERS = ("glorot_uniform", "he_uniform")


def fans(shape) -> tuple[int, int]:
    """(fan_in, fan_out) of a kernel, as Keras computes them.

    A dense kernel (n_in, n_out) gives (n_in, n_out); a conv kernel
    (kh, kw, c_in, c_out) gives (kh·kw·c_in, kh·kw·c_out).

    Examples
    --------
    >>> fans((3, 3, 8, 16)), fans((256, 10))
    ((72, 144), (256, 10))
    """
    shape = tuple(shape)
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


def initialize(shape, name: str, rng: np.random.Generator, dtype="float32") -> np.ndarray:
    """A kernel of ``shape`` drawn with initialiser ``name``.

    ``"glorot_uniform"``: uniform in ±sqrt(6 / (fan_in + fan_out)), Keras' default;
    ``"he_uniform"``: uniform in ±sqrt(6 / fan_in).

    Examples
    --------
    >>> w = initialize((100, 50), "glorot_uniform", np.random.default_rng(0))
    >>> w.dtype, bool(np.abs(w).max() <= np.sqrt(6 / 150))
    (dtype('float32'), True)
    """
    check_choice("kernel_initializer", name, INITIALIZERS)
    fan_in, fan_out = fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out if name == "glorot_uniform" else fan_in))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)
