"""NumPy reference layers, channels last like Keras (no TensorFlow or Keras here).

The layers the course derives by hand, written so a learner can read them and
checked in the tests against ``keras.ops`` and TensorFlow gradients:

- :mod:`cnnlab.ops.conv`: ``conv2d``, ``conv2d_backward``, ``correlate2d``
- :mod:`cnnlab.ops.conv_transpose`: ``conv2d_transpose``
- :mod:`cnnlab.ops.pooling`: ``max_pool2d``, ``avg_pool2d``, ``min_pool2d``,
  ``global_avg_pool2d``, ``max_pool2d_backward``, ``avg_pool2d_backward``
- :mod:`cnnlab.ops.activations`: ``relu``, ``softmax``, ``dropout``
- :mod:`cnnlab.ops.gradcheck`: ``numerical_gradient``
- :mod:`cnnlab.ops.batchnorm`: ``batch_norm``, ``batch_norm_backward``
- :mod:`cnnlab.ops.propagation`: ``layer_statistics``, ``init_weights``
- :mod:`cnnlab.ops.fully_connected`: ``dense``, ``dense_backward``
- :mod:`cnnlab.ops.losses`: ``softmax_cross_entropy``, ``one_hot``
- :mod:`cnnlab.ops.elementwise`: ``relu_backward``, ``dropout_mask``,
  ``dropout_backward``
- :mod:`cnnlab.ops.reshape`: ``flatten``, ``flatten_backward``

Arrays are NHWC, ``x`` (N, H, W, C); conv kernels are (kh, kw, C_in, C_out).
Padding is "valid", "same" (Keras semantics, also for strides > 1) or an int.

Examples
--------
>>> import numpy as np
>>> from cnnlab import ops
>>> ops.conv2d(np.ones((1, 28, 28, 1)), np.ones((3, 3, 1, 32))).shape
(1, 26, 26, 32)
"""
from cnnlab.ops.activations import dropout, relu, softmax
from cnnlab.ops.batchnorm import batch_norm, batch_norm_backward
from cnnlab.ops.conv import conv2d, conv2d_backward, correlate2d
from cnnlab.ops.conv_transpose import conv2d_transpose
from cnnlab.ops.elementwise import dropout_backward, dropout_mask, relu_backward
from cnnlab.ops.fully_connected import dense, dense_backward
from cnnlab.ops.gradcheck import numerical_gradient
from cnnlab.ops.losses import one_hot, softmax_cross_entropy
from cnnlab.ops.pooling import (avg_pool2d, avg_pool2d_backward, global_avg_pool2d,
                                max_pool2d, max_pool2d_backward, min_pool2d)
from cnnlab.ops.propagation import init_weights, layer_statistics
from cnnlab.ops.reshape import flatten, flatten_backward

__all__ = ["conv2d", "conv2d_backward", "correlate2d", "conv2d_transpose",
           "max_pool2d", "avg_pool2d", "min_pool2d", "global_avg_pool2d",
           "max_pool2d_backward", "avg_pool2d_backward",
           "relu", "softmax", "dropout", "numerical_gradient",
           "dense", "dense_backward", "relu_backward", "dropout_mask", "dropout_backward",
           "softmax_cross_entropy", "one_hot", "flatten", "flatten_backward",
           "batch_norm", "batch_norm_backward", "init_weights", "layer_statistics"]
