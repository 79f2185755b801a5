"""Question bank of lesson 05, Inception and the cost of convolutions.

- 05.1 MACs of a bottlenecked branch (1×1 reduction, then k×k), as a function;
- 05.2 output channels of GoogLeNet's module 4a;
- 05.3 an Inception module with the Keras functional API, checked by output
  shape and parameter count.

Examples
--------
>>> from cnnlab.check.registry import REGISTRY
>>> REGISTRY["05.2"].func(512)
"""
from __future__ import annotations

import numbers

from cnnlab.arith.inception import GOOGLENET_MODULES, inception_cost
from cnnlab.check.helpers import expect_number
from cnnlab.check.registry import NotYet, question

#: (h, w, c_in, reduce, filters, kernel) cases of question 05.1.
CASES_05_1 = ((28, 28, 192, 16, 32, 5), (14, 14, 480, 96, 208, 3), (7, 9, 8, 3, 5, 3))


@question("05.1", "MACs of a branch with a 1×1 bottleneck")
def _branch_macs(branch_macs):
    for h, w, c, r, f, k in CASES_05_1:
        call = f"branch_macs(h={h}, w={w}, c_in={c}, reduce={r}, filters={f}, kernel={k})"
        got = branch_macs(h, w, c, r, f, k)
        if isinstance(got, bool) or not isinstance(got, numbers.Number):
            raise NotYet(f"{call} returned {got!r}; it should return a number.")
        first, second = h * w * r * c, h * w * f * k * k * r
        if got == first + second:
            continue
        known = {
            second: "that is only the k×k convolution: the 1×1 reduction costs "
                    "h·w·reduce·c_in MACs too. Did you forget the 1×1?",
            first: "that is only the 1×1 reduction; add the k×k convolution on the "
                   "reduced channels.",
            h * w * f * k * k * c: "that is the cost WITHOUT the bottleneck: the k×k "
                                   "convolution reads the `reduce` channels, not c_in.",
            first + h * w * f * k * k * c: "the k×k convolution reads the output of the 1×1, "
                                           "which has `reduce` channels, not c_in.",
            h * w * r + second: "the 1×1 reduction reads all c_in input channels: "
                                "h·w·reduce·c_in.",
            h * w * f * c + second: "the 1×1 reduction has `reduce` filters, not `filters`.",
            first + second + h * w * (r + f): "biases are additions, not multiply-accumulates.",
            (h - k + 1) * (w - k + 1) * f * k * k * r + first:
                "Inception uses 'same' padding: the k×k output is h×w too.",
            2 * (first + second): "that counts multiplications and additions separately; "
                                  "count multiply-accumulates.",
        }
        hint = known.get(got)
        if hint is None:
            raise NotYet(f"{call} returned {got:,}; expected {first + second:,}. "
                         "Add the 1×1 (h·w·reduce·c_in) and the k×k "
                         "(h·w·filters·k·k·reduce).")
        raise NotYet(f"{call} returned {got:,}: {hint}")


@question("05.2", "Output channels of GoogLeNet's module 4a")
def _channels(answer):
    (h, w, c), (f1, r3, f3, r5, f5, pp) = GOOGLENET_MODULES["4a"]
    expect_number(answer, f1 + f3 + f5 + pp, hints={
        f1 + r3 + f3 + r5 + f5 + pp: "the reduce widths (96 and 16) are inside their branches;"
                                     " only the last layer of each branch reaches the "
                                     "concatenation.",
        f1 + f3 + f5: "you left out the pooling branch: its 1×1 projection adds 64 channels.",
        f1 + f3 + f5 + c: "the pooling branch ends in a 1×1 projection to 64 channels; it "
                          "passes 480 on only in the naive module.",
        c: "the module does not keep its input channels: it concatenates the branch outputs.",
        f3: "the concatenation joins ALL four branches along the channel axis.",
    }, name="answer")


def _count(c, f1, r3, f3, r5, f5, pp, *, reduce=True, bias=True, proj=True):
    b = int(bias)
    total = (c + b) * f1
    total += ((c + b) * r3 + (9 * r3 + b) * f3) if reduce else (9 * c + b) * f3
    total += ((c + b) * r5 + (25 * r5 + b) * f5) if reduce else (25 * c + b) * f5
    total += (c + b) * pp if proj else 0
    return total


@question("05.3", "An Inception module with the functional API", timeout=60.0)
def _module(my_inception):
    import keras

    for key in ("3a", "4a"):
        shape, widths = GOOGLENET_MODULES[key]
        cost = inception_cost(shape, *widths)
        call = (f"my_inception(x, {', '.join(map(str, widths))}) on "
                f"{shape[0]}×{shape[1]}×{shape[2]}")
        x = keras.Input(shape)
        try:
            y = my_inception(x, *widths)
        except ValueError as err:
            if "Concatenate" not in str(err):
                raise
            raise NotYet(f"{call}: Keras cannot concatenate the branches because their "
                         "heights and widths differ. Every branch must keep them: "
                         "padding='same' everywhere, and MaxPooling2D(3, strides=1, "
                         "padding='same').") from None
        if not hasattr(y, "shape"):
            raise NotYet(f"{call} returned {type(y).__name__}; return the concatenated tensor.")
        got_shape = tuple(y.shape)
        want_shape = (None, *cost.output_shape)
        if got_shape != want_shape:
            h, w, c = shape
            f1, _, f3, _, f5, pp = widths
            if got_shape[1:3] != (h, w):
                raise NotYet(f"{call} gives {got_shape}; expected {want_shape}. Every branch "
                             "must keep the height and width: padding='same' everywhere, and "
                             "MaxPooling2D(3, strides=1, padding='same').")
            if got_shape[-1] == f1 + f3 + f5 + c:
                raise NotYet(f"{call} gives {got_shape[-1]} channels: the pooling branch "
                             f"passes all {c} input channels on. Add the 1×1 projection "
                             f"to pool_proj={pp} after the pooling.")
            if got_shape[-1] == f1 + f3 + f5:
                raise NotYet(f"{call} gives {got_shape[-1]} channels: the pooling branch is "
                             "missing from the concatenation.")
            raise NotYet(f"{call} gives {got_shape}; expected {want_shape}. Concatenate the "
                         "four branches along the last axis (axis=-1).")
        got = keras.Model(x, y).count_params()
        if got == cost.params:
            continue
        known = [
            (dict(reduce=False), "the 3×3 and 5×5 convolutions read the input directly. "
                                 "Put a 1×1 Conv2D with f3_reduce / f5_reduce filters before "
                                 "each of them."),
            (dict(bias=False), "the convolutions have no biases; keep Keras' default "
                               "use_bias=True."),
        ]
        for changes, hint in known:
            if got == _count(shape[2], *widths, **changes):
                raise NotYet(f"{call} has {got:,} parameters, expected {cost.params:,}: {hint}")
        raise NotYet(f"{call} has {got:,} parameters; expected {cost.params:,}. Check the "
                     "kernel sizes (1, 1→3, 1→5, pool→1) and the filters of each Conv2D.")
