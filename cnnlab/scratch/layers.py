"""Layers of the NumPy network: a forward and a backward pass each.

Every layer has ``forward(x, training=False)`` and ``backward(dy)``, which
returns ``dx`` and stores the parameter gradients in ``grads``. Parameters
live in ``params`` (an ordered dict: ``kernel`` then ``bias``) in Keras'
layout, so they can be copied into the Keras layer of the same name:
a conv kernel is (kh, kw, c_in, c_out), a dense kernel (in, out). Kernels
start ``glorot_uniform`` and biases at zero, Keras' defaults.

A layer is *built* for an input shape (without the batch axis) by
``build(input_shape)``, which checks that the shape fits and returns the
output shape; :class:`~cnnlab.scratch.model.Sequential` builds its layers in
turn, and a layer used on its own builds itself on its first input.
The numerical work is done by :mod:`cnnlab.ops` (im2col for convolutions).

Examples
--------
>>> import numpy as np
>>> conv = Conv2D(4, 3, seed=0)
>>> conv.build((8, 8, 1)), conv.params["kernel"].shape
((6, 6, 4), (3, 3, 1, 4))
>>> y = conv.forward(np.ones((2, 8, 8, 1), "float32"), training=True)
>>> conv.backward(np.ones_like(y)).shape, conv.grads["bias"].tolist()
((2, 8, 8, 1), [72.0, 72.0, 72.0, 72.0])
"""
from __future__ import annotations

import inspect

import numpy as np

from cnnlab import ops
from cnnlab._validate import check_choice, check_int, check_number, check_pair, check_seed
from cnnlab.ops._geometry import pad_hw, window_geometry
from cnnlab.ops.conv import _im2col
from cnnlab.scratch.initializers import INITIALIZERS, initialize

__all__ = ["Layer", "Conv2D", "MaxPool2D", "ReLU", "Flatten", "Dense", "Dropout", "LAYERS"]


def _seed(seed):
    return check_seed("seed", seed)


def _shape(shape) -> tuple:
    return "(" + ", ".join(str(s) for s in shape) + (",)" if len(shape) == 1 else ")")


def _windows(xp, kernel, strides, out_hw, dtype):
    """im2col: the windows of a padded batch as rows, (N*oh*ow, kh*kw*C).

    Same layout as :func:`cnnlab.ops.conv2d`'s im2col (tap-major, channels
    last). With several channels one ``sliding_window_view`` copy is faster
    than a copy per kernel tap; with one channel the per-tap copy is.
    """
    (kh, kw), (sh, sw), (oh, ow) = kernel, strides, out_hw
    if xp.shape[3] == 1:
        return _im2col(xp, kernel, out_hw, strides, (1, 1), dtype)
    view = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(1, 2))
    view = view[:, :(oh - 1) * sh + 1:sh, :(ow - 1) * sw + 1:sw]   # (N, oh, ow, C, kh, kw)
    cols = np.ascontiguousarray(view.transpose(0, 1, 2, 4, 5, 3), dtype=dtype)
    return cols.reshape(-1, kh * kw * xp.shape[3])


def _col2im(dy2, w, padded_shape, strides, out_hw):
    """dx of a convolution (padded): each tap's share ``dy @ w[tap]^T``, added back
    at the input positions that tap saw (the adjoint of :func:`_windows`)."""
    kh, kw, c_in, c_out = w.shape
    (sh, sw), (oh, ow) = strides, out_hw
    n = padded_shape[0]
    taps = np.matmul(dy2, w.reshape(kh * kw, c_in, c_out).transpose(0, 2, 1))  # (taps, P, C_in)
    dxp = np.zeros(padded_shape, dtype=taps.dtype)
    for k in range(kh * kw):
        i, j = divmod(k, kw)
        dxp[:, i:i + (oh - 1) * sh + 1:sh, j:j + (ow - 1) * sw + 1:sw, :] += \
            taps[k].reshape(n, oh, ow, c_in)
    return dxp


class Layer:
    """Base class: ``build``, ``forward``, ``backward``, ``params``, ``grads``."""

    #: what the layer accepts, for error messages
    expects = "any shape"

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.input_shape = None
        self.output_shape = None
        self.dtype = None
        #: False for the first layer of a network: dx is not needed there
        self.input_gradient = True
        self._cache = None

    # -- to implement --------------------------------------------------------
    def _output_shape(self, input_shape: tuple) -> tuple:
        """The output shape for ``input_shape`` (default: the same, as for ReLU)."""
        return input_shape

    def _create(self, dtype) -> None:
        """Create the parameters (after the shapes are known)."""

    def config(self) -> dict:
        """The constructor arguments (saved with a model), read back from the attributes
        of the same names."""
        names = inspect.signature(type(self).__init__).parameters
        return {name: getattr(self, name) for name in names if name != "self"}

    def keras_layer(self, keras, dtype):
        """The Keras layer of the same name with the same arguments (:meth:`config`)."""
        return getattr(keras.layers, type(self).__name__)(**self.config(), dtype=dtype)

    # -- machinery -----------------------------------------------------------
    def build(self, input_shape, dtype="float32") -> tuple:
        """Check that ``input_shape`` fits, create the parameters, return the output shape.

        Raises
        ------
        ValueError
            Naming the layer, the shape it expects and the shape it received.
        """
        input_shape = tuple(int(s) for s in input_shape)
        try:
            output_shape = self._output_shape(input_shape)
        except ValueError as err:
            raise ValueError(f"{self!r} expects an input of shape {self.expects}, but "
                             f"receives {_shape(input_shape)}: {err}") from None
        self.input_shape, self.output_shape = input_shape, output_shape
        self.dtype = np.dtype(dtype)
        self._create(self.dtype)
        return output_shape

    def _check_input(self, x):
        x = np.asarray(x)
        if self.input_shape is None:
            dtype = x.dtype if x.dtype.kind == "f" else np.dtype("float32")
            self.build(x.shape[1:], dtype)
        if x.shape[1:] != self.input_shape:
            raise ValueError(f"{self!r} was built for inputs of shape "
                             f"{_shape(self.input_shape)} (without the batch axis). "
                             f"Received: x.shape={x.shape}.")
        return x

    def forward(self, x, training: bool = False) -> np.ndarray:
        """Output for a batch ``x``; with ``training=True`` also remember what
        :meth:`backward` needs."""
        x = self._check_input(x)
        return self._forward(x, bool(training))

    def backward(self, dy) -> np.ndarray:
        """Gradient with respect to the input of the last training forward pass.

        Stores the parameter gradients in ``self.grads`` (same keys as
        ``self.params``).
        """
        if self._cache is None:
            raise RuntimeError(f"{self!r}: call forward(x, training=True) before backward.")
        return self._backward(np.asarray(dy))

    def label(self) -> str:
        """A short name for tables, e.g. ``Conv2D(8, 3x3)``."""
        return f"{type(self).__name__}()"

    def count_params(self) -> int:
        """Number of parameters (like Keras' ``count_params``)."""
        return int(sum(p.size for p in self.params.values()))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items()
                         if k != "seed" or v is not None)
        return f"{type(self).__name__}({args})"


class _Weighted(Layer):
    """A layer with a kernel (``kernel_initializer``, from ``seed``) and a zero bias."""

    def __init__(self, seed, kernel_initializer):
        super().__init__()
        self.seed = _seed(seed)
        self.kernel_initializer = check_choice("kernel_initializer", kernel_initializer,
                                               INITIALIZERS)

    def _init_params(self, shape, dtype):
        rng = np.random.default_rng(self.seed)
        self.params = {"kernel": initialize(shape, self.kernel_initializer, rng, dtype),
                       "bias": np.zeros(shape[-1], dtype)}

    def keras_layer(self, keras, dtype):
        config = {k: v for k, v in self.config().items() if k != "seed"}
        return getattr(keras.layers, type(self).__name__)(**config, dtype=dtype)


class Conv2D(_Weighted):
    """2-D convolution, like ``keras.layers.Conv2D`` (no activation).

    Parameters
    ----------
    filters : int
        Output channels.
    kernel_size : int or (int, int)
    strides : int or (int, int), optional
        Default 1.
    padding : {"valid", "same"}, optional
        Keras semantics (default "valid").
    seed : int, optional
        Seed of the kernel's initialisation.
    kernel_initializer : {"glorot_uniform", "he_uniform"}, optional
        Keras' default is ``"glorot_uniform"``; the bias starts at zero.

    Examples
    --------
    >>> Conv2D(8, 3, padding="same").build((28, 28, 1))
    (28, 28, 8)
    """

    expects = "(height, width, channels)"

    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid",
                 seed: int | None = None, kernel_initializer: str = "glorot_uniform"):
        self.filters = check_int("filters", filters, 1)
        self.kernel_size = check_pair("kernel_size", kernel_size, 1)
        self.strides = check_pair("strides", strides, 1)
        self.padding = check_choice("padding", padding, ("valid", "same"))
        super().__init__(seed, kernel_initializer)

    def _output_shape(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError("a convolution needs a 3-D feature map per example")
        out_hw, self._pads = window_geometry(input_shape[:2], self.kernel_size,
                                             self.strides, self.padding)
        return (*out_hw, self.filters)

    def _create(self, dtype):
        self._init_params((*self.kernel_size, self.input_shape[2], self.filters), dtype)

    def _forward(self, x, training):
        w, b = self.params["kernel"], self.params["bias"]
        kh, kw, c_in, c_out = w.shape
        dtype = np.result_type(x.dtype, w.dtype)
        out_hw = self.output_shape[:2]
        xp = pad_hw(x, self._pads)
        cols = _windows(xp, self.kernel_size, self.strides, out_hw, dtype)
        y = (cols @ w.reshape(-1, c_out).astype(dtype, copy=False)).reshape(
            x.shape[0], *out_hw, c_out) + b
        self._cache = (xp.shape, cols) if training else None
        return y

    def _backward(self, dy):
        padded_shape, cols = self._cache
        w = self.params["kernel"]
        dy2 = dy.reshape(-1, self.filters).astype(cols.dtype, copy=False)
        # dw = im2col(x)^T dy, db = sum of dy: the formulas of ops.conv2d_backward
        self.grads = {"kernel": (cols.T @ dy2).reshape(w.shape).astype(w.dtype, copy=False),
                      "bias": dy2.sum(axis=0).astype(w.dtype, copy=False)}
        if not self.input_gradient:
            return None
        # dx: each window's share dy @ w^T, added back where the window came from
        dxp = _col2im(dy2, w.astype(dy2.dtype, copy=False), padded_shape, self.strides,
                      self.output_shape[:2])
        (top, _), (left, _) = self._pads
        h, wd = self.input_shape[:2]
        return dxp[:, top:top + h, left:left + wd, :]

    def label(self):
        extra = "" if self.strides == (1, 1) else f", strides {self.strides[0]}x{self.strides[1]}"
        extra += ", same" if self.padding == "same" else ""
        return f"Conv2D({self.filters}, {self.kernel_size[0]}x{self.kernel_size[1]}{extra})"


class MaxPool2D(Layer):
    """Max pooling with non-overlapping windows, like ``keras.layers.MaxPooling2D``.

    Parameters
    ----------
    pool_size : int or (int, int), optional
        Window and stride (default 2). Rows/columns that do not fill a window
        are dropped ("valid").

    Examples
    --------
    >>> MaxPool2D().build((13, 13, 8))
    (6, 6, 8)
    """

    expects = "(height, width, channels)"

    def __init__(self, pool_size=2):
        super().__init__()
        self.pool_size = check_pair("pool_size", pool_size, 1)

    def _output_shape(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError("pooling needs a 3-D feature map per example")
        out_hw, _ = window_geometry(input_shape[:2], self.pool_size, self.pool_size,
                                    "valid", what="pool window")
        return (*out_hw, input_shape[2])

    def _forward(self, x, training):
        y = ops.max_pool2d(x, self.pool_size)
        self._cache = x if training else None
        return y

    def _backward(self, dy):
        return ops.max_pool2d_backward(dy, self._cache, self.pool_size)

    def label(self):
        return f"MaxPool2D({self.pool_size[0]}x{self.pool_size[1]})"

    def keras_layer(self, keras, dtype):
        return keras.layers.MaxPooling2D(self.pool_size, dtype=dtype)


class ReLU(Layer):
    """Rectified linear unit, like ``keras.layers.ReLU``.

    Examples
    --------
    >>> ReLU().forward(np.array([[-1.0, 2.0]]))
    array([[0., 2.]])
    """

    def _forward(self, x, training):
        self._cache = x if training else None
        return ops.relu(x)

    def _backward(self, dy):
        return ops.relu_backward(dy, self._cache)


class Flatten(Layer):
    """Flatten each example to a vector, like ``keras.layers.Flatten``.

    Examples
    --------
    >>> Flatten().build((4, 4, 16))
    (256,)
    """

    def _output_shape(self, input_shape):
        return (int(np.prod(input_shape)),)

    def _forward(self, x, training):
        self._cache = x.shape if training else None
        return ops.flatten(x)

    def _backward(self, dy):
        return ops.flatten_backward(dy, self._cache)


class Dense(_Weighted):
    """Fully connected layer, like ``keras.layers.Dense`` (no activation).

    Parameters
    ----------
    units : int
        Output features.
    seed, kernel_initializer : optional
        The kernel's initialisation, as for :class:`Conv2D`.

    Examples
    --------
    >>> Dense(10).build((256,))
    (10,)
    """

    expects = "(features,) -- put Flatten() before it"

    def __init__(self, units: int, seed: int | None = None,
                 kernel_initializer: str = "glorot_uniform"):
        self.units = check_int("units", units, 1)
        super().__init__(seed, kernel_initializer)

    def _output_shape(self, input_shape):
        if len(input_shape) != 1:
            raise ValueError("a dense layer needs a flat vector per example")
        return (self.units,)

    def _create(self, dtype):
        self._init_params((self.input_shape[0], self.units), dtype)

    def _forward(self, x, training):
        self._cache = x if training else None
        return ops.dense(x, self.params["kernel"], self.params["bias"])

    def _backward(self, dy):
        dx, dw, db = ops.dense_backward(dy, self._cache, self.params["kernel"])
        self.grads = {"kernel": dw, "bias": db}
        return dx if self.input_gradient else None

    def label(self):
        return f"Dense({self.units})"


class Dropout(Layer):
    """Inverted dropout, like ``keras.layers.Dropout``: active only in training.

    Parameters
    ----------
    rate : float
        Probability of dropping a unit, in [0, 1).
    seed : int, optional
        Seed of the masks (a new mask at every training forward pass).

    Examples
    --------
    >>> layer = Dropout(0.5, seed=0)
    >>> x = np.ones((1, 6))
    >>> layer.forward(x).tolist(), layer.forward(x, training=True).tolist()
    ([[1.0, 1.0, 1.0, 1.0, 1.0, 1.0]], [[2.0, 0.0, 0.0, 0.0, 2.0, 2.0]])
    """

    def __init__(self, rate: float, seed: int | None = None):
        super().__init__()
        self.rate = check_number("rate", rate, 0, 1, high_open=True)
        self.seed = _seed(seed)
        self.rng = np.random.default_rng(self.seed)

    def _forward(self, x, training):
        if not training:
            self._cache = None
            return x
        mask = ops.dropout_mask(x.shape, self.rate, self.rng)
        self._cache = mask
        scale = np.result_type(x.dtype, np.float32).type(1.0 - self.rate)
        return np.where(mask, x / scale, 0).astype(np.result_type(x.dtype, np.float32))

    def _backward(self, dy):
        return ops.dropout_backward(dy, self._cache, self.rate)

    def label(self):
        return f"Dropout({self.rate:g})"


#: layer classes by name, for loading saved models
LAYERS = {cls.__name__: cls for cls in (Conv2D, MaxPool2D, ReLU, Flatten, Dense, Dropout)}
