"""How long one ConvExplorer update takes on a 256×256 photo (run by hand).

    .venv/bin/python benchmarks/bench_viz_conv.py

Prints the median time of ``compute`` alone, of ``draw`` onto the figure, and
of a whole update triggered by a control (compute + draw + handing the figure
to the Output widget), each over a cycle of stride/padding/dilation/preset
changes. The target is < 50 ms (median) for the Python side of an update.
"""
from __future__ import annotations

import itertools
import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")


def main(repeats: int = 30) -> None:
    from cnnlab.viz.conv import ConvExplorer

    w = ConvExplorer(size=256)
    w.controls["source"].value = "photo: chelsea"
    assert w.result["image"].shape == (256, 256), w.message.value
    changes = itertools.cycle([("stride", 2), ("stride", 1), ("padding", "same"),
                               ("dilation", 2), ("padding", "valid"), ("dilation", 1),
                               ("preset", "edges: Sobel x"), ("preset", "blur: box"),
                               ("row", 100), ("col", 40)])
    compute, draw, update = [], [], []
    for _ in range(repeats):
        name, value = next(changes)
        if w.controls[name].value == value:
            name, value = next(changes)
        w.controls[name].value = value            # whole update, as in a notebook
        update.append(w.last_update_seconds)
        t = time.perf_counter()
        result = w.compute(**w.values())
        compute.append(time.perf_counter() - t)
        t = time.perf_counter()
        w.draw(result, w._fig)
        draw.append(time.perf_counter() - t)
        assert w.error is None and w.result is not None
    ms = lambda xs: f"{1000 * statistics.median(xs):6.1f} ms"  # noqa: E731
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"ConvExplorer on 256x256, {repeats} updates (median); "
          f"{os.cpu_count()} CPUs, load average {load}")
    print(f"  compute      {ms(compute)}")
    print(f"  draw         {ms(draw)}")
    print(f"  whole update {ms(update)}   (target < 50 ms)")


if __name__ == "__main__":
    main()
