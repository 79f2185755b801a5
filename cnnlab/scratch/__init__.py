"""A convolutional network from scratch in NumPy (no TensorFlow, no Keras).

Layers with a forward and a backward pass, optimizers that follow
``keras.optimizers`` step for step, and a :class:`Sequential` network that
trains, saves, loads and turns into the identical Keras model:

- :mod:`cnnlab.scratch.layers`: ``Conv2D``, ``MaxPool2D``, ``ReLU``, ``Flatten``,
  ``Dense``, ``Dropout`` (Keras' parameter layouts and default initialisation);
- :mod:`cnnlab.scratch.optimizers`: ``SGD``, ``RMSprop``, ``Adam``;
- :mod:`cnnlab.scratch.model`: ``Sequential`` (``fit``, ``predict``, ``save``,
  ``load``, ``to_keras``);
- :mod:`cnnlab.scratch.gradcheck`: ``gradient_check``, ``relative_error``;
- :mod:`cnnlab.scratch.builders`: ``small_vgg``.

The arithmetic is :mod:`cnnlab.ops`. Only ``Sequential.to_keras`` imports Keras.

Examples
--------
>>> import numpy as np
>>> from cnnlab import scratch
>>> net = scratch.Sequential([scratch.Conv2D(4, 3, seed=0), scratch.ReLU(),
...                           scratch.MaxPool2D(), scratch.Flatten(),
...                           scratch.Dense(10, seed=0)], (8, 8, 1))
>>> net.forward(np.zeros((5, 8, 8, 1))).shape
(5, 10)
"""
from cnnlab.scratch.builders import small_vgg
from cnnlab.scratch.gradcheck import gradient_check, relative_error
from cnnlab.scratch.layers import Conv2D, Dense, Dropout, Flatten, Layer, MaxPool2D, ReLU
from cnnlab.scratch.model import Sequential
from cnnlab.scratch.optimizers import SGD, Adam, Optimizer, RMSprop

__all__ = ["SGD", "RMSprop", "Adam", "Optimizer", "Layer", "Conv2D", "MaxPool2D", "ReLU",
           "Flatten", "Dense", "Dropout", "Sequential", "gradient_check", "relative_error", "small_vgg"]
