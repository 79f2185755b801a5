"""Growth-rate arithmetic of DenseNets: channels, parameters, connections, memory.

Pure Python (no Keras). Inside a dense block every layer adds ``k`` new
feature maps (the *growth rate*) and concatenates them to everything before
it, so with ``k0`` channels entering the block

- layer ``l`` (1-based) reads ``k0 + k (l - 1)`` channels and the block
  ends with ``k0 + k L`` channels;
- a transition layer (BN-ReLU-1×1 conv-2×2 average pool) compresses ``C``
  channels to ``floor(θ C)`` (``θ = 0.5`` in DenseNet-BC) and halves H and W.

Parameter counts follow Keras (``keras.applications.DenseNet121`` and the
builders in :mod:`cnnlab.models.densenets`): convolutions without biases,
BatchNormalization with 4 numbers per channel (γ, β, moving mean and
variance). For the ResNet-vs-DenseNet comparison, :func:`resnet_params`
counts Keras' bottleneck ResNets (their convolutions keep biases).

Examples
--------
>>> densenet_channels()
[('stem', 64), ('block 1', 256), ('transition 1', 128), ('block 2', 512), \
('transition 2', 256), ('block 3', 1024), ('transition 3', 512), ('block 4', 1024)]
>>> densenet_params()                      # DenseNet-121, as keras.applications counts it
8062504
>>> connections(5), connections(5, count_input=False)
(15, 10)
"""
from __future__ import annotations

from dataclasses import dataclass

from cnnlab._validate import check_choice, check_int, check_ints, check_number
from cnnlab.arith._totals import summed

#: Layers per dense block of the ImageNet DenseNets (growth rate 32)
DENSENET_BLOCKS = {121: (6, 12, 24, 16), 169: (6, 12, 32, 32), 201: (6, 12, 48, 32),
                   264: (6, 12, 64, 48)}

#: Bottleneck blocks per stage of the ImageNet ResNets (Keras' ResNet50/101/152)
RESNET_BLOCKS = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}


def _check_compression(compression) -> float:
    return check_number("compression", compression, 0, 1, low_open=True)


def _check_blocks(blocks) -> tuple:
    return check_ints("blocks", blocks)


def layer_input_channels(k0: int, growth_rate: int, layer: int) -> int:
    """Channels that layer ``layer`` (1-based) of a dense block reads: ``k0 + k (l - 1)``.

    Examples
    --------
    >>> layer_input_channels(64, 32, 1), layer_input_channels(64, 32, 6)
    (64, 224)
    """
    check_int("k0", k0, 1)
    check_int("growth_rate", growth_rate, 1)
    check_int("layer", layer, 1)
    return k0 + growth_rate * (layer - 1)


def block_channels(k0: int, growth_rate: int, num_layers: int) -> list[int]:
    """Channels after each layer of a dense block: ``[k0 + k, k0 + 2k, …, k0 + k L]``.

    Examples
    --------
    >>> block_channels(64, 32, 6)
    [96, 128, 160, 192, 224, 256]
    """
    check_int("k0", k0, 1)
    check_int("growth_rate", growth_rate, 1)
    check_int("num_layers", num_layers, 1)
    return [k0 + growth_rate * l for l in range(1, num_layers + 1)]


def transition_channels(channels: int, compression: float = 0.5) -> int:
    """Channels after a transition layer: ``floor(θ C)`` (as Keras: ``int(C * θ)``).

    Examples
    --------
    >>> transition_channels(256), transition_channels(250, 0.3)
    (128, 75)
    """
    check_int("channels", channels, 1)
    out = int(channels * _check_compression(compression))
    if out < 1:
        raise ValueError("`compression` leaves no channels: floor(θ·C) = 0. Received: "
                         f"channels={channels}, compression={compression!r}.")
    return out


def connections(num_layers: int, count_input: bool = True) -> int:
    """Direct connections inside a dense block of ``num_layers`` layers.

    Layer ``l`` receives the block input and the outputs of the ``l - 1``
    layers before it: ``l`` connections, ``L (L + 1) / 2`` in all (the
    paper's count). Leaving out the connections from the block input (only
    layer-to-layer links) gives ``L (L - 1) / 2``.

    Parameters
    ----------
    num_layers : int
        Layers ``L`` in the block.
    count_input : bool, optional
        Count the links from the block's input (default True, as the paper).

    Returns
    -------
    int

    Examples
    --------
    >>> connections(4), connections(4, count_input=False)
    (10, 6)
    """
    check_int("num_layers", num_layers, 1)
    n = num_layers
    return n * (n + 1) // 2 if count_input else n * (n - 1) // 2


def batchnorm_count(channels: int) -> int:
    """Numbers Keras keeps for BatchNormalization on ``channels``: 4 per channel."""
    return 4 * channels


def dense_layer_params(in_channels: int, growth_rate: int, bottleneck: bool = True) -> int:
    """Parameters of one dense layer as Keras counts them (no biases).

    With the bottleneck: BN(C) - ReLU - Conv 1×1 (4k) - BN(4k) - ReLU - Conv 3×3 (k),
    i.e. ``4C + 4k C + 16k + 9 · 4k · k``; without it: BN(C) - ReLU - Conv 3×3 (k),
    ``4C + 9 C k``.

    Examples
    --------
    >>> dense_layer_params(64, 32)            # conv2_block1 of DenseNet-121
    45824
    >>> dense_layer_params(24, 12, bottleneck=False)
    2688
    """
    check_int("in_channels", in_channels, 1)
    check_int("growth_rate", growth_rate, 1)
    c, k = in_channels, growth_rate
    if bottleneck:
        return batchnorm_count(c) + c * 4 * k + batchnorm_count(4 * k) + 9 * 4 * k * k
    return batchnorm_count(c) + 9 * c * k


def dense_block_params(k0: int, growth_rate: int, num_layers: int,
                       bottleneck: bool = True) -> int:
    """Parameters of a dense block: the sum over its layers.

    Examples
    --------
    >>> dense_block_params(64, 32, 6)         # DenseNet-121's first block
    338304
    """
    return sum(dense_layer_params(layer_input_channels(k0, growth_rate, l), growth_rate,
                                  bottleneck) for l in range(1, check_int("num_layers",
                                                                          num_layers, 1) + 1))


def transition_params(channels: int, compression: float = 0.5) -> int:
    """Parameters of a transition layer: BN(C) and a 1×1 conv to ``floor(θ C)`` (no bias).

    Examples
    --------
    >>> transition_params(256)
    33792
    """
    return batchnorm_count(channels) + channels * transition_channels(channels, compression)


@dataclass(frozen=True)
class Stage:
    """One stem, dense block or transition of a DenseNet."""

    name: str
    kind: str                 # "stem", "block", "transition", "top"
    in_channels: int
    out_channels: int
    size: int                 # height = width of the stage's output
    params: int
    layer_channels: tuple = ()   # blocks: channels after each layer
    connections: int = 0
    concat_values: int = 0       # blocks: values written by all Concatenate outputs
    unique_values: int = 0       # blocks: block input + the new maps, each stored once


@dataclass(frozen=True)
class DenseNetCost:
    """Channels, parameters, connections and activations of a whole DenseNet."""

    stages: tuple

    params = summed("stages", "params", "Total parameters (Keras' ``count_params()``).")
    connections = summed("stages", "connections",
                         "Direct connections summed over the blocks (paper's count).")
    concat_values = summed("stages", "concat_values",
                           "Activation values the blocks' concatenations write (one image).")
    unique_values = summed("stages", "unique_values", "Activation values if each feature "
                           "map is stored once (shared memory).")

    @property
    def channels(self) -> list:
        """``(name, channels)`` after the stem, each block and each transition."""
        return [(s.name, s.out_channels) for s in self.stages if s.kind != "top"]


def densenet_cost(blocks=(6, 12, 24, 16), growth_rate: int = 32, *, input_size: int = 224,
                  input_channels: int = 3, classes: int = 1000,
                  stem_filters: int | None = None, compression: float = 0.5,
                  bottleneck: bool = True, include_top: bool = True,
                  stem: str = "imagenet") -> DenseNetCost:
    """Stage-by-stage arithmetic of :func:`cnnlab.models.densenets.densenet`.

    Parameters
    ----------
    blocks : sequence of int, optional
        Layers per dense block (default DenseNet-121's ``(6, 12, 24, 16)``).
    growth_rate : int, optional
        ``k`` (default 32).
    input_size : int, optional
        Height = width of the input image (default 224).
    input_channels, classes : int, optional
        Default 3 and 1000.
    stem_filters : int, optional
        ``k0`` of the first block, the stem's filters (default ``2 k``).
    compression : float, optional
        ``θ`` of the transitions (default 0.5).
    bottleneck : bool, optional
        1×1 bottleneck (``4 k``) before each 3×3 (default True).
    include_top : bool, optional
        Count the classifier (default True); the final BN is always there.
    stem : {"imagenet", "cifar"}, optional
        ``"imagenet"``: 7×7 stride-2 conv, BN, ReLU, 3×3 stride-2 max pool
        (:func:`~cnnlab.models.densenets.densenet`); ``"cifar"``: one 3×3
        stride-1 conv (:func:`~cnnlab.models.densenets.mini_densenet`).

    Returns
    -------
    DenseNetCost

    Examples
    --------
    >>> cost = densenet_cost(DENSENET_BLOCKS[169])
    >>> cost.params, cost.channels[-1]
    (14307880, ('block 4', 1664))
    """
    blocks = _check_blocks(blocks)
    k = check_int("growth_rate", growth_rate, 1)
    size = check_int("input_size", input_size, 1)
    check_int("input_channels", input_channels, 1)
    check_int("classes", classes, 1)
    k0 = 2 * k if stem_filters is None else check_int("stem_filters", stem_filters, 1)
    _check_compression(compression)
    check_choice("stem", stem, ("imagenet", "cifar"))
    if stem == "imagenet":
        size = (size + 1) // 2                  # 7x7 stride 2 with 3 pixels of padding
        size = (size + 2 - 3) // 2 + 1          # 3x3 max pool stride 2, 1 pixel of padding
        params = 49 * input_channels * k0 + batchnorm_count(k0)
    else:
        params = 9 * input_channels * k0
    stages = [Stage("stem", "stem", input_channels, k0, size, params)]
    c = k0
    for i, n in enumerate(blocks, start=1):
        if i > 1:
            if size < 2:
                raise ValueError("`input_size` is too small for the number of blocks: "
                                 "each transition halves it. Received: "
                                 f"input_size={input_size}, blocks={blocks!r}.")
            out = transition_channels(c, compression)
            size //= 2
            stages.append(Stage(f"transition {i - 1}", "transition", c, out, size,
                                transition_params(c, compression)))
            c = out
        chans = tuple(block_channels(c, k, n))
        area = size * size
        stages.append(Stage(f"block {i}", "block", c, chans[-1], size,
                            dense_block_params(c, k, n, bottleneck), chans,
                            connections(n), sum(chans) * area, chans[-1] * area))
        c = chans[-1]
    top = batchnorm_count(c) + ((c + 1) * classes if include_top else 0)
    stages.append(Stage("top", "top", c, classes if include_top else c, 1, top))
    return DenseNetCost(tuple(stages))


def densenet_channels(blocks=(6, 12, 24, 16), growth_rate: int = 32,
                      stem_filters: int | None = None,
                      compression: float = 0.5) -> list[tuple[str, int]]:
    """Channels after the stem, every dense block and every transition.

    Examples
    --------
    >>> [c for _, c in densenet_channels((6, 12, 32, 32))]
    [64, 256, 128, 512, 256, 1280, 640, 1664]
    """
    return densenet_cost(blocks, growth_rate, stem_filters=stem_filters,
                         compression=compression, input_size=2 ** (len(tuple(blocks)) + 2),
                         include_top=False).channels


def densenet_params(blocks=(6, 12, 24, 16), growth_rate: int = 32, **kwargs) -> int:
    """Total parameters of a DenseNet (keyword arguments as :func:`densenet_cost`).

    Examples
    --------
    >>> densenet_params(DENSENET_BLOCKS[201])
    20242984
    """
    kwargs.setdefault("input_size", 32 * 2 ** len(tuple(blocks)))
    return densenet_cost(blocks, growth_rate, **kwargs).params


def resnet_params(blocks=(3, 4, 6, 3), classes: int = 1000, include_top: bool = True,
                  input_channels: int = 3) -> int:
    """Parameters of a bottleneck ResNet as ``keras.applications`` builds it.

    Stem: 7×7 conv (64, with bias) and BN; stage ``s`` has ``blocks[s]``
    bottleneck blocks 1×1 (f) → 3×3 (f) → 1×1 (4 f) with ``f = 64 · 2^s``,
    every conv with a bias and followed by BN, and a projection shortcut
    (1×1 conv + BN) in the first block of each stage; then a dense classifier.

    Examples
    --------
    >>> resnet_params()                         # ResNet-50
    25636712
    """
    blocks = _check_blocks(blocks)
    check_int("classes", classes, 1)
    check_int("input_channels", input_channels, 1)
    conv = lambda k, c_in, f: (k * k * c_in + 1) * f + batchnorm_count(f)  # noqa: E731
    total = conv(7, input_channels, 64)
    c = 64
    for s, n in enumerate(blocks):
        f = 64 * 2 ** s
        for b in range(n):
            if b == 0:
                total += conv(1, c, 4 * f)
            total += conv(1, c, f) + conv(3, f, f) + conv(1, f, 4 * f)
            c = 4 * f
    if include_top:
        total += (c + 1) * classes
    return total
