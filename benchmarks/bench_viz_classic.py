"""Time the classic-networks chart: building it, compute, and a whole update (run by hand).

    .venv/bin/python benchmarks/bench_viz_classic.py

Prints the time to build the chart's rows (cold: AlexNet and MobileNet are
built once per session, the heavy ``keras.applications`` models never) and to
build the widget from those rows, then the median time of ``compute`` alone
and of a whole update (compute + draw) for each control; the target is
< 50 ms median for the Python side of an update. The last line adds rendering
the figure to PNG, which the notebook front end pays on display.
"""
import os
import time

from _timing import median_ms  # noqa: E402  (benchmarks/_timing.py)

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main():
    from cnnlab.viz.classic import ClassicNetworksExplorer, chart_rows

    start = time.perf_counter()
    rows = chart_rows()
    cold = time.perf_counter() - start
    start = time.perf_counter()
    w = ClassicNetworksExplorer(rows=rows)
    print(f"rows (cold, builds AlexNet + MobileNet) {cold:5.1f} s; "
          f"widget from rows {1000 * (time.perf_counter() - start):.0f} ms; "
          f"{len(rows)} networks")
    values = w.values()
    print(f"compute                    {median_ms(lambda: w.compute(**values)):6.2f} ms")
    print(f"update (compute + draw)    {median_ms(w.update):6.1f} ms")
    moves = {
        "axis": lambda i: setattr(w.controls["axis"], "value", ("macs", "params")[i % 2]),
        "counts": lambda i: setattr(w.controls["counts"], "value",
                                    ("paper", "cnnlab")[i % 2]),
        "checkbox": lambda i: setattr(w.controls["show_VGG-16"], "value", bool(i % 2)),
        "pick": lambda i: setattr(w.controls["pick"], "value",
                                  ("ResNet-152", "AlexNet")[i % 2]),
    }
    for name, move in moves.items():
        print(f"move {name:9s}             {median_ms(move, with_index=True):6.1f} ms")
    print(f"+ render to PNG (what a notebook's display adds) "
          f"{median_ms(lambda i: (moves['axis'](i), w.figure_png()), with_index=True):6.1f} ms")


if __name__ == "__main__":
    main()
