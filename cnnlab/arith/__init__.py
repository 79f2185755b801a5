"""Exact arithmetic of convolutional networks (pure Python, no Keras import).

- :mod:`~cnnlab.arith.sizes`     output sizes of convolution, pooling, transposed convolution
- :mod:`~cnnlab.arith.params`    parameter counts (Conv2D, Dense, BatchNorm, depthwise, separable)
- :mod:`~cnnlab.arith.macs`      multiply-accumulates of convolutions and dense layers
- :mod:`~cnnlab.arith.receptive` receptive field of a stack of layers
- :mod:`~cnnlab.arith.summary`   ``summarize(model)``: the whole table for a Keras model
  (per-layer rules in :mod:`~cnnlab.arith.layer_rules`, graph walk in
  :mod:`~cnnlab.arith.graph`)

Other modules of this package (e.g. ``cnnlab.arith.inception``) are reachable
as attributes without being listed here: ``cnnlab.arith.inception`` imports
``cnnlab/arith/inception.py`` on first use.

Examples
--------
>>> from cnnlab import arith
>>> arith.conv_output_size(28, 3)
26
>>> arith.conv_params(3, 1, 32)
320
>>> arith.receptive_field([(3, 1)] * 3)[-1]
(7, 1)
"""
from __future__ import annotations

import lazy_loader

from cnnlab.arith.macs import conv_macs, dense_macs
from cnnlab.arith.params import (batchnorm_params, conv_params, dense_params,
                                 depthwise_params, separable_params)
from cnnlab.arith.receptive import receptive_field
from cnnlab.arith.sizes import conv_output_shape, conv_output_size, transposed_conv_output_size
from cnnlab.arith.summary import Summary, summarize

__all__ = [
    "conv_output_size", "transposed_conv_output_size", "conv_output_shape",
    "conv_params", "dense_params", "batchnorm_params", "depthwise_params",
    "separable_params", "conv_macs", "dense_macs", "receptive_field",
    "summarize", "Summary",
]

_SUBMODULES = ["convolutions", "densenet", "graph", "inception", "layer_rules", "macs",
               "params", "receptive", "sizes", "summary"]
__getattr__, _, _ = lazy_loader.attach(__name__, submodules=_SUBMODULES)


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))
