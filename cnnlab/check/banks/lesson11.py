"""Question bank of lesson 11, a tour of classic networks.

- 11.1 AlexNet's first convolution (227×227×3, 96 filters 11×11, stride 4):
  output side and parameters, as a pair;
- 11.2 ``dense_share(model)``: the fraction of a Keras model's parameters
  that sit in its Dense layers (checked on LeNet-5, AlexNet and two small
  models against Keras' per-layer counts);
- 11.3 the relative reduction of the top-5 error by AlexNet over the ILSVRC
  2012 runner-up (15.3 % against 26.2 %);
- 11.4 which networks of :mod:`cnnlab.models.catalog` have a lower top-5 error
  than the human 5.1 %;
- 11.5 how many multiplications one weight of AlexNet's conv1 takes part in
  for one image.

Examples
--------
>>> from cnnlab.check.registry import REGISTRY
>>> REGISTRY["11.1"].func((55, 34_944))
>>> REGISTRY["11.4"].func({"ResNet-152", "NASNet-A Large"})
"""
from __future__ import annotations

import numbers

from cnnlab.check.helpers import expect_items, expect_number
from cnnlab.check.registry import NotYet, question

#: AlexNet's first layer: input side, channels, kernel, stride, filters
CONV1 = dict(size=227, channels=3, kernel=11, stride=4, filters=96)


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


@question("11.1", "AlexNet's first convolution: output side and parameters")
def _conv1(answer):
    side, params = expect_items(answer, 2, "Give a pair: (output side, parameters), "
                                "e.g. (26, 320).")
    if not (_is_int(side) or isinstance(side, float)) or not (
            _is_int(params) or isinstance(params, float)):
        raise NotYet(f"Both items should be numbers; got {side!r} and {params!r}.")
    i, c, k, s, f = (CONV1[key] for key in ("size", "channels", "kernel", "stride", "filters"))
    out = (i - k) // s + 1
    expect_number(side, out, name="output side", hints={
        (i - k) // s: f"{(i - k) // s} = (227 − 11) / 4 leaves out the first window: "
                      "o = (i − k) / s + 1. (With the paper's 224, 11×11 windows with "
                      "stride 4 do not fit evenly: (224 − 11) / 4 + 1 = 54.25; use 227.)",
        -(-i // s): "57 = ceil(227 / 4) is the size with 'same' padding; AlexNet's conv1 "
                    "pads nothing ('valid'): o = (i − k) / s + 1.",
        224 // s: "56 = 224 / 4 would be 'same' padding on a 224 input; the question "
                  "uses 227 and no padding.",
        i - k + 1: "217 = 227 − 11 + 1 is the size with stride 1; the window moves 4 "
                   "pixels at a time.",
        out * out: "That is the number of positions (55 × 55); the question asks for "
                   "the side.",
    })
    weights = k * k * c * f
    expect_number(params, weights + f, name="parameters", hints={
        weights: f"{weights:,} = 11·11·3·96 weights: each of the 96 filters also has "
                 "a bias.",
        (k * k + 1) * f: "Each filter spans all 3 colour channels: 11·11·3 weights "
                         "per filter, plus its bias.",
        out * out * f: f"{out * out * f:,} = 55·55·96 is the number of output values, "
                       "not of parameters: a filter's weights are shared by every "
                       "position.",
        out * out * f * k * k * c: "That is the number of multiply–accumulates; the "
                                   "parameters do not depend on the output size.",
        (k * k * c + 1) * f * 2: "AlexNet's conv1 has 96 filters in all (48 on each "
                                 "GPU), not 96 per GPU.",
    })


# ------------------------------------------------------------------ 11.2
def _models():
    """The models 11.2 is checked on: (description, keras.Model)."""
    import keras

    from cnnlab import models

    conv_only = keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Conv2D(8, 3),
                                  keras.layers.GlobalAveragePooling2D()], name="conv_only")
    return [("lenet5()", models.lenet5()), ("alexnet()", models.alexnet()),
            ("classic_convnet()", models.classic_convnet()),
            ("a model without Dense layers", conv_only)]


def _dense_layers(model):
    import keras
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def reference_dense_share(model) -> float:
    """Parameters of the Dense layers over all parameters (Keras' own counts).

    Examples
    --------
    >>> from cnnlab import models
    >>> round(reference_dense_share(models.lenet5()), 4)
    0.9583
    """
    total = model.count_params()
    return sum(layer.count_params() for layer in _dense_layers(model)) / total


def _wrong_shares(model) -> dict:
    """What known mistakes give on ``model``, with their hints."""
    dense = _dense_layers(model)
    total = model.count_params()
    share = reference_dense_share(model)
    kernels = sum(int(layer.kernel.shape[0] * layer.kernel.shape[1]) for layer in dense)
    wrong = {
        "percent": (100 * share, "That is a percentage; return a fraction between 0 and "
                                 "1 (0.5 for half)."),
        "conv": (1 - share, "That is the share of the other layers (the convolutions); "
                            "the question asks for the Dense layers."),
        "count": (share * total, "That is the number of Dense parameters; divide by "
                                 "model.count_params() to get a share."),
        "layers": (len(dense) / max(len(model.layers), 1),
                   "That is the share of the *layers* that are Dense; weigh each layer "
                   "by its parameters (layer.count_params())."),
    }
    if dense:
        wrong["kernels"] = (kernels / total, "Only the kernels are counted: each Dense "
                                             "layer's biases are parameters too "
                                             "(layer.count_params() includes them).")
        wrong["first"] = (dense[0].count_params() / total,
                          "Only the first Dense layer is counted; add up all of them.")
        wrong["last"] = (dense[-1].count_params() / total,
                         "Only the last Dense layer is counted; add up all of them.")
    return wrong


@question("11.2", "Where the parameters are: the Dense share", expects="function",
          timeout=60)
def _dense_share(dense_share):
    for label, model in _models():
        got = dense_share(model)
        want = reference_dense_share(model)
        if not isinstance(got, (numbers.Real)) or isinstance(got, bool):
            raise NotYet(f"dense_share({label}) returned {got!r}; return a number "
                         "between 0 and 1.")
        if abs(got - want) <= 1e-6:
            continue
        for value, hint in _wrong_shares(model).values():
            if abs(got - value) <= 1e-6 * max(1.0, abs(value)):
                raise NotYet(f"dense_share({label}) = {got:.6g}. {hint}")
        raise NotYet(f"dense_share({label}) = {got:.6g}; expected {want:.6g}. Add "
                     "layer.count_params() over the layers that are keras.layers.Dense "
                     "and divide by model.count_params().")


# ------------------------------------------------------------------ 11.3
@question("11.3", "AlexNet against the runner-up: relative error reduction",
          expects="number")
def _reduction(answer):
    from cnnlab.models import catalog

    alex, runner_up = catalog.get("AlexNet").top5_error, catalog.ILSVRC2012_RUNNER_UP
    want = (runner_up - alex) / runner_up
    expect_number(answer, want, abs_tol=0.0051, name="reduction", hints={
        100 * want: "That is a percentage; give a fraction (0.25 for 25 %).",
        runner_up - alex: "10.9 is the difference in percentage points; divide it by "
                          "the runner-up's error to get the relative reduction.",
        (runner_up - alex) / 100: "That is the difference in points written as a "
                                  "fraction; divide the difference by the runner-up's "
                                  "26.2 % instead.",
        (runner_up - alex) / alex: "That divides by AlexNet's error; a reduction is "
                                   "relative to where you started, the runner-up's "
                                   "26.2 %.",
        alex / runner_up: "That is the fraction of the error that remains; the "
                          "reduction is 1 minus it.",
        runner_up / alex: "That is how many times larger the runner-up's error is; "
                          "the question asks for the reduction as a fraction.",
        ((100 - alex) - (100 - runner_up)) / (100 - runner_up):
            "Those are accuracies (84.7 % against 73.8 %); the question is about the "
            "errors.",
    })


# ------------------------------------------------------------------ 11.4
@question("11.4", "Which networks beat the human top-5 error?")
def _beat_human(answer):
    from cnnlab.models import catalog

    if isinstance(answer, str) or not isinstance(answer, (list, tuple, set, frozenset)):
        raise NotYet("Give a list (or set) of network names as cnnlab.models.catalog.names() "
                     "spells them, e.g. [\"AlexNet\", \"VGG-16\"].")
    names = []
    for item in answer:
        try:
            names.append(catalog.get(item).name)
        except ValueError:
            raise NotYet(f"{item!r} is not a network of the table; use the names of "
                         f"cnnlab.models.catalog.names(): {', '.join(catalog.names())}.") from None
    human = catalog.HUMAN_TOP5_ERROR
    want = [n.name for n in catalog.NETWORKS
            if n.top5_error is not None and n.top5_error < human]
    for name in names:
        net = catalog.get(name)
        if net.top5_error is None:
            raise NotYet(f"{name} has no ImageNet figure: it was never tested on "
                         "ImageNet.")
        if name not in want:
            raise NotYet(f"{name} has a top-5 error of {net.top5_error:g} %, above the "
                         f"human {human:g} %: leave it out.")
    missing = [n for n in want if n not in names]
    if missing:
        net = catalog.get(missing[0])
        raise NotYet(f"One is missing: {net.name} ({net.top5_error:g} %, "
                     f"{net.top5_detail.split(',')[0]}) is below {human:g} % too. Look "
                     "at every row, single models included.")


# ------------------------------------------------------------------ 11.5
@question("11.5", "How often one weight of AlexNet's conv1 is used", expects="number")
def _reuse(answer):
    i, c, k, s, f = (CONV1[key] for key in ("size", "channels", "kernel", "stride", "filters"))
    out = (i - k) // s + 1
    params = (k * k * c + 1) * f
    macs = out * out * f * k * k * c
    expect_number(answer, out * out, name="uses per image", hints={
        out: "55 is the side of the output; the filter slides over 55 × 55 positions.",
        out * out * f: "A weight belongs to one filter, so it is used only at that "
                       "filter's 55 × 55 positions, not for all 96 filters.",
        i * i: "The window moves 4 pixels at a time: it stops at 55 × 55 positions, "
               "not at every input pixel.",
        1: "That is a Dense layer's weight (used once per image). A convolution "
           "reuses each weight at every output position.",
        macs: "That is the layer's total multiply–accumulates (all weights together); "
              "the question asks about one weight.",
        "callable": lambda a: ("That divides the MACs by all parameters, biases "
                               "included; a bias is added, not multiplied. Count the "
                               "output positions instead."
                               if abs(a - macs / params) < 0.5 else None),
    })
