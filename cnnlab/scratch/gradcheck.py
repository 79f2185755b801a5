"""Gradient checks for the NumPy layers: analytic backward pass vs central differences."""
from __future__ import annotations

import copy

import numpy as np

from cnnlab.ops.gradcheck import numerical_gradient

__all__ = ["relative_error", "gradient_check"]


def relative_error(a, b) -> float:
    """Largest relative difference ``|a - b| / max(|a| + |b|, 1e-12)`` over the entries.

    The usual yardstick of a gradient check (CS231n): in float64 a correct
    backward pass gives about 1e-8 or less, a wrong one 1e-2 or more.

    Examples
    --------
    >>> round(relative_error([1.0, 2.0], [1.0, 2.0 + 1e-9]), 12)
    2.5e-10
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"`a` and `b` must have the same shape. "
                         f"Received: {a.shape} and {b.shape}.")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))


def gradient_check(layer, input_shape, batch: int = 2, seed: int = 0,
                   training: bool = True) -> dict:
    """Relative errors of a layer's backward pass against numerical gradients.

    The layer is built in float64 for ``input_shape``; with a random input
    ``x`` and a random upstream gradient ``dy`` the scalar
    ``L = sum(forward(x) * dy)`` has gradient ``backward(dy)`` with respect
    to ``x``, and ``grads[name]`` with respect to each parameter. Each is
    compared with :func:`cnnlab.ops.numerical_gradient` of ``L``. Every
    evaluation runs on a copy of the layer taken before the first forward
    pass, so a dropout layer draws the same mask each time.

    Parameters
    ----------
    layer : cnnlab.scratch layer
        Not built yet (it is built here, in float64).
    input_shape : tuple of int
        One example's shape.
    batch : int, optional
        Examples in the random batch (default 2).
    seed : int, optional
        Seed of ``x`` and ``dy``.
    training : bool, optional
        Forward pass in training mode (default True).

    Returns
    -------
    dict
        ``{"dx": error, "<param>": error, ...}``.

    Examples
    --------
    >>> from cnnlab.scratch import Dense
    >>> errors = gradient_check(Dense(3, seed=0), (4,))
    >>> sorted(errors), max(errors.values()) < 1e-6
    (['bias', 'dx', 'kernel'], True)
    """
    rng = np.random.default_rng(seed)
    layer.build(input_shape, "float64")
    x = rng.normal(size=(batch, *layer.input_shape))
    fresh = copy.deepcopy(layer)
    y = layer.forward(x, training=training)
    dy = rng.normal(size=y.shape)
    errors = {"dx": None}
    dx = layer.backward(dy)

    def loss(inputs, params):
        clone = copy.deepcopy(fresh)
        clone.params.update(params)
        return float(np.sum(clone.forward(inputs, training=training) * dy))

    errors["dx"] = relative_error(dx, numerical_gradient(lambda a: loss(a, {}), x))
    for name, value in layer.params.items():
        numeric = numerical_gradient(lambda p, name=name: loss(x, {name: p}), value)
        errors[name] = relative_error(layer.grads[name], numeric)
    return errors
