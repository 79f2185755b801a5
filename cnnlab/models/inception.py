"""Inception modules (GoogLeNet, Szegedy et al. 2014) and a small GoogLeNet.

:func:`inception_module` adds one module to a functional-API graph: four
branches on the same input (1×1; 1×1 → 3×3; 1×1 → 5×5; 3×3 max pool → 1×1),
each convolution stride 1, "same" padding and ReLU, concatenated along the
channels. :func:`mini_googlenet` stacks a few of them into a network small
enough to train on 32×32 images on a CPU. The arithmetic of a module (MACs,
parameters, output channels) is in :mod:`cnnlab.arith.inception`.

Examples
--------
>>> import keras
>>> x = keras.Input((28, 28, 192))
>>> y = inception_module(x, 64, 96, 128, 16, 32, 32, name="3a")
>>> tuple(y.shape)
(None, 28, 28, 256)
"""
from __future__ import annotations

import itertools

from cnnlab._validate import check_input_shape, check_int, check_number

_COUNTER = itertools.count(1)

#: Branch widths of the three modules of :func:`mini_googlenet`
#: (f1, f3_reduce, f3, f5_reduce, f5, pool_proj), GoogLeNet's 3a, 3b, 4a divided by 8.
MINI_MODULES = ((8, 12, 16, 2, 4, 4), (16, 16, 24, 4, 12, 8), (24, 12, 26, 2, 6, 8))


def inception_module(x, f1: int, f3_reduce: int, f3: int, f5_reduce: int, f5: int,
                     pool_proj: int, *, name: str | None = None,
                     kernel_initializer="glorot_uniform"):
    """Add an Inception module (with 1×1 bottlenecks) to a functional graph.

    Parameters
    ----------
    x : KerasTensor
        Input of shape ``(batch, H, W, C)``.
    f1 : int
        Filters of the 1×1 branch.
    f3_reduce, f3 : int
        1×1 reduction channels before the 3×3 convolution, and its filters.
    f5_reduce, f5 : int
        1×1 reduction channels before the 5×5 convolution, and its filters.
    pool_proj : int
        Filters of the 1×1 projection after 3×3 max pooling (stride 1, "same").
    name : str, optional
        Prefix of the layer names (``"<name>_1x1"``, ``"<name>_3x3_reduce"``,
        ``"<name>_3x3"``, ``"<name>_5x5_reduce"``, ``"<name>_5x5"``,
        ``"<name>_pool"``, ``"<name>_pool_proj"``, ``"<name>_concat"``);
        default ``"inception<k>"`` with a running number.
    kernel_initializer : str, optional
        Initialiser of the convolution kernels (default Keras' ``"glorot_uniform"``).

    Returns
    -------
    KerasTensor
        Shape ``(batch, H, W, f1 + f3 + f5 + pool_proj)``.

    See Also
    --------
    cnnlab.arith.inception.inception_cost : the same module's MACs and parameters.

    Examples
    --------
    >>> import keras
    >>> x = keras.Input((28, 28, 256))
    >>> y = inception_module(x, 128, 128, 192, 32, 96, 64, name="3b")
    >>> keras.Model(x, y).count_params()
    388736
    """
    from keras import layers

    for arg, value in (("f1", f1), ("f3_reduce", f3_reduce), ("f3", f3),
                       ("f5_reduce", f5_reduce), ("f5", f5), ("pool_proj", pool_proj)):
        check_int(arg, value, 1)
    if name is None:
        name = f"inception{next(_COUNTER)}"

    def conv(t, filters, kernel, suffix):
        return layers.Conv2D(filters, kernel, padding="same", activation="relu",
                             kernel_initializer=kernel_initializer, name=f"{name}_{suffix}")(t)

    b1 = conv(x, f1, 1, "1x1")
    b3 = conv(conv(x, f3_reduce, 1, "3x3_reduce"), f3, 3, "3x3")
    b5 = conv(conv(x, f5_reduce, 1, "5x5_reduce"), f5, 5, "5x5")
    bp = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    bp = conv(bp, pool_proj, 1, "pool_proj")
    return layers.Concatenate(axis=-1, name=f"{name}_concat")([b1, b3, b5, bp])


def mini_googlenet(input_shape=(32, 32, 3), classes: int = 10, *, stem_filters: int = 32,
                   modules=MINI_MODULES, aux_classifier: bool = False, dropout: float = 0.0,
                   kernel_initializer="he_normal"):
    """A small GoogLeNet: stem, a few Inception modules, global average pooling.

    Layout: ``stem_conv`` (3×3, ``stem_filters``) → ``stem_pool`` (2×2) →
    modules ``a``, ``b`` → ``pool2`` (2×2) → the remaining modules →
    global average pooling → (dropout) → softmax ``predictions``.
    Like GoogLeNet, there is no big dense layer: global average pooling
    hands one number per channel to the classifier.

    Parameters
    ----------
    input_shape : (int, int, int), optional
        Default ``(32, 32, 3)``; at least 4×4.
    classes : int, optional
        Default 10.
    stem_filters : int, optional
        Filters of the first convolution (default 32).
    modules : sequence of 6-tuples, optional
        Branch widths ``(f1, f3_reduce, f3, f5_reduce, f5, pool_proj)`` of each
        module; default :data:`MINI_MODULES` (GoogLeNet's 3a, 3b, 4a divided by 8).
    aux_classifier : bool, optional
        Add an auxiliary classifier after the second module (global average
        pooling → dense softmax named ``aux``) as a second output. During
        training its loss is added with a small weight (0.3 in GoogLeNet): it
        pushes gradient straight into the middle of the network and acts as a
        regulariser; at inference it is dropped.
    dropout : float, optional
        Dropout before the classifier (default 0.0).
    kernel_initializer : str, optional
        Initialiser of every convolution (default ``"he_normal"``, which
        suits ReLU layers and makes this GAP network start learning in the
        first epoch; Keras' default ``"glorot_uniform"`` takes a few epochs longer).

    Returns
    -------
    keras.Model
        One output ``predictions``, or ``[predictions, aux]`` with the
        auxiliary classifier.

    Examples
    --------
    >>> m = mini_googlenet((28, 28, 1), classes=10)
    >>> m.get_layer("b_concat").output.shape
    (None, 14, 14, 60)
    """
    import keras
    from keras import layers

    check_int("classes", classes, 1)
    check_int("stem_filters", stem_filters, 1)
    h, w, c = check_input_shape(input_shape)
    if min(h, w) < 4:
        raise ValueError("`input_shape` must be at least 4×4 (two 2×2 poolings). "
                         f"Received: input_shape={tuple(input_shape)!r}.")
    modules = [tuple(m) for m in modules]
    if not modules or any(len(m) != 6 for m in modules):
        raise ValueError("`modules` must be a non-empty list of 6-tuples "
                         "(f1, f3_reduce, f3, f5_reduce, f5, pool_proj). "
                         f"Received: modules={modules!r}.")
    check_number("dropout", dropout, 0, 1, high_open=True)
    if aux_classifier and len(modules) < 2:
        raise ValueError("`aux_classifier` needs at least two modules (it sits after the "
                         f"second). Received: modules={modules!r}.")

    inputs = keras.Input(shape=tuple(input_shape), name="input")
    x = layers.Conv2D(stem_filters, 3, padding="same", activation="relu",
                      kernel_initializer=kernel_initializer, name="stem_conv")(inputs)
    x = layers.MaxPooling2D(2, name="stem_pool")(x)
    aux = None
    for i, widths in enumerate(modules):
        if i == 2:
            x = layers.MaxPooling2D(2, name="pool2")(x)
        x = inception_module(x, *widths, name="abcdefghijklmnopqrstuvwxyz"[i],
                             kernel_initializer=kernel_initializer)
        if i == 1 and aux_classifier:
            a = layers.GlobalAveragePooling2D(name="aux_gap")(x)
            aux = layers.Dense(classes, activation="softmax", name="aux", dtype="float32")(a)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    if dropout:
        x = layers.Dropout(float(dropout), name="dropout")(x)
    outputs = layers.Dense(classes, activation="softmax", name="predictions",
                           dtype="float32")(x)
    if aux_classifier:
        return keras.Model(inputs, [outputs, aux], name="mini_googlenet_aux")
    return keras.Model(inputs, outputs, name="mini_googlenet")
