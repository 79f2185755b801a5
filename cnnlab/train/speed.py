"""How fast a trained Keras model classifies: ``inference_speed(model, x)`` in images/s.

Examples
--------
>>> import keras, numpy as np
>>> m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
>>> inference_speed(m, np.zeros((64, 4), "float32"), repeats=1) > 0
True
"""
from __future__ import annotations

import time

from cnnlab._validate import check_int

__all__ = ["inference_speed"]


def inference_speed(model, x, *, batch_size: int = 128, repeats: int = 3) -> int:
    """Images per second of ``model.predict`` on ``x``: the best of ``repeats`` timed passes.

    One untimed pass first traces the graph and warms the caches; the best
    (not the mean) of the timed passes is the least disturbed by other work
    on a shared machine.

    Parameters
    ----------
    model : keras.Model
    x : array of images (N, H, W, C)
    batch_size : int, optional
        Images per ``predict`` batch (default 128).
    repeats : int, optional
        Timed passes (default 3).

    Returns
    -------
    int
        ``len(x)`` divided by the fastest pass, rounded.
    """
    check_int("batch_size", batch_size, 1)
    check_int("repeats", repeats, 1)
    model.predict(x, batch_size=batch_size, verbose=0)            # warm-up, tracing
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict(x, batch_size=batch_size, verbose=0)
        best = min(best, time.perf_counter() - start)
    return round(len(x) / best)
