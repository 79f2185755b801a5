"""Speed of cnnlab.ops.conv2d (NumPy, im2col) against keras.ops.conv (TensorFlow).

Run by hand, never in CI::

    .venv/bin/python benchmarks/bench_conv2d.py [--repeats 15]

Forward: x (8, 32, 32, 64) float32, w (3, 3, 64, 64), "same", stride 1.
Backward: conv2d_backward against tf.GradientTape on tf.nn.conv2d, same shapes.
Both sides are warmed up first, then timed in the same run; the median of
``--repeats`` runs is printed with the ratio NumPy / TensorFlow.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

import numpy as np  # noqa: E402

from cnnlab.ops import conv2d, conv2d_backward  # noqa: E402


def median_seconds(fns, repeats: int, warmup: int = 3) -> list[float]:
    """Median wall time of each function over ``repeats`` runs, after warm-up.

    The functions are run in turn (A, B, A, B, ...) so that load from other
    processes on a shared machine falls on both alike.
    """
    for _ in range(warmup):
        for fn in fns:
            fn()
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, record in zip(fns, times):
            start = time.perf_counter()
            fn()
            record.append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def main(repeats: int = 15) -> dict:
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 32, 32, 64), dtype=np.float32)
    w = rng.standard_normal((3, 3, 64, 64), dtype=np.float32)
    dy = rng.standard_normal((8, 32, 32, 64), dtype=np.float32)
    xt, wt, dyt = (tf.constant(a) for a in (x, w, dy))

    def keras_forward():
        return keras.ops.convert_to_numpy(keras.ops.conv(xt, wt, padding="same"))

    def tf_backward():
        with tf.GradientTape() as tape:
            tape.watch([xt, wt])
            y = tf.nn.conv2d(xt, wt, strides=1, padding="SAME")
        dx, dw = tape.gradient(y, [xt, wt], output_gradients=dyt)
        return dx.numpy(), dw.numpy()

    np.testing.assert_allclose(conv2d(x, w, padding="same"), keras_forward(),
                               rtol=1e-4, atol=1e-3)
    results = {}
    for name, ours, theirs in [
            ("forward  conv2d vs keras.ops.conv",
             lambda: conv2d(x, w, padding="same"), keras_forward),
            ("backward conv2d_backward vs GradientTape",
             lambda: conv2d_backward(dy, x, w, padding="same"), tf_backward)]:
        t_ours, t_theirs = median_seconds([ours, theirs], repeats)
        results[name] = (t_ours, t_theirs)
        print(f"{name}: numpy {t_ours * 1e3:7.2f} ms, tensorflow {t_theirs * 1e3:7.2f} ms, "
              f"ratio {t_ours / t_theirs:4.2f}x (median of {repeats})")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    main(parser.parse_args().repeats)
