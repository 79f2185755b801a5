"""CPU cost of one update of every explorer in ``cnnlab.viz``: compute, draw, PNG, whole.

Run by hand::

    .venv/bin/python benchmarks/bench_widgets.py [--repeats 20] [--save /tmp/widgets]
                                                 [--only ConvExplorer PoolingExplorer]

Each explorer is built as its lesson builds it where that is cheap (the
convolution, pooling and augmentation explorers on a 256x256 photo, the
feature-map explorer on a mini VGG, the transfer explorer on MobileNetV2);
explorers that need a model get a small one otherwise. The benchmark then
moves each control between its value and a neighbouring one (slider: one
step; dropdown: another option; checkbox: toggled), first once through the
cycle untimed (first visits build models and caches), then ``--repeats`` times
timed, and prints one table of medians per move:

- ``compute``: ``compute`` (the pure part; TensorFlow work included);
- ``draw``: putting the result on the figure (``draw`` or a widget's in-place
  ``_redraw``), without the PNG;
- ``png``: rendering the figure to the PNG the widget shows
  (``ExplorerBase._picture``: Agg drawing -- the whole figure, or only the
  artists the widget marked with ``animate`` over the kept rest -- plus
  encoding at zlib level 1);
- ``pictures``: how the timed pictures were made: ``whole`` figure drawn,
  ``blit`` (animated artists over the kept rest), ``same`` (nothing changed);
- ``total``: the whole ``control.value = …`` statement, as a notebook runs it
  (observers, compute, draw, PNG, message and table updates).

Times are CPU milliseconds of the whole process (``time.process_time``: other
jobs on the machine do not count, TensorFlow's worker threads do), so a busy
machine changes them less than wall time; the load average is printed anyway.
The browser adds the transfer and the picture swap
(``benchmarks/bench_widgets_browser.py``). The PNG is rendered because an
IPython shell (no kernel) is active: ``ExplorerBase`` then draws synchronously,
exactly as in a notebook minus the render thread.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

#: explorers built with arguments: class name -> code giving the widget
#: (``cnnlab`` and ``np`` in scope); the rest are built with no arguments
SETUPS = {
    "ConvExplorer": "cnnlab.viz.conv.ConvExplorer(size=256, source='photo: chelsea')",
    "PoolingExplorer": "cnnlab.viz.pooling.PoolingExplorer(source='photo: camera', size=256)",
    "AugmentationExplorer": "cnnlab.viz.augmentation.AugmentationExplorer(size=256, samples=8)",
    "DepthExplorer": "cnnlab.viz.residual.DepthExplorer(depths=(8, 20), depth=8)",
    "FeatureMapExplorer": (
        "cnnlab.viz.vgg.FeatureMapExplorer(cnnlab.models.mini_vgg((256, 256, 3), classes=10),"
        " np.random.default_rng(0).uniform(size=(256, 256, 3)).astype('float32'))"),
    "TransferExplorer": (
        "cnnlab.viz.transfer.TransferExplorer(cnnlab.models.transfer.new_head("
        "keras.applications.MobileNetV2(weights=None, include_top=False,"
        " input_shape=(96, 96, 3)), 10))"),
    "ExplainExplorer": (
        "cnnlab.viz.explain.ExplainExplorer(keras.Sequential([keras.Input((32, 32, 3)),"
        " keras.layers.Conv2D(8, 3, activation='relu'), keras.layers.GlobalAveragePooling2D(),"
        " keras.layers.Dense(2, activation='softmax')]),"
        " np.random.default_rng(0).uniform(size=(4, 32, 32, 3)).astype('float32'))"),
    "PhotoClassifier": (
        "cnnlab.viz.upload.PhotoClassifier(keras.Sequential([keras.Input((32, 32, 3)),"
        " keras.layers.Flatten(), keras.layers.Dense(1, activation='sigmoid')]),"
        " ['circle', 'cross'])"),
}


def moves(widget) -> list[tuple[str, object]]:
    """(control, value) pairs that move each control away and back."""
    pairs = []
    for name, control in widget.controls.items():
        if not hasattr(control, "value"):
            continue
        value, other = control.value, None
        options = getattr(control, "options", None)
        if isinstance(value, bool):
            other = not value
        elif options and isinstance(value, (str, int, float)):
            values = [o[1] if isinstance(o, tuple) else o for o in options]
            other = next((v for v in values if v != value), None)
        elif isinstance(value, (int, float)) and hasattr(control, "max"):
            step = getattr(control, "step", 1) or 1
            other = value + step if value + step <= control.max else value - step
        if other is not None:
            pairs += [(name, other), (name, value)]
    return pairs


class Clock:
    """Accumulates process CPU time per named part while one move runs."""

    def __init__(self):
        self.parts = {}

    def wrap(self, name, func):
        def timed(*args, **kwargs):
            start = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                self.parts[name] = self.parts.get(name, 0.0) + time.process_time() - start
        return timed


def measure(widget, repeats: int) -> dict:
    """Median CPU ms of compute, draw, PNG and the whole move over ``repeats`` moves."""
    clock = Clock()
    # instance attributes shadow the methods; a subclass's _redraw calling
    # super()._redraw() still reaches the timed _show through self
    widget.compute = clock.wrap("compute", widget.compute)
    widget._redraw = clock.wrap("redraw", widget._redraw)
    widget._show = clock.wrap("png", widget._show)
    pairs = moves(widget)
    if not pairs:
        return {}
    for name, value in pairs:                         # warm-up: first visits build caches
        widget.controls[name].value = value
    rows = {"compute": [], "draw": [], "png": [], "total": []}
    problems = []
    draws_before = dict(widget._draws)
    for i in range(repeats):
        name, value = pairs[i % len(pairs)]
        clock.parts = {}
        start = time.process_time()
        widget.controls[name].value = value
        total = time.process_time() - start
        if widget.error is not None or widget.result is None:
            problems.append(f"{name}={value!r}")
        parts = clock.parts
        rows["compute"].append(parts.get("compute", 0.0))
        rows["png"].append(parts.get("png", 0.0))
        rows["draw"].append(parts.get("redraw", 0.0) - parts.get("png", 0.0))
        rows["total"].append(total)
    out = {k: 1000 * statistics.median(v) for k, v in rows.items()}
    out["controls"] = sorted({name for name, _ in pairs})
    out["problems"] = sorted(set(problems))
    out["draws"] = {k: widget._draws[k] - draws_before[k] for k in widget._draws}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--only", nargs="*", default=None, help="class names")
    parser.add_argument("--save", default="", help="folder for each widget's last picture")
    args = parser.parse_args()

    from IPython.core.interactiveshell import InteractiveShell
    InteractiveShell.instance()       # get_ipython() is set: widgets render their PNG

    import numpy as np

    import cnnlab

    classes = cnnlab.viz.explorers()
    names = sorted(classes) if not args.only else args.only
    print(f"{'explorer':26s} {'compute':>8s} {'draw':>8s} {'png':>8s} {'total':>8s}   pictures   "
          f"CPU ms, median of {args.repeats} moves")
    for name in names:
        code = SETUPS.get(name, f"cnnlab.viz.{classes[name].__module__.split('.')[-1]}"
                                f".{name}()")
        scope = {"cnnlab": cnnlab, "np": np}
        if "keras." in code:
            import keras
            scope["keras"] = keras
        widget = eval(code, scope)  # noqa: S307 - our own table above
        r = measure(widget, args.repeats)
        if not r:
            print(f"{name:26s} (no control to move)")
            continue
        note = f"   (no picture after {', '.join(r['problems'])})" if r["problems"] else ""
        draws = " ".join(f"{k} {v}" for k, v in r["draws"].items() if v)
        print(f"{name:26s} {r['compute']:8.1f} {r['draw']:8.1f} {r['png']:8.1f} "
              f"{r['total']:8.1f}   {draws}{note}", flush=True)
        if args.save:
            os.makedirs(args.save, exist_ok=True)
            with open(os.path.join(args.save, f"{name}.png"), "wb") as f:
                f.write(bytes(widget.out.value))
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load}")


if __name__ == "__main__":
    main()
