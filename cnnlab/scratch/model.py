"""A sequential network in NumPy: forward, backward, training loop, saving, Keras export.

:class:`Sequential` chains layers of :mod:`cnnlab.scratch.layers`, trains them
with softmax cross-entropy on integer labels and an optimizer of
:mod:`cnnlab.scratch.optimizers`, saves its weights to ``.npz`` and builds
the same network in Keras with :meth:`Sequential.to_keras` (the only place
here that imports Keras).

Examples
--------
>>> import numpy as np
>>> from cnnlab.scratch import Dense, Flatten, ReLU, Sequential
>>> net = Sequential([Flatten(), Dense(16, seed=0), ReLU(), Dense(3, seed=1)], (4, 4, 1))
>>> net.output_shape, net.count_params()
((3,), 323)
>>> net.forward(np.zeros((2, 4, 4, 1), "float32")).shape
(2, 3)
"""
from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import numpy as np

from cnnlab import ops
from cnnlab._progress import RunProgress
from cnnlab._validate import check_int
from cnnlab.scratch.layers import LAYERS, Layer, _shape
from cnnlab.scratch.optimizers import Adam, Optimizer

__all__ = ["Sequential"]


def _one_blas_thread():
    """Run the small matrix products of this network on one BLAS thread.

    Its products are small (tens of columns); splitting each over threads costs
    more than it saves, and on a busy machine OpenBLAS threads waiting for each
    other made a training step several times slower in our measurements.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


class _Summary(list):
    """Rows of :meth:`Sequential.summary`, shown as a small table."""

    def __repr__(self):
        width = max([len(r["layer"]) for r in self] + [16]) + 2
        lines = [f"{'layer':<{width}}{'output shape':<14}{'params':>8}"]
        lines += [f"{r['layer']:<{width}}{_shape(r['output shape']):<14}{r['params']:>8,}"
                  for r in self]
        lines.append(f"{'total':<{width}}{'':<14}{sum(r['params'] for r in self):>8,}")
        return "\n".join(lines)


class _instance_or_class:
    """A method that receives ``(instance or None, class)``: ``load`` works on both."""

    def __init__(self, func):
        self.func = func
        functools.update_wrapper(self, func)

    def __get__(self, obj, cls):
        return functools.partial(self.func, obj, cls)


class Sequential:
    """A stack of layers, built for ``input_shape``; its output is the logits.

    Parameters
    ----------
    layers : list of Layer
        From :mod:`cnnlab.scratch` (``Conv2D``, ``MaxPool2D``, ``ReLU``,
        ``Flatten``, ``Dense``, ``Dropout``); the last layer's units are the classes.
    input_shape : tuple of int
        One example's shape, e.g. ``(28, 28, 1)``.
    dtype : str, optional
        Of the parameters: ``"float32"`` (default, like Keras) or ``"float64"``
        (for gradient checks).

    Raises
    ------
    ValueError
        At construction, when a layer cannot take the previous layer's output:
        the message names the layer, the shape it expects and the shape it gets.

    Examples
    --------
    >>> from cnnlab.scratch import Conv2D, Dense
    >>> try:
    ...     Sequential([Conv2D(4, 3), Dense(10)], (8, 8, 1))
    ... except ValueError as err:
    ...     print(err)
    Layer 1, Dense(units=10, kernel_initializer='glorot_uniform'), cannot follow layer 0 (Conv2D): Dense(units=10, kernel_initializer='glorot_uniform') expects an input of shape (features,) -- put Flatten() before it, but receives (6, 6, 4): a dense layer needs a flat vector per example.
    """

    def __init__(self, layers, input_shape, dtype="float32"):
        layers = list(layers)
        if not layers or not all(isinstance(layer, Layer) for layer in layers):
            raise ValueError("`layers` must be a non-empty list of cnnlab.scratch layers. "
                             f"Received: layers={layers!r}.")
        if len({id(layer) for layer in layers}) != len(layers):
            raise ValueError("`layers` must not hold the same layer object twice.")
        input_shape = tuple(input_shape) if not isinstance(input_shape, int) else (input_shape,)
        for size in input_shape:
            check_int("input_shape", size, 1)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"`dtype` must be 'float32' or 'float64'. Received: dtype={dtype!r}.")
        self.layers = layers
        self.input_shape = tuple(int(s) for s in input_shape)
        shape = self.input_shape
        for i, layer in enumerate(layers):
            try:
                shape = layer.build(shape, self.dtype)
            except ValueError as err:
                where = "the input" if i == 0 else f"layer {i - 1} ({type(layers[i - 1]).__name__})"
                raise ValueError(f"Layer {i}, {layer!r}, cannot follow {where}: {err}.") \
                    from None
            layer.input_gradient = i > 0
        self.output_shape = shape
        if len(shape) != 1:
            raise ValueError(f"The last layer must output one vector of class scores per "
                             f"example (end with Flatten() and Dense(classes)). "
                             f"Received: output shape {_shape(shape)}.")
        self.classes = shape[0]

    # -- parameters ----------------------------------------------------------
    @property
    def params(self) -> list[np.ndarray]:
        """The parameter arrays, in Keras' ``trainable_variables`` order."""
        return [p for layer in self.layers for p in layer.params.values()]

    @property
    def grads(self) -> list[np.ndarray]:
        """The gradients of the last :meth:`backward`, in the order of ``params``."""
        return [layer.grads[k] for layer in self.layers for k in layer.params]

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the parameters (Keras' ``get_weights``)."""
        return [p.copy() for p in self.params]

    def set_weights(self, weights) -> None:
        """Copy ``weights`` (a list in the order of ``params``) into the network."""
        weights = list(weights)
        params = self.params
        if len(weights) != len(params):
            raise ValueError(f"`weights` must hold {len(params)} arrays. "
                             f"Received: {len(weights)}.")
        for i, (p, w) in enumerate(zip(params, weights)):
            if np.shape(w) != p.shape:
                raise ValueError(f"`weights[{i}]` must have shape {p.shape}. "
                                 f"Received: shape {np.shape(w)}.")
            p[...] = w

    def count_params(self) -> int:
        """Number of parameters (as Keras' ``count_params``)."""
        return sum(layer.count_params() for layer in self.layers)

    def summary(self) -> "_Summary":
        """One row per layer: layer, output shape, parameters (a list that prints as a table).

        Examples
        --------
        >>> from cnnlab.scratch import Dense, Flatten
        >>> Sequential([Flatten(), Dense(3)], (2, 2, 1)).summary()
        layer             output shape    params
        Flatten()         (4,)                 0
        Dense(3)          (3,)                15
        total                                 15
        """
        return _Summary({"layer": layer.label(), "output shape": layer.output_shape,
                         "params": layer.count_params()} for layer in self.layers)

    # -- passes --------------------------------------------------------------
    def _check_x(self, x):
        x = np.asarray(x)
        if x.ndim != len(self.input_shape) + 1 or x.shape[1:] != self.input_shape:
            raise ValueError(f"`x` must have shape (N, {', '.join(map(str, self.input_shape))})"
                             f". Received: x.shape={x.shape}.")
        return x.astype(self.dtype, copy=False)

    def _check_y(self, y, n):
        y = np.asarray(y)
        if y.shape != (n,) or y.dtype.kind not in "iu":
            raise ValueError(f"`y` must be {n} integer labels, shape ({n},). "
                             f"Received: y.shape={y.shape}, y.dtype={y.dtype}.")
        if n and (y.min() < 0 or y.max() >= self.classes):
            raise ValueError(f"`y` must hold labels in [0, {self.classes}) for the "
                             f"{self.classes} outputs of the last layer. Received: labels "
                             f"from {y.min()} to {y.max()}.")
        return y

    def forward(self, x, training: bool = False) -> np.ndarray:
        """Logits (N, classes) for a batch ``x``."""
        x = self._check_x(x)
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def backward(self, dlogits) -> None:
        """Backpropagate ``dlogits`` through the last training forward pass;
        the gradients go to each layer's ``grads`` (see :attr:`grads`)."""
        d = np.asarray(dlogits)
        for layer in reversed(self.layers):
            d = layer.backward(d)

    def loss_and_grads(self, x, y):
        """Mean softmax cross-entropy of one batch (training mode) and its gradients.

        Returns
        -------
        loss : float
        grads : list of ndarray
            In the order of :attr:`params` (Keras' ``trainable_variables``).
        """
        x = self._check_x(x)
        y = self._check_y(y, x.shape[0])
        loss, dlogits = ops.softmax_cross_entropy(self.forward(x, training=True), y)
        self.backward(dlogits)
        return loss, self.grads

    def predict(self, x, batch_size: int = 256) -> np.ndarray:
        """Logits for ``x`` in batches, inference mode (what ``to_keras().predict`` returns).

        Use ``logits.argmax(axis=1)`` for classes, :func:`cnnlab.ops.softmax` for
        probabilities.
        """
        x = self._check_x(x)
        check_int("batch_size", batch_size, 1)
        with _one_blas_thread():
            out = [self.forward(x[i:i + batch_size]) for i in range(0, len(x), batch_size)]
        return np.concatenate(out) if out else np.zeros((0, self.classes), self.dtype)

    def evaluate(self, x, y, batch_size: int = 256) -> dict:
        """Mean loss and accuracy on ``(x, y)`` in inference mode."""
        logits = self.predict(x, batch_size)
        y = self._check_y(y, len(logits))
        loss, _ = ops.softmax_cross_entropy(logits, y)
        return {"loss": loss, "accuracy": float((logits.argmax(axis=1) == y).mean())}

    # -- training ------------------------------------------------------------
    def fit(self, x, y, epochs: int = 1, batch_size: int = 32, optimizer: Optimizer | None = None,
            seed: int | None = 0, validation=None, verbose: bool = True) -> dict:
        """Train with mini-batches of softmax cross-entropy; one progress display per run.

        Parameters
        ----------
        x : ndarray of shape (N, *input_shape)
        y : ndarray of int, shape (N,)
            Labels in ``[0, classes)``.
        epochs, batch_size : int, optional
            Default 1 and 32.
        optimizer : SGD, RMSprop or Adam, optional
            Default ``Adam()``. Its state carries over between calls.
        seed : int, optional
            Seed of the shuffling (default 0).
        validation : (x_val, y_val), optional
            Evaluated after each epoch (inference mode).
        verbose : bool, optional
            Show the progress display (default True).

        Returns
        -------
        dict
            ``"loss"`` and ``"accuracy"`` per epoch (means over the epoch's
            batches, in training mode, as Keras reports them), and with
            ``validation`` also ``"val_loss"`` and ``"val_accuracy"``.

        Raises
        ------
        FloatingPointError
            When the loss becomes NaN or infinite; the message suggests a
            lower learning rate.

        Notes
        -----
        One step: ``forward(x_batch, training=True)``, the mean softmax
        cross-entropy and its gradient, ``backward``, ``optimizer.apply(grads,
        params)``. Matrix products run on one BLAS thread (see
        ``_one_blas_thread``).
        """
        x = self._check_x(x)
        y = self._check_y(y, x.shape[0])
        epochs = check_int("epochs", epochs, 1)
        batch_size = check_int("batch_size", batch_size, 1)
        optimizer = Adam() if optimizer is None else optimizer
        if not isinstance(optimizer, Optimizer):
            raise ValueError("`optimizer` must be a cnnlab.scratch optimizer (SGD, RMSprop, "
                             f"Adam). Received: optimizer={optimizer!r}.")
        if validation is not None:
            if not isinstance(validation, (tuple, list)) or len(validation) != 2:
                raise ValueError("`validation` must be a pair (x_val, y_val). "
                                 f"Received: {type(validation).__name__}.")
            xv = self._check_x(validation[0])
            validation = (xv, self._check_y(validation[1], len(xv)))
        rng = np.random.default_rng(seed)
        n = len(x)
        steps = math.ceil(n / batch_size)
        history = {"loss": [], "accuracy": []}
        if validation is not None:
            history.update(val_loss=[], val_accuracy=[])
        bar = RunProgress(epochs * steps, desc=f"epoch 1/{epochs}", unit="batch",
                          mode="auto" if verbose else "off")
        params = self.params
        with bar, _one_blas_thread():
            for epoch in range(epochs):
                order = rng.permutation(n)
                total, correct = 0.0, 0
                for step in range(steps):
                    idx = order[step * batch_size:(step + 1) * batch_size]
                    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                        logits = self.forward(x[idx], training=True)
                        loss, dlogits = ops.softmax_cross_entropy(logits, y[idx])
                    if not math.isfinite(loss):
                        bar.close(postfix=f"loss {loss}")
                        raise FloatingPointError(
                            f"The loss became {loss} at epoch {epoch + 1}, batch {step + 1}: "
                            f"the weights diverged. Try a lower learning rate (this "
                            f"optimizer has learning_rate={optimizer.learning_rate:g}; "
                            f"try {optimizer.learning_rate / 10:g}).")
                    self.backward(dlogits)
                    optimizer.apply(self.grads, params)
                    total += loss * len(idx)
                    correct += int((logits.argmax(axis=1) == y[idx]).sum())
                    bar.update(1, desc=f"epoch {epoch + 1}/{epochs}",
                               postfix=f"loss {total / min(n, (step + 1) * batch_size):.4f}")
                history["loss"].append(total / n)
                history["accuracy"].append(correct / n)
                line = f"loss {total / n:.4f} accuracy {correct / n:.4f}"
                if validation is not None:
                    scores = self.evaluate(*validation)
                    history["val_loss"].append(scores["loss"])
                    history["val_accuracy"].append(scores["accuracy"])
                    line += f" val_loss {scores['loss']:.4f} val_accuracy {scores['accuracy']:.4f}"
                bar.update(0, postfix=line)
                bar.mark(f"epoch {epoch + 1}/{epochs}: {line}")
            bar.close(postfix=line)
        return history

    # -- saving --------------------------------------------------------------
    def config(self) -> dict:
        """The architecture: input shape, dtype, and each layer's class and arguments."""
        return {"input_shape": list(self.input_shape), "dtype": self.dtype.name,
                "layers": [{"class": type(layer).__name__, "config": layer.config()}
                           for layer in self.layers]}

    def save(self, path) -> Path:
        """Save the architecture and the weights to one ``.npz`` file.

        Returns
        -------
        Path
            The file written (``.npz`` is appended if missing, as NumPy does).
        """
        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_name(path.name + ".npz")
        arrays = {f"{i}/{name}": p for i, layer in enumerate(self.layers)
                  for name, p in layer.params.items()}
        np.savez(path, __config__=np.array(json.dumps(self.config())), **arrays)
        return path

    @_instance_or_class
    def load(self, cls, path):
        """Load a ``.npz`` written by :meth:`save`.

        ``Sequential.load(path)`` builds a new network from the stored
        architecture; ``net.load(path)`` copies the stored weights into ``net``
        (whose architecture must match) and returns it.
        """
        with np.load(Path(path), allow_pickle=False) as data:
            config = json.loads(str(data["__config__"]))
            arrays = {k: data[k] for k in data.files if k != "__config__"}
        if self is None:
            layers = []
            for spec in config["layers"]:
                kwargs = {k: (tuple(v) if isinstance(v, list) else v)
                          for k, v in spec["config"].items()}
                layers.append(LAYERS[spec["class"]](**kwargs))
            self = cls(layers, tuple(config["input_shape"]), dtype=config["dtype"])
        elif config["input_shape"] != list(self.input_shape) or \
                [s["class"] for s in config["layers"]] != [type(la).__name__ for la in self.layers]:
            raise ValueError(f"`path` must hold a network with this architecture. "
                             f"Received: {path} with {config['layers']}.")
        for i, layer in enumerate(self.layers):
            for name, p in layer.params.items():
                stored = arrays[f"{i}/{name}"]
                if stored.shape != p.shape:
                    raise ValueError(f"`path` holds {i}/{name} of shape {stored.shape}; "
                                     f"this network needs {p.shape}.")
                p[...] = stored
        return self

    # -- Keras ---------------------------------------------------------------
    def to_keras(self):
        """The same network as a ``keras.Sequential`` with the same weights.

        Layer by layer the Keras classes of the same names (``Conv2D``,
        ``MaxPooling2D``, ``ReLU``, ``Flatten``, ``Dense``, ``Dropout``) in the
        same dtype; its output is the logits, equal to :meth:`forward`.
        Imports Keras (the only method here that does).
        """
        import keras

        dtype = self.dtype.name
        model = keras.Sequential(
            [keras.Input(self.input_shape, dtype=dtype)]
            + [layer.keras_layer(keras, dtype) for layer in self.layers],
            name="from_scratch")
        model.set_weights(self.get_weights())
        return model

    def __repr__(self):
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Sequential([{inner}], input_shape={self.input_shape})"
