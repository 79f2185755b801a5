"""Questions of lesson 00, convolution fundamentals.

- 00.1 ``conv_out(size, kernel, stride, padding, dilation)``: output length along one axis.
- 00.2 ``conv2d_numpy(x, w, b)``: a 'valid', stride-1 multi-channel convolution in NumPy.
- 00.3 parameters of ``Conv2D(64, 3)`` on a 32-channel input.
- 00.4 the 5×5 ⊛ 3×3 worked example.

Examples
--------
>>> from cnnlab.check.registry import REGISTRY
>>> REGISTRY["00.3"].func(18_496)
"""
from __future__ import annotations

import numbers

import numpy as np

from cnnlab.check.helpers import expect_array, expect_number
from cnnlab.check.registry import NotYet, question

WORKED_IMAGE = [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1],
                [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]
WORKED_KERNEL = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]


def _reference_out(size, kernel, stride=1, padding="valid", dilation=1):
    if padding == "same":
        return -(-size // stride)
    p = 0 if padding == "valid" else padding
    return (size + 2 * p - dilation * (kernel - 1) - 1) // stride + 1


# (arguments, {wrong answer: hint}) — each case probes one common mistake.
_OUT_CASES = [
    ((28, 3), {28: "conv_out(28, 3) gave 28, the 'same' size. With padding='valid' "
                   "no zeros are added, so the window fits 28 - 3 + 1 = 26 times.",
               25: "conv_out(28, 3) gave 25: you forgot the + 1 (the first window "
                   "counts too)."}),
    ((28, 3, 1, "same"), {26: "conv_out(28, 3, padding='same') gave 26, the 'valid' "
                              "size. 'same' pads so that, with stride 1, o = i."}),
    ((10, 3, 1, 2), {8: "conv_out(10, 3, padding=2) gave 8: the integer padding was "
                        "ignored. It adds p zeros on *each* side: i + 2p.",
                     10: "conv_out(10, 3, padding=2) gave 10: padding goes on both "
                         "sides, so add 2p, not p.",
                     11: "conv_out(10, 3, padding=2) gave 11: you forgot the + 1 (the "
                         "first window counts too)."}),
    ((28, 5, 2), {12.5: "conv_out(28, 5, 2) gave 12.5: did you forget the floor? A "
                        "window that does not fit is dropped; use // .",
                  13: "conv_out(28, 5, 2) gave 13: round *down* (floor, //), "
                      "never up: a window that does not fit is dropped.",
                  11.5: "conv_out(28, 5, 2) gave 11.5: you forgot the floor (//) and "
                        "the + 1: ⌊(28 − 5) / 2⌋ + 1."}),
    ((7, 3, 1, "valid", 2), {5: "conv_out(7, 3, dilation=2) gave 5: dilation was "
                                "ignored. A dilated kernel spans d(k - 1) + 1 pixels."}),
    ((224, 7, 2, "same"), {224: "conv_out(224, 7, 2, 'same') gave 224: with a stride, "
                                "'same' gives ceil(i / s), not i.",
                           109: "conv_out(224, 7, 2, 'same') gave 109, the 'valid' "
                                "size. 'same' (Keras) gives ceil(i / s)."}),
    ((5, 3, 2, "same"), {2: "conv_out(5, 3, 2, 'same') gave 2: 'same' rounds *up*, "
                            "ceil(5 / 2) = 3 (use -(-i // s))."}),
    ((32, 3, 2, 1), {}),
]


@question("00.1", "Output size of a convolution along one axis")
def _(conv_out):
    if not callable(conv_out):
        raise NotYet("Pass the function itself, `conv_out`, not its result.")
    for args, hints in _OUT_CASES:
        expected = _reference_out(*args)
        got = conv_out(*args)
        if isinstance(got, float) and got == int(got) and int(got) == expected:
            raise NotYet(f"conv_out{args} returned the float {got!r}: did you forget "
                         "the floor? An output size is an integer; use // (floor "
                         "division) instead of /.")
        if not isinstance(got, (numbers.Integral, float)):
            raise NotYet(f"conv_out{args} returned {got!r}; it should return an int.")
        call = f"conv_out{args}"
        expect_number(got, expected, hints=hints | {
            "callable": lambda a, call=call, e=expected: f"{call} gave {a!r}; expected {e}. "
            "Write out o = ⌊(i + 2p − d(k−1) − 1)/s⌋ + 1 with the numbers."})


def _reference_conv(x, w, b):
    from cnnlab.ops import conv2d
    return conv2d(x[None], w, b)[0]


@question("00.2", "A multi-channel convolution in NumPy")
def _(conv2d_numpy):
    if not callable(conv2d_numpy):
        raise NotYet("Pass the function itself, `conv2d_numpy`, not its result.")
    rng = np.random.default_rng(7)
    x = rng.normal(size=(6, 7, 3))
    w = rng.normal(size=(3, 3, 3, 2))
    b = np.array([0.5, -1.0])
    expected = _reference_conv(x, w, b)
    got = conv2d_numpy(x, w, b)
    shape = np.shape(got)
    if shape == (6, 7, 2):
        raise NotYet(f"The output has shape {shape}, as with 'same' padding. A 'valid' "
                     "convolution has H - kh + 1 rows and W - kw + 1 columns: (4, 5, 2).")
    if shape == (2, 4, 5):
        raise NotYet("The output is channels-first (F, H, W); put the filters last: "
                     "(H_out, W_out, F).")
    if shape == (4, 5, 3) or shape == (4, 5):
        raise NotYet(f"The output has shape {shape}: there must be one output channel "
                     "per filter (the last axis of `w`), each summing over *all* input "
                     "channels.")
    expect_array(got, expected, atol=1e-6, name="conv2d_numpy(x, w, b)", hints=[
        (_reference_conv(x, w[::-1, ::-1], b),
         "You flipped the kernel: that is a true (mathematical) convolution. Keras's "
         "Conv2D, like every deep-learning library, computes a cross-correlation: "
         "multiply the window by `w` as it is."),
        (_reference_conv(x, w, np.zeros(2)),
         "Right except for the bias: add b[f] to every value of output channel f."),
        (_reference_conv(x, w, b) - b + b.sum(),
         "Each output channel gets its *own* bias b[f], not the sum of all biases."),
        (np.stack([_reference_conv(x[..., :1], w[:, :, :1], b)[..., f]
                   for f in range(2)], -1),
         "Only the first input channel contributes: sum the products over all "
         "input channels too (over kh, kw *and* C)."),
    ])


@question("00.3", "Parameters of Conv2D(64, 3) on a 32-channel input")
def _(answer):
    expect_number(answer, (3 * 3 * 32 + 1) * 64, hints={
        3 * 3 * 32 * 64: "Off by exactly 64, the number of filters: did you forget "
                         "the biases (one per filter)?",
        3 * 3 * 32 + 1: "That is one filter. A Conv2D(64, ...) has 64 of them.",
        (3 * 3 + 1) * 64: "Each filter spans all 32 input channels: 3·3·32 weights, "
                          "not 3·3.",
        (3 * 3 * 64 + 1) * 64: "The input has 32 channels; the kernel's depth is the "
                               "input's channel count, not the number of filters.",
        3 * 3 * 32 + 64: "Multiply: each of the 64 filters has its own 3·3·32 weights.",
    })


@question("00.4", "The worked example: 5×5 image ⊛ 3×3 'X' kernel")
def _(answer):
    from cnnlab.ops import correlate2d
    image, kernel = np.array(WORKED_IMAGE), np.array(WORKED_KERNEL)
    expected = correlate2d(image, kernel)
    expect_array(answer, expected, name="answer", hints=[
        (correlate2d(image, kernel, padding="same"),
         "You padded the image ('same'). The worked example is 'valid': a 3×3 window "
         "fits 5 - 3 + 1 = 3 times per axis, so the answer is 3×3."),
        (expected.T, "Rows and columns are swapped: the first row of the answer comes "
                     "from windows along the image's first three rows."),
    ])
    if np.shape(answer) != (3, 3):  # pragma: no cover - expect_array already raised
        raise NotYet("The answer should be a 3×3 array.")
