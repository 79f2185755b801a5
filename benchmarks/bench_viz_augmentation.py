"""How long one AugmentationExplorer update takes on a 256×256 photo (run by hand).

    .venv/bin/python benchmarks/bench_viz_augmentation.py [--repeats 54]

Each update runs the Keras preprocessing layers of the sliders' pipeline on a
batch of 8 copies of the photo (eager, ``training=True``) and puts the new grid
into the figure's existing image. The explorer keeps each layer (rewound to
its seed before it runs) and the batch after each layer, so a slider reruns
only its own layer and those after it, while a re-roll (new seed), the flip
box or the fill mode rerun every layer. Prints the median time of ``compute``
and of the redraw *as they happen inside the updates* (timed by wrapping
them), of the whole update over a cycle of slider, fill-mode, flip and
re-roll changes, of the updates that rerun every layer, and of rendering the
figure to PNG (what a notebook then sends to the browser; not part of the
update). The target is < 150 ms (median) for the Python side of an update.
The first call (Keras' one-off start-up) is left out. Most of the time is
TensorFlow's image transforms: every geometric layer (rotation, shift, shear,
zoom) resamples the whole batch once.
"""
from __future__ import annotations

import argparse
import io
import itertools
import os
import statistics
import time

from _timing import median_ms  # noqa: E402  (benchmarks/_timing.py)

os.environ.setdefault("MPLBACKEND", "Agg")

#: changes after which every layer runs again (nothing kept can be reused)
RERUN_ALL = ("seed", "flip", "fill_mode")


def timed(func, times):
    """``func`` that appends its wall time to ``times`` on every call."""
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            times.append(time.perf_counter() - start)
    return wrapper


def main(repeats: int = 54) -> None:
    from cnnlab.viz.augmentation import AugmentationExplorer

    w = AugmentationExplorer(size=256, samples=8)
    assert w.result["samples"].shape == (8, 256, 256, 3), w.message.value
    compute, draw = [], []
    w.compute = timed(w.compute, compute)      # instance attributes shadow the methods
    w._redraw = timed(w._redraw, draw)
    # every step changes a value (setting a control to its value triggers no update)
    changes = itertools.cycle([("rotation", 40.0), ("shift", 0.2), ("shear", 15.0),
                               ("zoom", 0.3), ("brightness", 0.2), ("contrast", 0.3),
                               ("fill_mode", "constant"), ("flip", False), ("seed", None),
                               ("rotation", 10.0), ("fill_mode", "reflect"),
                               ("shear", 0.0), ("brightness", 0.0), ("flip", True),
                               ("shift", 0.1), ("zoom", 0.1), ("contrast", 0.0),
                               ("rotation", 20.0)])
    update, cpu, rerun_all = [], [], []
    for _ in range(repeats):
        name, value = next(changes)
        updates, c0 = w.updates, time.process_time()
        if name == "seed":
            w.reroll.click()                       # whole update, as in a notebook
        else:
            w.controls[name].value = value
        cpu.append(time.process_time() - c0)
        assert w.error is None and w.result is not None, w.message.value
        assert w.updates == updates + 1, f"{name}={value!r} did not trigger an update"
        update.append(w.last_update_seconds)
        if name in RERUN_ALL:
            rerun_all.append(w.last_update_seconds)

    def png():
        w._fig.savefig(io.BytesIO(), format="png")

    render = median_ms(png, repeat=7)
    ms = lambda xs: f"{1000 * statistics.median(xs):6.1f} ms"  # noqa: E731
    print(f"AugmentationExplorer on 256x256, 8 samples, {repeats} updates (median)")
    print(f"  compute      {ms(compute)}")
    print(f"  draw         {ms(draw)}")
    print(f"  whole update {ms(update)}   (target < 150 ms)")
    print(f"  whole update rerunning every layer (re-roll, flip, fill mode) {ms(rerun_all)}")
    print(f"  CPU time of a whole update {ms(cpu)}   (all threads; less load-dependent)")
    print(f"  PNG render of the figure {render:6.1f} ms   (after the update, in a notebook)")
    print(f"  load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=54)
    main(parser.parse_args().repeats)
