"""Training speed of the NumPy network (cnnlab.scratch) against the same model in Keras.

Run by hand, never in CI::

    .venv/bin/python benchmarks/bench_scratch.py [--images 1024] [--batch-size 32] [--repeats 3]

The model is lesson 13's ``scratch.small_vgg()`` (conv 8-8, pool, conv 16-16,
pool, dense 10; 6,722 parameters) on 28x28x1 digits, float32, Adam, sparse
cross-entropy from logits. Keras gets the identical model (``to_keras()``),
compiled once and warmed up by one epoch; NumPy by one batch. Then one epoch
of each is timed in turn (NumPy, Keras, NumPy, ...) ``--repeats`` times, so
load from other processes falls on both alike, and the medians are printed.
Goal (issue 18): NumPy at least a third of Keras' images/s on CPU.
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

from cnnlab import scratch  # noqa: E402
from cnnlab.data import load  # noqa: E402


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=1024)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    import keras

    x, y, _ = load("digits")
    x, y = x[:args.images], y[:args.images]
    net = scratch.small_vgg((28, 28, 1), 10, seed=0)
    model = net.to_keras()
    model.compile(optimizer=keras.optimizers.Adam(),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=args.batch_size, epochs=1, verbose=0)          # warm-up
    optimizer = scratch.Adam()
    net.fit(x[:args.batch_size], y[:args.batch_size], epochs=1, batch_size=args.batch_size,
            optimizer=optimizer, verbose=False)                                # warm-up

    rates = {"NumPy (cnnlab.scratch)": [], "Keras (TensorFlow CPU)": []}
    for _ in range(args.repeats):
        start = time.perf_counter()
        net.fit(x, y, epochs=1, batch_size=args.batch_size, optimizer=optimizer, verbose=False)
        rates["NumPy (cnnlab.scratch)"].append(len(x) / (time.perf_counter() - start))
        start = time.perf_counter()
        model.fit(x, y, batch_size=args.batch_size, epochs=1, verbose=0)
        rates["Keras (TensorFlow CPU)"].append(len(x) / (time.perf_counter() - start))
    medians = {k: statistics.median(v) for k, v in rates.items()}
    print(f"small_vgg, {net.count_params():,} parameters, {len(x):,} digits 28x28x1, "
          f"batch {args.batch_size}, float32, Adam; median of {args.repeats} epochs, "
          f"{os.cpu_count()} CPU cores")
    for name, rate in medians.items():
        print(f"  {name:<24} {rate:8,.0f} training images/s")
    ratio = medians["NumPy (cnnlab.scratch)"] / medians["Keras (TensorFlow CPU)"]
    verdict = "meets" if ratio >= 1 / 3 else "misses"
    print(f"  NumPy / Keras: {ratio:.2f} ({verdict} the goal of at least 1/3)")
    return {**medians, "ratio": ratio}


if __name__ == "__main__":
    main()
