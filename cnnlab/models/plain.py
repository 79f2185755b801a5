"""``deep_plain_cnn``: a deep stack of same-size 3×3 convolutions, with or without batch norm.

The network of the batch-normalization lesson: nothing but ``depth``
convolutions (no pooling, no shortcuts), so what changes between two runs is
only batch normalization, the initialiser or the learning rate.

Examples
--------
>>> m = deep_plain_cnn((8, 8, 1), 10, depth=3, width=4, batch_norm=True)
>>> [layer.__class__.__name__ for layer in m.layers[1:4]]
['Conv2D', 'BatchNormalization', 'Activation']
"""
from __future__ import annotations

from cnnlab._validate import check_input_shape, check_int

__all__ = ["deep_plain_cnn"]


def deep_plain_cnn(input_shape, classes: int, depth: int = 8, width: int = 8,
                   batch_norm: bool = False, *, kernel_initializer="he_normal",
                   bn_momentum: float = 0.9, name: str | None = None):
    """``depth`` × [Conv2D 3×3 "same" → (BatchNormalization) → ReLU] → global average → softmax.

    Parameters
    ----------
    input_shape : (int, int, int)
        Image height, width, channels.
    classes : int
        Output units (softmax).
    depth : int, optional
        Number of convolutions (default 8).
    width : int, optional
        Filters of every convolution (default 8).
    batch_norm : bool, optional
        Batch normalization between each convolution and its ReLU (default
        False). The convolutions then have no bias: BN's beta replaces it.
    kernel_initializer : str or keras initializer, optional
        Of every convolution (default ``"he_normal"``).
    bn_momentum : float, optional
        Momentum of the moving statistics (default 0.9 instead of Keras' 0.99:
        short runs take a few hundred steps, and with 0.99 the moving averages
        would still remember their starting values 0 and 1).
    name : str, optional
        Default ``"plain<depth>_bn"`` or ``"plain<depth>"``.

    Returns
    -------
    keras.Model
        Layers ``conv<k>``, ``bn<k>``, ``relu<k>``, ``pool``, ``predictions``.

    Examples
    --------
    >>> deep_plain_cnn((8, 8, 1), 10, depth=2, width=4).count_params()
    238
    >>> deep_plain_cnn((8, 8, 1), 10, depth=2, width=4, batch_norm=True).count_params()
    262
    """
    import keras
    from keras import layers

    check_int("classes", classes, 1)
    check_int("depth", depth, 1)
    check_int("width", width, 1)
    shape = check_input_shape(input_shape)
    inputs = keras.Input(shape, name="images")
    x = inputs
    for k in range(1, depth + 1):
        x = layers.Conv2D(width, 3, padding="same", use_bias=not batch_norm,
                          kernel_initializer=kernel_initializer, name=f"conv{k}")(x)
        if batch_norm:
            x = layers.BatchNormalization(momentum=bn_momentum, name=f"bn{k}")(x)
        x = layers.Activation("relu", name=f"relu{k}")(x)
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = layers.Dense(classes, activation="softmax", name="predictions")(x)
    default = f"plain{depth}_bn" if batch_norm else f"plain{depth}"
    return keras.Model(inputs, outputs, name=name or default)
