"""The classic small binary convnet for two classes of photos (cats vs dogs).

Four 3×3 convolutions (32, 64, 128, 128 filters, ReLU, "valid"), each followed
by 2×2 max pooling, then Flatten, Dropout 0.5, Dense 512 (ReLU) and one
sigmoid unit: the probability of the second class. Trained with binary
cross-entropy and RMSprop (learning rate 1e-4) in the classic recipe. On
150×150×3 inputs it has 3,453,121 parameters, 3.2 M of them in the dense layer
after Flatten (7·7·128 = 6,272 inputs × 512).

Examples
--------
>>> binary_convnet((150, 150, 3)).count_params()
3453121
"""
from __future__ import annotations

from cnnlab._validate import check_input_shape, check_int


def _smallest_side(blocks: int = 4) -> int:
    """Smallest input side for which ``blocks`` conv3 + pool2 leave >= 1 pixel."""
    side = 1
    for _ in range(blocks):
        side = 2 * side + 2
    return side


MIN_SIDE = _smallest_side()


def binary_convnet(input_shape=(150, 150, 3), *, filters=(32, 64, 128, 128),
                   dense: int = 512, dropout: float = 0.5, rescale: float | None = 1 / 255,
                   name: str = "binary_convnet"):
    """Build the binary convnet for any input size (uncompiled).

    Parameters
    ----------
    input_shape : (int, int, int), optional
        ``(height, width, channels)``; each side at least :data:`MIN_SIDE` (46).
    filters : sequence of int, optional
        Filters of the four conv + pool blocks.
    dense : int, optional
        Units of the hidden dense layer.
    dropout : float, optional
        Rate of the dropout after Flatten.
    rescale : float or None, optional
        A ``Rescaling`` layer first (default 1/255): the model takes 0–255
        pixels as ``image_dataset_from_directory`` gives them, and a saved
        model carries its own preprocessing. No parameters.
    name : str, optional

    Returns
    -------
    keras.Model
        Output: one sigmoid unit, P(class 1). Compile it with
        ``loss="binary_crossentropy"``.

    Examples
    --------
    >>> m = binary_convnet((64, 64, 3))
    >>> m.output_shape, m.layers[-1].activation.__name__
    ((None, 1), 'sigmoid')
    """
    import keras
    from keras import layers

    from cnnlab.models.classic import _check_rate

    shape = check_input_shape(input_shape)
    filters = tuple(check_int("filters", f, 1) for f in filters)
    check_int("dense", dense, 1)
    _check_rate("dropout", dropout)
    need = _smallest_side(len(filters))
    if min(shape[:2]) < need:
        raise ValueError(f"`input_shape` must be at least {need}x{need} for "
                         f"{len(filters)} conv3 + pool2 blocks. Received: "
                         f"input_shape={tuple(input_shape)!r}.")
    inputs = keras.Input(shape, name="images")
    x = layers.Rescaling(rescale, name="rescale")(inputs) if rescale else inputs
    for i, f in enumerate(filters, start=1):
        x = layers.Conv2D(f, 3, activation="relu", name=f"conv{i}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{i}")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    x = layers.Dense(dense, activation="relu", name="dense")(x)
    outputs = layers.Dense(1, activation="sigmoid", name="probability")(x)
    return keras.Model(inputs, outputs, name=name)
