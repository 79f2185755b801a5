"""How long one AugmentationExplorer update takes on a 256×256 photo (run by hand).

    .venv/bin/python benchmarks/bench_viz_augmentation.py

Each update builds the Keras pipeline from the sliders, runs a batch of 8
copies of the photo through it (eager, ``training=True``) and redraws the
grid. Prints the median time of ``compute`` alone, of ``draw`` onto the
figure, and of a whole update triggered by a control, over a cycle of slider,
fill-mode and re-roll changes. The target is < 50 ms (median) for the Python
side of an update. The first call (Keras' one-off start-up) is left out.
Most of the time is TensorFlow's image transforms: every geometric layer
(rotation, shift, shear, zoom) resamples the whole batch once.
"""
from __future__ import annotations

import itertools
import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")


def main(repeats: int = 30) -> None:
    from cnnlab.viz.augmentation import AugmentationExplorer

    w = AugmentationExplorer(size=256, samples=8)
    assert w.result["samples"].shape == (8, 256, 256, 3), w.message.value
    changes = itertools.cycle([("rotation", 40.0), ("shift", 0.2), ("shear", 15.0),
                               ("zoom", 0.3), ("brightness", 0.2), ("contrast", 0.3),
                               ("fill_mode", "constant"), ("flip", False), ("seed", None),
                               ("rotation", 10.0), ("fill_mode", "reflect"),
                               ("shear", 0.0), ("brightness", 0.0), ("flip", True)])
    compute, draw, update, cpu = [], [], [], []
    for _ in range(repeats):
        name, value = next(changes)
        c0 = time.process_time()
        if name == "seed":
            w.reroll.click()                       # whole update, as in a notebook
        else:
            w.controls[name].value = value
        update.append(w.last_update_seconds)
        cpu.append(time.process_time() - c0)
        t = time.perf_counter()
        result = w.compute(**w.values())
        compute.append(time.perf_counter() - t)
        t = time.perf_counter()
        w._fig.clear()
        w.draw(result, w._fig)
        draw.append(time.perf_counter() - t)
        assert w.error is None and w.result is not None, w.message.value
    ms = lambda xs: f"{1000 * statistics.median(xs):6.1f} ms"  # noqa: E731
    print(f"AugmentationExplorer on 256x256, 8 samples, {repeats} updates (median)")
    print(f"  compute      {ms(compute)}")
    print(f"  draw         {ms(draw)}")
    print(f"  whole update {ms(update)}   (target < 50 ms)")
    print(f"  CPU time of a whole update {ms(cpu)}   (all threads; less load-dependent)")


if __name__ == "__main__":
    main()
