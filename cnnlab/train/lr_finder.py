"""The learning-rate range test ("LR finder", Smith 2017) and a plot of learning-rate schedules.

:func:`lr_range_test` trains a *copy* of a model for a few hundred batches
while the learning rate grows exponentially from ``min_lr`` to ``max_lr``,
records the loss of every batch, and stops once the loss explodes. The loss
first stays flat (rate too small to matter), then falls (useful rates), then
shoots up (too large). The suggested rate is the one at the lowest smoothed
loss divided by 10: well inside the falling part, a safe distance from the
blow-up. The model passed in is left untouched.

Examples
--------
>>> import keras, numpy as np
>>> keras.utils.set_random_seed(0)
>>> model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(),
...                           keras.layers.Dense(2)])
>>> x = np.random.default_rng(0).random((64, 4, 4, 1), dtype="float32")
>>> result = lr_range_test(model, (x, (x.mean((1, 2, 3)) > 0.5).astype(int)), steps=30)
>>> float(result.rates[0]), len(result.rates) == len(result.losses) <= 30
(1e-05, True)
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cnnlab._validate import check_int, check_number

__all__ = ["lr_range_test", "LRRangeResult", "plot_schedules"]


@dataclass(frozen=True)
class LRRangeResult:
    """What :func:`lr_range_test` measured.

    Attributes
    ----------
    rates : ndarray
        Learning rate of each batch (exponentially increasing).
    losses : ndarray
        Training loss of each batch at that rate.
    smoothed : ndarray
        Exponential moving average of ``losses`` (bias-corrected), the curve
        the suggestion is read from.
    suggestion : float
        ``best_rate / 10``.
    best_rate : float
        Rate at the lowest smoothed loss.
    stopped_early : bool
        True if the loss blew up (``stop_factor`` × the best) before ``max_lr``.
    """

    rates: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    suggestion: float
    best_rate: float
    stopped_early: bool

    def plot(self, fig=None):
        """Loss against learning rate (log axis), best rate and suggestion marked."""
        from cnnlab.plot._figure import new_figure

        fig = new_figure(fig, figsize=(6.4, 3.6))
        ax = fig.add_subplot()
        ax.plot(self.rates, self.losses, color="#bbb", lw=1, label="loss of each batch")
        ax.plot(self.rates, self.smoothed, color="#1f77b4", lw=2, label="smoothed")
        ax.axvline(self.best_rate, color="#d62728", ls=":",
                   label=f"lowest smoothed loss at {self.best_rate:.3g}")
        ax.axvline(self.suggestion, color="#2ca02c", ls="--",
                   label=f"suggestion (÷ 10): {self.suggestion:.3g}")
        ax.set_xscale("log")
        top = float(np.nanmax(self.smoothed[: max(1, len(self.smoothed) // 3)]))
        finite = self.losses[np.isfinite(self.losses)]
        ax.set_ylim(max(0.0, float(finite.min()) * 0.9) if finite.size else 0, top * 1.6)
        ax.set_xlabel("learning rate")
        ax.set_ylabel("training loss")
        ax.set_title("learning-rate range test")
        ax.legend(fontsize=8)
        return fig


def _positive(name, value) -> float:
    return check_number(name, value, 0, low_open=True)


def lr_range_test(model, train, *, min_lr: float = 1e-5, max_lr: float = 1.0,
                  steps: int = 100, batch_size: int = 32, optimizer: str = "sgd",
                  loss=None, seed: int = 0, stop_factor: float = 4.0,
                  smoothing: float = 0.9) -> LRRangeResult:
    """Learning-rate range test: train a copy of `model` with a growing rate, record the loss.

    Parameters
    ----------
    model : keras.Model
        A built model; it is cloned (same weights) and never changed.
    train : (images, labels)
        Arrays as for :func:`cnnlab.train.fit`; batches are drawn in a shuffled
        order, again from the start when the data run out.
    min_lr, max_lr : float, optional
        First and last learning rate (default 1e-5 and 1).
    steps : int, optional
        Number of batches (default 100); the rate is multiplied by the same
        factor at each.
    batch_size : int, optional
        Default 32.
    optimizer : str or keras.optimizers.Optimizer, optional
        A Keras optimizer name (default ``"sgd"``) or an optimizer whose
        settings (momentum, ...) are copied into a fresh one for the copy: use
        the optimizer you will train with, since momentum changes the step a
        rate makes.
    loss : keras loss, optional
        Default as in :func:`cnnlab.train.fit` (sparse categorical cross-entropy).
    seed : int, optional
        Seeds the batch order and Keras (default 0).
    stop_factor : float, optional
        Stop when the smoothed loss exceeds this many times its lowest value,
        or is not finite (default 4).
    smoothing : float, optional
        Weight of the past in the moving average of the loss, in [0, 1)
        (default 0.9).

    Returns
    -------
    LRRangeResult
        ``rates``, ``losses``, ``smoothed``, ``suggestion``, ``best_rate``,
        ``stopped_early``; ``.plot()`` draws the curve.

    Notes
    -----
    The suggestion rule (lowest smoothed loss ÷ 10) is the simple, robust one
    of fastai's ``lr_min``; Smith (2017) reads the range off the plot by eye.
    The result depends on the batch size and the optimizer: rerun the test
    when either changes.

    Examples
    --------
    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(),
    ...                           keras.layers.Dense(2)])
    >>> before = [w.copy() for w in model.get_weights()]
    >>> x = np.zeros((8, 2, 2, 1), "float32")
    >>> r = lr_range_test(model, (x, np.arange(8) % 2), steps=5)
    >>> all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    True
    """
    min_lr, max_lr = _positive("min_lr", min_lr), _positive("max_lr", max_lr)
    if not max_lr > min_lr:
        raise ValueError(f"`max_lr` must be larger than min_lr={min_lr!r}. "
                         f"Received: max_lr={max_lr!r}.")
    check_int("steps", steps, 2)
    check_int("batch_size", batch_size, 1)
    check_int("seed", seed, 0)
    stop_factor = _positive("stop_factor", stop_factor)
    check_number("smoothing", smoothing, 0, 1, high_open=True)
    import keras

    if not isinstance(optimizer, (str, keras.optimizers.Optimizer)):
        raise ValueError("`optimizer` must be a Keras optimizer name such as 'sgd' or "
                         f"an optimizer object. Received: optimizer={optimizer!r}.")

    from cnnlab.data.pipeline import check_images_labels
    from cnnlab.train.gradients import default_loss

    if not isinstance(model, keras.Model):
        raise ValueError("`model` must be a keras.Model. "
                         f"Received: model of type {type(model).__name__}.")
    if not (isinstance(train, (tuple, list)) and len(train) == 2):
        raise ValueError("`train` must be an (images, labels) pair. "
                         f"Received: train of type {type(train).__name__}.")
    x, y = check_images_labels(train[0], train[1], what="train")
    keras.utils.set_random_seed(seed)
    probe = keras.models.clone_model(model)
    probe.build((None,) + x.shape[1:])
    probe.set_weights(model.get_weights())
    opt = keras.optimizers.get(optimizer) if isinstance(optimizer, str) else optimizer
    opt = type(opt).from_config({**opt.get_config(), "learning_rate": min_lr})
    probe.compile(optimizer=opt, loss=default_loss(model) if loss is None else loss)

    rng = np.random.default_rng(seed)
    order = np.empty(0, dtype=int)
    rates = min_lr * (max_lr / min_lr) ** (np.arange(steps) / (steps - 1))
    losses, smoothed = [], []
    avg, best, stopped = 0.0, math.inf, False
    for i, rate in enumerate(rates):
        if order.size < batch_size:
            order = np.concatenate([order, rng.permutation(len(x))])
        idx, order = order[:batch_size], order[batch_size:]
        probe.optimizer.learning_rate.assign(float(rate))
        value = float(probe.train_on_batch(x[idx], y[idx]))
        losses.append(value)
        avg = smoothing * avg + (1 - smoothing) * value
        smooth = avg / (1 - smoothing ** (i + 1))
        smoothed.append(smooth)
        if not math.isfinite(smooth) or smooth > stop_factor * best:
            stopped = True
            break
        best = min(best, smooth)
    rates = rates[: len(losses)]
    smoothed_arr = np.array(smoothed)
    finite = np.where(np.isfinite(smoothed_arr), smoothed_arr, np.inf)
    best_rate = float(rates[int(np.argmin(finite))])
    return LRRangeResult(rates=rates, losses=np.array(losses), smoothed=smoothed_arr,
                         suggestion=best_rate / 10, best_rate=best_rate,
                         stopped_early=stopped)


def plot_schedules(schedules: dict, steps: int, fig=None):
    """Learning rate against training step for Keras schedules (or constant rates).

    Parameters
    ----------
    schedules : dict
        Label -> a ``keras.optimizers.schedules.LearningRateSchedule`` or a number.
    steps : int
        Training steps to draw.
    fig : matplotlib.figure.Figure, optional
        Draw into this figure instead of a new one.

    Returns
    -------
    matplotlib.figure.Figure
        One line per schedule, in the order of ``schedules``.

    Examples
    --------
    >>> import keras
    >>> cos = keras.optimizers.schedules.CosineDecay(0.0, 90, warmup_target=0.1,
    ...                                              warmup_steps=10)
    >>> fig = plot_schedules({"warm-up + cosine": cos, "constant": 0.05}, 100)
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['warm-up + cosine', 'constant']
    """
    from cnnlab.plot._figure import new_figure

    check_int("steps", steps, 1)
    if not isinstance(schedules, dict) or not schedules:
        raise ValueError("`schedules` must be a non-empty dict label -> schedule or rate. "
                         f"Received: schedules={schedules!r}.")
    fig = new_figure(fig, figsize=(6.4, 3.0))
    ax = fig.add_subplot()
    t = np.arange(steps)
    for label, schedule in schedules.items():
        if callable(schedule):
            values = np.array([float(schedule(int(s))) for s in t])
        else:
            values = np.full(steps, _positive("schedules", schedule))
        ax.plot(t, values, label=label, lw=2)
    ax.set_xlabel("training step (batch)")
    ax.set_ylabel("learning rate")
    ax.legend(fontsize=8)
    return fig
