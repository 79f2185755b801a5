"""Time the pooling explorer's update on a 256x256 photo (run by hand).

    .venv/bin/python benchmarks/bench_viz_pooling.py

Prints the median time of ``compute`` alone and of a whole update (compute +
draw into the figure) for each pooling mode; the target is < 50 ms median for
the Python side of an update.
"""
import os
import time

from _timing import median_ms  # noqa: E402  (benchmarks/_timing.py)

os.environ.setdefault("MPLBACKEND", "Agg")

from cnnlab.viz.pooling import PoolingExplorer  # noqa: E402




def main():
    w = PoolingExplorer(source="photo: camera", size=256)
    values = w.values()
    print(f"input {w.result['x'].shape}, pool 2, stride 2")
    for mode in ("max", "average", "min", "global average"):
        values["mode"] = mode
        compute = median_ms(lambda: w.compute(**values))
        w.controls["mode"].value = mode
        update = median_ms(w.update)
        print(f"{mode:15s} compute {compute:6.1f} ms   update (compute + draw) {update:6.1f} ms")
    values.update(mode="max", pool_size=3, strides=1)
    print(f"{'max 3x3 / 1':15s} compute {median_ms(lambda: w.compute(**values)):6.1f} ms")


if __name__ == "__main__":
    main()
