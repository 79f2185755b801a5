"""Question bank of lesson 04, VGG.

- 04.1 a VGG builder from a configuration list, checked by its parameter count;
- 04.2 parameters of VGG16's first fully connected layer ``fc1``;
- 04.3 side of the feature map after VGG's five poolings of a 224×224 image;
- 04.4 parameters of VGG16's convolutional base.

Examples
--------
>>> from cnnlab.check.registry import REGISTRY
>>> REGISTRY["04.3"].func(7)
"""
from __future__ import annotations

from cnnlab.check.helpers import expect_number
from cnnlab.check.registry import NotYet, question

#: The two networks 04.1 builds: (config, input_shape, classes, fc_units).
CASES_04_1 = (
    ([8, "M", 16, "M", 32, 32, "M"], (32, 32, 3), 10, 64),
    ([4, 4, "M", 8, "M", 8, 8, 8, "M", 16, "M"], (80, 80, 1), 5, 32),
)


def vgg_params_by_hand(config, input_shape, classes, fc_units, *, conv_bias=True,
                       dense_bias=True, padding="same", skip_last_pool=False, extra_pool=False,
                       hidden=2, head="flatten") -> int:
    """Parameters of a configuration-list VGG, with one assumption changed (for hints).

    Examples
    --------
    >>> vgg_params_by_hand([8, "M"], (4, 4, 1), classes=2, fc_units=3)
    199
    >>> vgg_params_by_hand([8, "M"], (4, 4, 1), classes=2, fc_units=3, conv_bias=False)
    191
    """
    h, w, c = input_shape
    total = 0
    items = list(config)
    if skip_last_pool:
        last = len(items) - 1 - items[::-1].index("M")
        items = items[:last] + items[last + 1:]
    if extra_pool:
        items = items + ["M"]
    for item in items:
        if item == "M":
            h, w = h // 2, w // 2
        else:
            total += (9 * c + int(conv_bias)) * item
            c = item
            if padding == "valid":
                h, w = h - 2, w - 2
    n = h * w * c if head == "flatten" else c
    for units in [fc_units] * hidden + [classes]:
        total += (n + int(dense_bias)) * units
        n = units
    return total


#: Known mistakes of 04.1: the changed assumption and its hint.
MISTAKES_04_1 = (
    (dict(conv_bias=False, dense_bias=False),
     "every Conv2D filter and every Dense unit has a bias: did you set use_bias=False?"),
    (dict(conv_bias=False), "the convolutions are missing their biases (one per filter)."),
    (dict(dense_bias=False), "the Dense layers are missing their biases (one per unit)."),
    (dict(skip_last_pool=True), "one max pooling too few: the flatten layer is 4 times too "
                                "large. Add MaxPooling2D(2, 2) for every 'M'."),
    (dict(extra_pool=True), "one max pooling too many: pool only where the list says 'M'."),
    (dict(padding="valid"), "the convolutions shrink the image: use padding='same' so only "
                            "the poolings halve it."),
    (dict(hidden=1), "VGG has TWO hidden fully connected layers of `fc_units` before the "
                     "output layer."),
    (dict(hidden=3), "three hidden Dense layers: VGG has two (fc1, fc2), then the output "
                     "layer."),
    (dict(head="gap"), "the flatten size is wrong: VGG flattens the whole last feature map "
                       "(height × width × channels) with Flatten(), not global pooling."),
)


@question("04.1", "A VGG builder from a configuration list", timeout=60.0)
def _build_vgg(build_vgg):
    counts = []
    for config, shape, classes, fc in CASES_04_1:
        call = f"build_vgg({config}, {shape}, {classes}, {fc})"
        model = build_vgg(list(config), shape, classes, fc)
        if not hasattr(model, "count_params") or not hasattr(model, "output"):
            raise NotYet(f"{call} returned {type(model).__name__}; return the keras.Model.")
        out = tuple(model.output.shape)
        if out != (None, classes):
            raise NotYet(f"{call} has output shape {out}; expected (None, {classes}): end "
                         "with Dense(classes, activation='softmax') after the flatten.")
        counts.append((call, model.count_params(),
                       dict(config=config, input_shape=shape, classes=classes, fc_units=fc)))
    wrong = [(call, got, p) for call, got, p in counts if got != vgg_params_by_hand(**p)]
    if not wrong:
        return
    call, got, p = wrong[0]
    want = vgg_params_by_hand(**p)
    for changes, hint in MISTAKES_04_1:     # a hint must explain every case
        if all(g == vgg_params_by_hand(**q, **changes) for _, g, q in counts):
            raise NotYet(f"{call} has {got:,} parameters, expected {want:,}: {hint}")
    raise NotYet(f"{call} has {got:,} parameters; expected {want:,}. Compare "
                 "model.summary() with the list: one 3×3 'same' Conv2D (ReLU) per "
                 "number, one 2×2 max pooling per 'M', then Flatten, two Dense(fc_units) "
                 "and Dense(classes).")


@question("04.2", "Parameters of VGG16's fc1")
def _fc1(answer):
    n = 7 * 7 * 512
    expect_number(answer, (n + 1) * 4096, hints={
        n * 4096: "Off by exactly 4096: did you forget the biases of fc1's 4096 units?",
        n: "25,088 is the flatten size (7·7·512), the number of INPUTS of fc1; each of "
           "its 4096 units has one weight per input, plus a bias.",
        (14 * 14 * 512 + 1) * 4096: "14×14 is the feature map after four poolings; "
                                    "VGG16 pools five times: 224 → 7.",
        (4096 + 1) * 4096: "That is fc2 (4096 inputs); fc1's inputs are the flattened "
                           "7×7×512 feature map.",
        (n + 1) * 1000: "fc1 has 4096 units; 1000 is the output layer.",
    }, name="answer")


@question("04.3", "Side of the feature map after five poolings of 224")
def _five_pools(answer):
    expect_number(answer, 224 // 2 ** 5, hints={
        14: "That is after four poolings: 224 → 112 → 56 → 28 → 14. There is one more.",
        3: "That is after six poolings; VGG has five.",
        112: "One pooling halves the side; there are five of them.",
        44: "Each pooling halves the side (divides by 2); five poolings divide by 2^5 = 32.",
        45: "Each pooling halves the side (divides by 2); five poolings divide by 2^5 = 32.",
        224: "The 3×3 'same' convolutions keep the size, but each 2×2 pooling with stride 2 "
             "halves it.",
        7 * 7: "The question asks for the side (height = width), not the number of positions.",
    }, name="answer")


@question("04.4", "Parameters of VGG16's convolutional base")
def _conv_base(answer):
    widths = [64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512]
    c, weights = 3, 0
    for f in widths:
        weights += 9 * c * f
        c = f
    want = weights + sum(widths)
    expect_number(answer, want, hints={
        weights: f"Off by {sum(widths):,}, the number of filters: did you forget the biases?",
        138_357_544: "That is the whole VGG16; the convolutional base stops before flatten "
                     "(include_top=False).",
        weights + sum(widths) - 9 * 3 * 64 + 9 * 64 * 64: "The first convolution reads the "
                                                           "3 colour channels, not 64.",
    }, name="answer")
