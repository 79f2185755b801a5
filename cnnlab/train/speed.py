"""How fast trained Keras models classify: ``inference_speed(model, x)`` in images/s.

Examples
--------
>>> import keras, numpy as np
>>> m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
>>> inference_speed(m, np.zeros((64, 4), "float32"), repeats=1, min_seconds=0.01) > 0
True
"""
from __future__ import annotations

import time

from cnnlab._validate import check_int, check_number

__all__ = ["inference_speed"]


def _timed_pass(model, x, batch_size: int, min_seconds: float) -> float:
    """Images per second of ``predict`` over ``x``, repeated until ``min_seconds`` passed."""
    images, start = 0, time.perf_counter()
    while True:
        model.predict(x, batch_size=batch_size, verbose=0)
        images += len(x)
        seconds = time.perf_counter() - start
        if seconds >= min_seconds:
            return images / seconds


def inference_speed(models, x, *, batch_size: int = 128, repeats: int = 3,
                    min_seconds: float = 0.5):
    """Images per second of ``model.predict`` on ``x``: the best of ``repeats`` timed passes.

    One untimed pass first traces the graph and warms the caches. Each timed
    pass runs ``predict`` over ``x`` until at least ``min_seconds`` have gone
    by, so a small ``x`` is not timed by a few milliseconds of noise; the best
    (not the mean) pass is the least disturbed by other work on the machine.
    Given several models (a dict), their passes take turns, so a burst of
    other work slows each of them alike and the comparison stays fair.

    Parameters
    ----------
    models : keras.Model or dict of name -> keras.Model
    x : array of images (N, H, W, C)
    batch_size : int, optional
        Images per ``predict`` batch (default 128).
    repeats : int, optional
        Timed passes per model (default 3).
    min_seconds : float, optional
        Shortest timed pass (default 0.5 s).

    Returns
    -------
    int, or dict of name -> int
        Images per second, rounded.
    """
    check_int("batch_size", batch_size, 1)
    check_int("repeats", repeats, 1)
    check_number("min_seconds", min_seconds, 0, low_open=True)
    named = models if isinstance(models, dict) else {None: models}
    for model in named.values():
        model.predict(x, batch_size=batch_size, verbose=0)        # warm-up, tracing
    best = dict.fromkeys(named, 0.0)
    for _ in range(repeats):
        for name, model in named.items():                         # taking turns
            best[name] = max(best[name], _timed_pass(model, x, batch_size, min_seconds))
    rates = {name: round(rate) for name, rate in best.items()}
    return rates if isinstance(models, dict) else rates[None]
