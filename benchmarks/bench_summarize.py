"""Wall time of ``cnnlab.arith.summarize`` on Keras' VGG16 (``weights=None``).

Building the model is timed separately (once), then ``summarize`` is run
``--runs`` times on the same model and the median is reported.

Run from the repository root::

    .venv/bin/python benchmarks/bench_summarize.py [--runs 5] [--model VGG16]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--model", default="VGG16", help="a keras.applications name")
    args = parser.parse_args()

    t = time.perf_counter()
    import keras
    from cnnlab.arith import summarize
    import_s = time.perf_counter() - t

    t = time.perf_counter()
    model = getattr(keras.applications, args.model)(weights=None)
    build_s = time.perf_counter() - t

    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        summary = summarize(model)
        times.append(time.perf_counter() - t)

    print(f"{args.model}: {len(summary)} rows, {summary.params:,} params, "
          f"{summary.macs:,} MACs, {summary.activations:,} activations")
    print(f"{'step':<32}{'seconds':>10}")
    print(f"{'import keras + cnnlab.arith':<32}{import_s:>10.3f}")
    print(f"{'build (weights=None)':<32}{build_s:>10.3f}")
    print(f"{f'summarize, median of {args.runs}':<32}{statistics.median(times):>10.4f}")


if __name__ == "__main__":
    main()
