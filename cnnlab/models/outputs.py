"""What a model's output is: its width, logits or probabilities, and the loss that fits.

Examples
--------
>>> import keras
>>> m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
>>> output_units(m), output_is_probability(m), type(default_loss(m)).__name__
(1, True, 'BinaryCrossentropy')
"""
from __future__ import annotations

__all__ = ["default_loss", "output_is_probability", "output_units"]


def output_is_probability(model) -> bool:
    """Whether the model's last layer ends in a softmax or sigmoid (else it outputs logits)."""
    import keras

    layer = model.layers[-1] if getattr(model, "layers", None) else model
    while isinstance(layer, keras.Model) and layer.layers:   # nested sub-model
        layer = layer.layers[-1]
    if isinstance(layer, keras.layers.Softmax):
        return True
    activation = getattr(layer, "activation", None)
    name = getattr(activation, "__name__", "") or ""
    return name in ("softmax", "sigmoid", "log_softmax")


def output_units(model) -> int | None:
    """Size of the model's last axis of output, or None when the model is not built."""
    try:
        return int(model.outputs[0].shape[-1])
    except (AttributeError, IndexError, TypeError, ValueError):
        return None


def default_loss(model):
    """The loss ``fit`` uses when none is given.

    Sparse categorical cross-entropy for several output units, binary
    cross-entropy for one; ``from_logits`` unless the last layer applies
    softmax/sigmoid.

    Examples
    --------
    >>> import keras
    >>> m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5)])
    >>> loss = default_loss(m)
    >>> type(loss).__name__, loss.get_config()["from_logits"]
    ('SparseCategoricalCrossentropy', True)
    """
    import keras

    logits = not output_is_probability(model)
    if output_units(model) == 1:
        return keras.losses.BinaryCrossentropy(from_logits=logits)
    return keras.losses.SparseCategoricalCrossentropy(from_logits=logits)
