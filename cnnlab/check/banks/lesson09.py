"""Question bank of lesson 09, dropout.

- 09.1 inverted dropout in NumPy;
- 09.2 what a kept unit outputs, and the expected output, under inverted dropout;
- 09.3 where dropout goes in a convnet (a model-building question).

Examples
--------
>>> from cnnlab.check.registry import REGISTRY
>>> REGISTRY["09.2"].func((5.0, 4.0))
'the scaling keeps the expected activation: nothing to do at inference.'
"""
from __future__ import annotations

import math

import numpy as np

from cnnlab.check.helpers import expect_items, expect_model
from cnnlab.check.registry import NotYet, question

#: 09.2: rate and activation of the question
RATE_09_2, VALUE_09_2 = 0.2, 4.0


def _as_array(value, call):
    try:
        out = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise NotYet(f"{call} returned {type(value).__name__}; it should return an array.") \
            from None
    return out


@question("09.1", "Inverted dropout in NumPy")
def _dropout(dropout):
    if not callable(dropout):
        raise NotYet("`dropout` should be a function dropout(x, rate, rng, training=True).")
    x = np.random.default_rng(3).uniform(0.5, 2.0, size=(400, 100))
    original = x.copy()

    # inference first: nothing may happen
    for rate in (0.2, 0.5):
        call = f"dropout(x, rate={rate}, rng, training=False)"
        out = _as_array(dropout(x, rate, np.random.default_rng(0), training=False), call)
        if out.shape != x.shape:
            raise NotYet(f"{call} returned shape {out.shape}; expected {x.shape}.")
        if not np.allclose(out, x):
            if np.allclose(out, x * (1 - rate)) or np.allclose(out, x / (1 - rate)):
                raise NotYet(f"{call} rescaled x. With inverted dropout the scaling happens "
                             "in training; at inference return x unchanged.")
            raise NotYet(f"{call} changed x. At inference dropout does nothing: return x.")
    if not np.array_equal(x, original):
        raise NotYet("Your function changed its input x in place; work on a copy "
                     "(np.where(...) or x * mask make a new array).")

    rate = 0.2
    call = f"dropout(x, rate={rate}, rng)"
    out = _as_array(dropout(x, rate, np.random.default_rng(1)), call)
    if not np.array_equal(x, original):
        raise NotYet("Your function changed its input x in place; work on a copy "
                     "(np.where(...) or x * mask make a new array).")
    if out.shape != x.shape:
        raise NotYet(f"{call} returned shape {out.shape}; expected {x.shape}.")
    dropped = np.isclose(out, 0.0)
    frac = dropped.mean()
    # 40,000 units: the dropped fraction has a standard error of 0.002
    if abs(frac - (1 - rate)) < 0.02:
        raise NotYet(f"{call} dropped {frac:.0%} of the units: you used the keep "
                     f"probability as the drop rate. `rate` is the probability of DROPPING "
                     f"a unit: keep where rng.random(x.shape) >= rate.")
    if frac < 1e-3:
        raise NotYet(f"{call} dropped no unit. Set each unit to 0 with probability `rate`.")
    if abs(frac - rate) > 0.02:
        raise NotYet(f"{call} dropped {frac:.1%} of the units; with rate={rate} about "
                     f"{rate:.0%} should be 0.")
    kept = ~dropped
    if np.allclose(out[kept], x[kept]):
        raise NotYet(f"{call}: the kept units are unchanged. Inverted dropout scales them "
                     f"by 1/(1 - rate) = {1 / (1 - rate):g} in training, so the expected "
                     "activation stays x.")
    if np.allclose(out[kept], x[kept] * (1 - rate)):
        raise NotYet(f"{call}: the kept units were multiplied by 1 - rate; divide by it "
                     "instead (scale up, to make up for the dropped ones).")
    if np.allclose(out[kept], x[kept] / rate):
        raise NotYet(f"{call}: the kept units were divided by rate; divide by the keep "
                     "probability 1 - rate.")
    if not np.allclose(out[kept], x[kept] / (1 - rate)):
        raise NotYet(f"{call}: each kept unit should be x / (1 - rate).")
    a = _as_array(dropout(x, rate, np.random.default_rng(7)), call)
    b = _as_array(dropout(x, rate, np.random.default_rng(8)), call)
    if np.array_equal(np.isclose(a, 0), np.isclose(b, 0)):
        raise NotYet("Two different rng's gave the same mask: draw the mask from `rng` "
                     "(rng.random(x.shape)), not from a fixed seed.")
    # the expected value: mean over 40,000 units within 4 standard errors
    se = math.sqrt(rate / (1 - rate)) * float(np.sqrt((x ** 2).mean())) / math.sqrt(x.size)
    if abs(out.mean() - x.mean()) > 4 * se:
        raise NotYet(f"{call}: the mean activation {out.mean():.4f} is not x's mean "
                     f"{x.mean():.4f}.")
    return "drops `rate` of the units, scales the rest, keeps the mean."


def _number(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise NotYet(f"`{name}` should be a number; got {value!r}.")
    return float(value)


@question("09.2", "Inverted dropout: a kept unit, and the expected value")
def _expected(answer):
    p, v = RATE_09_2, VALUE_09_2
    answer = expect_items(answer, 2, "Give two numbers: (kept_value, expected_value).")
    kept, expected = (_number(a, n) for a, n in zip(answer, ("kept_value", "expected_value")))
    if not math.isclose(kept, v / (1 - p), abs_tol=1e-6):
        if math.isclose(kept, v, abs_tol=1e-6):
            raise NotYet(f"kept_value: {v:g} is the activation without scaling. In training a "
                         f"kept unit is divided by the keep probability 1 − p = {1 - p:g}.")
        if math.isclose(kept, v * (1 - p), abs_tol=1e-6):
            raise NotYet(f"kept_value: you multiplied by 1 − p; inverted dropout divides by "
                         f"it: {v:g} / {1 - p:g}.")
        if math.isclose(kept, v / p, abs_tol=1e-6):
            raise NotYet(f"kept_value: you divided by p = {p:g}, the drop rate; divide by the "
                         f"keep probability 1 − p = {1 - p:g}.")
        raise NotYet(f"kept_value: {kept:g} is not {v:g} / (1 − {p:g}).")
    if not math.isclose(expected, v, abs_tol=1e-6):
        if math.isclose(expected, v / (1 - p), abs_tol=1e-6):
            raise NotYet(f"expected_value: {expected:g} is what a KEPT unit outputs; the "
                         f"expectation also counts the dropped case: "
                         f"{1 - p:g} × {v / (1 - p):g} + {p:g} × 0.")
        if math.isclose(expected, v * (1 - p), abs_tol=1e-6):
            raise NotYet(f"expected_value: {expected:g} is the expectation WITHOUT the "
                         f"scaling; with it, {1 - p:g} × {v / (1 - p):g} + {p:g} × 0.")
        raise NotYet(f"expected_value: average over both cases: kept with probability "
                     f"{1 - p:g}, dropped (0) with probability {p:g}.")
    return "the scaling keeps the expected activation: nothing to do at inference."


def _kinds(model):
    return [type(layer).__name__ for layer in model.layers]


@question("09.3", "Where dropout goes in a convnet", timeout=60)
def _placement(build_model):
    model = expect_model(build_model, (28, 28, 1), (10,), params=34826)
    kinds = _kinds(model)
    drops = [i for i, k in enumerate(kinds) if k == "Dropout"]
    if not drops:
        raise NotYet("There is no Dropout layer yet: add keras.layers.Dropout(0.5).")
    if len(drops) > 1:
        raise NotYet(f"There are {len(drops)} Dropout layers; the question asks for one, "
                     "before the dense classifier.")
    i = drops[0]
    rate = float(model.layers[i].rate)
    if not math.isclose(rate, 0.5):
        raise NotYet(f"The dropout rate is {rate:g}; the usual rate before a large dense "
                     "layer is 0.5.")
    last_dense = max(j for j, k in enumerate(kinds) if k == "Dense")
    flat = [j for j, k in enumerate(kinds) if k in ("Flatten", "GlobalAveragePooling2D")]
    if i > last_dense:
        raise NotYet("Dropout after the output layer drops class probabilities (they no "
                     "longer sum to 1). Put it before the dense classifier.")
    convs = [j for j, k in enumerate(kinds) if k == "Conv2D"]
    if convs and i < convs[0]:
        raise NotYet("Dropout before the first convolution drops input pixels. Put it "
                     "after Flatten, right before the dense classifier.")
    if flat and i < flat[0]:
        raise NotYet("Dropout between the convolution blocks is not what the lesson does: "
                     "put it after Flatten, right before the dense classifier, where "
                     "most weights are.")
    if i != last_dense - 1:
        raise NotYet("Put the Dropout layer directly before the last Dense layer.")
    return "dropout sits between Flatten and the dense classifier."
