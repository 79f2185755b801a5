"""The NumPy network of :mod:`cnnlab.scratch` side by side with its Keras twin.

:func:`compare_with_keras` measures, for one batch, how far the NumPy network
and ``net.to_keras()`` are apart: logits, loss, every gradient (TensorFlow's
``GradientTape``) and the weights after one Adam step
(``keras.optimizers.Adam`` against :class:`cnnlab.scratch.Adam`, fed the same
gradients). :func:`training_speed` times training images per second of both.
TensorFlow is imported inside the functions.
"""
from __future__ import annotations

import copy
import time

import numpy as np

__all__ = ["keras_loss_and_grads", "compare_with_keras", "training_speed"]


def _check_net(net):
    from cnnlab.scratch import Dropout, Sequential

    if not isinstance(net, Sequential):
        raise ValueError("`net` must be a cnnlab.scratch.Sequential. "
                         f"Received: net={type(net).__name__}.")
    if any(isinstance(layer, Dropout) and layer.rate > 0 for layer in net.layers):
        raise ValueError("`net` must have no active Dropout layer: NumPy and Keras draw "
                         "different random masks. Received: a network with Dropout.")


def keras_loss_and_grads(model, x, y):
    """Mean sparse categorical cross-entropy (from logits) of a Keras model and its
    gradients with respect to ``model.trainable_variables`` (``tf.GradientTape``).

    Returns
    -------
    loss : float
    grads : list of ndarray
    """
    import keras
    import tensorflow as tf

    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    return float(loss), [np.asarray(g) for g in grads]


def compare_with_keras(net, x, y, learning_rate: float = 0.001) -> dict:
    """Largest absolute differences between ``net`` and ``net.to_keras()`` on one batch.

    Parameters
    ----------
    net : cnnlab.scratch.Sequential
        Without active dropout (the two would draw different masks).
    x, y : ndarray
        A batch of images and integer labels.
    learning_rate : float, optional
        Of the Adam step compared (default 0.001).

    Returns
    -------
    dict
        ``"logits"``, ``"loss"``, ``"gradients"`` (largest over all variables) and
        ``"weights after one Adam step"``: max |NumPy − Keras|; and
        ``"largest gradient"``, the scale the gradient difference is read against.
        ``net`` itself is not changed.
    """
    import keras

    from cnnlab.scratch import Adam

    _check_net(net)
    net = copy.deepcopy(net)
    model = net.to_keras()
    x = np.asarray(x, dtype=net.dtype)
    logits = net.forward(x)
    keras_logits = np.asarray(model(x, training=False))
    loss, grads = net.loss_and_grads(x, y)
    keras_loss, keras_grads = keras_loss_and_grads(model, x, y)
    grads = [g.copy() for g in grads]
    Adam(learning_rate).apply(grads, net.params)
    keras.optimizers.Adam(learning_rate).apply(
        [keras.ops.convert_to_tensor(g) for g in grads], model.trainable_variables)
    after = [np.asarray(v) for v in model.trainable_variables]
    return {
        "logits": float(np.abs(logits - keras_logits).max()),
        "loss": abs(loss - keras_loss),
        "gradients": max(float(np.abs(a - b).max()) for a, b in zip(grads, keras_grads)),
        "largest gradient": max(float(np.abs(g).max()) for g in keras_grads),
        "weights after one Adam step": max(float(np.abs(a - b).max())
                                           for a, b in zip(net.params, after)),
    }


def training_speed(net, x, y, batch_size: int = 32, epochs: int = 1) -> dict:
    """Training images per second of ``net`` (NumPy) and of ``net.to_keras()``.

    Both train on copies (``net`` is not changed) with Adam and mean sparse
    cross-entropy, batch ``batch_size``, for ``epochs`` passes over ``x``;
    Keras runs one warm-up epoch first (graph tracing), NumPy a warm-up batch.

    Returns
    -------
    dict
        ``"NumPy images/s"``, ``"Keras images/s"`` and ``"NumPy / Keras"``.
    """
    import keras

    from cnnlab.scratch import Adam

    _check_net(net)
    x = np.asarray(x, dtype=net.dtype)
    y = np.asarray(y)
    ours = copy.deepcopy(net)
    ours.fit(x[:batch_size], y[:batch_size], epochs=1, batch_size=batch_size,
             optimizer=Adam(), verbose=False)
    start = time.perf_counter()
    ours.fit(x, y, epochs=epochs, batch_size=batch_size, optimizer=Adam(), verbose=False)
    numpy_rate = epochs * len(x) / (time.perf_counter() - start)
    model = net.to_keras()
    model.compile(optimizer=keras.optimizers.Adam(),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0)
    keras_rate = epochs * len(x) / (time.perf_counter() - start)
    return {"NumPy images/s": round(numpy_rate), "Keras images/s": round(keras_rate),
            "NumPy / Keras": round(numpy_rate / keras_rate, 2)}
