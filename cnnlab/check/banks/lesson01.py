"""Questions of lesson 01, 1×1 convolutions.

- 01.1 ``one_by_one(x, w, b)``: a 1×1 convolution written with ``np.einsum``.
- 01.2 parameters of a 1×1 layer from 192 to 32 channels.
- 01.3 multiply–accumulates of that layer on a 28×28×192 input.
- 01.4 output shape of that layer.

Examples
--------
>>> from cnnlab.check.registry import REGISTRY
>>> REGISTRY["01.2"].func(6_176)
"""
from __future__ import annotations

import numpy as np

from cnnlab.check.helpers import expect_array, expect_number, expect_shape
from cnnlab.check.registry import NotYet, question


@question("01.1", "A 1×1 convolution with einsum")
def _(one_by_one):
    if not callable(one_by_one):
        raise NotYet("Pass the function itself, `one_by_one`, not its result.")
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5, 6, 3))          # H, W, C
    w = rng.normal(size=(3, 4))             # C, F
    b = rng.normal(size=4)
    expected = np.einsum("hwc,cf->hwf", x, w) + b
    got = one_by_one(x, w, b)
    shape = np.shape(got)
    if shape == (4, 5, 6):
        raise NotYet("The output is channels-first (F, H, W); Keras keeps channels "
                     "last: (H, W, F). Check the output subscripts of your einsum.")
    if shape == (6, 5, 4):
        raise NotYet("Height and width are swapped: the output should be (H, W, F) = "
                     "(5, 6, 4). Check the order of the output subscripts.")
    if shape == (5, 6, 3):
        raise NotYet("The output still has C = 3 channels. A 1×1 layer with F filters "
                     "gives F channels: contract over the channel axis of x and the "
                     "first axis of w (C×F).")
    if shape == (4,) or shape == (5, 6):
        raise NotYet(f"The output has shape {shape}: an axis was summed away. Only "
                     "the channel axis C is contracted; H and W stay.")
    expect_array(got, expected, name="one_by_one(x, w, b)", hints=[
        (expected - b, "Right except for the bias: add b (one value per filter) "
                       "to every pixel."),
        (expected - b + b.sum(), "Each output channel f gets its own b[f]; you added "
                                 "the sum of all biases."),
    ])


@question("01.2", "Parameters of a 1×1 layer, 192 → 32 channels")
def _(answer):
    expect_number(answer, 192 * 32 + 32, hints={
        192 * 32: "Off by exactly 32, the number of filters: did you forget the "
                  "biases (one per filter)?",
        192 * 32 + 192: "There is one bias per *filter* (32), not per input channel.",
        192 + 32: "The weights form a C×F matrix: multiply 192 by 32, then add the biases.",
        (192 + 1) * 32 * 28 * 28: "Parameters do not depend on the image size: the "
                                  "same weights are reused at every pixel.",
        192 * 32 * 28 * 28: "Parameters do not depend on the image size: the same "
                            "weights are reused at every pixel (and add the biases).",
    })


@question("01.3", "MACs of the 28×28×192 → 28×28×32 reduction")
def _(answer):
    macs = 28 * 28 * 192 * 32
    expect_number(answer, macs, hints={
        192 * 32: "That is one pixel. The product is done at each of the 28·28 "
                  "positions.",
        28 * 28 * 32: "Each output value needs one multiply–accumulate per input "
                      "channel: multiply by 192 too.",
        28 * 28 * 193 * 32: "MACs count multiplications; adding the bias is not a "
                            "multiply–accumulate. Leave the +1 out.",
        2 * macs: "That counts a multiply and an add separately (FLOPs). One MAC is "
                  "a multiply *and* its accumulate.",
        28 * 28 * 192 * 32 * 9: "A 1×1 kernel has one tap, not nine.",
    })


@question("01.4", "Output shape of Conv2D(32, 1) on 28×28×192")
def _(answer):
    try:
        got = tuple(answer)
    except TypeError:
        raise NotYet(f"Give the shape as a tuple (H, W, C); got {answer!r}.") from None
    if len(got) == 4 and tuple(got[1:]) == (28, 28, 32):
        raise NotYet("Leave the batch axis out: (H, W, C).")
    try:
        got = tuple(int(v) for v in got)
    except (TypeError, ValueError):
        raise NotYet(f"Give the shape as a tuple of integers (H, W, C); "
                     f"got {answer!r}.") from None
    known = {
        (28, 28, 192): "The number of channels changes to the number of filters (32); "
                       "only height and width are kept.",
        (14, 14, 32): "A 1×1 convolution with stride 1 keeps height and width; it "
                      "is spatial pooling that halves them.",
        (14, 14, 192): "That is what 2×2 max pooling would give. A 1×1 convolution "
                       "keeps 28×28 and changes the channels.",
        (32, 28, 28): "Keras is channels-last: (H, W, C).",
    }
    if got in known:
        raise NotYet(known[got])
    expect_shape(got, (28, 28, 32), name="answer")
