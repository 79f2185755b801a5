"""Time the convolution kinds explorer's update for each kind (run by hand).

    .venv/bin/python benchmarks/bench_viz_convolutions.py

Prints the median time of ``compute`` alone and of a whole update (compute +
draw into the figure) for each kind on a 9x9 and a 16x16 input; the target is
< 50 ms median for the Python side of an update.
"""
import os

from _timing import median_ms  # noqa: E402  (benchmarks/_timing.py)

os.environ.setdefault("MPLBACKEND", "Agg")

from cnnlab.arith.convolutions import KINDS  # noqa: E402
from cnnlab.viz.convolutions import explorer  # noqa: E402


def main():
    w = explorer()
    for size in (9, 16):
        w.controls["size"].value = size
        for kind in KINDS:
            w.controls["kind"].value = kind
            values = w.values()
            compute = median_ms(lambda: w.compute(**values))
            # move the selected pixel each call so every update really redraws
            update = median_ms(lambda i: setattr(w.controls["col"], "value", i % 2),
                               with_index=True)
            print(f"{size:2d}x{size:<2d} {kind:20s} compute {compute:6.2f} ms   "
                  f"update (compute + draw) {update:6.1f} ms")
    assert w.error is None, w.error


if __name__ == "__main__":
    main()
