"""Question bank of lesson 03, counting parameters, operations and memory.

- 03.1 parameters of a Conv2D layer, as a function;
- 03.2 parameters Keras counts for a BatchNormalization layer;
- 03.3 total parameters of a small model (checked against Keras);
- 03.4 multiply-accumulates of a strided convolution;
- 03.5 megabytes of weights of a model.

Examples
--------
>>> from cnnlab.check.registry import REGISTRY
>>> REGISTRY["03.2"].func(256)
"""
from __future__ import annotations

import numbers

from cnnlab.check.helpers import expect_number
from cnnlab.check.registry import NotYet, question

#: the model of question 03.3, as (kind, argument) steps on a 32x32x3 input
MODEL_03_3 = (("conv", 16), ("pool", 2), ("conv", 32), ("batchnorm", None), ("pool", 2),
              ("flatten", None), ("dense", 10))

#: DenseNet121's parameter count in Keras (question 03.5)
DENSENET121_PARAMS = 8_062_504


@question("03.1", "Parameters of a Conv2D layer")
def _conv_params(conv_params):
    cases = [(3, 1, 32), (3, 32, 64), (5, 3, 16), (1, 192, 32), (7, 64, 8)]
    for k, c, f in cases:
        try:
            got = conv_params(k, c, f)
        except (TypeError, ValueError) as err:
            raise NotYet(f"conv_params({k}, {c}, {f}) raised {type(err).__name__}: {err}.") \
                from None
        where = f"conv_params(kernel={k}, in_channels={c}, filters={f})"
        if isinstance(got, bool) or not isinstance(got, numbers.Number):
            raise NotYet(f"{where} returned {got!r}; it should return a number.")
        want = (k * k * c + 1) * f
        if got == want:
            continue
        known = {
            k * k * c * f: f"{where} = {got}: off by exactly `filters` ({f}). Did you forget "
                           "the biases? Each filter has one.",
            (k * k + 1) * f: f"{where} = {got}: each filter spans all `in_channels` input "
                             "channels, so it has k*k*in_channels weights.",
            k * k * c * f + 1: f"{where} = {got}: there is one bias per filter, not one for "
                               "the whole layer.",
            (k * c + 1) * f: f"{where} = {got}: the kernel is k x k, so k*k weights per "
                             "input channel.",
            (k * k * c + 1) * f * 2: f"{where} = {got}: twice too many; count each "
                                     "weight once.",
        }
        raise NotYet(known.get(got, f"{where} returned {got}; expected {want}. A filter "
                                    "has kernel*kernel*in_channels weights and one bias."))


@question("03.2", "Parameters of BatchNormalization on 64 channels")
def _batchnorm(answer):
    expect_number(answer, 4 * 64, hints={
        2 * 64: "2·C counts only the trainable γ and β. Keras' count_params also includes "
                "the moving mean and moving variance (non-trainable): 4·C in all.",
        64: "BatchNormalization keeps four numbers per channel: γ, β, moving mean, "
            "moving variance.",
        3 * 64: "Four numbers per channel, not three: γ, β, moving mean and moving variance.",
        4: "Those four numbers exist for every channel: multiply by 64.",
    }, name="answer")


def _model_03_3_by_hand(*, bn_per_channel=4, pool_round=int, conv_shrink=2, biases=True):
    """Parameter count of MODEL_03_3 with one assumption changed (for hints)."""
    size, channels, total = 32, 3, 0
    for kind, arg in MODEL_03_3:
        if kind == "conv":
            total += (9 * channels + (1 if biases else 0)) * arg
            size, channels = size - conv_shrink, arg
        elif kind == "pool":
            size = pool_round(size / arg)
        elif kind == "batchnorm":
            total += bn_per_channel * channels
        elif kind == "flatten":
            channels = size * size * channels
        elif kind == "dense":
            total += (channels + (1 if biases else 0)) * arg
    return total


def model_03_3():
    """Build the model of question 03.3 in Keras (uncompiled).

    Examples
    --------
    >>> model_03_3().count_params()
    16746
    """
    import keras
    from keras import layers

    steps = [keras.Input((32, 32, 3))]
    for kind, arg in MODEL_03_3:
        steps.append({"conv": lambda: layers.Conv2D(arg, 3, activation="relu"),
                      "pool": lambda: layers.MaxPooling2D(arg),
                      "batchnorm": layers.BatchNormalization,
                      "flatten": layers.Flatten,
                      "dense": lambda: layers.Dense(arg, activation="softmax")}[kind]())
    return keras.Sequential(steps)


@question("03.3", "Total parameters of a small model", timeout=60.0)
def _model_total(answer):
    import math

    want = model_03_3().count_params()
    expect_number(answer, want, hints={
        _model_03_3_by_hand(bn_per_channel=2): "BatchNormalization counts 4·C in Keras "
                                               "(γ, β and the two moving statistics), not 2·C.",
        _model_03_3_by_hand(bn_per_channel=0): "Did you skip BatchNormalization? It has 4 "
                                               "numbers per channel.",
        _model_03_3_by_hand(biases=False): "Every Conv2D filter and every Dense unit also "
                                           "has a bias.",
        _model_03_3_by_hand(pool_round=math.ceil): "Pooling with 'valid' padding rounds "
                                                   "down: 13 // 2 = 6.",
        _model_03_3_by_hand(conv_shrink=0): "A 3x3 'valid' convolution shrinks each side "
                                            "by 2: 32 -> 30.",
    }, name="answer")


@question("03.4", "Multiply-accumulates of a strided convolution")
def _macs(answer):
    # Conv2D(64, 3, strides=2, padding="same") on 56x56x32 -> 28x28x64
    want = 28 * 28 * 64 * 3 * 3 * 32
    expect_number(answer, want, hints={
        56 * 56 * 64 * 3 * 3 * 32: "You used the input's 56x56; a MAC happens per OUTPUT "
                                   "position: with stride 2 and 'same' padding the output "
                                   "is 28x28.",
        27 * 27 * 64 * 3 * 3 * 32: "27x27 is the 'valid' output; with 'same' padding the "
                                   "output is ceil(56 / 2) = 28.",
        28 * 28 * 64 * 3 * 3: "Each output value sums over all 32 input channels: multiply "
                              "by C_in as well.",
        2 * want: "That counts multiplications and additions separately (FLOPs ≈ 2·MACs); "
                  "the question asks for multiply-accumulates.",
        28 * 28 * 64 * (3 * 3 * 32 + 1): "The bias is an addition, not a multiply-accumulate.",
        (3 * 3 * 32 + 1) * 64: "That is the number of parameters; each weight is used once "
                               "per output position.",
    }, name="answer")


@question("03.5", "Megabytes of float32 weights")
def _megabytes(answer):
    n = DENSENET121_PARAMS
    expect_number(answer, n * 4 / 1e6, rel=0.005, hints={
        n / 1e6: "That is millions of parameters; each float32 takes 4 bytes.",
        n * 4 / 2 ** 20: "You used MiB (2^20 bytes); the question asks for MB = 10^6 bytes.",
        n * 8 / 1e6: "float32 is 4 bytes (32 bits), not 8.",
        n * 2 / 1e6: "float32 is 4 bytes; 2 bytes is float16.",
        n * 32 / 1e6: "32 bits are 4 bytes: you counted bits.",
    }, name="answer")
