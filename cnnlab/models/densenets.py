"""Dense blocks, transition layers and DenseNets (Huang et al. 2017).

Inside a dense block each layer receives the feature maps of *all* layers
before it, joined by concatenation (not summed, as in a ResNet), and adds
``growth_rate`` (``k``) new ones. A DenseNet-BC layer is
BN-ReLU-Conv(1×1, 4k)-BN-ReLU-Conv(3×3, k); a transition layer between
blocks is BN-ReLU-Conv(1×1, ⌊θ·C⌋)-AveragePooling(2×2), with compression
θ = 0.5. Layer names and parameter counts follow
``keras.applications.DenseNet121``; the arithmetic is in
:mod:`cnnlab.arith.densenet`.

Examples
--------
>>> import keras
>>> x = keras.Input((56, 56, 64))
>>> y = dense_block(x, 6, 32, name="conv2")
>>> tuple(y.shape), tuple(transition_block(y, name="pool2").shape)
((None, 56, 56, 256), (None, 28, 28, 128))
"""
from __future__ import annotations

import itertools

from cnnlab._validate import check_input_shape, check_int
from cnnlab.arith.densenet import _check_blocks, _check_compression, transition_channels
from cnnlab.models.resnet import BN_EPSILON, SMALL_NET_BN_MOMENTUM

_COUNTER = itertools.count(1)


def _bn_relu(x, name, momentum=0.99):
    from keras import layers

    x = layers.BatchNormalization(momentum=momentum, epsilon=BN_EPSILON, name=f"{name}_bn")(x)
    return layers.Activation("relu", name=f"{name}_relu")(x)


def dense_block(x, num_layers: int, growth_rate: int, bottleneck: bool = True, *,
                bn_momentum: float = 0.99, name: str | None = None):
    """Add a dense block of ``num_layers`` layers to a functional graph.

    Parameters
    ----------
    x : KerasTensor
        Input of shape ``(batch, H, W, k0)``.
    num_layers : int
        Layers ``L`` in the block.
    growth_rate : int
        ``k``: feature maps each layer adds.
    bottleneck : bool, optional
        Layers BN-ReLU-Conv(1×1, 4k)-BN-ReLU-Conv(3×3, k) (default, DenseNet-B)
        or BN-ReLU-Conv(3×3, k).
    bn_momentum : float, optional
        Momentum of the batch-norm moving statistics (default 0.99, Keras').
    name : str, optional
        Prefix of the layer names (default ``"dense<n>"``); layer ``l`` is
        ``<name>_block<l>`` with ``_0_bn``, ``_0_relu``, ``_1_conv``, ``_1_bn``,
        ``_1_relu``, ``_2_conv`` and ``_concat`` as in Keras' DenseNet121.

    Returns
    -------
    KerasTensor
        ``(batch, H, W, k0 + L · k)``: the block input and every layer's new
        maps, concatenated.

    Examples
    --------
    >>> import keras
    >>> x = keras.Input((8, 8, 24))
    >>> y = dense_block(x, 4, 12, bottleneck=False)
    >>> [int(keras.Model(x, y).get_layer(n).output.shape[-1]) for n in
    ...  [l.name for l in keras.Model(x, y).layers if l.name.endswith("_concat")]]
    [36, 48, 60, 72]
    """
    from keras import layers

    check_int("num_layers", num_layers, 1)
    check_int("growth_rate", growth_rate, 1)
    if name is None:
        name = f"dense{next(_COUNTER)}"
    for i in range(1, num_layers + 1):
        prefix = f"{name}_block{i}"
        h = _bn_relu(x, f"{prefix}_0", bn_momentum)
        if bottleneck:
            h = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{prefix}_1_conv")(h)
            h = _bn_relu(h, f"{prefix}_1", bn_momentum)
        h = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False,
                          name=f"{prefix}_2_conv")(h)
        x = layers.Concatenate(axis=-1, name=f"{prefix}_concat")([x, h])
    return x


def transition_block(x, compression: float = 0.5, *, bn_momentum: float = 0.99,
                     name: str | None = None):
    """Add a transition layer: BN-ReLU-Conv(1×1, ⌊θ·C⌋)-AveragePooling(2×2, stride 2).

    Parameters
    ----------
    x : KerasTensor
        Input of shape ``(batch, H, W, C)``.
    compression : float, optional
        ``θ`` in (0, 1] (default 0.5): the transition keeps ``int(θ · C)``
        channels.
    bn_momentum : float, optional
        Momentum of the batch-norm moving statistics (default 0.99, Keras').
    name : str, optional
        Prefix of the layer names (default ``"transition<n>"``): ``_bn``,
        ``_relu``, ``_conv``, ``_pool``.

    Returns
    -------
    KerasTensor
        ``(batch, H // 2, W // 2, ⌊θ·C⌋)``.

    Examples
    --------
    >>> import keras
    >>> tuple(transition_block(keras.Input((28, 28, 512))).shape)
    (None, 14, 14, 256)
    """
    from keras import layers

    out = transition_channels(int(x.shape[-1]), compression)
    if name is None:
        name = f"transition{next(_COUNTER)}"
    x = _bn_relu(x, name, bn_momentum)
    x = layers.Conv2D(out, 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def _body(x, blocks, growth_rate, compression, bottleneck, momentum):
    for i, n in enumerate(blocks):
        if i:
            x = transition_block(x, compression, bn_momentum=momentum, name=f"pool{i + 1}")
        x = dense_block(x, n, growth_rate, bottleneck, bn_momentum=momentum, name=f"conv{i + 2}")
    return x


def _top(x, classes, include_top, momentum=0.99):
    from keras import layers

    x = layers.BatchNormalization(momentum=momentum, epsilon=BN_EPSILON, name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(classes, activation="softmax", name="predictions",
                         dtype="float32")(x)
    return x


def densenet(blocks=(6, 12, 24, 16), growth_rate: int = 32, input_shape=(224, 224, 3),
             classes: int = 1000, include_top: bool = True, *, stem_filters: int | None = None,
             compression: float = 0.5, bottleneck: bool = True):
    """An ImageNet DenseNet-BC; the default is DenseNet-121 (8,062,504 parameters).

    Layout as ``keras.applications.DenseNet121``: 7×7 stride-2 convolution
    (``stem_filters``), BN, ReLU, 3×3 stride-2 max pooling; dense blocks
    ``conv2 … conv<n+1>`` with transitions ``pool2 …`` between them; final BN
    and ReLU; global average pooling and a softmax classifier.

    Parameters
    ----------
    blocks : sequence of int, optional
        Layers per dense block: (6, 12, 24, 16) DenseNet-121 (default),
        (6, 12, 32, 32) -169, (6, 12, 48, 32) -201, (6, 12, 64, 48) -264
        (:data:`cnnlab.arith.densenet.DENSENET_BLOCKS`).
    growth_rate : int, optional
        ``k`` (default 32).
    input_shape : (int, int, int), optional
        Default ``(224, 224, 3)``.
    classes : int, optional
        Default 1000.
    include_top : bool, optional
        Add pooling and the classifier (default True); otherwise the model
        ends with the final BN-ReLU feature maps.
    stem_filters : int, optional
        Channels entering the first block (default ``2 k`` = 64).
    compression : float, optional
        ``θ`` of the transitions (default 0.5).
    bottleneck : bool, optional
        1×1 bottlenecks in the dense layers (default True).

    Returns
    -------
    keras.Model

    See Also
    --------
    cnnlab.arith.densenet.densenet_cost : the same network's arithmetic.

    Examples
    --------
    >>> densenet().count_params()
    8062504
    """
    import keras
    from keras import layers

    blocks = _check_blocks(blocks)
    check_int("growth_rate", growth_rate, 1)
    check_int("classes", classes, 1)
    _check_compression(compression)
    k0 = 2 * growth_rate if stem_filters is None else check_int("stem_filters", stem_filters, 1)
    inputs = keras.Input(check_input_shape(input_shape), name="input")
    x = layers.ZeroPadding2D(3, name="conv1_pad")(inputs)
    x = layers.Conv2D(k0, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _bn_relu(x, "conv1")
    x = layers.ZeroPadding2D(1, name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = _body(x, blocks, growth_rate, compression, bottleneck, 0.99)
    depth = 2 + 2 * sum(blocks) + len(blocks) - 1 if bottleneck else None
    label = f"densenet{depth}" if depth else "densenet"
    return keras.Model(inputs, _top(x, classes, include_top), name=label)


def mini_densenet(input_shape=(32, 32, 3), classes: int = 10, blocks=(4, 4, 4),
                  growth_rate: int = 12, *, stem_filters: int | None = None,
                  compression: float = 0.5, bottleneck: bool = True):
    """A small DenseNet-BC for small images (CIFAR-style, trainable on a CPU).

    A 3×3 stride-1 convolution (``stem_filters``, no bias), dense blocks
    ``conv2, conv3, …`` with transitions ``pool2, …`` between them, final BN
    and ReLU, global average pooling and a softmax classifier ``predictions``.
    Batch norm uses momentum 0.9
    (:data:`cnnlab.models.resnet.SMALL_NET_BN_MOMENTUM`), suited to short runs.

    Parameters
    ----------
    input_shape : (int, int, int), optional
        Default ``(32, 32, 3)``; each transition halves H and W.
    classes : int, optional
        Default 10.
    blocks : sequence of int, optional
        Layers per dense block (default ``(4, 4, 4)``).
    growth_rate : int, optional
        ``k`` (default 12, the paper's CIFAR value).
    stem_filters, compression, bottleneck
        As in :func:`densenet` (stem default ``2 k``).

    Returns
    -------
    keras.Model
        Named ``"mini_densenet"``.

    Examples
    --------
    >>> m = mini_densenet((16, 16, 1), classes=10)
    >>> m.get_layer("conv4_block4_concat").output.shape, m.count_params()
    ((None, 4, 4, 90), 105190)
    """
    import keras
    from keras import layers

    blocks = _check_blocks(blocks)
    check_int("growth_rate", growth_rate, 1)
    check_int("classes", classes, 1)
    _check_compression(compression)
    shape = check_input_shape(input_shape)
    if min(shape[:2]) < 2 ** (len(blocks) - 1):
        raise ValueError(f"`input_shape` is too small for {len(blocks)} blocks: each "
                         f"transition halves it. Received: input_shape={input_shape!r}.")
    k0 = 2 * growth_rate if stem_filters is None else check_int("stem_filters", stem_filters, 1)
    inputs = keras.Input(shape, name="input")
    x = layers.Conv2D(k0, 3, padding="same", use_bias=False, name="conv1_conv")(inputs)
    x = _body(x, blocks, growth_rate, compression, bottleneck, SMALL_NET_BN_MOMENTUM)
    return keras.Model(inputs, _top(x, classes, True, SMALL_NET_BN_MOMENTUM),
                       name="mini_densenet")
