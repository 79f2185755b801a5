"""Update time of the VGG widgets (run by hand: python benchmarks/bench_viz_vgg.py).

Measures the Python side of one control change: ``compute`` alone and the
whole update (compute + table + redraw), median of repeated changes.
"""
import time

from _timing import median_ms  # noqa: E402  (benchmarks/_timing.py)

import numpy as np




def main():
    from cnnlab.viz.vgg import FeatureMapExplorer, VGGExplorer

    w = VGGExplorer()
    configs = ["A", "B", "C", "D", "E"]
    print(f"VGGExplorer.compute: {median_ms(lambda i: w.compute(configs[i % 5], 1.0, 224, True), with_index=True):.1f} ms")
    print(f"VGGExplorer update:  {median_ms(lambda i: setattr(w.controls['config'], 'value', configs[i % 5]), with_index=True):.1f} ms")

    from cnnlab.models import mini_vgg
    model = mini_vgg((256, 256, 3), classes=10)
    image = np.random.default_rng(0).uniform(size=(256, 256, 3))
    start = time.perf_counter()
    f = FeatureMapExplorer(model, image)
    print(f"FeatureMapExplorer set-up (256x256): {1000 * (time.perf_counter() - start):.0f} ms")
    names = list(f.activations)
    print(f"FeatureMapExplorer.compute: {median_ms(lambda i: f.compute(names[i % len(names)], 16), with_index=True):.1f} ms")
    print(f"FeatureMapExplorer update:  {median_ms(lambda i: setattr(f.controls['layer'], 'value', names[(i + 1) % len(names)]), with_index=True):.1f} ms")


if __name__ == "__main__":
    main()
