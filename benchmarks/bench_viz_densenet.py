"""How long a GrowthRateExplorer update takes (run by hand).

    .venv/bin/python benchmarks/bench_viz_densenet.py

Prints the median time of ``compute`` (pure arithmetic) and of a whole
update triggered by a control (compute + draw + display), over a cycle of
growth-rate, block and compression changes. Target: < 50 ms median.
"""
from __future__ import annotations

import itertools
import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")


def main(repeats: int = 30) -> None:
    from cnnlab.viz.densenet import GrowthRateExplorer

    w = GrowthRateExplorer()
    changes = itertools.cycle([("growth_rate", 12), ("growth_rate", 32),
                               ("blocks", "6, 12, 32, 32"), ("compression", 0.7),
                               ("blocks", "6, 12, 64, 48"), ("compression", 0.5),
                               ("k0", 96), ("blocks", "6, 12, 24, 16"), ("k0", 64)])
    compute, update = [], []
    for _ in range(repeats):
        name, value = next(changes)
        w.controls[name].value = value
        update.append(w.last_update_seconds)
        t = time.perf_counter()
        w.compute(**w.values())
        compute.append(time.perf_counter() - t)
    print(f"compute: median {1000 * statistics.median(compute):6.2f} ms")
    print(f"update:  median {1000 * statistics.median(update):6.1f} ms")


if __name__ == "__main__":
    main()
