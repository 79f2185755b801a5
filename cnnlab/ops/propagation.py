"""How activations and gradients propagate through a deep ReLU stack at initialisation.

:func:`layer_statistics` pushes one random batch through ``depth`` dense
layers (``Dense`` without bias → optional :func:`~cnnlab.ops.batch_norm` in
training mode → ReLU) and a softmax classifier, backpropagates the
cross-entropy of random labels, and reports per layer the spread (standard
deviation) of the activations and of the weight gradients. Everything is
NumPy, so a whole sweep of depths and initialisations takes milliseconds.

The initialisations, all zero-mean normal with a per-scheme variance:

==========  ============================  ==================================
``zeros``   0                             every unit identical: symmetry
``small``   0.01²                         activations shrink at every layer
``glorot``  2 / (fan_in + fan_out)        Glorot & Bengio 2010, for tanh/linear
``he``      2 / fan_in                    He et al. 2015, for ReLU
==========  ============================  ==================================

A ReLU zeroes half of a symmetric input, halving its mean square; He's factor
2 makes up for it, so the activations' scale stays level with depth.

Examples
--------
>>> s = layer_statistics(10, "he")
>>> bool(0.5 < s["activation_std"][-1] / s["activation_std"][0] < 2)
True
>>> bool(layer_statistics(10, "small")["activation_std"][-1] < 1e-8)
True
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from cnnlab._validate import check_choice, check_int

__all__ = ["INITS", "init_weights", "layer_statistics"]

#: the initialisation schemes :func:`init_weights` knows
INITS = ("zeros", "small", "glorot", "he")


def init_weights(init: str, fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """A ``(fan_in, fan_out)`` weight matrix drawn with one of :data:`INITS`.

    Examples
    --------
    >>> w = init_weights("he", 1000, 500, np.random.default_rng(0))
    >>> round(float(w.var() * 1000), 1)                  # variance 2 / fan_in
    2.0
    """
    check_choice("init", init, INITS)
    check_int("fan_in", fan_in, 1)
    check_int("fan_out", fan_out, 1)
    std = {"zeros": 0.0, "small": 0.01, "glorot": np.sqrt(2.0 / (fan_in + fan_out)),
           "he": np.sqrt(2.0 / fan_in)}[init]
    return rng.standard_normal((fan_in, fan_out)) * std


def layer_statistics(depth: int, init: str = "he", batch_norm: bool = False, *,
                     width: int = 64, batch: int = 256, classes: int = 10,
                     seed: int = 0) -> dict:
    """Per-layer activation and weight-gradient spread of a deep ReLU stack at initialisation.

    Parameters
    ----------
    depth : int
        Hidden layers (each: dense ``width`` units, optional batch norm, ReLU).
    init : {"zeros", "small", "glorot", "he"}, optional
        Initialisation of every weight matrix (see :data:`INITS`).
    batch_norm : bool, optional
        Batch normalisation (training mode, gamma 1, beta 0, ε 1e-3) before
        each ReLU.
    width, batch, classes : int, optional
        Units per layer (64), samples (256, inputs standard normal), classes
        of the softmax output (10, labels random).
    seed : int, optional
        Seeds the inputs, labels and weights.

    Returns
    -------
    dict
        ``"activation_std"`` and ``"gradient_std"`` (arrays of length
        ``depth``: std of each hidden layer's ReLU output and of the loss
        gradient with respect to its weights), ``"activations"`` (list of the
        ReLU outputs, ``(batch, width)`` each), ``"loss"``, and the inputs
        ``"x"``, ``"labels"``, ``"weights"`` (hidden layers, then the
        classifier) so the run can be repeated elsewhere. Cached: treat the
        arrays as read-only.

    Examples
    --------
    >>> s = layer_statistics(4, "zeros")
    >>> s["activation_std"].tolist(), s["gradient_std"].tolist()
    ([0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0])
    """
    check_int("depth", depth, 1)
    check_choice("init", init, INITS)
    for name, value in (("width", width), ("batch", batch), ("classes", classes)):
        check_int(name, value, 2 if name != "width" else 1)
    check_int("seed", seed, 0)
    return _statistics(int(depth), init, bool(batch_norm), int(width), int(batch),
                       int(classes), int(seed))


@lru_cache(maxsize=512)
def _statistics(depth, init, use_bn, width, batch, classes, seed):
    from cnnlab.ops.activations import softmax
    from cnnlab.ops.batchnorm import batch_norm, batch_norm_backward

    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, width))
    labels = rng.integers(0, classes, batch)
    weights = [init_weights(init, width, width, rng) for _ in range(depth)]
    weights.append(init_weights(init, width, classes, rng))
    ones, zeros = np.ones(width), np.zeros(width)

    h, cache = x, []
    for w in weights[:-1]:
        z = h @ w
        a = batch_norm(z, ones, zeros, zeros, ones, training=True)[0] if use_bn else z
        cache.append((h, z, a))
        h = np.maximum(a, 0.0)
    p = softmax(h @ weights[-1])
    loss = float(-np.log(p[np.arange(batch), labels] + 1e-300).mean())

    dlogits = p.copy()
    dlogits[np.arange(batch), labels] -= 1.0
    dlogits /= batch
    dh = dlogits @ weights[-1].T
    activations, act_std, grad_std = [], [], []
    for (h_in, z, a), w in zip(reversed(cache), reversed(weights[:-1])):
        da = dh * (a > 0)
        dz = batch_norm_backward(da, z, ones)[0] if use_bn else da
        grad_std.append(float((h_in.T @ dz).std()))
        dh = dz @ w.T
    for _, _, a in cache:
        out = np.maximum(a, 0.0)
        activations.append(out)
        act_std.append(float(out.std()))
    return {"activation_std": np.array(act_std), "gradient_std": np.array(grad_std[::-1]),
            "activations": activations, "loss": loss, "x": x, "labels": labels,
            "weights": weights, "depth": depth, "init": init, "batch_norm": use_bn}
