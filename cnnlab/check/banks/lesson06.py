"""Question bank of lesson 06, residual connections.

- 06.1 a basic residual block with a projection shortcut (Keras builder);
- 06.2 parameters of a ResNet-50 bottleneck block with an identity shortcut;
- 06.3 what a block outputs when its residual branch F is zero.

Examples
--------
>>> from cnnlab.check.registry import REGISTRY
>>> import numpy as np
>>> REGISTRY["06.3"].func(np.maximum(X_06_3, 0))
"""
from __future__ import annotations

import numpy as np

from cnnlab.check.helpers import expect_array, expect_number
from cnnlab.check.registry import NotYet, question

#: (input shape, filters, stride) the block of 06.1 is built with
CASES_06_1 = (((16, 16, 16), 32, 2), ((16, 16, 16), 16, 1), ((8, 8, 32), 32, 1))

#: input of question 06.3 (it came from a layer without ReLU, so it can be negative)
X_06_3 = np.array([[-2.0, -0.5, 0.0, 1.5, 3.0]])


# ------------------------------------------------------------------ 06.1
def _variant(x, filters, stride, mode="right"):
    """The block of 06.1, right or with one known mistake (for hints)."""
    from keras import layers

    def conv(t, f, k, s=1):
        return layers.Conv2D(f, k, strides=s, padding="same", use_bias=False)(t)

    h = layers.ReLU()(layers.BatchNormalization()(conv(x, filters, 3, stride)))
    h = conv(h, filters, 3)
    if mode != "add_before_bn":
        h = layers.BatchNormalization()(h)
    if mode == "relu_before_add":
        h = layers.ReLU()(h)
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = layers.BatchNormalization()(conv(x, filters, 1, stride))
    y = layers.Add()([h, shortcut])
    if mode == "add_before_bn":
        y = layers.BatchNormalization()(y)
    return y if mode in ("no_final_relu", "relu_before_add") else layers.ReLU()(y)


def reference_06_1(x, filters, stride):
    """The right answer of 06.1 (for tests and the solution's self-check).

    Examples
    --------
    >>> import keras
    >>> tuple(reference_06_1(keras.Input((16, 16, 16)), 32, 2).shape)
    (None, 8, 8, 32)
    """
    return _variant(x, filters, stride)


def _set_weights(model) -> None:
    """Give every layer weights that depend only on their shape (inference-ready)."""
    import keras

    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            c = layer.gamma.shape[0]
            layer.set_weights([np.full(c, 0.7), np.full(c, 0.1), np.full(c, 0.05),
                               np.full(c, 2.0)])
        elif isinstance(layer, keras.layers.Conv2D):
            shape = tuple(layer.kernel.shape)
            rng = np.random.default_rng(int(np.prod(shape)) + shape[0])
            kernel = rng.normal(0, 1 / np.sqrt(np.prod(shape[:3])), shape)
            layer.set_weights([kernel] + [np.zeros(w.shape) for w in layer.get_weights()[1:]])


def _outputs(model, x):
    import keras

    _set_weights(model)
    return keras.ops.convert_to_numpy(model(x, training=False))


@question("06.1", "A residual block with a projection shortcut", timeout=90.0)
def _residual_block(my_residual_block):
    import keras

    for shape, filters, stride in CASES_06_1:
        call = f"my_residual_block(x, {filters}, stride={stride}) on {'×'.join(map(str, shape))}"
        x = keras.Input(shape)
        try:
            y = my_residual_block(x, filters, stride)
        except ValueError as err:
            text = str(err)
            if "Add" not in text and "shape" not in text.lower():
                raise
            raise NotYet(f"{call}: Keras cannot add the shortcut to the branch, their "
                         "shapes differ. When the stride is not 1 or the number of "
                         "channels changes, the shortcut needs a projection: a 1×1 Conv2D "
                         "with `filters` filters and the same stride, then "
                         "BatchNormalization.") from None
        if not hasattr(y, "shape"):
            raise NotYet(f"{call} returned {type(y).__name__}; return the block's output tensor.")
        want = (None, -(-shape[0] // stride), -(-shape[1] // stride), filters)
        if tuple(y.shape) != want:
            raise NotYet(f"{call} gives {tuple(y.shape)}; expected {want}. Only the first "
                         "3×3 convolution (and the projection) use the stride; use "
                         "padding='same'.")
        model = keras.Model(x, y)
        got = model.count_params()
        xr = keras.Input(shape)
        ref = keras.Model(xr, reference_06_1(xr, filters, stride)).count_params()
        if got != ref:
            c = shape[-1]
            projection = c * filters + 4 * filters
            projected = stride != 1 or c != filters
            after = ("each 3×3 convolution and the projection's 1×1 convolution" if projected
                     else "each 3×3 convolution")
            known = {
                # one BN of 4·filters parameters left out: any of them
                ref - 4 * filters: f"a BatchNormalization is missing: one follows {after}.",
                ref + 8 * c * filters: "the projection is a 1×1 convolution, not 3×3.",
                ref + projection: "the shapes match here, so the shortcut is the identity: "
                                  "project only when the stride is not 1 or the channels "
                                  "change.",
                ref + 2 * filters: "the convolutions have biases; use use_bias=False, the "
                                   "BatchNormalization after each makes them redundant.",
                ref + 3 * filters: "the convolutions have biases; use use_bias=False, the "
                                   "BatchNormalization after each makes them redundant.",
                ref - 8 * filters: f"two BatchNormalizations are missing: one follows "
                                   f"{after}.",
            }
            raise NotYet(f"{call} has {got:,} parameters; expected {ref:,}. "
                         + known.get(got, "Compare model.summary() with the layers listed "
                                          "in the question."))
        if stride == 1:
            continue
        batch = np.random.default_rng(1).normal(size=(2, *shape)).astype("float32")
        mine = _outputs(model, batch)
        right = _outputs(keras.Model(xr, _variant(xr, filters, stride)), batch)
        if np.allclose(mine, right, atol=1e-4):
            continue
        hints = {
            "no_final_relu": "the ReLU comes after the addition: y = relu(F(x) + shortcut).",
            "relu_before_add": "the ReLU comes after the addition, not at the end of the "
                               "branch: y = relu(BN(conv(...)) + shortcut).",
            "add_before_bn": "add the shortcut after the second BatchNormalization, then "
                             "apply ReLU.",
        }
        for mode, hint in hints.items():
            xv = keras.Input(shape)
            if np.allclose(mine, _outputs(keras.Model(xv, _variant(xv, filters, stride, mode)),
                                          batch), atol=1e-4):
                raise NotYet(f"{call}: {hint}")
        raise NotYet(f"{call} has the right shape and parameters but computes something "
                     "else. Order: conv3×3 (stride) → BN → ReLU → conv3×3 → BN; add the "
                     "shortcut; ReLU.")


# ------------------------------------------------------------------ 06.2
def bottleneck_params(c_in: int = 256, filters: int = 64, *, bias: bool = True,
                      bn: int = 4, kernel: int = 3) -> int:
    """Parameters of a bottleneck block with an identity shortcut (06.2 and its hints).

    Examples
    --------
    >>> bottleneck_params()
    71552
    """
    b = int(bias)
    convs = (c_in + b) * filters + (kernel * kernel * filters + b) * filters \
        + (filters + b) * 4 * filters
    return convs + bn * (filters + filters + 4 * filters)


@question("06.2", "Parameters of a ResNet-50 bottleneck block")
def _bottleneck(answer):
    want = bottleneck_params()
    projection = (256 + 1) * 256 + 4 * 256
    expect_number(answer, want, hints={
        bottleneck_params(bias=False): "off by exactly 384 = 64 + 64 + 256: the "
                                       "convolutions keep their biases here, one per filter.",
        bottleneck_params(bn=0): "BatchNormalization has parameters too: 4 per channel "
                                 "(γ, β, moving mean, moving variance) after each conv.",
        bottleneck_params(bn=2): "Keras counts 4 numbers per channel for "
                                 "BatchNormalization (γ, β and the two moving statistics).",
        bottleneck_params(bias=False, bn=0): "count the biases (one per filter) and the "
                                             "BatchNormalization (4 per channel) too.",
        want + projection: "the input already has 256 channels and the stride is 1: the "
                           "shortcut is the identity, with no parameters.",
        bottleneck_params(kernel=1): "the middle convolution is 3×3: 9 · 64 weights per "
                                     "filter.",
    }, name="answer")


# ------------------------------------------------------------------ 06.3
@question("06.3", "What a block computes when F = 0")
def _identity(y):
    x = X_06_3
    expect_array(y, np.maximum(x, 0), name="y", hints=[
        (x, "a residual block ends with a ReLU after the addition: y = relu(F(x) + x). "
            "For these negative entries it matters (after a previous block's ReLU the "
            "input is never negative, and the block is exactly the identity)."),
        (np.zeros_like(x), "F = 0 silences only the branch: the shortcut still carries x "
                           "to the output."),
        (2 * x, "F(x) is zero, not x: y = relu(0 + x)."),
        (np.maximum(2 * x, 0), "F(x) is zero, not x: y = relu(0 + x)."),
    ])
