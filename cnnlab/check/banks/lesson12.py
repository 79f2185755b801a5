"""Question bank of lesson 12, other convolutions.

- 12.1 the receptive field of a stack of stride-1 dilated convolutions (a function);
- 12.2 Keras' parameter counts of ``SeparableConv2D`` and ``Conv2D``, 16 → 32
  channels, 3×3 (a pair), with hints for the bias mistakes;
- 12.3 the output size of a transposed convolution, ``(n − 1)·s + k − 2p + q``
  (a function), checked against the formula and Keras' ``Conv2DTranspose``;
- 12.4 a tiny U-Net-style model with one concatenated skip connection.

Examples
--------
>>> from cnnlab.check.registry import REGISTRY
>>> REGISTRY["12.2"].func((688, 4640))
"""
from __future__ import annotations

import numbers

from cnnlab.arith import transposed_conv_output_size
from cnnlab.arith.convolutions import dilated_receptive_fields
from cnnlab.check.helpers import expect_function, expect_model, expect_true
from cnnlab.check.registry import NotYet, question


# ------------------------------------------------------------------ 12.1
def field_12_1(dilations, kernel=3):
    """The right answer of 12.1.

    Examples
    --------
    >>> field_12_1([1, 2, 4])
    15
    """
    return dilated_receptive_fields(list(dilations), kernel)[-1]


CASES_12_1 = (([1, 2, 4],), ([1, 1, 1],), ([1, 2, 4, 8],), ([2, 2, 2],),
              ([1, 2, 4], 5), ([3],), ([1, 3, 9], 2), ([1, 2, 1, 2], 3))


@question("12.1", "Receptive field of a dilated stack", expects="function")
def _dilated_field(dilated_field):
    expect_function(dilated_field, field_12_1, CASES_12_1, name="dilated_field", hints=[
        (lambda d, k=3: sum(x * (k - 1) + 1 for x in d),
         "You added the spans d·(k−1)+1 of the layers. Neighbouring layers share their "
         "edge pixel: each layer adds only d·(k−1) to the field, starting from 1 pixel."),
        (lambda d, k=3: 1 + len(d) * (k - 1),
         "That ignores the dilation: a layer with dilation d adds d·(k−1) pixels, not k−1."),
        (lambda d, k=3: d[-1] * (k - 1) + 1,
         "That is the span of the last layer alone; every layer of the stack widens the "
         "field: 1 + Σ d·(k−1)."),
        (lambda d, k=3: sum(x * (k - 1) for x in d),
         "Off by one: start from the single output pixel (1), then add d·(k−1) per layer."),
        (lambda d, k=3: k ** len(d),
         "k^L counts routes through the taps, not pixels: the field grows by d·(k−1) per "
         "layer."),
    ])


# ------------------------------------------------------------------ 12.2
#: Keras' counts of question 12.2: SeparableConv2D(32, 3) and Conv2D(32, 3) on 16 channels
KERAS_12_2 = (3 * 3 * 16 + 16 * 32 + 32, 3 * 3 * 16 * 32 + 32)


@question("12.2", "Separable against standard: Keras' parameter counts")
def _separable_counts(answer):
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 2:
        raise NotYet("Give a pair: (parameters of SeparableConv2D, parameters of Conv2D).")
    for item in answer:
        if isinstance(item, bool) or not isinstance(item, numbers.Number):
            raise NotYet(f"Both items should be numbers; got {item!r}.")
    separable, standard = answer
    right_sep, right_std = KERAS_12_2
    if (separable, standard) == (right_std, right_sep):
        raise NotYet("The two numbers are swapped: the separable layer comes first.")
    if (separable, standard) == (656, 4608):
        raise NotYet("656 and 4,608 are the weights without biases. Keras' layers have "
                     "biases by default (use_bias=True): one per output channel.")
    if separable == 3 * 3 * 16 + 16 * 32 + 16 + 32:
        raise NotYet("SeparableConv2D has no bias in its depthwise step, only one per "
                     "output channel after the pointwise step: + 32, not + 16 + 32.")
    if separable == 3 * 3 * 16 + 16 * 32 + 16:
        raise NotYet("The biases belong to the 32 output channels (after the pointwise "
                     "1×1 step), not to the 16 depthwise channels.")
    if separable == 3 * 3 * 16 * 32 + 16 * 32 + 32:
        raise NotYet("The depthwise step has one 3×3 filter per input channel (3·3·16), "
                     "not one per input and output channel (3·3·16·32).")
    if separable == 3 * 3 * 16 + 32:
        raise NotYet("That is only the depthwise step: add the 1×1 pointwise step, "
                     "16·32 weights that mix the channels.")
    if separable != right_sep:
        raise NotYet(f"{separable!r} is not the separable count. Depthwise 3·3·16, "
                     "pointwise 1·1·16·32, plus one bias per output channel.")
    if standard == 3 * 3 * 16 * 32:
        raise NotYet("The standard Conv2D has biases too: one per filter.")
    if standard == 3 * 3 * 32 + 32 or standard == 3 * 3 * 16 + 16:
        raise NotYet("Each of the 32 filters of a standard convolution spans all 16 input "
                     "channels: 3·3·16 weights per filter.")
    if standard != right_std:
        raise NotYet(f"{standard!r} is not the Conv2D count: (3·3·16 + 1)·32.")


# ------------------------------------------------------------------ 12.3
def out_12_3(size, kernel, stride=1, padding=0, output_padding=0):
    """The right answer of 12.3: ``(size − 1)·stride + kernel − 2·padding + output_padding``.

    Examples
    --------
    >>> out_12_3(4, 4, 2, 1)
    8
    """
    return transposed_conv_output_size(size, kernel, stride, padding, output_padding)


CASES_12_3 = ((4, 3, 2), (4, 4, 2, 1), (7, 3, 2, 1, 1), (8, 2, 2), (5, 3, 1, 1),
              (3, 5, 3, 0, 2), (16, 2, 2, 0, 0), (1, 3), (6, 3, 3, 1, 2))


@question("12.3", "Output size of a transposed convolution", expects="function")
def _transposed_size(transposed_out):
    expect_function(transposed_out, out_12_3, CASES_12_3, name="transposed_out", hints=[
        (lambda n, k, s=1, p=0, q=0: n * s,
         "n·s is the size with Keras' padding='same'. Here the stamps of the n input "
         "pixels sit s apart, so they cover (n − 1)·s + k pixels before cropping."),
        (lambda n, k, s=1, p=0, q=0: (n + 2 * p - k) // s + 1,
         "That is the size of an ordinary convolution, which shrinks; the transposed one "
         "goes the other way: (n − 1)·s + k − 2p + output_padding."),
        (lambda n, k, s=1, p=0, q=0: (n - 1) * s + k + q,
         "`padding` is ignored: it crops p pixels off each side, so subtract 2p."),
        (lambda n, k, s=1, p=0, q=0: (n - 1) * s + k + 2 * p + q,
         "Padding crops a transposed convolution's output: subtract 2p, don't add it."),
        (lambda n, k, s=1, p=0, q=0: (n - 1) * s + k - 2 * p,
         "`output_padding` adds that many pixels at the bottom/right: add it."),
        (lambda n, k, s=1, p=0, q=0: n * s + k - 2 * p + q,
         "Off by s: the last stamp starts at (n − 1)·s, so the span is (n − 1)·s + k."),
    ])


# ------------------------------------------------------------------ 12.4
#: input shape of question 12.4's model
INPUT_12_4 = (16, 16, 1)
#: parameters of the right model and of the known mistakes
PARAMS_12_4 = (3 * 3 * 1 * 8 + 8) + (3 * 3 * 8 * 16 + 16) + (2 * 2 * 16 * 8 + 8) + (16 + 1)


def skip_net_12_4():
    """The right answer of 12.4 (for tests).

    Examples
    --------
    >>> skip_net_12_4().count_params()
    1785
    """
    import keras
    from keras import layers

    inputs = keras.Input(INPUT_12_4)
    features = layers.Conv2D(8, 3, padding="same", activation="relu")(inputs)
    x = layers.MaxPooling2D(2)(features)
    x = layers.Conv2D(16, 3, padding="same", activation="relu")(x)
    x = layers.Conv2DTranspose(8, 2, strides=2)(x)
    x = layers.Concatenate()([x, features])
    return keras.Model(inputs, layers.Conv2D(1, 1, activation="sigmoid")(x))


def _all_layers(model):
    found = []
    for layer in model.layers:
        found.append(layer)
        if hasattr(layer, "layers"):
            found.extend(_all_layers(layer))
    return found


def _producers(layer):
    """Class names of the layers whose outputs a merge layer reads."""
    names = []
    for node in getattr(layer, "_inbound_nodes", [])[:1]:
        for tensor in node.input_tensors:
            history = getattr(tensor, "_keras_history", None)
            op = getattr(history, "operation", None) if history is not None else None
            names.append(type(op).__name__ if op is not None else "?")
    return names


@question("12.4", "A U-Net skip connection", expects="model", timeout=60)
def _skip_net(build_skip_net):
    import keras
    import numpy as np

    model = expect_model(build_skip_net, INPUT_12_4, INPUT_12_4, name="build_skip_net()")
    layers = _all_layers(model)
    kinds = {type(layer).__name__ for layer in layers}
    if "Concatenate" not in kinds:
        if "Add" in kinds:
            raise NotYet("U-Net merges the skipped features with Concatenate (the channels "
                         "are stacked: 8 + 8 = 16), not Add (which sums them).")
        raise NotYet("There is no skip connection: concatenate the upsampled maps with the "
                     "first convolution's output (keras.layers.Concatenate()([up, features])).")
    if "Conv2DTranspose" not in kinds:
        raise NotYet("Upsample with a learnable keras.layers.Conv2DTranspose(8, 2, strides=2), "
                     "not UpSampling2D (which has no weights).")
    merge = next(layer for layer in layers if type(layer).__name__ == "Concatenate")
    producers = _producers(merge)
    expect_true("Conv2DTranspose" in producers,
                "The Concatenate should read the Conv2DTranspose's output (the decoder "
                f"side); it reads outputs of {', '.join(producers)}.")
    expect_true(int(merge.output.shape[1]) == INPUT_12_4[0],
                "Concatenate at full resolution (16×16): the skip brings the first "
                "convolution's 16×16 features to the upsampled 16×16 maps.")
    if "Conv2D" not in producers:
        raise NotYet("The other input of Concatenate should be the encoder's first "
                     "Conv2D output (before the pooling), the fine detail the pooling "
                     f"loses; it reads outputs of {', '.join(producers)}.")
    got = int(model.count_params())
    if got != PARAMS_12_4:
        hints = {
            PARAMS_12_4 + (3 * 3 - 2 * 2) * 16 * 8:
                "The transposed convolution has a 2×2 kernel (with stride 2 the stamps "
                "tile the output without overlap): Conv2DTranspose(8, 2, strides=2).",
            PARAMS_12_4 - 8 - 16 - 8 - 1: "The layers keep their biases (Keras' default).",
        }
        raise NotYet(hints.get(got, f"The model has {got:,} parameters; expected "
                                    f"{PARAMS_12_4:,}. Compare model.summary() with the "
                                    "layers the question lists."))
    out = keras.ops.convert_to_numpy(model(np.random.default_rng(1).normal(
        size=(2, *INPUT_12_4)).astype("float32") * 10))
    expect_true(out.min() >= 0 and out.max() <= 1,
                "The output should be a probability per pixel: give the last 1×1 Conv2D "
                "activation='sigmoid'.")
