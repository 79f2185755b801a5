"""Optimizers in NumPy that follow ``keras.optimizers`` step for step.

Each optimizer has ``apply(grads, params)``: ``grads`` and ``params`` are lists
of NumPy arrays in the same order (the order Keras uses for
``optimizer.apply(grads, model.trainable_variables)``), and every parameter
is updated *in place*. The state (momenta, velocities) is created on the
first call, one slot per position in the list, and the formulas are Keras'
own, written the same way (the learning rate passes through float32, as
Keras stores it), so that in float64 a step agrees with Keras to rounding
error:

- :class:`SGD`: ``m = momentum*m - lr*g``; ``w += m`` (Nesterov:
  ``w += momentum*m - lr*g``); without momentum ``w -= lr*g``.
- :class:`RMSprop`: ``v = rho*v + (1 - rho)*g²``; ``w -= lr*g / sqrt(v + eps)``
  (ε *inside* the square root, as Keras does).
- :class:`Adam`: ``m += (1 - β₁)(g - m)``, ``v += (1 - β₂)(g² - v)``;
  ``w -= α·m / (sqrt(v) + ε)`` with the bias correction folded into the step,
  ``α = lr·sqrt(1 - β₂ᵗ) / (1 - β₁ᵗ)`` (ε outside the square root).

Examples
--------
>>> import numpy as np
>>> w = np.array([1.0, -1.0])
>>> Adam(learning_rate=0.1).apply([np.array([0.5, -2.0])], [w])
>>> w.round(4)               # Adam's first step moves every weight by ~lr
array([ 0.9, -0.9])
"""
from __future__ import annotations

import inspect

import numpy as np

from cnnlab._validate import check_number

__all__ = ["Optimizer", "SGD", "RMSprop", "Adam"]


def _positive(name, value, *, below_one=False, zero_ok=False):
    return check_number(name, value, 0, 1 if below_one else None, low_open=not zero_ok,
                        high_open=True)


def _as_keras(value: float, dtype):
    """A hyper-parameter as Keras' ``ops.cast(value, variable.dtype)`` sees it.

    Keras turns a Python float into a float32 tensor before casting it to the
    variable's dtype, so 0.9 becomes 0.899999976... even for float64 weights
    (the learning rate, a float32 variable, likewise). Matching that makes a
    float64 step agree with Keras to the last bits.
    """
    return dtype.type(np.float32(value))


class Optimizer:
    """Base class: keeps the step count and one state slot per parameter."""

    def __init__(self, learning_rate: float):
        self.learning_rate = _positive("learning_rate", learning_rate)
        self.iterations = 0
        self._shapes = None

    def _check(self, grads, params):
        grads, params = list(grads), list(params)
        if len(grads) != len(params):
            raise ValueError(f"`grads` must have one array per parameter ({len(params)}). "
                             f"Received: {len(grads)} gradients.")
        for i, (g, p) in enumerate(zip(grads, params)):
            if not isinstance(p, np.ndarray):
                raise TypeError(f"`params` must be NumPy arrays (updated in place). "
                                f"Received: params[{i}] of type {type(p).__name__}.")
            if np.shape(g) != p.shape:
                raise ValueError(f"`grads[{i}]` must have the shape of params[{i}], "
                                 f"{p.shape}. Received: shape {np.shape(g)}.")
        shapes = [p.shape for p in params]
        if self._shapes is None:
            self._shapes = shapes
            self._build(params)
        elif shapes != self._shapes:
            raise ValueError("`params` must be the same list of arrays at every step "
                             f"(shapes {self._shapes}). Received: shapes {shapes}.")
        return grads, params

    def _build(self, params):  # pragma: no cover - abstract
        raise NotImplementedError

    def _update(self, i, g, p, lr):  # pragma: no cover - abstract
        raise NotImplementedError

    def apply(self, grads, params) -> None:
        """Update every array of ``params`` in place with its gradient; one step.

        Parameters
        ----------
        grads : list of ndarray
            dL/dp for each parameter, in the order of ``params``.
        params : list of ndarray
            The parameters, updated in place (their dtype is kept).
        """
        grads, params = self._check(grads, params)
        for i, (g, p) in enumerate(zip(grads, params)):
            g = np.asarray(g, dtype=p.dtype)
            self._update(i, g, p, self._lr(p.dtype))
        self.iterations += 1

    def _lr(self, dtype):
        # Keras keeps the learning rate in a float32 variable and casts it to the
        # parameter's dtype: 0.1 becomes 0.10000000149..., also for float64 weights
        return _as_keras(self.learning_rate, dtype)

    def get_config(self) -> dict:
        """The constructor arguments, like Keras' ``get_config``."""
        names = inspect.signature(type(self).__init__).parameters
        return {name: getattr(self, name) for name in names if name != "self"}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum, like
    ``keras.optimizers.SGD``.

    Parameters
    ----------
    learning_rate : float, optional
        Step size (Keras' default 0.01).
    momentum : float, optional
        In [0, 1); 0 (default) is plain SGD.
    nesterov : bool, optional
        Nesterov momentum (default False).

    Examples
    --------
    >>> import numpy as np
    >>> w = np.array([1.0])
    >>> opt = SGD(0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.apply([np.array([1.0])], [w])
    >>> w                  # steps of 0.1, then 0.9*0.1 + 0.1
    array([0.71])
    """

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0,
                 nesterov: bool = False):
        super().__init__(learning_rate)
        self.momentum = _positive("momentum", momentum, below_one=True, zero_ok=True)
        self.nesterov = bool(nesterov)

    def _build(self, params):
        self.momentums = [np.zeros_like(p) for p in params] if self.momentum else []

    def _update(self, i, g, p, lr):
        if not self.momentum:
            p -= g * lr
            return
        m, mu = self.momentums[i], _as_keras(self.momentum, p.dtype)
        m[...] = m * mu - g * lr
        if self.nesterov:
            p += m * mu - g * lr
        else:
            p += m


class RMSprop(Optimizer):
    """RMSprop, like ``keras.optimizers.RMSprop`` (no momentum, not centred).

    Parameters
    ----------
    learning_rate : float, optional
        Step size (Keras' default 0.001).
    rho : float, optional
        Decay of the running mean of squared gradients (default 0.9).
    epsilon : float, optional
        Added to that mean *inside* the square root (default 1e-7).

    Examples
    --------
    >>> import numpy as np
    >>> w = np.array([0.0])
    >>> RMSprop(0.01).apply([np.array([3.0])], [w])
    >>> w.round(5)            # lr * g / sqrt(0.1 * g**2) = lr * sqrt(10)
    array([-0.03162])
    """

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.9,
                 epsilon: float = 1e-7):
        super().__init__(learning_rate)
        self.rho = _positive("rho", rho, below_one=True, zero_ok=True)
        self.epsilon = _positive("epsilon", epsilon, zero_ok=True)

    def _build(self, params):
        self.velocities = [np.zeros_like(p) for p in params]

    def _update(self, i, g, p, lr):
        v, f = self.velocities[i], p.dtype.type
        v[...] = f(self.rho) * v + f(1 - self.rho) * np.square(g)
        p -= (lr * g) / np.sqrt(v + p.dtype.type(self.epsilon))


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015), like ``keras.optimizers.Adam``.

    Parameters
    ----------
    learning_rate : float, optional
        Step size α (default 0.001).
    beta_1, beta_2 : float, optional
        Decay rates of the first and second moment estimates (0.9, 0.999).
    epsilon : float, optional
        Added to ``sqrt(v)`` (default 1e-7, Keras' value; the paper uses 1e-8).

    Notes
    -----
    The paper corrects the bias of ``m`` and ``v`` (both start at 0) by
    dividing them by ``1 - β₁ᵗ`` and ``1 - β₂ᵗ``; Keras folds the two
    corrections into the step size, ``α_t = α·sqrt(1 - β₂ᵗ) / (1 - β₁ᵗ)``,
    which differs from the paper only in where ε sits. This class does what
    Keras does.

    Examples
    --------
    >>> import numpy as np
    >>> w = np.array([0.0, 0.0])
    >>> opt = Adam()
    >>> opt.apply([np.array([1e-3, 10.0])], [w])
    >>> w.round(5), opt.iterations     # the first step is ~lr whatever |g|
    (array([-0.001, -0.001]), 1)
    """

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7):
        super().__init__(learning_rate)
        self.beta_1 = _positive("beta_1", beta_1, below_one=True, zero_ok=True)
        self.beta_2 = _positive("beta_2", beta_2, below_one=True, zero_ok=True)
        self.epsilon = _positive("epsilon", epsilon, zero_ok=True)

    def _build(self, params):
        self.momentums = [np.zeros_like(p) for p in params]
        self.velocities = [np.zeros_like(p) for p in params]

    def apply(self, grads, params) -> None:
        grads, params = self._check(grads, params)
        t = self.iterations + 1
        for i, (g, p) in enumerate(zip(grads, params)):
            g = np.asarray(g, dtype=p.dtype)
            f = p.dtype.type
            b1, b2 = _as_keras(self.beta_1, p.dtype), _as_keras(self.beta_2, p.dtype)
            alpha = self._lr(p.dtype) * np.sqrt(1 - b2 ** f(t)) / (1 - b1 ** f(t))
            m, v = self.momentums[i], self.velocities[i]
            m += (g - m) * f(1 - self.beta_1)
            v += (np.square(g) - v) * f(1 - self.beta_2)
            p -= (m * alpha) / (np.sqrt(v) + f(self.epsilon))
        self.iterations = t

