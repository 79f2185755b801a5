"""``gradient_norms``: how large the loss gradient is at each layer (one backward pass).

Used by the residual-connections lesson: at initialisation the gradient norm
of a deep plain network shrinks (or explodes) from the output back to the input,
while a residual network keeps it roughly level.

Examples
--------
>>> import keras, numpy as np
>>> keras.utils.set_random_seed(0)
>>> model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Conv2D(2, 3, name="conv"),
...                           keras.layers.Flatten(), keras.layers.Dense(3, name="out")])
>>> norms = gradient_norms(model, np.ones((2, 4, 4, 1), "float32"), [0, 2])
>>> list(norms), all(v > 0 for v in norms.values())
(['conv', 'out'], True)
"""
from __future__ import annotations

import numpy as np

# re-exported: what a model's output is decides the default loss (cnnlab.models.outputs)
from cnnlab.models.outputs import default_loss, output_is_probability, output_units  # noqa: F401

__all__ = ["gradient_norms", "default_loss", "output_is_probability"]

_KERNEL_ATTRS = ("kernel", "depthwise_kernel", "pointwise_kernel")


def _kernel_layers(model):
    """(name, kernel variable) pairs, input to output, looking inside nested models."""
    import keras

    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found.extend(_kernel_layers(layer))
            continue
        for attr in _KERNEL_ATTRS:
            var = getattr(layer, attr, None)
            if var is not None and hasattr(var, "shape"):
                key = layer.name if attr == "kernel" else f"{layer.name}/{attr}"
                found.append((key, var))
    return found


def gradient_norms(model, x, y, loss=None, training: bool = True) -> dict[str, float]:
    """Per-layer L2 norm of the loss gradient with respect to each layer's kernel.

    One forward and one backward pass on the batch ``(x, y)``; nothing is
    updated (batch-norm moving statistics are restored afterwards).

    Parameters
    ----------
    model : keras.Model
        A built model.
    x : array_like
        A batch of inputs.
    y : array_like of int
        Integer labels for the batch.
    loss : keras loss or callable, optional
        ``loss(y_true, y_pred)``; default as in :func:`cnnlab.train.fit`
        (sparse categorical cross-entropy, from logits unless the last layer
        has a softmax).
    training : bool, optional
        Run the forward pass in training mode (default True, as in a real
        training step: batch statistics in batch norm, dropout on).

    Returns
    -------
    dict of str to float
        Layer name → ``||dL/dW||_2``, ordered from input to output. Layers with
        several kernels (separable convolutions) get ``"name/depthwise_kernel"``
        style keys. Biases and batch-norm scales are left out.

    Examples
    --------
    >>> import keras, numpy as np
    >>> m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, name="d")])
    >>> m.layers[0].set_weights([np.zeros((2, 2)), np.zeros(2)])
    >>> norms = gradient_norms(m, np.array([[3.0, 4.0]]), [0])
    >>> round(norms["d"], 4)                     # |x| * |softmax - onehot| = 5 * sqrt(0.5)
    3.5355
    """
    import keras
    import tensorflow as tf

    if not getattr(model, "built", False):
        raise ValueError("`model` must be built (give it an Input or call it once). "
                         f"Received: model={model.name!r} (not built).")
    kernels = _kernel_layers(model)
    if not kernels:
        raise ValueError("`model` must have at least one layer with a kernel "
                         f"(Conv or Dense). Received: model={model.name!r}.")
    loss_fn = default_loss(model) if loss is None else keras.losses.get(loss)
    x = tf.convert_to_tensor(np.asarray(x), dtype=tf.float32)
    y = tf.convert_to_tensor(np.asarray(y))
    saved = [v.numpy() for v in model.non_trainable_variables]
    variables = [v for _, v in kernels]
    with tf.GradientTape() as tape:
        pred = model(x, training=training)
        value = loss_fn(y, tf.cast(pred, tf.float32))
    grads = tape.gradient(value, variables)
    for v, old in zip(model.non_trainable_variables, saved):
        v.assign(old)
    return {name: (float(tf.norm(tf.cast(g, tf.float32))) if g is not None else 0.0)
            for (name, _), g in zip(kernels, grads)}
