"""The TensorFlow part of :mod:`cnnlab.explain`: every ``tf.GradientTape`` lives here.

Both functions differentiate the *class score* -- the input of the final
softmax (the logit), as Grad-CAM's paper does -- rather than the probability,
whose gradient vanishes once the network is confident. A last layer with a
softmax activation is called without it for the time of the gradient; a
separate ``Softmax``/``Activation("softmax")`` layer is skipped.
"""
from __future__ import annotations

import contextlib

import numpy as np


def _is_softmax(fn) -> bool:
    import keras

    return fn is keras.activations.softmax or getattr(fn, "__name__", "") == "softmax"


@contextlib.contextmanager
def _logits(model):
    """Yield ``(inputs, score_tensor_source)``: the model's last layer without softmax."""
    import keras

    last = model.layers[-1]
    if isinstance(last, keras.layers.Softmax) or (
            isinstance(last, keras.layers.Activation) and _is_softmax(last.activation)):
        yield last.input
        return
    saved = getattr(last, "activation", None)
    if saved is not None and _is_softmax(saved):
        last.activation = keras.activations.linear
        try:
            yield model.outputs[0]
        finally:
            last.activation = saved
    else:
        yield model.outputs[0]


def _class_column(scores, class_index):
    """Pick one column per row; ``None`` picks the highest score (the prediction)."""
    import tensorflow as tf

    if class_index is None:
        class_index = tf.argmax(scores, axis=-1)
    idx = tf.cast(class_index, tf.int32)
    return tf.gather(scores, idx, axis=1, batch_dims=1), idx


def class_gradients(model, images, class_index, layer=None):
    """Gradient of the class score with respect to a layer's output (or the input).

    Parameters
    ----------
    model : keras.Model
    images : ndarray of shape (N, H, W, C), float32
    class_index : ndarray of shape (N,) of int, or None (the predicted class)
    layer : keras layer or None
        ``None`` differentiates with respect to the input images.

    Returns
    -------
    activations, gradients : ndarray
        The layer's output (or the images) and the gradient of each image's
        class score with respect to it, the same shape.
    class_index : ndarray of shape (N,) of int
    """
    import keras
    import tensorflow as tf

    x = tf.convert_to_tensor(images, dtype=tf.float32)
    idx = None if class_index is None else tf.convert_to_tensor(class_index)
    with _logits(model) as score_output:
        if layer is None:
            probe = keras.Model(_input(model), score_output)
            with tf.GradientTape() as tape:
                tape.watch(x)
                score, idx = _class_column(probe(x, training=False), idx)
            acts, grads = x, tape.gradient(score, x)
        else:
            probe = keras.Model(_input(model), [layer.output, score_output])
            with tf.GradientTape() as tape:
                acts, scores = probe(x, training=False)
                score, idx = _class_column(scores, idx)
            grads = tape.gradient(score, acts)
    return np.asarray(acts), np.asarray(grads), np.asarray(idx, dtype=np.int64)


def _input(model):
    """The model's input tensor (a list only for several inputs)."""
    return model.inputs[0] if len(model.inputs) == 1 else model.inputs
