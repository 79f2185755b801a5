"""Model-parameter randomisation, the sanity check of Adebayo et al. (2018).

"Sanity Checks for Saliency Maps" (NeurIPS 2018) re-initialises a trained
network's weights, either all at once or *cascading* from the output layer
down to the input, and compares the explanations: a method whose maps barely
change when the weights that produced the prediction are gone explains the
image (edges, bright regions), not the model.
"""
from __future__ import annotations

import numpy as np


def weight_layers(model) -> list[str]:
    """Names of the layers that hold weights, input to output.

    Examples
    --------
    >>> import keras
    >>> m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="a"),
    ...                       keras.layers.Dropout(0.1), keras.layers.Dense(1, name="b")])
    >>> weight_layers(m)
    ['a', 'b']
    """
    return [layer.name for layer in model.layers if layer.weights]


def randomize(model, layers=None, seed: int = 0):
    """A copy of ``model`` whose ``layers`` are re-initialised (the rest keep their weights).

    Parameters
    ----------
    model : keras.Model
        A trained functional or Sequential model (it is not changed).
    layers : sequence of str or int, optional
        Names of the layers to randomise (default: every layer with weights);
        an int ``k`` randomises the top ``k`` weight layers (one step of the
        cascading randomisation).
    seed : int, optional
        Seeds the fresh initialisation (default 0).

    Returns
    -------
    keras.Model
        A clone with the layers' initialisers drawn anew.

    Examples
    --------
    >>> import keras
    >>> m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="a"),
    ...                       keras.layers.Dense(1, name="b")])
    >>> r = randomize(m, 1)                  # only the top layer "b"
    >>> bool(np.array_equal(r.get_layer("a").get_weights()[0], m.get_layer("a").get_weights()[0]))
    True
    >>> bool(np.array_equal(r.get_layer("b").get_weights()[0], m.get_layer("b").get_weights()[0]))
    False
    """
    import keras

    from cnnlab import _validate

    names = weight_layers(model)
    if layers is None:
        chosen = set(names)
    elif isinstance(layers, (int, np.integer)) and not isinstance(layers, bool):
        _validate.check_int("layers", int(layers), 0)
        chosen = set(names[len(names) - int(layers):]) if layers else set()
    else:
        chosen = set(layers)
        unknown = sorted(chosen - set(names))
        if unknown:
            raise ValueError(f"`layers` must name layers with weights, among {names}. "
                             f"Received: layers={list(layers)!r}.")
    _validate.check_int("seed", seed, 0)
    keras.utils.set_random_seed(seed)
    clone = keras.models.clone_model(model)
    for layer in model.layers:
        if layer.weights and layer.name not in chosen:
            clone.get_layer(layer.name).set_weights(layer.get_weights())
    return clone
