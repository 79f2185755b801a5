"""How long a DepthExplorer update takes (run by hand).

    .venv/bin/python benchmarks/bench_viz_residual.py

The first visit to a (depth, kind) builds a Keras model (seconds); later
visits reuse it and cost one forward and backward pass on 32 digits plus the
drawing. Prints the median of cached updates (compute alone and whole
update) and the one-off build times. The target for a cached update is
< 50 ms of Python-side work where possible; a backward pass through a 56-layer
net on a CPU is the floor.
"""
from __future__ import annotations

import itertools
import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main(repeats: int = 20) -> None:
    from cnnlab.viz.residual import DepthExplorer

    w = DepthExplorer(depths=(8, 20, 56), depth=8)
    builds = {}
    for depth, residual in itertools.product((8, 20, 56), (False, True)):
        t = time.perf_counter()
        w.model(depth, residual)
        w.compute(depth=depth, residual=residual)      # first pass traces the graph
        builds[(depth, residual)] = time.perf_counter() - t
    settings = itertools.cycle(itertools.product((8, 20, 56), (False, True)))
    compute, update = [], []
    for _ in range(repeats):
        depth, residual = next(settings)
        w.controls["depth"].value = depth
        w.controls["residual"].value = residual
        update.append(w.last_update_seconds)
        t = time.perf_counter()
        w.compute(depth=depth, residual=residual)
        compute.append(time.perf_counter() - t)
    for key, seconds in builds.items():
        print(f"first visit depth={key[0]:>2} residual={key[1]!s:5}: {seconds:6.2f} s")
    print(f"cached compute: median {1000 * statistics.median(compute):7.1f} ms")
    print(f"cached update:  median {1000 * statistics.median(update):7.1f} ms")


if __name__ == "__main__":
    main()
