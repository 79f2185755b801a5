"""Residual blocks (He et al. 2015), their plain twins, and plain/residual nets of any depth.

A residual block computes ``y = relu(F(x) + shortcut(x))``: the stacked
layers ``F`` only have to learn the *change* to their input. The shortcut is
the identity when ``F`` keeps the shape, and a 1×1 convolution with the
block's stride followed by batch normalisation (a *projection*) when it does
not. :func:`plain_block` is the same block without the shortcut, so
:func:`depth_net` can build plain and residual networks that differ in
nothing but the shortcuts.

Layer names follow ``keras.applications.ResNet50``: ``<name>_0_conv`` and
``<name>_0_bn`` on the shortcut, ``<name>_1_conv``, ``<name>_1_bn``,
``<name>_1_relu``, ``<name>_2_…``, ``<name>_3_…`` in the residual branch,
``<name>_add`` and ``<name>_out`` at the end. Like Keras' ResNet50 the
convolutions keep their biases by default (``use_bias=True``).

Examples
--------
>>> import keras
>>> x = keras.Input((56, 56, 64))
>>> y = residual_block(x, 64, bottleneck=True, name="conv2_block1")
>>> tuple(y.shape), keras.Model(x, y).count_params()
((None, 56, 56, 256), 76928)
"""
from __future__ import annotations

import itertools

from cnnlab._validate import check_input_shape, check_int

_COUNTER = itertools.count(1)

#: BatchNormalization epsilon used by keras.applications' ResNets and DenseNets
BN_EPSILON = 1.001e-5

#: BatchNormalization momentum of the small CPU-trainable nets (:func:`depth_net`,
#: ``mini_densenet``): with Keras' default 0.99 the moving statistics are still far
#: from the data's after the few hundred steps of a lesson, and inference-mode
#: accuracy stays near chance while training accuracy is high.
SMALL_NET_BN_MOMENTUM = 0.9


def _block_args(filters, stride, name, prefix):
    check_int("filters", filters, 1)
    check_int("stride", stride, 1)
    return name if name is not None else f"{prefix}{next(_COUNTER)}"


def _branch(x, filters, stride, bottleneck, batchnorm, use_bias, name, last_relu,
            momentum):
    """The stacked layers F(x) of a (residual or plain) block."""
    from keras import layers

    if bottleneck:   # 1x1 (stride) -> 3x3 -> 1x1 (4 * filters), as in Keras' ResNet50
        specs = [(filters, 1, stride), (filters, 3, 1), (4 * filters, 1, 1)]
    else:            # 3x3 (stride) -> 3x3
        specs = [(filters, 3, stride), (filters, 3, 1)]
    for i, (width, kernel, step) in enumerate(specs, start=1):
        x = layers.Conv2D(width, kernel, strides=step, padding="same", use_bias=use_bias,
                          name=f"{name}_{i}_conv")(x)
        if batchnorm:
            x = layers.BatchNormalization(momentum=momentum, epsilon=BN_EPSILON,
                                          name=f"{name}_{i}_bn")(x)
        if i < len(specs) or last_relu:
            x = layers.Activation("relu", name=f"{name}_{i}_relu" if i < len(specs)
                                  else f"{name}_out")(x)
    return x


def residual_block(x, filters: int, stride: int = 1, bottleneck: bool = False, *,
                   batchnorm: bool = True, use_bias: bool = True, bn_momentum: float = 0.99,
                   name: str | None = None):
    """Add a residual block ``relu(F(x) + shortcut(x))`` to a functional graph.

    Parameters
    ----------
    x : KerasTensor
        Input of shape ``(batch, H, W, C)``.
    filters : int
        Width of the block. Basic block: both 3×3 convolutions have ``filters``
        channels, so the output has ``filters``. Bottleneck block: 1×1
        (``filters``) → 3×3 (``filters``) → 1×1 (``4 * filters``), so the
        output has ``4 * filters`` (ResNet-50's first block: 64 → 64 → 256).
    stride : int, optional
        Stride of the block's first convolution (default 1); 2 halves H and W.
    bottleneck : bool, optional
        Basic block (default, ResNet-18/34) or bottleneck block (ResNet-50/101/152).
    batchnorm : bool, optional
        Batch normalisation after every convolution (default True).
    use_bias : bool, optional
        Biases in the convolutions (default True, as in Keras' ResNet50).
    bn_momentum : float, optional
        Momentum of the batch-norm moving statistics (default 0.99, Keras').
    name : str, optional
        Prefix of the layer names (default ``"res<k>"`` with a running number).

    Returns
    -------
    KerasTensor
        ``(batch, ceil(H / stride), ceil(W / stride), out)`` with ``out`` =
        ``filters`` (basic) or ``4 * filters`` (bottleneck).

    Notes
    -----
    The shortcut is the identity when the shape is unchanged (``stride == 1``
    and ``C == out``); otherwise it is a projection: a 1×1 convolution with
    stride ``stride`` to ``out`` channels, then batch normalisation (option B
    of the paper). If the last layer of ``F`` outputs zeros, the block computes
    ``relu(x)``, which is ``x`` itself after a ReLU: a block can always fall
    back to the identity.

    See Also
    --------
    plain_block : the same layers without the shortcut.

    Examples
    --------
    >>> import keras
    >>> x = keras.Input((32, 32, 16))
    >>> tuple(residual_block(x, 32, stride=2, name="down").shape)
    (None, 16, 16, 32)
    """
    from keras import layers

    name = _block_args(filters, stride, name, "res")
    out = 4 * filters if bottleneck else filters
    branch = _branch(x, filters, stride, bottleneck, batchnorm, use_bias, name,
                     last_relu=False, momentum=bn_momentum)
    if stride != 1 or x.shape[-1] != out:
        shortcut = layers.Conv2D(out, 1, strides=stride, use_bias=use_bias,
                                 name=f"{name}_0_conv")(x)
        if batchnorm:
            shortcut = layers.BatchNormalization(momentum=bn_momentum, epsilon=BN_EPSILON,
                                                 name=f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    y = layers.Add(name=f"{name}_add")([shortcut, branch])
    return layers.Activation("relu", name=f"{name}_out")(y)


def plain_block(x, filters: int, stride: int = 1, bottleneck: bool = False, *,
                batchnorm: bool = True, use_bias: bool = True, bn_momentum: float = 0.99,
                name: str | None = None):
    """Add the layers of :func:`residual_block` without the shortcut.

    ``relu(F(x))`` with the same convolutions, batch normalisation and final
    ReLU (named ``<name>_out``) as the residual block, so a plain network and
    a residual network built from these blocks differ only in the shortcuts
    (and the 1×1 projections those need).

    Parameters
    ----------
    x : KerasTensor
        Input of shape ``(batch, H, W, C)``.
    filters, stride, bottleneck, batchnorm, use_bias, bn_momentum, name
        As in :func:`residual_block` (default name ``"plain<k>"``).

    Returns
    -------
    KerasTensor

    Examples
    --------
    >>> import keras
    >>> x = keras.Input((8, 8, 16))
    >>> keras.Model(x, plain_block(x, 16, batchnorm=False)).count_params()
    4640
    """
    name = _block_args(filters, stride, name, "plain")
    return _branch(x, filters, stride, bottleneck, batchnorm, use_bias, name, last_relu=True,
                   momentum=bn_momentum)


def depth_net(depth: int, residual: bool = True, input_shape=(32, 32, 3), classes: int = 10,
              width: int = 16, batchnorm: bool = True):
    """A CIFAR-style plain or residual network with ``depth`` weighted layers.

    Layout (He et al. 2015, section 4.2): a 3×3 convolution with ``width``
    filters, then three stages of ``n`` basic blocks with ``width``,
    ``2 * width`` and ``4 * width`` filters (the first block of stages 2 and 3
    has stride 2), global average pooling and a softmax ``Dense`` layer.
    Where the shape changes, the shortcut is a 1×1 projection (the paper's
    option B); the paper's CIFAR nets used parameter-free zero-padding
    shortcuts there (option A). ``depth = 6 n + 2`` counts the convolutions on the main path and the
    classifier (the 1×1 projections of the residual net are not counted):
    8, 14, 20, 26, 32, 44, 56, 110 …

    Parameters
    ----------
    depth : int
        Number of weighted layers, ``6 n + 2`` with ``n >= 1``.
    residual : bool, optional
        Residual blocks (default) or plain blocks; nothing else changes.
    input_shape : (int, int, int), optional
        Default ``(32, 32, 3)``.
    classes : int, optional
        Default 10.
    width : int, optional
        Filters of the first stage (default 16, as in the paper).
    batchnorm : bool, optional
        Batch normalisation after every convolution (default True). Without
        it a deep *plain* net stops learning at Keras' default
        initialisation, while the residual net still trains. The batch-norm
        momentum is :data:`SMALL_NET_BN_MOMENTUM` (0.9), suited to short runs.

    Returns
    -------
    keras.Model
        Named ``"resnet<depth>"`` or ``"plain<depth>"``; blocks are named
        ``stage<s>_block<b>``, the classifier ``predictions``.

    Examples
    --------
    >>> m = depth_net(20, residual=True)
    >>> m.name, m.output_shape, m.get_layer("stage3_block3_out").output.shape
    ('resnet20', (None, 10), (None, 8, 8, 64))
    """
    import keras
    from keras import layers

    check_int("depth", depth, 8)
    if (depth - 2) % 6:
        raise ValueError("`depth` must be 6 n + 2 (8, 14, 20, 26, 32, 44, 56, ...). "
                         f"Received: depth={depth!r}.")
    check_int("classes", classes, 1)
    check_int("width", width, 1)
    shape = check_input_shape(input_shape)
    n = (depth - 2) // 6
    block = residual_block if residual else plain_block
    inputs = keras.Input(shape, name="input")
    x = layers.Conv2D(width, 3, padding="same", name="stem_conv")(inputs)
    if batchnorm:
        x = layers.BatchNormalization(momentum=SMALL_NET_BN_MOMENTUM, epsilon=BN_EPSILON,
                                      name="stem_bn")(x)
    x = layers.Activation("relu", name="stem_relu")(x)
    for stage in range(3):
        for b in range(n):
            stride = 2 if stage > 0 and b == 0 else 1
            x = block(x, width * 2 ** stage, stride, batchnorm=batchnorm,
                      bn_momentum=SMALL_NET_BN_MOMENTUM, name=f"stage{stage + 1}_block{b + 1}")
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(classes, activation="softmax", name="predictions",
                           dtype="float32")(x)
    return keras.Model(inputs, outputs, name=f"{'resnet' if residual else 'plain'}{depth}")
