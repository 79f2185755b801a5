"""Wall time of ``import cnnlab`` and ``import cnnlab.arith`` in a fresh interpreter.

Each import runs in its own subprocess (nothing cached in ``sys.modules``);
the table shows the median over ``--runs`` runs and checks that neither
TensorFlow nor Keras was imported along the way.

Run from the repository root::

    .venv/bin/python benchmarks/bench_import.py [--runs 7]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys, time
t = time.perf_counter()
import {module}
seconds = time.perf_counter() - t
heavy = sorted(m for m in ("tensorflow", "keras") if m in sys.modules)
print(json.dumps({{"seconds": seconds, "heavy": heavy}}))
"""


def measure(module: str, runs: int) -> tuple[float, list[str]]:
    """Median import time of ``module`` and the heavy packages it pulled in."""
    times, heavy = [], set()
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", PROBE.format(module=module)],
                             cwd=ROOT, capture_output=True, text=True, check=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        times.append(result["seconds"])
        heavy.update(result["heavy"])
    return statistics.median(times), sorted(heavy)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    rows = [(m, *measure(m, args.runs)) for m in ("cnnlab", "cnnlab.arith")]
    print(f"{'import':<16}{'median ms':>10}  heavy modules imported (runs={args.runs})")
    for module, seconds, heavy in rows:
        print(f"{module:<16}{seconds * 1e3:>10.1f}  {', '.join(heavy) or 'none'}")
    leaked = [m for m, _, heavy in rows if heavy]
    assert not leaked, f"TensorFlow/Keras imported by: {', '.join(leaked)}"


if __name__ == "__main__":
    main()
