"""Question bank of lesson 07, DenseNet and the growth rate.

- 07.1 channels after a dense block and after the transition that follows;
- 07.2 a dense block with the Keras functional API;
- 07.3 the number of direct connections in a block of L layers.

Examples
--------
>>> from cnnlab.check.registry import REGISTRY
>>> REGISTRY["07.3"].func(lambda n: n * (n + 1) // 2)
"""
from __future__ import annotations

from cnnlab.arith.densenet import connections, dense_block_params, transition_channels
from cnnlab.check.helpers import expect_function
from cnnlab.check.registry import NotYet, question

#: (k0, k, layers, θ) cases of 07.1; 73 and 52 channels catch rounding up
CASES_07_1 = ((64, 32, 6, 0.5), (24, 12, 5, 0.5), (25, 12, 4, 0.5), (128, 32, 12, 0.5),
              (16, 12, 3, 0.3))

#: (input shape, layers, growth rate) the block of 07.2 is built with
CASES_07_2 = (((8, 8, 24), 3, 12), ((4, 4, 16), 2, 8))


def reference_07_1(k0, k, num_layers, theta):
    """(channels after the block, channels after the transition)."""
    after = k0 + k * num_layers
    return after, transition_channels(after, theta)


@question("07.1", "Channels after a dense block and a transition")
def _channels(channels_after):
    def ceil_version(k0, k, n, t):
        c = k0 + k * n
        return c, -int(-c * t // 1)

    expect_function(channels_after, reference_07_1, CASES_07_1, name="channels_after", hints=[
        (lambda k0, k, n, t: (k * n, int(k * n * t)),
         "the block starts with k0 channels and keeps them: after L layers it has "
         "k0 + k·L. Did you forget k0?"),
        (lambda k0, k, n, t: (k0 + k * n, k0 + k * n),
         "the transition compresses the channels to floor(θ·C). Did you forget the "
         "compression?"),
        (lambda k0, k, n, t: (k0 + k * (n - 1), int((k0 + k * (n - 1)) * t)),
         "k0 + k·(L−1) is what the LAST layer reads; after it adds its own k maps the "
         "block has k0 + k·L."),
        (ceil_version, "the transition keeps floor(θ·C) channels (int(θ·C) in Keras): "
                       "round down."),
        (lambda k0, k, n, t: (k0 + k * n, (k0 + k * n) // 2),
         "the transition keeps floor(θ·C): use θ, which is not always 0.5."),
    ])


@question("07.2", "A dense block with the functional API", timeout=90.0)
def _dense_block(my_dense_block):
    import keras

    for shape, n, k in CASES_07_2:
        k0 = shape[-1]
        call = f"my_dense_block(x, {n}, {k}) on {'×'.join(map(str, shape))}"
        x = keras.Input(shape)
        try:
            y = my_dense_block(x, n, k)
        except ValueError as err:
            # Add([x, new]) of k0 and k channels: what "Add, not Concatenate" really gives
            if "incompatible shapes" not in str(err):
                raise
            raise NotYet(f"{call}: Keras cannot add maps of {k0} and {k} channels. Use "
                         "Concatenate, not Add: the new maps are appended to the "
                         "input.") from None
        if not hasattr(y, "shape"):
            raise NotYet(f"{call} returned {type(y).__name__}; return the block's output tensor.")
        channels = int(y.shape[-1])
        want = k0 + n * k
        if tuple(y.shape[1:3]) != shape[:2]:
            raise NotYet(f"{call} gives {tuple(y.shape)}: a dense block keeps the height and "
                         "width (padding='same' in the 3×3 convolution, no pooling).")
        if channels != want:
            known = {
                k: "you returned only the last layer's new maps; return the concatenation "
                   "of the input and every layer's maps.",
                k0 + k: "each layer must concatenate onto the growing tensor (x = "
                        "Concatenate()([x, new])) and the next layer reads that x.",
                k0: "the block has only its input's channels: the new maps never reach "
                    "the output. Append them with Concatenate (not Add) and return the "
                    "concatenation.",
                4 * k: "the 1×1 bottleneck (4k filters) comes first; the 3×3 convolution "
                       "with k filters produces the new maps.",
                k0 + 4 * k * n: "each layer adds 4k maps: the 1×1 bottleneck has the 4k "
                                "filters, the 3×3 convolution after it has k and produces "
                                "the new maps.",
            }
            raise NotYet(f"{call} gives {channels} channels; expected k0 + L·k = {want}. "
                         + known.get(channels, ""))
        got = keras.Model(x, y).count_params()
        ref = dense_block_params(k0, k, n)
        if got == ref:
            continue
        inputs = [k0 + k * i for i in range(n)]
        known = {
            dense_block_params(k0, k, n, bottleneck=False):
                "add the bottleneck: BN → ReLU → Conv2D(4k, 1×1) before BN → ReLU → "
                "Conv2D(k, 3×3).",
            ref + n * 5 * k: "the convolutions have biases; use use_bias=False (a "
                             "BatchNormalization follows the 1×1, and the 3×3's maps are "
                             "normalised by the next layer).",
            sum(c * k + 9 * k * k + 4 * c + 4 * k for c in inputs):
                "the bottleneck has 4·k filters, not k.",
            ref - sum(4 * c + 16 * k for c in inputs):
                "each layer starts with BatchNormalization and ReLU, and has another "
                "BN → ReLU between the 1×1 and the 3×3 convolution.",
        }
        raise NotYet(f"{call} has {got:,} parameters; expected {ref:,}. "
                     + known.get(got, "Each layer: BN → ReLU → Conv2D(4k, 1, "
                                      "use_bias=False) → BN → ReLU → Conv2D(k, 3, "
                                      "padding='same', use_bias=False) → Concatenate."))


@question("07.3", "Direct connections in a dense block")
def _connections(direct_connections):
    expect_function(direct_connections, connections, [1, 2, 4, 5, 12, 24],
                    name="direct_connections", hints=[
        (lambda n: n * (n - 1) // 2,
         "L(L−1)/2 counts only the links between the L layers. The paper also counts the "
         "links from the block's input (the previous block's output): layer l receives l "
         "inputs, so the total is 1 + 2 + … + L."),
        (lambda n: n * n, "each link is counted once: layer l receives l inputs, "
                          "1 + 2 + … + L in all."),
        (lambda n: n * (n + 1), "halve it: 1 + 2 + … + L = L(L+1)/2."),
    ])
