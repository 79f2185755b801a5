"""Wall time of every lesson in the default (full) profile, executed like ``nbconvert --execute``.

Runs each notebook in ``lessons/`` through nbclient in a fresh kernel, one at
a time, and prints a table of seconds. Use it on an idle machine; the test
suite runs the same notebooks two at a time.

    .venv/bin/python benchmarks/bench_lessons.py [--profile full|ci] [lessons/04_vgg.ipynb ...]
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]


def run(path: Path, profile: str) -> float:
    env = dict(os.environ, CNNLAB_PROFILE=profile, TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("MPLBACKEND", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=600,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.monotonic()
    client.execute(env=env)
    return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--profile", default="full", choices=("full", "ci"))
    args = parser.parse_args()
    paths = args.notebooks or sorted((REPO / "lessons").glob("*.ipynb"))
    print(f"| lesson | seconds ({args.profile} profile) |\n|---|---:|")
    total = 0.0
    for path in paths:
        seconds = run(path, args.profile)
        total += seconds
        print(f"| {path.stem} | {seconds:.0f} |", flush=True)
    print(f"| all | {total:.0f} |  (load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
