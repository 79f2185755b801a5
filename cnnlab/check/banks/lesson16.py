"""Question bank of lesson 16, batch normalization and training dynamics.

- 16.1 batch-norm forward pass in training mode, in NumPy (a function);
- 16.2 parameters of a ``BatchNormalization`` after a 64-filter convolution:
  total, trainable, non-trainable (a triple);
- 16.3 what zero initialisation does to a ReLU convnet: how many different
  filters a layer has after training, and whether its weights moved at all.

Examples
--------
>>> from cnnlab.check.registry import REGISTRY
>>> REGISTRY["16.2"].func((256, 128, 128))
'gamma and beta train; the moving mean and variance are updated, not trained.'
"""
from __future__ import annotations

import numbers

import numpy as np

from cnnlab.check.helpers import expect_function, expect_items
from cnnlab.check.registry import NotYet, question

#: 16.2: filters of the convolution the BatchNormalization follows
FILTERS_16_2 = 64
#: 16.3: filters of the zero-initialised convolution
FILTERS_16_3 = 16


# ------------------------------------------------------------------ 16.1
def bn_forward_16_1(x, gamma, beta, epsilon=1e-3):
    """The right answer of 16.1: training-mode output of ``cnnlab.ops.batch_norm``."""
    from cnnlab.ops import batch_norm

    c = np.shape(x)[-1]
    return batch_norm(x, gamma, beta, np.zeros(c), np.ones(c), training=True,
                      epsilon=epsilon)[0]


def _cases_16_1():
    rng = np.random.default_rng(16)
    cases = []
    for shape, eps in (((8, 3), 1e-3), ((5, 4, 4, 2), 1e-3), ((6, 2), 0.5),
                       ((3, 3, 5, 4), 1e-3)):
        c = shape[-1]
        cases.append((rng.normal(2, 3, shape), rng.uniform(0.5, 2, c), rng.normal(0, 1, c),
                      eps))
    return cases


def _axes(x):
    return tuple(range(np.ndim(x) - 1))


def _bessel(x, gamma, beta, epsilon=1e-3):
    a = _axes(x)
    return (x - x.mean(a)) / np.sqrt(x.var(a, ddof=1) + epsilon) * gamma + beta


def _per_sample(x, gamma, beta, epsilon=1e-3):
    m, v = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    return (x - m) / np.sqrt(v + epsilon) * gamma + beta


def _batch_axis_only(x, gamma, beta, epsilon=1e-3):
    return (x - x.mean(0)) / np.sqrt(x.var(0) + epsilon) * gamma + beta


def _no_scale_shift(x, gamma, beta, epsilon=1e-3):
    a = _axes(x)
    return (x - x.mean(a)) / np.sqrt(x.var(a) + epsilon)


def _eps_outside(x, gamma, beta, epsilon=1e-3):
    a = _axes(x)
    return (x - x.mean(a)) / (np.sqrt(x.var(a)) + epsilon) * gamma + beta


def _by_variance(x, gamma, beta, epsilon=1e-3):
    a = _axes(x)
    return (x - x.mean(a)) / (x.var(a) + epsilon) * gamma + beta


@question("16.1", "Batch norm forward pass (training mode)", expects="function")
def _bn_forward(bn_forward):
    expect_function(bn_forward, bn_forward_16_1, _cases_16_1(), name="bn_forward",
                    atol=1e-9, rtol=1e-7, hints=[
        (_bessel, "You divided by N − 1 (np.var(..., ddof=1) or np.std(..., ddof=1)). Batch "
                  "norm uses the biased variance of the batch, the mean of (x − mean)²: "
                  "np.var's default ddof=0."),
        (_per_sample, "You normalised each sample over its channels (axis=-1). Batch norm "
                      "normalises each channel over the batch (and, for feature maps, all "
                      "positions): the mean over every axis but the last."),
        (_batch_axis_only, "For (N, H, W, C) feature maps you averaged over the batch "
                           "axis only, so every position got its own statistics. A "
                           "channel's mean and variance run over the batch and all "
                           "positions: axis=(0, 1, 2), i.e. every axis but the last."),
        (_no_scale_shift, "The output is normalised but ignores gamma and beta: finish "
                          "with gamma * x_hat + beta."),
        (_eps_outside, "epsilon goes inside the square root: sqrt(var + epsilon), not "
                       "sqrt(var) + epsilon."),
        (_by_variance, "You divided by the variance; divide by the standard deviation "
                       "sqrt(var + epsilon)."),
    ])
    return "batch statistics, biased variance, every axis but the channels."


# ------------------------------------------------------------------ 16.2
def _count(value, name):
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise NotYet(f"`{name}` should be a whole number; got {value!r}.")
    return int(value)


@question("16.2", "Parameters of BatchNormalization")
def _bn_params(answer):
    c = FILTERS_16_2
    answer = expect_items(answer, 3, "Give three numbers: (total, trainable, non_trainable).")
    total, trainable, frozen = (_count(a, n) for a, n in
                                zip(answer, ("total", "trainable", "non_trainable")))
    if total == 2 * c:
        raise NotYet(f"total: {2 * c} counts gamma and beta only. Keras also stores a "
                     "moving mean and a moving variance per channel (used at inference): "
                     "4 vectors of length C.")
    if total in (c, 3 * c):
        raise NotYet(f"total: count the vectors of length C = {c}: gamma, beta, moving "
                     "mean, moving variance.")
    if total != 4 * c:
        raise NotYet(f"total: batch norm has a few vectors of length C = {c}, one value "
                     "per channel, whatever the image size.")
    if (trainable, frozen) == (4 * c, 0):
        raise NotYet("The moving mean and variance are not trained by gradient descent: "
                     "they are running averages updated in training mode, so Keras lists "
                     "them as non-trainable.")
    if (trainable, frozen) == (c, 3 * c) or (trainable, frozen) == (3 * c, c):
        raise NotYet("Two vectors train (gamma and beta) and two do not (moving mean and "
                      "moving variance).")
    if trainable + frozen != total:
        raise NotYet("trainable + non_trainable should add up to the total.")
    if (trainable, frozen) != (2 * c, 2 * c):
        raise NotYet(f"trainable: gamma and beta, {c} each.")
    return "gamma and beta train; the moving mean and variance are updated, not trained."


# ------------------------------------------------------------------ 16.3
@question("16.3", "Zero initialisation: predict what happens")
def _zero_init(answer):
    f = FILTERS_16_3
    distinct, change = expect_items(answer, 2, "Give two values: (distinct_filters, "
                                    "weights_change) -- a number and True/False.")
    distinct = _count(distinct, "distinct_filters")
    if not isinstance(change, (bool, np.bool_)):
        raise NotYet(f"`weights_change` should be True or False; got {change!r}.")
    if distinct == f:
        raise NotYet(f"{f} distinct filters would need something to tell them apart. "
                     "Filters that start equal compute equal maps, receive equal "
                     "gradients and take equal steps: they stay identical (symmetry).")
    if distinct != 1:
        raise NotYet("All filters start as the same (zero) array. Can anything make two "
                     "of them differ?")
    if change:
        raise NotYet("With every weight 0, every hidden activation is ReLU(0) = 0, so the "
                     "gradient reaching a hidden weight (input × upstream gradient) is 0 "
                     "too: the filters never move. Only the output layer's bias learns.")
    return "one filter copied 16 times, frozen at zero: never initialise weights to 0."
